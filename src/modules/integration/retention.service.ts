import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { ensureMonthlyPartitions, monthPartitions, type MonthPartition, type PartitionedTable } from '../../platform/partitions.js';
import type { Store } from '../../platform/store.js';

/** How long each kind of record is kept, in days (0: kept for ever). README "Configuration": RETENTION_*. */
export interface RetentionSettings {
  eventsDays: number;
  auditDays: number;
  webhookDeliveriesDays: number;
  jobsDays: number;
  /** audit rows are written there (gzip NDJSON, fsync'ed) before they are removed; unset: removed without export */
  auditExportDir?: string;
}

export const RETENTION_DEFAULTS: RetentionSettings = { eventsDays: 90, auditDays: 365, webhookDeliveriesDays: 30, jobsDays: 30 };

export interface RetentionReport {
  /** rows removed (whole dropped partitions included) */
  events: number;
  audit: number;
  webhookDeliveries: number;
  jobs: number;
  idempotencyKeys: number;
  /** month partitions dropped whole (names) */
  partitionsDropped: string[];
  /** month partitions created ahead this round */
  partitionsCreated: number;
}

const DAY = 86_400_000;
/** rows removed per statement: short transactions, short locks, however much is due */
const BATCH = 5_000;

/** an audit row as exported: its columns (snake_case, as stored), occurred_at in UTC with microseconds */
const AUDIT_LINE = sql`(to_jsonb(a) || jsonb_build_object('occurred_at', to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text`;

/**
 * Removes what is older than its retention, across tenants (the scheduled job `retention`, outside any tenant
 * scope): events, audit rows, finished webhook deliveries (their attempts go with them), finished jobs (their
 * spooled chunks go with them) and expired Idempotency-Key records. Never removed: an event a webhook endpoint of its
 * tenant has not fanned out yet (its cursor is below it), a pending delivery, a queued or running job. Safe in
 * several processes at once (the scheduler runs it in one).
 *
 * events, audit_log and webhook_deliveries are partitioned by month (src/platform/partitions.ts). A round first
 * creates the partitions ahead, then drops each month partition wholly past the cutoff (its upper bound at or below
 * it) in one statement, unless it still holds something to keep (then its rows go by DELETE like the rest), then
 * removes what remains due (rows of the partially expired month, of a held partition, of DEFAULT) with set-based
 * DELETEs in batches of BATCH rows. With an audit export directory, audit rows are written to a file and fsync'ed
 * before their partition or batch is removed, in the transaction that removes them; a failed export removes nothing
 * of what it was exporting and ends the round's audit removal (the round then fails, retried at the next one).
 */
export class RetentionService {
  constructor(
    private readonly store: Store,
    private readonly settings: () => RetentionSettings,
  ) {}

