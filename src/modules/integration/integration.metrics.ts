import { sql } from 'drizzle-orm';
import type { GaugeSource } from '../../platform/metrics.js';
import type { Store } from '../../platform/store.js';

/**
 * Gauges of the event outbox and the queues, read at scrape time across tenants (platform/metrics.ts): how far
 * webhook fan-out is behind the events, how old the oldest undelivered delivery is, deliveries and jobs by state.
 */
export function integrationGauges(store: Store): GaugeSource[] {
  const db = store.database;
  const one = async (query: ReturnType<typeof sql>) => {
    const r = await db.rows<{ v: number | string | null }>(query);
    return [{ value: Number(r[0]?.v ?? 0) }];
  };
  return [
    {
      name: 'events_outbox_lag_seconds',
      help: 'age of the oldest event not yet fanned out to a webhook endpoint of its tenant (0: none waiting)',
      collect: () =>
        one(sql`select coalesce(max(extract(epoch from now() - e.occurred_at)), 0)::float8 as v
                from webhook_endpoints ep
                cross join lateral (select occurred_at from events e where e.tenant_id = ep.tenant_id and e.seq > ep.cursor_seq order by e.seq limit 1) e`),
    },
    {
      name: 'webhook_delivery_lag_seconds',
      help: 'age of the oldest webhook delivery still pending (0: none)',
      collect: () => one(sql`select coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as v from webhook_deliveries where status = 'pending'`),
    },
    {
      name: 'webhook_deliveries',
      help: 'webhook deliveries pending (queued or retrying) and failed for good',
      labelNames: ['status'],
      collect: async () => {
        const r = await db.rows<{ status: string; n: number | string }>(
          sql`select s.status, (select count(*) from webhook_deliveries d where d.status = s.status)::int as n
              from (values ('pending'), ('failed')) as s(status)`,
        );
        return r.map((x) => ({ labels: { status: x.status }, value: Number(x.n) }));
      },
    },
    {
      name: 'jobs',
      help: 'background jobs (async imports) waiting or running',
      labelNames: ['status'],
      collect: async () => {
        const r = await db.rows<{ status: string; n: number | string }>(
          sql`select s.status, (select count(*) from jobs j where j.status = s.status)::int as n
              from (values ('queued'), ('running')) as s(status)`,
        );
        return r.map((x) => ({ labels: { status: x.status }, value: Number(x.n) }));
      },
    },
  ];
}
