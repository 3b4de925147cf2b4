/**
 * bench/evaluation: an evaluation run over 10,000 partners with 8 KPIs (6 computed from the facts, 2 manual) on the
 * fact volume of bench/achievement (10,000,000 sell-through lines over 36 months, 1% of them cross-region), plus
 * 1,000,000 sell-in lines, 500,000 collections, 300,000 inventory snapshots, 20,000 price observations and
 * 20,000 manual values, all generated server-side. One tenant (the worst case).
 *
 * Measures (median of 3): the run as the API performs it (RunService.startRun: values, scores, totals,
 * grades and ranks computed set-based and stored) against the bare SQL computing the same six KPI values
 * straight from the fact tables in one SELECT (nothing stored), and prints the ratio.
 *   npm run bench:evaluation [-- --rows 10000000]
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/platform/actor.js';
import { Store } from '../../src/platform/store.js';
import { createEvaluationServices } from '../../src/modules/evaluation/index.js';
import { ActualsService } from '../../src/modules/target/actuals.service.js';
import { TargetService } from '../../src/modules/target/target.service.js';
import { scratchDatabase, secs, seedCatalog } from '../lib/db.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000000' } } });
const N = Number(values.rows);
const TENANT = 'bench';
const CHUNK = 1_000_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { database, drop } = await scratchDatabase('bench_evaluation');
try {
  const sql = database.client!;
  await seedCatalog(sql, TENANT, 10_000, 1_000);
  await sql`create table pmap as select (row_number() over (order by code)) - 1 as n, id from partners where tenant_id = ${TENANT}`;
  await sql`create table prmap as select (row_number() over (order by code)) - 1 as n, id from products where tenant_id = ${TENANT}`;
  await sql`create index on pmap (n)`;
  await sql`create index on prmap (n)`;
  const [terr] = await sql`select id from territories where tenant_id = ${TENANT} limit 1`;
  const t0 = performance.now();
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(from + CHUNK - 1, N);
    await sql`insert into sell_through_lines (tenant_id, external_id, partner_id, product_id, territory_id, date, quantity, amount, cross_region)
      select ${TENANT}, 'G' || g, pm.id, pr.id, ${terr!.id}::uuid, date '2023-01-01' + (abs(hashint8(g)) % 1096)::int,
        1 + abs(hashint8(g * 7)) % 100, (abs(hashint8(g * 11)) % 1000000) / 100.0, g % 100 = 0
      from generate_series(${from}::bigint, ${to}::bigint) g
      join pmap pm on pm.n = g % 10000
      join prmap pr on pr.n = abs(hashint8(g * 3)) % 1000`;
    console.error(`  sell-through ${to.toLocaleString('en')}, ${secs(t0)} s`);
  }
  const small = Math.max(Math.floor(N / 10), 10_000);
  await sql`insert into sell_in_lines (tenant_id, external_id, partner_id, product_id, date, quantity, amount)
    select ${TENANT}, 'I' || g, pm.id, pr.id, date '2023-01-01' + (abs(hashint8(g)) % 1096)::int, 10, (abs(hashint8(g * 5)) % 10000000) / 100.0
    from generate_series(1, ${small}) g join pmap pm on pm.n = g % 10000 join prmap pr on pr.n = abs(hashint8(g * 3)) % 1000`;
  await sql`insert into collections (tenant_id, external_id, partner_id, date, amount)
    select ${TENANT}, 'C' || g, pm.id, date '2023-01-01' + (abs(hashint8(g)) % 1096)::int, (abs(hashint8(g * 5)) % 15000000) / 100.0
    from generate_series(1, ${Math.floor(small / 2)}) g join pmap pm on pm.n = g % 10000`;
  await sql`insert into inventory_snapshots (tenant_id, external_id, partner_id, product_id, date, quantity_on_hand)
    select ${TENANT}, 'S' || p.n || '-' || pr.n || '-' || d, p.id, pr.id, d, 1 + abs(hashint8(p.n * 1000 + pr.n)) % 500
    from pmap p cross join (select * from prmap where n < 10) pr cross join (values (date '2025-01-31'), (date '2025-02-28'), (date '2025-03-31')) v(d)`;
  await sql`insert into price_observations (tenant_id, id, partner_id, product_id, observed_on, price, source, is_violation, recorded_by)
    select ${TENANT}, gen_random_uuid(), pm.id, pr.id, date '2025-01-01' + (g % 90), 10, 'bench', g % 3 = 0, 'bench'
    from generate_series(1, 20000) g join pmap pm on pm.n = g % 10000 join prmap pr on pr.n = g % 1000`;
  await sql`insert into targets (tenant_id, id, partner_id, period, period_start, period_end, metric, value)
    select ${TENANT}, gen_random_uuid(), id, '2025-Q1', '2025-01-01', '2025-03-31', 'sales_amount', 400000 + n * 10 from pmap`;
  await sql`insert into evaluation_manual_values (tenant_id, period, kpi_code, partner_id, value, entered_by)
    select ${TENANT}, '2025-Q1', k, id, 50 + abs(hashint8(n)) % 50, 'bench' from pmap cross join unnest(array['sat', 'audit']) k`;
  const store = new Store(database);
  const actor = systemActor(TENANT, 'bench');
  const targets = new TargetService(store);
  const tr = performance.now();
  await new ActualsService(store, targets).rebuildTotals(actor);
  console.error(`  facts loaded in ${secs(t0)} s; monthly totals rebuilt in ${secs(tr)} s`);
  await sql`vacuum analyze`;

  const evaluation = createEvaluationServices(store, { periods: targets, partners: {} as never });
  const lin = (floor: number, target: number) => ({ type: 'linear', floor, target });
  await evaluation.templates.createTemplate(actor, {
    code: 'BENCH',
    name: 'Eight KPIs',
    kpis: [
      { code: 'ach', name: 'Achievement', weight: 20, direction: 'higher', source: 'computed', kind: 'target_achievement', scoring: lin(50, 100) },
      { code: 'growth', name: 'Growth', weight: 10, direction: 'higher', source: 'computed', kind: 'growth_yoy', scoring: lin(-20, 20) },
      { code: 'coll', name: 'Collection', weight: 15, direction: 'higher', source: 'computed', kind: 'collection_rate', scoring: lin(50, 100) },
      { code: 'inv', name: 'Inventory days', weight: 10, direction: 'lower', source: 'computed', kind: 'inventory_days', scoring: lin(120, 30) },
      {
        code: 'price',
        name: 'Price violations',
        weight: 10,
        direction: 'lower',
        source: 'computed',
        kind: 'price_violations',
        scoring: {
          type: 'banded',
          bands: [
            { threshold: 0, score: 100 },
            { threshold: 1, score: 60 },
          ],
        },
      },
      { code: 'cross', name: 'Cross-region', weight: 10, direction: 'lower', source: 'computed', kind: 'cross_region_violations', scoring: lin(20, 0) },
      { code: 'sat', name: 'Satisfaction', weight: 15, direction: 'higher', source: 'manual', scoring: lin(60, 100) },
      {
        code: 'audit',
        name: 'Audit',
        weight: 10,
        direction: 'higher',
        source: 'manual',
        scoring: {
          type: 'banded',
          bands: [
            { threshold: 90, score: 100 },
            { threshold: 70, score: 60 },
          ],
        },
      },
    ],
    gradeBands: [
      { grade: 'A', min: 90 },
      { grade: 'B', min: 75 },
      { grade: 'C', min: 60 },
      { grade: 'D', min: 0 },
    ],
  });

  const runTimes: number[] = [];
  let run: Awaited<ReturnType<typeof evaluation.runs.startRun>> | undefined;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    run = await evaluation.runs.startRun(actor, { template: 'BENCH', period: '2025-Q1' });
    runTimes.push((performance.now() - t) / 1000);
  }
  // the same six KPI values straight from the facts, one SELECT, nothing stored
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await sql`
      with p as (select id from partners where tenant_id = ${TENANT} and status = 'active'),
      st as (select partner_id, sum(amount) as amount, sum(quantity) as qty, count(*) filter (where cross_region) as cross_n
             from sell_through_lines where tenant_id = ${TENANT} and date between '2025-01-01' and '2025-03-31' group by partner_id),
      ly as (select partner_id, sum(amount) as amount from sell_through_lines where tenant_id = ${TENANT} and date between '2024-01-01' and '2024-03-31' group by partner_id),
      si as (select partner_id, sum(amount) as amount from sell_in_lines where tenant_id = ${TENANT} and date between '2025-01-01' and '2025-03-31' group by partner_id),
      co as (select partner_id, sum(amount) as amount from collections where tenant_id = ${TENANT} and date between '2025-01-01' and '2025-03-31' group by partner_id),
      inv as (select partner_id, sum(quantity_on_hand) as q from (select distinct on (partner_id, product_id) partner_id, quantity_on_hand from inventory_snapshots
              where tenant_id = ${TENANT} and date between '2025-01-01' and '2025-03-31' order by partner_id, product_id, date desc) x group by partner_id),
      pv as (select partner_id, count(*) as n from price_violations where tenant_id = ${TENANT} and observed_on between '2025-01-01' and '2025-03-31' group by partner_id)
      select p.id, st.amount * 100 / nullif(tg.value, 0) as ach, (st.amount - ly.amount) * 100 / nullif(ly.amount, 0) as growth,
        co.amount * 100 / nullif(si.amount, 0) as coll, inv.q * 90 / nullif(st.qty, 0) as inv, coalesce(pv.n, 0) as price, coalesce(st.cross_n, 0) as cross_n
      from p left join targets tg on tg.tenant_id = ${TENANT} and tg.partner_id = p.id and tg.period = '2025-Q1' and tg.metric = 'sales_amount'
        left join st on st.partner_id = p.id left join ly on ly.partner_id = p.id left join si on si.partner_id = p.id
        left join co on co.partner_id = p.id left join inv on inv.partner_id = p.id left join pv on pv.partner_id = p.id`;
    bare.push((performance.now() - t) / 1000);
  }
  const grades = await sql`select grade, count(*)::int as n from evaluation_results where run_id = ${run!.id} group by grade order by grade`;
  const facts = Number((await sql`select count(*)::int as n from sell_through_lines`)[0]!.n);
  const runS = median(runTimes);
  const bareS = median(bare);
  console.log(
    JSON.stringify(
      {
        sellThroughFacts: facts,
        partners: run!.partnerCount,
        complete: run!.completeCount,
        kpis: 8,
        grades: Object.fromEntries(grades.map((g) => [g.grade ?? 'incomplete', g.n])),
        runSeconds: +runS.toFixed(3),
        runSecondsAll: runTimes.map((x) => +x.toFixed(3)),
        bareSqlSeconds: +bareS.toFixed(3),
        bareSqlSecondsAll: bare.map((x) => +x.toFixed(3)),
        ratioRunToBare: +(runS / bareS).toFixed(2),
        note: 'the run reads the per-partner monthly totals ingestion maintains (not the fact lines) and stores 80,000 KPI rows and 10,000 results; the bare SELECT aggregates the fact lines and stores nothing',
      },
      null,
      2,
    ),
  );
} finally {
  await drop();
}