  async purge(now: Date = new Date()): Promise<RetentionReport> {
    const s = this.settings();
    const cutoff = (days: number) => new Date(now.getTime() - days * DAY);
    const report: RetentionReport = { events: 0, audit: 0, webhookDeliveries: 0, jobs: 0, idempotencyKeys: 0, partitionsDropped: [], partitionsCreated: 0 };
    report.partitionsCreated = await ensureMonthlyPartitions(this.store.database, now);
    let auditFailure: unknown;

    if (s.eventsDays > 0) {
      const c = cutoff(s.eventsDays);
      // held: an event of the partition that an endpoint of its tenant has not fanned out yet
      report.events += await this.dropPartitions(
        'events',
        c,
        (p) => sql`exists (select 1 from webhook_endpoints ep where exists (select 1 from ${p} e where e.tenant_id = ep.tenant_id and e.seq > ep.cursor_seq))`,
        report,
      );
      const at = c.toISOString();
      report.events += await this.batches(
        (n) => sql`delete from events where occurred_at < ${at}::timestamptz and (tenant_id, seq, occurred_at) in (
          select e.tenant_id, e.seq, e.occurred_at from events e
          where e.occurred_at < ${at}::timestamptz
            and not exists (select 1 from webhook_endpoints ep where ep.tenant_id = e.tenant_id and ep.cursor_seq < e.seq)
          limit ${n}) returning 1`,
      );
    }
    if (s.auditDays > 0) {
      try {
        report.audit += await this.purgeAudit(cutoff(s.auditDays), s.auditExportDir, now, report);
      } catch (e) {
        auditFailure = e;
      }
    }
    if (s.webhookDeliveriesDays > 0) {
      const c = cutoff(s.webhookDeliveriesDays);
      const at = c.toISOString();
      // held: a pending delivery, or one finished after the cutoff (partitioned by created_at, kept by finished_at)
      report.webhookDeliveries += await this.dropPartitions(
        'webhook_deliveries',
        c,
        (p) => sql`exists (select 1 from ${p} d where d.status not in ('succeeded', 'failed') or d.finished_at is null or d.finished_at >= ${at}::timestamptz)`,
        report,
        // the partition's attempts first (no foreign key to a partitioned table: see integration.tables.ts)
        async (p, _part, tx) =>
          void (await this.store.database.rows(sql`delete from webhook_attempts x using ${p} d where x.tenant_id = d.tenant_id and x.delivery_id = d.id`, tx)),
      );
      report.webhookDeliveries += await this.batches(
        (n) => sql`with d as (
            delete from webhook_deliveries where (tenant_id, id, created_at) in (
              select tenant_id, id, created_at from webhook_deliveries
              where status in ('succeeded', 'failed') and finished_at < ${at}::timestamptz limit ${n})
            returning tenant_id, id),
          a as (delete from webhook_attempts x using d where x.tenant_id = d.tenant_id and x.delivery_id = d.id)
          select 1 from d`,
      );
    }
    if (s.jobsDays > 0) {
      const at = cutoff(s.jobsDays).toISOString();
      report.jobs = await this.batches(
        (n) => sql`delete from jobs where (tenant_id, id) in (
          select tenant_id, id from jobs where status in ('succeeded', 'failed') and finished_at < ${at}::timestamptz limit ${n}) returning 1`,
      );
    }
    report.idempotencyKeys = await this.batches(
      (n) => sql`delete from idempotency_keys where (tenant_id, key) in (
        select tenant_id, key from idempotency_keys where expires_at < ${now.toISOString()}::timestamptz limit ${n}) returning 1`,
    );
    if (auditFailure !== undefined)
      throw new Error(
        `audit retention stopped, the partition or batch in progress was not removed: ${(auditFailure as Error)?.message ?? String(auditFailure)}`,
        {
          cause: auditFailure,
        },
      );
    return report;
  }

