import { Readable } from 'node:stream';
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { hasScope, requireScope, type Actor } from '../../platform/actor.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { type AsyncImportHandler, groupByLine, importsOf, type ImportReport, type ImportSpec, type RowError, runImport } from '../../platform/imports.js';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.js';
import type { Db } from '../../platform/db.js';
import type { Store } from '../../platform/store.js';
import type { Job } from './integration.schemas.js';
import { jobChunks, jobs, type JobRow } from './integration.tables.js';
import { systemClock, type Clock } from './webhooks.dispatcher.js';
import { PollingLoop } from '../../platform/poller.js';

const CHUNK_BYTES = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Checkpoint = JobRow['checkpoint'];

export function toJob(r: JobRow): Job {
  const result = (r.result as ImportReport | null) ?? null;
  return {
    id: r.id,
    type: r.type,
    importKind: r.importKind,
    status: r.status,
    format: r.format,
    dryRun: r.options.dryRun,
    allOrNothing: r.options.allOrNothing,
    bytes: r.bytes,
    progress: { rowsRead: r.rowsRead, accepted: r.accepted, rejected: r.rejected },
    committed: {
      throughLine: r.checkpoint.line,
      accepted: r.checkpoint.accepted,
      created: r.checkpoint.created,
      updated: r.checkpoint.updated,
      unchanged: r.checkpoint.unchanged,
    },
    attempts: r.attempts,
    result,
    error: r.error,
    errors: result?.errors ?? r.checkpoint.refused,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

function actorOfJob(r: JobRow): Actor {
  return {
    tenantId: r.tenantId,
    subject: r.actor.subject,
    scopes: new Set(r.actor.scopes),
    kind: r.actor.kind as Actor['kind'],
    ...(r.actor.partnerId ? { partnerId: r.actor.partnerId } : {}),
    ...(r.actor.tokenId ? { tokenId: r.actor.tokenId } : {}),
  };
}

export class JobService {
  /** wakes the worker of this instance after a job was queued */
  onQueued?: () => void;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Clock = () => systemClock,
  ) {}

  /**
   * The `?async=true` handler of every import route: spools the body into PostgreSQL in 1 MiB chunks (any
   * instance's worker can run it), then queues the job.
   */
  readonly spool: AsyncImportHandler = async ({ actor, kind, params, stream, format, dryRun, allOrNothing }) => {
    const db = this.store.db;
    const id = uuidv7();
    const leaseMs = 10 * 60_000;
    await db.insert(jobs).values({
      tenantId: actor.tenantId,
      id,
      type: 'import',
      importKind: kind,
      format,
      options: { dryRun, allOrNothing, params },
      actor: {
        subject: actor.subject,
        scopes: [...actor.scopes],
        kind: actor.kind,
        ...(actor.partnerId ? { partnerId: actor.partnerId } : {}),
        ...(actor.tokenId ? { tokenId: actor.tokenId } : {}),
      },
      status: 'uploading',
      leaseUntil: new Date(this.clock().now().getTime() + leaseMs),
    });
    let n = 0;
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      const data = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      await db.insert(jobChunks).values({ tenantId: actor.tenantId, jobId: id, n: n++, data });
      await db
        .update(jobs)
        .set({ leaseUntil: new Date(this.clock().now().getTime() + leaseMs) })
        .where(and(eq(jobs.tenantId, actor.tenantId), eq(jobs.id, id)));
    };
    try {
      for await (const c of stream) {
        const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
        pending.push(b);
        pendingBytes += b.length;
        bytes += b.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      await flush();
    } catch (e) {
      await db
        .update(jobs)
        .set({ status: 'failed', error: `upload interrupted: ${(e as Error).message}`, finishedAt: sql`now()`, leaseUntil: null })
        .where(and(eq(jobs.tenantId, actor.tenantId), eq(jobs.id, id)));
      throw new DomainError('BAD_REQUEST', 'The upload was interrupted');
    }
    await db
      .update(jobs)
      .set({ status: 'queued', bytes, chunks: n, leaseUntil: null, updatedAt: sql`now()` })
      .where(and(eq(jobs.tenantId, actor.tenantId), eq(jobs.id, id)));
    this.onQueued?.();
    return { jobId: id };
  };

  private canSee(actor: Actor, r: JobRow): boolean {
    if (r.actor.subject === actor.subject) return true;
    return !actor.partnerId && hasScope(actor, 'jobs:read');
  }

  async get(actor: Actor, id: string): Promise<Job> {
    if (!UUID.test(id)) throw notFound('job', id);
    const [r] = await this.store.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.tenantId, actor.tenantId), eq(jobs.id, id)));
    if (!r || !this.canSee(actor, r)) throw notFound('job', id);
    return toJob(r);
  }

  async list(actor: Actor, input: { limit: number; cursor?: string | undefined }): Promise<Page<Job>> {
    requireScope(actor, 'jobs:read');
    if (actor.partnerId) throw new DomainError('FORBIDDEN', 'Partner users read their own jobs by id');
    const conds: (SQL | undefined)[] = [eq(jobs.tenantId, actor.tenantId)];
    const after = decodeCursor(input.cursor) as [string] | undefined;
    if (after) {
      if (typeof after[0] !== 'string' || !UUID.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
      conds.push(lt(jobs.id, after[0]));
    }
    const rows = await this.store.db
      .select()
      .from(jobs)
      .where(and(...conds))
      .orderBy(desc(jobs.id))
      .limit(input.limit + 1);
    return toPage(rows.map(toJob), input.limit, (j) => [j.id]);
  }
}

