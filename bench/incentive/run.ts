/**
 * bench/incentive: a calculation run over 10,000 partners and 1,000,000 sell-in lines (one tenant, one year:
 * every line is in the run's period), against the same computation written as one bare SQL query (the tier
 * CASE, the cap and the rounding over the same aggregate), each the median of 3, and the ratio.
 *   npm run bench:incentive [-- --rows 1000000 --partners 10000]
 * Measured: a dry run (the service's one aggregate query + the decimal.js engine, nothing stored), a stored
 * first run (run lines, 10,000 draft statements and their lines) and a stored rerun (replaces the draft lines).
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/platform/actor.js';
import { Store } from '../../src/platform/store.js';
import { createOnboardingServices } from '../../src/modules/onboarding/index.js';
import { createTargetServices } from '../../src/modules/target/index.js';
import { createIncentiveServices } from '../../src/modules/incentive/index.js';
import { evaluationSql } from '../../src/modules/evaluation/contract.js';
import { scratchDatabase, secs, seedCatalog } from '../lib/db.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, partners: { type: 'string', default: '10000' } } });
const N = Number(values.rows);
const P = Number(values.partners);
const TENANT = 'bench';
const CHUNK = 500_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const r = await fn();
  return [(performance.now() - t) / 1000, r];
};

const { database, drop } = await scratchDatabase('bench_incentive_run', 8);
try {
  const sql = database.client!;
  await seedCatalog(sql, TENANT, P, 1_000);
  await sql`create table pmap as select (row_number() over (order by code)) - 1 as n, id from partners where tenant_id = ${TENANT}`;
  await sql`create table prmap as select (row_number() over (order by code)) - 1 as n, id from products where tenant_id = ${TENANT}`;
  const t0 = performance.now();
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(from + CHUNK - 1, N);
    // amounts 0.00-3999.99 (about 100 lines a partner: bases spread over all three tiers)
    await sql`insert into sell_in_lines (tenant_id, external_id, partner_id, product_id, date, quantity, amount)
      select ${TENANT}, 'G' || g, pm.id, pr.id, date '2025-01-01' + (abs(hashint8(g)) % 365)::int,
        1 + abs(hashint8(g * 7)) % 100, (abs(hashint8(g * 11)) % 400000) / 100.0
      from generate_series(${from}::bigint, ${to}::bigint) g
      join pmap pm on pm.n = g % ${P}
      join prmap pr on pr.n = abs(hashint8(g * 3)) % 1000`;
    console.error(`  loaded ${to.toLocaleString('en')} sell-in lines, ${secs(t0)} s`);
  }
  await sql`vacuum analyze`;

  const store = new Store(database);
  const actor = systemActor(TENANT, 'bench');
  createOnboardingServices(store);
  const target = createTargetServices(store);
  const incentive = createIncentiveServices(store, { periods: target.targets, grades: { latestGrades: evaluationSql.latestGrades } });
  const program = await incentive.programs.create(actor, {
    code: 'BENCH-RB',
    name: 'Bench rebate',
    type: 'rebate',
    granularity: 'year',
    base: { metric: 'sell_in_amount' },
    eligibility: { partnerTypes: ['distributor'] },
    rules: {
      mode: 'whole',
      tiers: [
        { threshold: '0', rate: '1' },
        { threshold: '150000', rate: '2' },
        { threshold: '250000', rate: '3' },
      ],
      partnerCap: '7000',
    },
  });
  await incentive.programs.transition(actor, program.id, 'active');

  const bareQuery = () => sql`
    select partner_id, least(round(base * case when base >= 250000 then 0.03 when base >= 150000 then 0.02 else 0.01 end, 4), 7000)::numeric(18,2) as amount
    from (select p.id as partner_id, coalesce(sum(f.amount), 0) as base
          from partners p left join sell_in_lines f on f.tenant_id = p.tenant_id and f.partner_id = p.id and f.date between '2025-01-01' and '2025-12-31'
          where p.tenant_id = ${TENANT} and p.status = 'active' and p.type = 'distributor'
          group by p.id) x`;

  const bare: number[] = [];
  let bareRows: { partner_id: string; amount: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const [s, rows] = await time(() => bareQuery());
    bare.push(s);
    bareRows = rows as unknown as { partner_id: string; amount: string }[];
  }
  const dry: number[] = [];
  let dryRes: Awaited<ReturnType<typeof incentive.runs.create>> | undefined;
  for (let i = 0; i < 3; i++) {
    const [s, r] = await time(() => incentive.runs.create(actor, { program: 'BENCH-RB', period: '2025', dryRun: true }));
    dry.push(s);
    dryRes = r;
  }
  const [firstRun, first] = await time(() => incentive.runs.create(actor, { program: 'BENCH-RB', period: '2025' }));
  const reruns: number[] = [];
  let last = first;
  for (let i = 0; i < 3; i++) {
    const [s, r] = await time(() => incentive.runs.create(actor, { program: 'BENCH-RB', period: '2025' }));
    reruns.push(s);
    last = r;
  }
  // the service's lines must equal the bare query's, partner by partner
  const dryBy = new Map(dryRes!.lines!.map((l) => [l.partnerId, l.amount]));
  const mismatches = bareRows.filter((r) => dryBy.get(r.partner_id) !== String(r.amount)).length;
  const bareTotal = (await sql`select sum(amount)::text as s from (${bareQuery()}) q`)[0]!.s;
  const statementTotal = (await sql`select sum(total)::text as s from incentive_statements where tenant_id = ${TENANT}`)[0]!.s;
  console.log(
    JSON.stringify(
      {
        salesLines: N,
        partners: P,
        loadSeconds: secs(t0),
        bareSqlQuery: { seconds: +median(bare).toFixed(4), runs: bare.map((x) => +x.toFixed(4)) },
        dryRun: { seconds: +median(dry).toFixed(4), runs: dry.map((x) => +x.toFixed(4)), total: dryRes!.run.total },
        storedFirstRun: { seconds: +firstRun.toFixed(4), statementLines: first.run.statementLines },
        storedRerun: {
          seconds: +median(reruns).toFixed(4),
          runs: reruns.map((x) => +x.toFixed(4)),
          statementLines: last.run.statementLines,
          sameHash: last.run.inputHash === first.run.inputHash,
        },
        ratio: {
          dryRunVsBare: +(median(dry) / median(bare)).toFixed(3),
          storedFirstRunVsBare: +(firstRun / median(bare)).toFixed(3),
          storedRerunVsBare: +(median(reruns) / median(bare)).toFixed(3),
        },
        check: { partnerMismatches: mismatches, bareTotal, runTotal: last.run.total, statementTotal, match: mismatches === 0 && bareTotal === last.run.total },
      },
      null,
      2,
    ),
  );
} finally {
  await drop();
}
