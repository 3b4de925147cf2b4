/**
 * bench/retention: removal of a month of audit rows by the retention job when the month has its partition (one
 * DROP TABLE) vs the baseline, the same number of rows of a month without a partition (they sit in DEFAULT) removed
 * by the batched DELETEs the job used before partitioning (5,000 rows a statement), measured in the same run on the
 * same database, each on its own copy of the rows. Prints both times and the ratio (partition drop / batched delete).
 *   npx tsx bench/retention.ts            ROWS=1000000 npx tsx bench/retention.ts
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops.
 */
import { sql } from 'drizzle-orm';
import { RetentionService } from '../src/modules/integration/retention.service.js';
import { Store } from '../src/platform/store.js';
import { scratchDatabase } from './lib/db.js';

const rows = Number(process.env.ROWS ?? 200_000);
const log = (m: string) => process.stderr.write(`[bench:retention] ${m}\n`);

const { database, drop } = await scratchDatabase('bench_retention');
try {
  const store = new Store(database);
  const retention = new RetentionService(store, () => ({ eventsDays: 0, auditDays: 365, webhookDeliveriesDays: 0, jobsDays: 0 }));
  const fill = (month: string) =>
    database.rows(sql`insert into audit_log (tenant_id, id, actor_kind, subject, resource_type, resource_id, action, changes, occurred_at)
      select 'bench', gen_random_uuid(), 'user', 'u' || (g % 50), 'partner', (g % 5000)::text, 'update', '{"status":{"from":"a","to":"b"}}',
             ${month}::timestamptz + (g % 2419200) * interval '1 second'
      from generate_series(1, ${rows}) g`);
  const time = async (what: string) => {
    await database.rows(sql`vacuum analyze audit_log`);
    const t0 = performance.now();
    const report = await retention.purge();
    const ms = performance.now() - t0;
    log(`${what}: ${report.audit} rows removed in ${ms.toFixed(0)} ms (partitions dropped: ${report.partitionsDropped.join(', ') || 'none'})`);
    if (report.audit !== rows) throw new Error(`expected ${rows} rows removed, got ${report.audit}`);
    return ms;
  };
  // baseline: a month without a partition (DEFAULT), removed by batched DELETEs
  log(`${rows} audit rows in DEFAULT (2019-02)...`);
  await fill('2019-02-01T00:00:00Z');
  const deleted = await time('batched DELETE (DEFAULT)');
  // the same rows in their month's partition, removed by dropping it
  await database.rows(sql`select ensure_monthly_partitions('audit_log', '2019-03-01T00:00:00Z', '2019-03-01T00:00:00Z')`);
  log(`${rows} audit rows in audit_log_y2019m03...`);
  await fill('2019-03-01T00:00:00Z');
  const dropped = await time('partition drop');
  console.log(
    `retention of ${rows} audit rows: partition drop ${dropped.toFixed(0)} ms, batched DELETE ${deleted.toFixed(0)} ms, ratio ${(dropped / deleted).toFixed(3)}`,
  );
} finally {
  await drop();
}