class LeaseLost extends Error {}

export interface JobWorkerOptions {
  clock?: Clock;
  /** a running job whose lease is older than this is taken over (resumed from its checkpoint) */
  leaseMs?: number;
  /** runs of one job before it is marked failed (with what was committed) */
  maxAttempts?: number;
  pollMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Runs queued import jobs. Claims with FOR UPDATE SKIP LOCKED and a lease renewed at every batch; every batch
 * commits together with the job's checkpoint (fenced by the lease token, so a worker that lost its lease cannot
 * commit). A job whose worker died is resumed after its checkpoint by the next claim, or marked failed with what
 * was committed once it has used up its attempts.
 */
export class JobWorker {
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly loop: PollingLoop;

  constructor(
    private readonly store: Store,
    private readonly opts: JobWorkerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.maxAttempts = opts.maxAttempts ?? 3;
    this.loop = new PollingLoop(
      () => this.drain(),
      opts.pollMs ?? 1_000,
      (e) => this.opts.onError?.(e),
    );
  }

  private lease() {
    return new Date(this.clock.now().getTime() + this.leaseMs);
  }

  /** Claims one job (queued, or running with an expired lease) and runs it. Returns whether one was found. */
  async runNext(): Promise<boolean> {
    const now = this.clock.now();
    await this.store.db
      .update(jobs)
      .set({ status: 'failed', error: 'the upload was interrupted (the instance receiving it stopped)', finishedAt: now, leaseUntil: null })
      .where(and(eq(jobs.status, 'uploading'), lt(jobs.leaseUntil, now)));
    const token = uuidv7();
    const claimed = await this.store.db.transaction(async (tx) => {
      const [cand] = await this.store.database.rows<{ tenant_id: string; id: string }>(
        sql`select tenant_id, id from jobs
            where status = 'queued' or (status = 'running' and lease_until < ${now.toISOString()}::timestamptz)
            order by created_at limit 1 for update skip locked`,
        tx as never,
      );
      if (!cand) return undefined;
      const [r] = await tx
        .update(jobs)
        .set({
          status: 'running',
          attempts: sql`${jobs.attempts} + 1`,
          leaseToken: token,
          leaseUntil: this.lease(),
          startedAt: sql`coalesce(${jobs.startedAt}, now())`,
          updatedAt: now,
        })
        .where(and(eq(jobs.tenantId, cand.tenant_id), eq(jobs.id, cand.id)))
        .returning();
      return r;
    });
    if (!claimed) return false;
    await this.run(claimed, token);
    return true;
  }

