/**
 * bench/achievement: 10,000,000 sell-through facts for 10,000 partners over 36 months (one tenant: the worst
 * case), generated server-side with generate_series; per-partner monthly totals rebuilt set-based (the same
 * table ingestion maintains); then the network achievement for a quarter (all partners ranked, first page) and
 * the bare SQL aggregate over the facts (sum by partner for the quarter), each the median of 3 runs, and the ratio.
 *   npm run bench:achievement [-- --rows 10000000]
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/platform/actor.js';
import { Store } from '../../src/platform/store.js';
import { ActualsService } from '../../src/modules/target/actuals.service.js';
import { TargetService } from '../../src/modules/target/target.service.js';
import { scratchDatabase, secs, seedCatalog } from '../lib/db.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000000' } } });
const N = Number(values.rows);
const TENANT = 'bench';
const CHUNK = 1_000_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { database, drop } = await scratchDatabase('bench_target_achievement');
try {
  const sql = database.client!;
  await seedCatalog(sql, TENANT, 10_000, 1_000);
  await sql`create table pmap as select (row_number() over (order by code)) - 1 as n, id from partners where tenant_id = ${TENANT}`;
  await sql`create table prmap as select (row_number() over (order by code)) - 1 as n, id from products where tenant_id = ${TENANT}`;
  const [terr] = await sql`select id from territories where tenant_id = ${TENANT} limit 1`;
  const t0 = performance.now();
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(from + CHUNK - 1, N);
    await sql`insert into sell_through_lines (tenant_id, external_id, partner_id, product_id, territory_id, date, quantity, amount, cross_region)
      select ${TENANT}, 'G' || g, pm.id, pr.id, ${terr!.id}::uuid, date '2023-01-01' + (abs(hashint8(g)) % 1096)::int,
        1 + abs(hashint8(g * 7)) % 100, (abs(hashint8(g * 11)) % 1000000) / 100.0, false
      from generate_series(${from}::bigint, ${to}::bigint) g
      join pmap pm on pm.n = g % 10000
      join prmap pr on pr.n = abs(hashint8(g * 3)) % 1000`;
    console.error(`  loaded ${to.toLocaleString('en')} facts, ${secs(t0)} s`);
  }
  await sql`vacuum analyze sell_through_lines`;
  const store = new Store(database);
  const actor = systemActor(TENANT, 'bench');
  const targets = new TargetService(store);
  const actuals = new ActualsService(store, targets);
  const tr = performance.now();
  const rebuilt = await actuals.rebuildTotals(actor);
  const rebuildS = secs(tr);
  console.error(`  totals rebuilt: ${rebuilt.months.toLocaleString('en')} partner-months in ${rebuildS} s`);
  // quarter targets for every partner
  await sql`insert into targets (tenant_id, id, partner_id, period, period_start, period_end, metric, value)
    select ${TENANT}, gen_random_uuid(), id, '2025-Q1', '2025-01-01', '2025-03-31', 'sales_amount', 400000 + n * 10 from pmap`;
  await sql`vacuum analyze`;

  const network: number[] = [];
  let first: Awaited<ReturnType<typeof actuals.network>> | undefined;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    first = await actuals.network(actor, { period: '2025-Q1', metric: 'sales_amount', asOf: '2025-02-15', limit: 50 });
    network.push((performance.now() - t) / 1000);
  }
  const single: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await actuals.forPartner(actor, first!.items[0]!.partnerId, { period: '2025-Q1', metric: 'sales_amount', asOf: '2025-02-15' });
    single.push((performance.now() - t) / 1000);
  }
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await sql`select partner_id, sum(amount) as amount from sell_through_lines where tenant_id = ${TENANT} and date >= '2025-01-01' and date < '2025-04-01' group by partner_id`;
    bare.push((performance.now() - t) / 1000);
  }
  const n = Number((await sql`select count(*)::int as n from sell_through_lines`)[0]!.n);
  const check = await sql`select sum(amount)::text as s from sell_through_lines where tenant_id = ${TENANT} and date >= '2025-01-01' and date < '2025-04-01'`;
  const totals =
    await sql`select sum(amount)::text as s from actual_monthly_totals where tenant_id = ${TENANT} and stream = 'sell_through' and month between '2025-01-01' and '2025-03-01'`;
  console.log(
    JSON.stringify(
      {
        facts: n,
        partners: 10_000,
        loadSeconds: secs(t0),
        totalsRebuildSeconds: rebuildS,
        networkAchievementQuarter: { seconds: +median(network).toFixed(4), runs: network.map((x) => +x.toFixed(4)), top: first!.items[0] },
        onePartnerWithByMonth: { seconds: +median(single).toFixed(4) },
        bareSqlAggregateQuarter: { seconds: +median(bare).toFixed(4), runs: bare.map((x) => +x.toFixed(4)) },
        ratio: { networkVsBare: +(median(network) / median(bare)).toFixed(3) },
        check: { factSum: check[0]!.s, totalsSum: totals[0]!.s, match: check[0]!.s === totals[0]!.s },
      },
      null,
      2,
    ),
  );
} finally {
  await drop();
}
