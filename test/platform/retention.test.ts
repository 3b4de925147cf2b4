/**
 * Retention (issue 13): the scheduled job `retention` removes events, audit rows, finished webhook deliveries (with
 * their attempts), finished jobs and expired idempotency records older than their settings (RETENTION_*_DAYS), and
 * keeps the newer ones, an event a webhook endpoint has not fanned out yet, pending deliveries and unfinished jobs.
 * Both drivers (set-based DELETEs).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
const NOW = new Date();
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const uuid = (n: number) => `0190b5a6-0000-7000-8000-${String(n).padStart(12, '0')}`;

beforeAll(async () => {
  t = await setupTestApp({ config: { RETENTION_EVENTS_DAYS: 30, RETENTION_AUDIT_DAYS: 60, RETENTION_WEBHOOK_DELIVERIES_DAYS: 7, RETENTION_JOBS_DAYS: 7 } });
});
afterAll(async () => t?.close());

const count = async (q: ReturnType<typeof sql>) => Number((await t.database.rows<{ n: number }>(q))[0]!.n);

describe('retention', () => {
  it('removes what is older than its retention and keeps the rest', async () => {
    const db = t.database;
    // tenant r1: an endpoint that has fanned out up to seq 1000000 (everything here); tenant r2: an endpoint behind
    await db.rows(sql`insert into tenants (id, name) values ('r1', 'r1'), ('r2', 'r2') on conflict do nothing`);
    await db.rows(sql`insert into webhook_endpoints (tenant_id, id, url, event_types, secret, cursor_seq) values
      ('r1', ${uuid(1)}, 'http://127.0.0.1:9/', '["*"]', 'whsec_x', 1000000), ('r2', ${uuid(2)}, 'http://127.0.0.1:9/', '["*"]', 'whsec_x', 0)`);
    const event = (tenant: string, n: number, at: string) =>
      sql`insert into events (tenant_id, id, type, resource_type, resource_id, payload, occurred_at) values (${tenant}, ${uuid(n)}, 'x.y', 'x', 'x', '{}', ${at}::timestamptz)`;
    await db.rows(event('r1', 10, daysAgo(40))); // old, fanned out: goes
    await db.rows(event('r1', 11, daysAgo(20))); // new: stays
    await db.rows(event('r2', 12, daysAgo(40))); // old, not fanned out yet: stays
    const audit = (n: number, at: string) =>
      sql`insert into audit_log (tenant_id, id, actor_kind, subject, resource_type, resource_id, action, occurred_at) values ('r1', ${uuid(n)}, 'user', 's', 'x', 'x', 'x', ${at}::timestamptz)`;
    await db.rows(audit(20, daysAgo(61)));
    await db.rows(audit(21, daysAgo(59)));
    const delivery = (n: number, status: string, finished: string | null) =>
      sql`insert into webhook_deliveries (tenant_id, id, endpoint_id, message_id, event_type, body, status, next_attempt_at, finished_at)
          values ('r1', ${uuid(n)}, ${uuid(1)}, ${`m${n}`}, 'x.y', '{}', ${status}, now(), ${finished}::timestamptz)`;
    await db.rows(delivery(30, 'succeeded', daysAgo(8))); // goes, with its attempt
    await db.rows(delivery(31, 'failed', daysAgo(8))); // goes
    await db.rows(delivery(32, 'succeeded', daysAgo(6))); // stays
    await db.rows(delivery(33, 'pending', null)); // stays
    await db.rows(sql`insert into webhook_attempts (tenant_id, id, delivery_id, endpoint_id, attempted_at, duration_ms)
      values ('r1', ${uuid(34)}, ${uuid(30)}, ${uuid(1)}, now(), 1), ('r1', ${uuid(35)}, ${uuid(32)}, ${uuid(1)}, now(), 1)`);
    const job = (n: number, status: string, finished: string | null) =>
      sql`insert into jobs (tenant_id, id, type, import_kind, format, options, actor, status, finished_at)
          values ('r1', ${uuid(n)}, 'import', 'partners', 'csv', '{"dryRun":false,"allOrNothing":false}', '{"subject":"s","scopes":[],"kind":"user"}', ${status}, ${finished}::timestamptz)`;
    await db.rows(job(40, 'succeeded', daysAgo(8))); // goes, with its chunk
    await db.rows(job(41, 'queued', null)); // stays
    await db.rows(job(42, 'failed', daysAgo(1))); // stays
    await db.rows(sql`insert into job_chunks (tenant_id, job_id, n, data) values ('r1', ${uuid(40)}, 0, '\\x00'), ('r1', ${uuid(41)}, 0, '\\x00')`);
    const key = (k: string, expires: string) =>
      sql`insert into idempotency_keys (tenant_id, key, method, path, request_hash, expires_at) values ('r1', ${k}, 'POST', '/x', 'h', ${expires}::timestamptz)`;
    await db.rows(key('expired', daysAgo(1)));
    await db.rows(key('live', daysAgo(-1)));

    const report = await t.app.services.integration.retention.purge();
    expect(report).toEqual({ events: 1, audit: 1, webhookDeliveries: 2, jobs: 1, idempotencyKeys: 1 });

    const ids = async (q: ReturnType<typeof sql>) => (await db.rows<{ id: string }>(q)).map((r) => r.id).sort();
    expect(await ids(sql`select id::text from events where tenant_id in ('r1', 'r2')`)).toEqual([uuid(11), uuid(12)]);
    expect(await ids(sql`select id::text from audit_log where tenant_id = 'r1'`)).toEqual([uuid(21)]);
    expect(await ids(sql`select id::text from webhook_deliveries where tenant_id = 'r1'`)).toEqual([uuid(32), uuid(33)]);
    expect(await ids(sql`select id::text from webhook_attempts where tenant_id = 'r1'`)).toEqual([uuid(35)]);
    expect(await ids(sql`select id::text from jobs where tenant_id = 'r1'`)).toEqual([uuid(41), uuid(42)]);
    expect(await count(sql`select count(*)::int as n from job_chunks where tenant_id = 'r1'`)).toBe(1);
    expect(await ids(sql`select key as id from idempotency_keys where tenant_id = 'r1'`)).toEqual(['live']);
    // nothing more is due: a second round removes nothing
    expect(await t.app.services.integration.retention.purge()).toEqual({ events: 0, audit: 0, webhookDeliveries: 0, jobs: 0, idempotencyKeys: 0 });
  });

  it('is a scheduled job of the composition root; 0 days keeps for ever', async () => {
    expect(t.app.services.scheduler.names).toContain('retention');
    await t.database.rows(sql`insert into audit_log (tenant_id, id, actor_kind, subject, resource_type, resource_id, action, occurred_at)
      values ('r1', ${uuid(50)}, 'user', 's', 'x', 'x', 'x', ${daysAgo(3650)}::timestamptz)`);
    const { RetentionService } = await import('../../src/modules/integration/retention.service.js');
    const keep = new RetentionService(t.app.store, () => ({ eventsDays: 0, auditDays: 0, webhookDeliveriesDays: 0, jobsDays: 0 }));
    expect((await keep.purge()).audit).toBe(0);
    expect(await count(sql`select count(*)::int as n from audit_log where id = ${uuid(50)}`)).toBe(1);
  });
});
