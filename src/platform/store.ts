import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { auditLog, events } from './platform.tables.js';
import type { Actor } from './actor.js';
import { outsideTenant, withTenant, type Database, type Db } from './db.js';

export interface AuditEntry {
  resourceType: string;
  resourceId: string;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface DomainEvent {
  type: string;
  resourceType: string;
  resourceId: string;
  payload: Record<string, unknown>;
}

/** First key of the per-tenant advisory lock that orders event commits (second key: hashtext(tenant_id)). */
export const EVENTS_LOCK_KEY = 0x65766e74;

const NOISE = new Set(['updatedAt', 'createdAt']);

/** Changed fields only: { field: { from, to } }. A create has from = null; a delete has to = null. */
export function diff(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    if (NOISE.has(k)) continue;
    const a = before?.[k] ?? null;
    const b = after?.[k] ?? null;
    if (JSON.stringify(normalize(a)) !== JSON.stringify(normalize(b))) out[k] = { from: normalize(a), to: normalize(b) };
  }
  return out;
}

function normalize(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

/**
 * A unit of work: one transaction bound to one actor. Audit rows and outbox events recorded through it are
 * written in the same transaction as the change, so a rolled-back write leaves neither.
 */
export class Work {
  private readonly audits: AuditEntry[] = [];
  private readonly emitted: DomainEvent[] = [];
  private readonly commitHooks: (() => void)[] = [];

  constructor(
    readonly tx: Db,
    readonly actor: Actor,
  ) {}

  get tenantId(): string {
    return this.actor.tenantId;
  }

  audit(entry: AuditEntry): void {
    this.audits.push(entry);
  }

  emit(event: DomainEvent): void {
    this.emitted.push(event);
  }

  /** runs after a successful commit (e.g. wake the event dispatcher) */
  afterCommit(fn: () => void): void {
    this.commitHooks.push(fn);
  }

  async flush(): Promise<void> {
    const a = this.actor;
    if (this.audits.length) {
      await this.tx.insert(auditLog).values(
        this.audits.map((e) => ({
          tenantId: a.tenantId,
          id: uuidv7(),
          actorKind: a.kind,
          subject: a.subject,
          tokenId: a.tokenId ?? null,
          partnerId: a.partnerId ?? null,
          requestId: a.requestId ?? null,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
          action: e.action,
          changes: diff(e.before, e.after),
        })),
      );
      this.audits.length = 0;
    }
    if (this.emitted.length) {
      // Event order = commit order, per tenant: the seqs are drawn under a transaction-level lock held until
      // commit, so a reader that sees seq N also sees every committed event of the tenant below N (the feed
      // and the webhook fan-out read `seq > cursor` and can never skip a late-committing lower seq).
      await this.tx.execute(sql`select pg_advisory_xact_lock(${EVENTS_LOCK_KEY}, hashtext(${a.tenantId}))`);
      await this.tx.insert(events).values(
        this.emitted.map((e) => ({
          tenantId: a.tenantId,
          id: uuidv7(),
          type: e.type,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
          payload: e.payload,
          subject: a.subject,
          requestId: a.requestId ?? null,
        })),
      );
      this.emitted.length = 0;
    }
  }

  runCommitHooks(): void {
    for (const h of this.commitHooks) {
      try {
        h();
      } catch {
        /* a hook never fails a committed write */
      }
    }
  }
}

export type CommitListener = (tenantId: string) => void;

/** What an import reports when it is over (metrics). */
export type ImportListener = (r: { accepted: number; rejected: number; dryRun: boolean }) => void;

/**
 * The one entry point for tenant-scoped database work. Writes run in a transaction with a Work that carries the
 * actor; reads get the database handle and must filter by actor.tenantId (every table leads with tenant_id).
 */
export class Store {
  private readonly listeners: CommitListener[] = [];
  private readonly importListeners: ImportListener[] = [];
  /** errors of rejected rows an import report lists (IMPORT_MAX_ERRORS; server.ts and worker.ts set it) */
  importMaxErrors = 1000;

  constructor(readonly database: Database) {}

  get db(): Db {
    return this.database.db;
  }

  /** called after any write that emitted events has committed */
  onEventsCommitted(fn: CommitListener): void {
    this.listeners.push(fn);
  }

  /** called when an import is over, with its counts */
  onImportFinished(fn: ImportListener): void {
    this.importListeners.push(fn);
  }

  importFinished(r: { accepted: number; rejected: number; dryRun: boolean }): void {
    for (const l of this.importListeners) l(r);
  }

  async write<T>(actor: Actor, fn: (w: Work) => Promise<T>): Promise<T> {
    let work!: Work;
    let emitted = false;
    // the transaction runs under the tenant's row-level security policy (db.ts), whatever the caller's scope
    const result = await withTenant(actor.tenantId, () =>
      this.database.db.transaction(async (tx) => {
        work = new Work(tx as unknown as Db, actor);
        const r = await fn(work);
        emitted = (work as unknown as { emitted: DomainEvent[] }).emitted.length > 0;
        await work.flush();
        return r;
      }),
    );
    // what a commit wakes (the event dispatcher, caches) works across tenants: not in the caller's scope
    outsideTenant(() => {
      work.runCommitHooks();
      if (emitted) for (const l of this.listeners) l(actor.tenantId);
    });
    return result;
  }
}
