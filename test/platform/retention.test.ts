/**
 * Retention (issue 13): the scheduled job `retention` removes events, audit rows, finished webhook deliveries (with
 * their attempts), finished jobs and expired idempotency records older than their settings (RETENTION_*_DAYS), and
 * keeps the newer ones, an event a webhook endpoint has not fanned out yet, pending deliveries and unfinished jobs.
 * events, audit_log and webhook_deliveries are partitioned by month: a month wholly past its retention goes by
 * dropping its partition (unless it holds something to keep), partitions are created ahead, a row of a month without
 * a partition lands in DEFAULT; audit rows are exported (RETENTION_AUDIT_EXPORT_DIR) before removal, and nothing is
 * removed when the export fails. Both drivers (PGlite is PostgreSQL 17: declarative partitioning too).
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
    expect(report).toEqual({ events: 1, audit: 1, webhookDeliveries: 2, jobs: 1, idempotencyKeys: 1, partitionsDropped: [], partitionsCreated: 0 });

    const ids = async (q: ReturnType<typeof sql>) => (await db.rows<{ id: string }>(q)).map((r) => r.id).sort();
    expect(await ids(sql`select id::text from events where tenant_id in ('r1', 'r2')`)).toEqual([uuid(11), uuid(12)]);
    expect(await ids(sql`select id::text from audit_log where tenant_id = 'r1'`)).toEqual([uuid(21)]);
    expect(await ids(sql`select id::text from webhook_deliveries where tenant_id = 'r1'`)).toEqual([uuid(32), uuid(33)]);
    expect(await ids(sql`select id::text from webhook_attempts where tenant_id = 'r1'`)).toEqual([uuid(35)]);
    expect(await ids(sql`select id::text from jobs where tenant_id = 'r1'`)).toEqual([uuid(41), uuid(42)]);
    expect(await count(sql`select count(*)::int as n from job_chunks where tenant_id = 'r1'`)).toBe(1);
    expect(await ids(sql`select key as id from idempotency_keys where tenant_id = 'r1'`)).toEqual(['live']);
    // nothing more is due: a second round removes nothing
    expect(await t.app.services.integration.retention.purge()).toEqual({
      events: 0,
      audit: 0,
      webhookDeliveries: 0,
      jobs: 0,
      idempotencyKeys: 0,
      partitionsDropped: [],
      partitionsCreated: 0,
    });
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

describe('monthly partitions', () => {
  const month = (d: Date) => `y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  const exists = async (name: string) => (await t.database.rows<{ r: string | null }>(sql`select to_regclass(${name})::text as r`))[0]!.r !== null;
  const where = async (table: string, id: string) =>
    (await t.database.rows<{ p: string }>(sql`select tableoid::regclass::text as p from ${sql.identifier(table)} where id = ${id}::uuid`)).map((r) => r.p);
  const event = (tenant: string, n: number, at: string) =>
    sql`insert into events (tenant_id, id, type, resource_type, resource_id, payload, occurred_at) values (${tenant}, ${uuid(n)}, 'x.y', 'x', 'x', '{}', ${at}::timestamptz)`;
  const audit = (tenant: string, n: number, at: string) =>
    sql`insert into audit_log (tenant_id, id, actor_kind, subject, resource_type, resource_id, action, changes, occurred_at)
        values (${tenant}, ${uuid(n)}, 'user', 's', 'x', 'x', 'x', '{"a":{"from":1,"to":2}}', ${at}::timestamptz)`;

  it('the partitions of this month and three ahead exist; a row of a month without one lands in DEFAULT, and moves out when its month gets one', async () => {
    for (const table of ['events', 'audit_log', 'webhook_deliveries']) {
      for (let k = 0; k <= 3; k++) expect(await exists(`${table}_${month(new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + k, 1)))}`)).toBe(true);
      expect(await exists(`${table}_default`)).toBe(true);
    }
    await t.database.rows(sql`insert into tenants (id, name) values ('p1', 'p1'), ('p2', 'p2') on conflict do nothing`);
    // far ahead and far behind: no partition, DEFAULT takes them (an insert never fails)
    await t.database.rows(event('p1', 100, '2100-06-15T00:00:00Z'));
    await t.database.rows(event('p1', 101, '2020-01-15T00:00:00Z'));
    await t.database.rows(event('p1', 102, NOW.toISOString()));
    expect(await where('events', uuid(100))).toEqual(['events_default']);
    expect(await where('events', uuid(101))).toEqual(['events_default']);
    expect(await where('events', uuid(102))).toEqual([`events_${month(NOW)}`]);
    // creating the month's partition moves its rows out of DEFAULT (the same function the job and migrate call)
    await t.database.rows(sql`select ensure_monthly_partitions('events', '2020-01-01T00:00:00Z', '2020-03-01T00:00:00Z')`);
    expect(await where('events', uuid(101))).toEqual(['events_y2020m01']);
    expect(await exists('events_y2020m03')).toBe(true);
    // the round creates what is missing ahead, once
    const { ensureMonthlyPartitions } = await import('../../src/platform/partitions.js');
    const later = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + 1, 10));
    expect(await ensureMonthlyPartitions(t.database, later)).toBe(3);
    expect(await ensureMonthlyPartitions(t.database, later)).toBe(0);
  });

  it('a month wholly past its retention goes by dropping its partition; one holding an unfanned event or a pending delivery stays', async () => {
    const db = t.database;
    await db.rows(sql`insert into webhook_endpoints (tenant_id, id, url, event_types, secret, cursor_seq) values
      ('p1', ${uuid(110)}, 'http://127.0.0.1:9/', '["*"]', 'whsec_x', 1000000), ('p2', ${uuid(111)}, 'http://127.0.0.1:9/', '["*"]', 'whsec_x', 1000000)`);
    for (const table of ['audit_log', 'webhook_deliveries'])
      await db.rows(sql`select ensure_monthly_partitions(${table}::regclass, '2020-01-01T00:00:00Z', '2020-03-01T00:00:00Z')`);
    // events: 2020-01 (uuid 101, fanned out) goes whole; 2020-03 holds an event p2's endpoint has not fanned out yet
    await db.rows(event('p1', 120, '2020-03-10T00:00:00Z')); // fanned out: goes, by DELETE
    await db.rows(sql`update webhook_endpoints set cursor_seq = 0 where id = ${uuid(111)}`);
    await db.rows(event('p2', 121, '2020-03-11T00:00:00Z')); // not fanned out: stays, with its partition
    await db.rows(audit('p1', 122, '2020-01-05T00:00:00Z'));
    const delivery = (n: number, status: string, created: string, finished: string | null) =>
      sql`insert into webhook_deliveries (tenant_id, id, endpoint_id, message_id, event_type, body, status, next_attempt_at, created_at, finished_at)
          values ('p1', ${uuid(n)}, ${uuid(110)}, ${`m${n}`}, 'x.y', '{}', ${status}, now(), ${created}::timestamptz, ${finished}::timestamptz)`;
    await db.rows(delivery(130, 'succeeded', '2020-01-03T00:00:00Z', '2020-01-04T00:00:00Z')); // its partition goes, with its attempt
    await db.rows(delivery(131, 'pending', '2020-02-03T00:00:00Z', null)); // holds 2020-02
    await db.rows(delivery(132, 'failed', '2020-02-04T00:00:00Z', '2020-02-05T00:00:00Z')); // goes by DELETE
    await db.rows(sql`insert into webhook_attempts (tenant_id, id, delivery_id, endpoint_id, attempted_at, duration_ms)
      values ('p1', ${uuid(133)}, ${uuid(130)}, ${uuid(110)}, now(), 1), ('p1', ${uuid(134)}, ${uuid(132)}, ${uuid(110)}, now(), 1),
             ('p1', ${uuid(135)}, ${uuid(131)}, ${uuid(110)}, now(), 1)`);
    expect(await where('webhook_deliveries', uuid(130))).toEqual(['webhook_deliveries_y2020m01']);

    const report = await t.app.services.integration.retention.purge();
    expect(report.partitionsDropped.sort()).toEqual([
      'audit_log_y2020m01',
      'audit_log_y2020m02',
      'audit_log_y2020m03',
      'events_y2020m01',
      'events_y2020m02',
      'webhook_deliveries_y2020m01',
      'webhook_deliveries_y2020m03',
    ]);
    // audit: p1's row with its partition, and r1's ten-year-old row (kept by the 0-days service above) by DELETE
    expect(report).toMatchObject({ events: 2, audit: 2, webhookDeliveries: 2 });
    for (const gone of ['events_y2020m01', 'audit_log_y2020m01', 'webhook_deliveries_y2020m01']) {
      expect(await exists(gone)).toBe(false);
      expect(await db.rows(sql`select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid where c.relname = ${gone}`)).toEqual([]);
    }
    expect(await exists('events_y2020m03')).toBe(true);
    expect(await exists('webhook_deliveries_y2020m02')).toBe(true);
    const ids = async (q: ReturnType<typeof sql>) => (await db.rows<{ id: string }>(q)).map((r) => r.id).sort();
    expect(await ids(sql`select id::text from events where tenant_id in ('p1', 'p2')`)).toEqual([uuid(100), uuid(102), uuid(121)]);
    expect(await ids(sql`select id::text from webhook_deliveries where tenant_id = 'p1'`)).toEqual([uuid(131)]);
    expect(await ids(sql`select id::text from webhook_attempts where tenant_id = 'p1'`)).toEqual([uuid(135)]);
    expect(await ids(sql`select id::text from audit_log where tenant_id = 'p1'`)).toEqual([]);
    // the current month's rows and partition stay
    expect(await where('events', uuid(102))).toEqual([`events_${month(NOW)}`]);
  });

  it('audit rows are exported before removal (a file per partition, one per batch); an export that fails removes nothing', async () => {
    const { RetentionService } = await import('../../src/modules/integration/retention.service.js');
    const { gunzipSync } = await import('node:zlib');
    const { mkdtempSync, readdirSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const db = t.database;
    await db.rows(sql`insert into tenants (id, name) values ('p3', 'p3') on conflict do nothing`);
    await db.rows(sql`select ensure_monthly_partitions('audit_log', '2021-04-01T00:00:00Z', '2021-04-01T00:00:00Z')`);
    await db.rows(audit('p3', 140, '2021-04-02T10:00:00.123456Z')); // in its month's partition: dropped whole
    await db.rows(audit('p3', 141, '2021-04-30T23:59:59.999999Z'));
    await db.rows(audit('p3', 142, daysAgo(100))); // DEFAULT or a partially expired month: removed by batch
    await db.rows(audit('p3', 143, daysAgo(10))); // stays
    const settings = { eventsDays: 0, auditDays: 60, webhookDeliveriesDays: 0, jobsDays: 0 };
    const left = async () => (await db.rows<{ id: string }>(sql`select id::text from audit_log where tenant_id = 'p3' order by id`)).map((r) => r.id);

    // an export directory that cannot be created (its parent is a file): nothing is removed, the round fails
    const scratch = mkdtempSync(join(tmpdir(), 'audit-export-'));
    writeFileSync(join(scratch, 'file'), 'x');
    const broken = new RetentionService(t.app.store, () => ({ ...settings, auditExportDir: join(scratch, 'file', 'sub') }));
    await expect(broken.purge()).rejects.toThrow(/audit retention stopped.*audit export to .* failed/);
    expect(await left()).toEqual([uuid(140), uuid(141), uuid(142), uuid(143)]);
    expect(await exists('audit_log_y2021m04')).toBe(true);

    const dir = join(scratch, 'out');
    const report = await new RetentionService(t.app.store, () => ({ ...settings, auditExportDir: dir })).purge();
    expect(report.audit).toBe(3);
    expect(report.partitionsDropped).toContain('audit_log_y2021m04');
    expect(await left()).toEqual([uuid(143)]);
    const files = readdirSync(dir).sort();
    expect(files[0]).toMatch(/^audit_log-\d{8}T\d{6}Z-0001\.ndjson\.gz$/);
    expect(files.slice(1)).toEqual(['audit_log_y2021m04.ndjson.gz']);
    const lines = (f: string) =>
      gunzipSync(readFileSync(join(dir, f)))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const month = lines('audit_log_y2021m04.ndjson.gz');
    expect(month.map((r) => r.id)).toEqual([uuid(140), uuid(141)]);
    expect(month[0]).toEqual({
      tenant_id: 'p3',
      id: uuid(140),
      occurred_at: '2021-04-02T10:00:00.123456Z',
      actor_kind: 'user',
      subject: 's',
      token_id: null,
      partner_id: null,
      request_id: null,
      resource_type: 'x',
      resource_id: 'x',
      action: 'x',
      changes: { a: { from: 1, to: 2 } },
    });
    expect(month[1]!.occurred_at).toBe('2021-04-30T23:59:59.999999Z');
    // the batch file: exactly the batch-removed rows (all tenants past the cutoff; here only p3's)
    expect(lines(files[0]!).map((r) => r.id)).toEqual([uuid(142)]);
  });
});