  /**
   * Drops the month partitions of `table` whose upper bound is at or below `cutoff` and that hold nothing to keep
   * (`held`), each in a transaction of its own: the partition is locked against writes (SHARE), checked, counted,
   * `before` runs (export, dependent rows), then DROP TABLE. Returns the rows dropped.
   */
  private async dropPartitions(
    table: PartitionedTable,
    cutoff: Date,
    held: (p: SQL) => SQL,
    report: RetentionReport,
    before?: (p: SQL, part: MonthPartition, tx: Db) => Promise<void>,
  ): Promise<number> {
    const database = this.store.database;
    let removed = 0;
    for (const part of await monthPartitions(database, table)) {
      if (part.to.getTime() > cutoff.getTime()) break; // oldest first: the rest are newer
      const p = sql`${sql.identifier(part.name)}`;
      const n = await this.store.db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        await database.rows(sql`lock table ${p} in share mode`, t);
        const [row] = await database.rows<{ held: boolean; n: number }>(
          sql`select h.held, case when h.held then 0 else (select count(*) from ${p})::int end as n from (select ${held(p)} as held) h`,
          t,
        );
        if (!row || row.held) return undefined;
        if (before) await before(p, part, t);
        await database.rows(sql`drop table ${p}`, t);
        return Number(row.n);
      });
      if (n === undefined) continue;
      removed += n;
      report.partitionsDropped.push(part.name);
    }
    return removed;
  }

  /** Audit rows past the cutoff: whole month partitions, then batches, each exported first when a directory is set. */
  private async purgeAudit(cutoff: Date, dir: string | undefined, now: Date, report: RetentionReport): Promise<number> {
    const database = this.store.database;
    const exporting = <T>(p: Promise<T>) =>
      p.catch((e: unknown) => {
        throw new Error(`audit export to ${dir} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      });
    if (dir) await exporting(mkdir(dir, { recursive: true }));
    let removed = await this.dropPartitions(
      'audit_log',
      cutoff,
      () => sql`false`,
      report,
      async (p, part, tx) => {
        if (dir) await exporting(this.exportAuditPartition(tx, p, join(dir, `${part.name}.ndjson.gz`)));
      },
    );
    const at = cutoff.toISOString();
    if (!dir)
      return (
        removed +
        (await this.batches(
          (n) => sql`delete from audit_log where occurred_at < ${at}::timestamptz and (tenant_id, id, occurred_at) in (
            select tenant_id, id, occurred_at from audit_log where occurred_at < ${at}::timestamptz limit ${n}) returning 1`,
        ))
      );
    // exported batches: the oldest BATCH rows (occurred_at, tenant_id, id order) are written, then exactly those removed
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    for (let k = 1; ; k++) {
      const n = await this.store.db.transaction(async (tx) => {
        const rows = await database.rows<{ line: string; at: string; tenant_id: string; id: string }>(
          sql`select ${AUDIT_LINE} as line, a.occurred_at::text as at, a.tenant_id, a.id::text as id from audit_log a
              where a.occurred_at < ${at}::timestamptz order by a.occurred_at, a.tenant_id, a.id limit ${BATCH}`,
          tx,
        );
        if (!rows.length) return 0;
        await exporting(
          writeDurably(
            join(dir, `audit_log-${stamp}-${String(k).padStart(4, '0')}.ndjson.gz`),
            rows.map((r) => r.line),
          ),
        );
        const last = rows[rows.length - 1]!;
        const deleted = await database.rows(
          sql`delete from audit_log where occurred_at < ${at}::timestamptz
                and (occurred_at, tenant_id, id) <= (${last.at}::timestamptz, ${last.tenant_id}, ${last.id}::uuid) returning 1`,
          tx,
        );
        // a row that appeared in the range meanwhile (inserted with a past occurred_at) was not exported: keep all
        if (deleted.length !== rows.length)
          throw new Error(`audit rows changed while being exported (${deleted.length} vs ${rows.length}); retried next round`);
        return rows.length;
      });
      removed += n;
      if (n < BATCH) return removed;
    }
  }

  /** Every row of one audit partition into `file`, page by page (its primary key order), gzip NDJSON, fsync'ed. */
  private async exportAuditPartition(tx: Db, p: SQL, file: string): Promise<void> {
    const database = this.store.database;
    async function* lines(): AsyncGenerator<string> {
      let after: { tenant_id: string; id: string } | undefined;
      for (;;) {
        const rows = await database.rows<{ line: string; tenant_id: string; id: string }>(
          sql`select ${AUDIT_LINE} as line, a.tenant_id, a.id::text as id from ${p} a
              ${after ? sql`where (a.tenant_id, a.id) > (${after.tenant_id}, ${after.id}::uuid)` : sql``}
              order by a.tenant_id, a.id limit ${BATCH}`,
          tx,
        );
        for (const r of rows) yield r.line;
        if (rows.length < BATCH) return;
        after = rows[rows.length - 1]!;
      }
    }
    await writeDurably(file, lines());
  }

  private async batches(statement: (n: number) => SQL): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.store.database.rows(statement(BATCH))).length;
      total += n;
      if (n < BATCH) return total;
    }
  }
}

/**
 * Writes lines (NDJSON) gzip-compressed to `file` durably: into a temporary file beside it, fsync'ed, renamed over
 * `file`, the directory fsync'ed; only then does the caller remove the rows. A failure leaves no file of that name.
 */
async function writeDurably(file: string, lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    async function* text(): AsyncGenerator<string> {
      for await (const l of lines) yield `${l}\n`;
    }
    await pipeline(Readable.from(text()), createGzip(), createWriteStream(tmp));
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
