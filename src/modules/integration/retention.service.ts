import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../platform/store.js';

/** How long each kind of record is kept, in days (0: kept for ever). README "Configuration": RETENTION_*. */
export interface RetentionSettings {
  eventsDays: number;
  auditDays: number;
  webhookDeliveriesDays: number;
  jobsDays: number;
}

export const RETENTION_DEFAULTS: RetentionSettings = { eventsDays: 90, auditDays: 365, webhookDeliveriesDays: 30, jobsDays: 30 };

export interface RetentionReport {
  events: number;
  audit: number;
  webhookDeliveries: number;
  jobs: number;
  idempotencyKeys: number;
}

const DAY = 86_400_000;
/** rows removed per statement: short transactions, short locks, however much is due */
const BATCH = 5_000;

/**
 * Removes what is older than its retention, across tenants (the scheduled job `retention`, outside any tenant
 * scope): events, audit rows, finished webhook deliveries (their attempts go with them), finished jobs (their
 * spooled chunks go with them) and expired Idempotency-Key records. Set-based DELETEs in batches of BATCH rows.
 * Never removed: an event a webhook endpoint of its tenant has not fanned out yet (its cursor is below it), a
 * pending delivery, a queued or running job. Safe in several processes at once (the scheduler runs it in one).
 */
export class RetentionService {
  constructor(
    private readonly store: Store,
    private readonly settings: () => RetentionSettings,
  ) {}

  async purge(now: Date = new Date()): Promise<RetentionReport> {
    const s = this.settings();
    const cutoff = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
    const report: RetentionReport = { events: 0, audit: 0, webhookDeliveries: 0, jobs: 0, idempotencyKeys: 0 };
    if (s.eventsDays > 0)
      report.events = await this.batches(
        (n) => sql`delete from events where (tenant_id, seq) in (
          select e.tenant_id, e.seq from events e
          where e.occurred_at < ${cutoff(s.eventsDays)}::timestamptz
            and not exists (select 1 from webhook_endpoints ep where ep.tenant_id = e.tenant_id and ep.cursor_seq < e.seq)
          limit ${n}) returning 1`,
      );
    if (s.auditDays > 0)
      report.audit = await this.batches(
        (n) => sql`delete from audit_log where (tenant_id, id) in (
          select tenant_id, id from audit_log where occurred_at < ${cutoff(s.auditDays)}::timestamptz limit ${n}) returning 1`,
      );
    if (s.webhookDeliveriesDays > 0)
      report.webhookDeliveries = await this.batches(
        (n) => sql`delete from webhook_deliveries where (tenant_id, id) in (
          select tenant_id, id from webhook_deliveries
          where status in ('succeeded', 'failed') and finished_at < ${cutoff(s.webhookDeliveriesDays)}::timestamptz limit ${n}) returning 1`,
      );
    if (s.jobsDays > 0)
      report.jobs = await this.batches(
        (n) => sql`delete from jobs where (tenant_id, id) in (
          select tenant_id, id from jobs where status in ('succeeded', 'failed') and finished_at < ${cutoff(s.jobsDays)}::timestamptz limit ${n}) returning 1`,
      );
    report.idempotencyKeys = await this.batches(
      (n) => sql`delete from idempotency_keys where (tenant_id, key) in (
        select tenant_id, key from idempotency_keys where expires_at < ${now.toISOString()}::timestamptz limit ${n}) returning 1`,
    );
    return report;
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