  private async run(job: JobRow, token: string): Promise<void> {
    const actor = actorOfJob(job);
    const where = and(eq(jobs.tenantId, job.tenantId), eq(jobs.id, job.id), eq(jobs.leaseToken, token));
    if (job.attempts > this.maxAttempts) {
      await this.finish(
        job,
        token,
        'failed',
        null,
        `stopped ${job.attempts - 1} times while running; committed through line ${job.checkpoint.line} (see committed)`,
      );
      return;
    }
    const factory = importsOf(this.store).get(job.importKind);
    if (!factory) {
      await this.finish(job, token, 'failed', null, `import kind '${job.importKind}' is not available on this server`);
      return;
    }
    let spec: ImportSpec<unknown>;
    try {
      spec = factory(actor, job.options.params ?? {});
    } catch (e) {
      await this.finish(job, token, 'failed', null, (e as Error).message);
      return;
    }
    const start = job.checkpoint;
    let ck: Checkpoint = { ...start, refused: [...start.refused] };
    const refusedBefore = groupByLine(start.refused);

    // dry runs and all-or-nothing imports run in one transaction: once it has written the job row (checkpoint),
    // that row stays locked until the end, so progress goes through the same transaction and no other worker
    // can claim the job while this one is alive (FOR UPDATE SKIP LOCKED skips it)
    const singleTx = job.options.dryRun || job.options.allOrNothing;
    let openTx: Db | undefined;
    const wrapped: ImportSpec<unknown> = {
      ...spec,
      writeBatch: async (w, rows) => {
        if (singleTx) openTx = w.tx;
        const fresh = rows.filter((r) => r.line > start.line);
        const old = rows.filter((r) => r.line <= start.line);
        const errors: RowError[] = old.flatMap((r) => refusedBefore.get(r.line) ?? []);
        if (!fresh.length) return { created: 0, updated: 0, unchanged: 0, errors };
        const r = await spec.writeBatch(w, fresh);
        const refused = r.errors ?? [];
        const refusedLines = new Set(refused.map((e) => e.line));
        const next: Checkpoint = {
          line: fresh[fresh.length - 1]!.line,
          created: ck.created + r.created,
          updated: ck.updated + r.updated,
          unchanged: ck.unchanged + (r.unchanged ?? 0),
          accepted: ck.accepted + fresh.length - refusedLines.size,
          refused: [...ck.refused, ...refused].slice(0, 1000),
        };
        const ok = await w.tx.update(jobs).set({ checkpoint: next, leaseUntil: this.lease() }).where(where).returning({ id: jobs.id });
        if (!ok.length) throw new LeaseLost('lease lost');
        w.afterCommit(() => {
          ck = next;
        });
        return { ...r, errors: [...errors, ...refused] };
      },
    };

    const chunks = job.chunks;
    const db = this.store.db;
    // PGlite has one connection: inside a single-transaction import, reads on it would wait for that transaction,
    // so the embedded database gets the upload into memory first (PostgreSQL streams it chunk by chunk)
    const preloaded =
      singleTx && this.store.database.kind === 'pglite'
        ? await db
            .select({ data: jobChunks.data })
            .from(jobChunks)
            .where(and(eq(jobChunks.tenantId, job.tenantId), eq(jobChunks.jobId, job.id)))
            .orderBy(jobChunks.n)
        : undefined;
    async function* body() {
      if (preloaded) {
        for (const c of preloaded) yield c.data;
        return;
      }
      for (let n = 0; n < chunks; n++) {
        const [c] = await db
          .select({ data: jobChunks.data })
          .from(jobChunks)
          .where(and(eq(jobChunks.tenantId, job.tenantId), eq(jobChunks.jobId, job.id), eq(jobChunks.n, n)));
        if (c) yield c.data;
      }
    }
    try {
      const report = await runImport(this.store, actor, Readable.from(body()), wrapped, {
        format: job.format,
        dryRun: job.options.dryRun,
        allOrNothing: job.options.allOrNothing,
        onDeferredError: (e) => this.opts.onError?.(e),
        onProgress: async (p) => {
          const ok = await (openTx ?? db)
            .update(jobs)
            .set({ rowsRead: p.rowsRead, accepted: p.accepted, rejected: p.rejected, leaseUntil: this.lease(), updatedAt: this.clock.now() })
            .where(where)
            .returning({ id: jobs.id });
          if (!ok.length) throw new LeaseLost('lease lost');
        },
      });
      if (report.committed || (!job.options.dryRun && !job.options.allOrNothing)) {
        // rows committed by an earlier run of this job (before its checkpoint) count in the final report
        report.created += start.created;
        report.updated += start.updated;
        report.unchanged += start.unchanged;
      }
      await this.finish(job, token, 'succeeded', report, null);
    } catch (e) {
      if (e instanceof LeaseLost) return; // another worker owns the job now
      const msg = e instanceof DomainError ? e.message : 'the import stopped on an unexpected error';
      this.opts.onError?.(e);
      await this.finish(job, token, 'failed', null, `${msg}; committed through line ${ck.line} (see committed)`);
    }
  }

  private async finish(job: JobRow, token: string, status: 'succeeded' | 'failed', report: ImportReport | null, error: string | null): Promise<void> {
    const actor = actorOfJob(job);
    const now = this.clock.now();
    await this.store
      .write(actor, async (w) => {
        const [after] = await w.tx
          .update(jobs)
          .set({
            status,
            result: report,
            error,
            finishedAt: now,
            updatedAt: now,
            leaseUntil: null,
            leaseToken: null,
            ...(report ? { rowsRead: report.rowsRead, accepted: report.accepted, rejected: report.rejected } : {}),
          })
          .where(and(eq(jobs.tenantId, job.tenantId), eq(jobs.id, job.id), eq(jobs.leaseToken, token)))
          .returning();
        if (!after) throw new LeaseLost('lease lost');
        await w.tx.delete(jobChunks).where(and(eq(jobChunks.tenantId, job.tenantId), eq(jobChunks.jobId, job.id)));
        w.emit({
          type: 'import.finished',
          resourceType: 'job',
          resourceId: job.id,
          payload: {
            jobId: job.id,
            importKind: job.importKind,
            status,
            dryRun: job.options.dryRun,
            rowsRead: after.rowsRead,
            accepted: report ? report.accepted : after.checkpoint.accepted,
            rejected: after.rejected,
            created: report ? report.created : after.checkpoint.created,
            updated: report ? report.updated : after.checkpoint.updated,
            error,
          },
        });
      })
      .catch((e) => {
        if (!(e instanceof LeaseLost)) throw e;
      });
  }

  /** Runs jobs until none is left. */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runNext()) n++;
    return n;
  }

  start(): void {
    this.loop.start();
  }

  /** Run soon (after a commit that queued work). */
  poke(): void {
    this.loop.poke();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
