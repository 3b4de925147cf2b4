import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { requireScope, type Actor } from '../../platform/actor.js';
import { DomainError, invalid } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, keyset, toPage, type Page, type PageInput } from '../../platform/pagination.js';
import { auditLog, events } from '../../platform/platform.tables.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { AuditQuery, EventFeedQuery, type AuditEntry, type Event } from './integration.schemas.js';

/**
 * Audit trail, event feed, API keys and webhooks are tenant-wide: partner users never use them, nor tenant users whose
 * staff data scope limits them to some partners (the feeds cannot be confined, and a new API key would escape the scope).
 */
export function requireTenantUser(actor: Actor): void {
  if (actor.partnerId) throw new DomainError('FORBIDDEN', 'Partner users cannot read tenant-wide integration data');
  if (actor.scopedPartnerIds) throw new DomainError('FORBIDDEN', "Credentials limited to a staff member's data scope cannot use tenant-wide integration data");
}

type EventRow = typeof events.$inferSelect;

export function toEvent(r: EventRow): Event {
  return {
    id: r.id,
    seq: String(r.seq),
    type: r.type,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    occurredAt: r.occurredAt.toISOString(),
    subject: r.subject,
    requestId: r.requestId,
    payload: r.payload,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AuditService {
  constructor(private readonly store: Store) {}

  /** Newest first. Filter by resource (type, optionally id) and/or by subject. */
  async list(actor: Actor, input: AuditQuery & PageInput): Promise<Page<AuditEntry>> {
    requireScope(actor, 'audit:read');
    requireTenantUser(actor);
    const q = parseInput(AuditQuery, input);
    if (q.resourceId && !q.resourceType) throw invalid('resourceType', 'is required with resourceId');
    const conds: (SQL | undefined)[] = [eq(auditLog.tenantId, actor.tenantId)];
    if (q.resourceType) conds.push(eq(auditLog.resourceType, q.resourceType));
    if (q.resourceId) conds.push(eq(auditLog.resourceId, q.resourceId));
    if (q.subject) conds.push(eq(auditLog.subject, q.subject));
    const after = decodeCursor(input.cursor) as [string] | undefined;
    if (after) {
      if (typeof after[0] !== 'string' || !UUID.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
    }
    const ks = keyset(input, [{ col: auditLog.id, desc: true }], after);
    const rows = await this.store.db
      .select()
      .from(auditLog)
      .where(and(...conds, ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => ({
        id: r.id,
        occurredAt: r.occurredAt.toISOString(),
        actorKind: r.actorKind,
        subject: r.subject,
        tokenId: r.tokenId,
        partnerId: r.partnerId,
        requestId: r.requestId,
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        action: r.action,
        changes: r.changes,
      })),
      input,
      (a) => [a.id],
    );
  }
}

export class EventFeedService {
  constructor(private readonly store: Store) {}

  /**
   * Events after a cursor, in seq order. Seqs of one tenant are drawn under a per-tenant lock held until commit
   * (Work.flush), so seq order is commit order: everything visible below the last returned seq is final, and a
   * poller that follows nextCursor sees every event exactly once.
   */
  async feed(actor: Actor, input: Partial<EventFeedQuery> & { limit: number }): Promise<{ items: Event[]; nextCursor: string }> {
    requireScope(actor, 'events:read');
    requireTenantUser(actor);
    const q = parseInput(EventFeedQuery, input);
    let after = 0;
    if (q.after) {
      const c = decodeCursor(q.after) as [unknown];
      if (typeof c[0] !== 'string' || !/^\d{1,19}$/.test(c[0])) throw invalid('after', 'is not a cursor this endpoint issued');
      after = Number(c[0]);
    }
    const types = q.types
      ? q.types
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    const conds: (SQL | undefined)[] = [eq(events.tenantId, actor.tenantId), gt(events.seq, after)];
    if (types.length) conds.push(inArray(events.type, types));
    const rows = await this.store.db
      .select()
      .from(events)
      .where(and(...conds))
      .orderBy(asc(events.seq))
      .limit(q.limit);
    const last = rows[rows.length - 1];
    return { items: rows.map(toEvent), nextCursor: encodeCursor([String(last ? last.seq : after)]) };
  }
}
