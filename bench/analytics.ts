/**
 * bench/analytics: 10,000 partners (6 home territories under one root, two partner types) with maintained monthly
 * totals for 36 months and 3 streams, generated directly (1.08M partner-months whose `lines` add up to about
 * 10,000,000 sell-through fact rows: what ingestion would have maintained). Then, through the HTTP app (auth,
 * validation, serialisation included), the analytics endpoints for a year with year-over-year, and in the same run
 * the bare SQL aggregate the trend answers (sum by territory and month over the same 24 months of per-partner totals);
 * each the median of 5 runs after one warm-up, and the ratio. Goal: the trend under 100 ms.
 * Since issue 17 (analytics speed) the trend reads the target module's totals per group (target.groups.ts, built
 * here from the generated per-partner totals as `totals:rebuild` does): printed besides are the per-partner path of
 * the same trend (service call, no HTTP), the bare aggregate over the group totals, and what a change of one
 * partner's home territory costs (the partner update, which moves its totals in its transaction).
 * Issue 17 (scale) adds a sales organisation (HQ > 6 regions > 30 teams, 200 account managers, every tenth partner
 * handed to another owner mid-quarter, every hundredth owned by nobody) and prints, each over HTTP with its ratio to
 * the bare SQL aggregate it answers measured in this run: the territory share (EAST, a quarter; bare: the
 * quarter's per-partner sums of EAST), the forecast (bare: the 24 months summed over the per-partner totals), the
 * org-unit and account-manager roll-ups of a quarter and the org-unit roll-up of a year (bare: the per-partner
 * totals summed by the owner on the period's last day), and home-territory moves of single partners through the
 * service (median of 5 moves, each another partner) against the same update of another field.
 *   npx tsx bench/analytics.ts [--partners 10000] [--months 36]
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops (BENCH_KEEP=1 keeps it).
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { mintToken } from '../src/platform/tokens.js';
import { systemActor } from '../src/platform/actor.js';
import { rebuildGroupTotals } from '../src/modules/target/target.groups.js';
import { scratchDatabase, secs, seedCatalog } from './lib/db.js';

const { values } = parseArgs({ options: { partners: { type: 'string', default: '10000' }, months: { type: 'string', default: '36' } } });
const PARTNERS = Number(values.partners);
const MONTHS = Number(values.months);
const TENANT = 'bench';
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; runs: number[] }> {
  await fn(); // warm-up (plans, caches)
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    runs.push(+(performance.now() - t).toFixed(2));
  }
  return { ms: median(runs), runs };
}

const { database, drop } = await scratchDatabase(process.env.BENCH_DB ?? 'bench_analytics');
try {
  const sql = database.client!;
  const t0 = performance.now();
  await seedCatalog(sql, TENANT, PARTNERS, 10);
  // a root over the six territories; partners spread over them, every third a dealer
  await sql`insert into territories (tenant_id, id, code, name) values (${TENANT}, gen_random_uuid(), 'ALL', 'ALL')`;
  await sql`update territories set parent_id = (select id from territories where tenant_id = ${TENANT} and code = 'ALL') where tenant_id = ${TENANT} and code <> 'ALL'`;
  await sql`update partners p set region_code = (array['NORTH','SOUTH','EAST','WEST','CENTRAL','ISLANDS'])[1 + substr(code, 2)::int % 6],
    type = case when substr(code, 2)::int % 3 = 0 then 'dealer' else 'distributor' end where tenant_id = ${TENANT}`;
  // the sales organisation: HQ > 6 regions > 5 teams each (three levels), 200 account managers in the teams; every
  // partner but each 100th owned since 2023-01-01, each 10th handed to another manager (and unit) on 2025-02-15
  await sql`insert into org_units (tenant_id, id, code, name, kind) values (${TENANT}, gen_random_uuid(), 'HQ', 'HQ', 'region')`;
  await sql`insert into org_units (tenant_id, id, code, name, kind, parent_id)
    select ${TENANT}, gen_random_uuid(), 'R' || r, 'Region ' || r, 'region', (select id from org_units where tenant_id = ${TENANT} and code = 'HQ')
    from generate_series(1, 6) r`;
  await sql`insert into org_units (tenant_id, id, code, name, kind, parent_id)
    select ${TENANT}, gen_random_uuid(), 'R' || r || 'T' || k, 'Team ' || r || '.' || k, 'team',
      (select id from org_units where tenant_id = ${TENANT} and code = 'R' || r)
    from generate_series(1, 6) r cross join generate_series(1, 5) k`;
  await sql`insert into staff_members (tenant_id, id, code, name, post, org_unit_id)
    select ${TENANT}, gen_random_uuid(), 'AM' || lpad(g::text, 3, '0'), 'AM ' || g, 'account_manager',
      (select id from org_units where tenant_id = ${TENANT} and code = 'R' || (1 + g % 6) || 'T' || (1 + (g / 6) % 5))
    from generate_series(0, 199) g`;
  await sql`insert into partner_ownership (tenant_id, id, partner_id, org_unit_id, account_manager_id, valid_from, valid_to, created_by)
    select ${TENANT}, gen_random_uuid(), p.id, a.org_unit_id, a.id, date '2023-01-01', case when substr(p.code, 2)::int % 10 = 0 then date '2025-02-15' end, 'bench'
    from partners p join staff_members a on a.tenant_id = p.tenant_id and a.code = 'AM' || lpad((substr(p.code, 2)::int % 200)::text, 3, '0')
    where p.tenant_id = ${TENANT} and substr(p.code, 2)::int % 100 <> 1`;
  await sql`insert into partner_ownership (tenant_id, id, partner_id, org_unit_id, account_manager_id, valid_from, valid_to, created_by)
    select ${TENANT}, gen_random_uuid(), p.id, a.org_unit_id, a.id, date '2025-02-15', null, 'bench'
    from partners p join staff_members a on a.tenant_id = p.tenant_id and a.code = 'AM' || lpad(((substr(p.code, 2)::int * 7 + 3) % 200)::text, 3, '0')
    where p.tenant_id = ${TENANT} and substr(p.code, 2)::int % 10 = 0`;
  // ~10M sell-through lines over PARTNERS x MONTHS partner-months: lines per partner-month average 10M / (PARTNERS x MONTHS)
  const perMonth = Math.round(10_000_000 / (PARTNERS * MONTHS));
  await sql`create temporary table pn as select id, row_number() over (order by code) as n from partners where tenant_id = ${TENANT}`;
  for (let m = 0; m < MONTHS; m++) {
    await sql`insert into actual_monthly_totals (tenant_id, stream, partner_id, month, amount, quantity, lines)
      select ${TENANT}, s.stream, p.id, (date '2023-01-01' + make_interval(months => ${m}::int))::date,
        (abs(hashint8(p.n * 100 + ${m} + s.k * 7)) % 100000000) / 100.0, abs(hashint8(p.n + ${m * 3} + s.k)) % 1000,
        case when s.stream = 'collection' then ${1 + (m % 3)} else 1 + abs(hashint8(p.n * 31 + ${m})) % ${2 * perMonth - 1} end
      from pn p cross join (values ('sell_in', 1), ('sell_through', 2), ('collection', 3)) s(stream, k)`;
  }
  // the quarterly totals ingestion keeps beside the monthly ones: the monthly summed by quarter (as `totals:rebuild`)
  await sql`insert into actual_quarterly_totals (tenant_id, stream, partner_id, quarter, amount, quantity, lines)
    select tenant_id, stream, partner_id, date_trunc('quarter', month)::date, sum(amount), sum(quantity), sum(lines)
    from actual_monthly_totals where tenant_id = ${TENANT} group by 1, 2, 3, 4`;
  const tg = performance.now();
  await rebuildGroupTotals(database.db, TENANT);
  const groupBuildSeconds = secs(tg);
  await sql`vacuum analyze`;
  const [groups] = await sql`select count(*)::int as n from actual_monthly_group_totals where tenant_id = ${TENANT}`;
  const [facts] =
    await sql`select sum(lines)::bigint as n, count(*)::int as rows from actual_monthly_totals where tenant_id = ${TENANT} and stream = 'sell_through'`;
  const loadSeconds = secs(t0);
  console.error(`  ${facts!.rows} sell-through partner-months (${Number(facts!.n).toLocaleString('en')} fact lines equivalent) in ${loadSeconds} s`);
  console.error(`  ${groups!.n} group-months built from them in ${groupBuildSeconds} s`);

  const app = await buildApp({
    config: { NODE_ENV: 'production', LOG_LEVEL: 'silent', JWT_SECRET: SECRET, IDEMPOTENCY_TTL_HOURS: 24, RATE_LIMIT_MAX: 1_000_000 },
    database,
    logger: false,
  });
  await app.ready();
  const token = await mintToken(SECRET, { tenant: TENANT, scope: 'admin', sub: 'bench' });
  const get = (url: string) => async () => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res;
  };
  const year = '2025';
  const trendUrl = `/v1/analytics/trends?from=${year}-01&to=${year}-12&by=territory`;
  const trend = await timed(get(trendUrl));
  const trendTotal = await timed(get(`/v1/analytics/trends?from=${year}-01&to=${year}-12&by=partner_type`));
  const share = await timed(get(`/v1/analytics/territory-share?from=${year}-01&to=${year}-03&territory=EAST`));
  const forecast = await timed(get(`/v1/analytics/forecast?asOf=${year}-12&horizon=12`));
  const rollup = await timed(get(`/v1/analytics/rollup?period=${year}-Q1`));
  // the bare aggregate behind the trend: the same 24 months of totals summed by home territory and month
  const bare = await timed(
    () => sql`select p.region_code, m.month, sum(m.amount) as amount, sum(m.quantity) as quantity, sum(m.lines) as lines
      from actual_monthly_totals m join partners p on p.tenant_id = m.tenant_id and p.id = m.partner_id
      where m.tenant_id = ${TENANT} and m.stream = 'sell_through' and m.month between ${`${Number(year) - 1}-01-01`}::date and ${`${year}-12-01`}::date
      group by 1, 2`,
  );
  // the same trend on the per-partner path (what it was before the group totals), as a service call
  const { analytics } = app.services.analytics;
  const admin = systemActor(TENANT);
  const trendQuery = { by: 'territory', from: `${year}-01`, to: `${year}-12` };
  const perPartner = await timed(() => analytics.trends(admin, trendQuery, 'partners'));
  const groupedService = await timed(() => analytics.trends(admin, trendQuery, 'auto'));
  const rollupPerPartner = await timed(() => analytics.rollup(admin, { period: `${year}-Q1` }, 'partners'));
  // the bare aggregate over the group totals: what the grouped trend reads
  const bareGroups = await timed(
    () => sql`select group_key, month, sum(amount) as amount, sum(quantity) as quantity, sum(lines) as lines
      from actual_monthly_group_totals
      where tenant_id = ${TENANT} and stream = 'sell_through' and dim = 'home' and month between ${`${Number(year) - 1}-01-01`}::date and ${`${year}-12-01`}::date
      group by 1, 2`,
  );
  const body = JSON.parse((await get(trendUrl)()).body);
  // issue 17 (scale): share, forecast, org-unit and account-manager roll-ups, each against the bare SQL aggregate it
  // answers, in this run
  const q1 = { from: `${year}-01-01`, to: `${year}-03-01`, on: `${year}-03-31` };
  const bareShare = await timed(
    () => sql`select m.partner_id, sum(m.amount) from actual_monthly_totals m join partners p on p.tenant_id = m.tenant_id and p.id = m.partner_id
      where m.tenant_id = ${TENANT} and m.stream = 'sell_through' and m.month between ${q1.from}::date and ${q1.to}::date and p.region_code = 'EAST'
      group by 1`,
  );
  const bareForecast = await timed(
    () => sql`select month, sum(amount) from actual_monthly_totals
      where tenant_id = ${TENANT} and stream = 'sell_through' and month between ${`${Number(year) - 1}-01-01`}::date and ${`${year}-12-01`}::date group by 1`,
  );
  const forecastPerPartner = await timed(() => analytics.forecast(admin, { asOf: `${year}-12`, horizon: 12 }, 'partners'));
  const rollupOrg = await timed(get(`/v1/analytics/rollup?period=${year}-Q1&tree=org_unit`));
  const rollupAm = await timed(get(`/v1/analytics/rollup?period=${year}-Q1&tree=account_manager`));
  const rollupOrgYear = await timed(get(`/v1/analytics/rollup?period=${year}&tree=org_unit`));
  // the bare aggregate behind an ownership roll-up: the quarter's per-partner totals summed by the owner on its last day
  const bareOwner = (col: string, from: string, to: string) => () =>
    sql`select o.${sql(col)}, sum(m.amount) from actual_monthly_totals m
      join partner_ownership o on o.tenant_id = m.tenant_id and o.partner_id = m.partner_id and o.valid_from <= ${q1.on}::date and (o.valid_to is null or o.valid_to > ${q1.on}::date)
      where m.tenant_id = ${TENANT} and m.stream = 'sell_through' and m.month between ${from}::date and ${to}::date group by 1`;
  const bareOrg = await timed(bareOwner('org_unit_id', q1.from, q1.to));
  const bareAm = await timed(bareOwner('account_manager_id', q1.from, q1.to));
  const bareOrgYear = await timed(bareOwner('org_unit_id', `${year}-01-01`, `${year}-12-01`));
  // partners move to another home territory through the API: their totals move to the new group in the same
  // transaction; against the same update of another field (no regroup), in this run
  const movers =
    await sql`select id from partners where tenant_id = ${TENANT} and code in ('P00001', 'P00002', 'P00003', 'P00004', 'P00005', 'P00006') order by code`;
  const regions = ['NORTH', 'SOUTH', 'EAST', 'WEST', 'CENTRAL', 'ISLANDS']; // P0000n's home is regions[n % 6]
  let k = 0;
  const move = await timed(async () => {
    const i = k++ % movers.length;
    await app.services.onboarding.partners.update(admin, movers[i]!.id as string, { regionCode: regions[(i + 2) % 6]! });
  });
  const rename = await timed(async () => {
    const m = movers[k++ % movers.length]!;
    await app.services.onboarding.partners.update(admin, m.id as string, { legalName: `Partner renamed ${k}` });
  });
  const partnerUpdateWithRegroupMs = move.ms;
  const partnerUpdateOtherFieldMs = rename.ms;
  const stale = await app.services.target.actuals.groupsStale(TENANT);
  const afterMove = await timed(get(trendUrl));
  await app.close();
  console.log(
    JSON.stringify(
      {
        partners: PARTNERS,
        partnerMonths: facts!.rows * 3,
        sellThroughFactLinesEquivalent: Number(facts!.n),
        loadSeconds,
        trendByTerritoryYear: { ms: trend.ms, runs: trend.runs, rows: body.data.length, goalMs: 100, withinGoal: trend.ms < 100 },
        trendByPartnerTypeYear: trendTotal,
        bareSqlAggregate: bare,
        ratio: { trendVsBare: +(trend.ms / bare.ms).toFixed(3), trendVsBareGroups: +(trend.ms / bareGroups.ms).toFixed(3) },
        groupMonths: groups!.n,
        groupBuildSeconds,
        trendPerPartnerPathService: perPartner,
        trendGroupedPathService: groupedService,
        bareGroupAggregate: bareGroups,
        onePartnerMoved: {
          partnerUpdateWithRegroupMs,
          partnerUpdateOtherFieldMs,
          ratioVsOtherField: +(partnerUpdateWithRegroupMs / partnerUpdateOtherFieldMs).toFixed(3),
          goalMs: 50,
          moves: move,
          renames: rename,
          groupsStaleAfter: stale,
          trendAfter: afterMove,
        },
        territoryShareQuarter: { ...share, bare: bareShare.ms, ratioVsBare: +(share.ms / bareShare.ms).toFixed(3) },
        forecast12: {
          ...forecast,
          bare: bareForecast.ms,
          ratioVsBare: +(forecast.ms / bareForecast.ms).toFixed(3),
          perPartnerPathService: forecastPerPartner.ms,
        },
        rollupQuarter: rollup,
        rollupPerPartnerPathService: rollupPerPartner,
        rollupOrgUnitQuarter: { ...rollupOrg, bare: bareOrg.ms, ratioVsBare: +(rollupOrg.ms / bareOrg.ms).toFixed(3) },
        rollupAccountManagerQuarter: { ...rollupAm, bare: bareAm.ms, ratioVsBare: +(rollupAm.ms / bareAm.ms).toFixed(3) },
        rollupOrgUnitYear: { ...rollupOrgYear, bare: bareOrgYear.ms, ratioVsBare: +(rollupOrgYear.ms / bareOrgYear.ms).toFixed(3) },
        load: (await import('node:os')).loadavg().map((x) => +x.toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  if (process.env.BENCH_KEEP) await database.close();
  else await drop();
}
