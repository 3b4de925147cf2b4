/**
 * Issue 17, analytics speed: the trends read the target module's monthly totals per group (home territory, product
 * line, sale territory; per partner type) instead of summing the per-partner totals. Proven here: the two paths
 * give identical answers on mixed data (three streams, partners with and without a home territory, lines without a
 * product line, cross-region sales, negative amounts), after an import that adds to existing months and corrects
 * lines, after a rebuild, after partners' type and home territory change (through the API: moved in the same
 * transaction; behind it: found and repaired by the regroup; either way equal to a rebuild), and a caller with a
 * data scope still sees only its partners' sums.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/actor.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartners } from '../helpers/evaluation.js';
import { assignOwner, orgFixture } from '../helpers/organisation.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let ids: Record<string, string>;
const actor = systemActor('t1');

const ST = 'externalId,date,partnerCode,productCode,quantity,amount,territoryCode';
const SI = 'externalId,date,partnerCode,productCode,quantity,amount';
const CO = 'externalId,date,partnerCode,amount';

/*
 * Territories CN > {N, S}; lines L1 (product A), L2 (B); C has no line. Partners: P1 distributor N, P2 dealer N,
 * P3 distributor S, P4 dealer S, P5 agent without a home territory.
 */
beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  await seedCatalog(t, 't1', {
    lines: ['L1', 'L2'],
    products: [{ code: 'A', line: 'L1' }, { code: 'B', line: 'L2' }, { code: 'C' }],
    territories: [{ code: 'CN' }, { code: 'N', parent: 'CN' }, { code: 'S', parent: 'CN' }],
  });
  ids = {
    ...(await makePartners(admin, ['P1'], { regionCode: 'N' })),
    ...(await makePartners(admin, ['P2'], { regionCode: 'N', type: 'dealer' })),
    ...(await makePartners(admin, ['P3'], { regionCode: 'S' })),
    ...(await makePartners(admin, ['P4'], { regionCode: 'S', type: 'dealer' })),
    ...(await makePartners(admin, ['P5'], { type: 'agent' })),
  };
  const st = [
    ST,
    's1,2025-01-05,P1,A,1,100,N',
    's2,2025-01-06,P2,B,2,40.5,N',
    's3,2025-01-07,P3,A,1,70,N',
    's4,2025-03-01,P4,C,1,-10,S',
    's5,2025-03-02,P5,A,3,33.3333,S',
    's6,2026-01-10,P1,B,1,120,N',
    's7,2026-01-11,P2,A,1,60,N',
    's8,2026-01-12,P3,C,2,80.25,S',
    's9,2026-02-01,P4,B,1,15,S',
    's10,2026-03-15,P5,A,1,5,N',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', st)).data).toMatchObject({ accepted: 10 });
  const si = [SI, 'i1,2025-01-02,P1,A,10,1000', 'i2,2026-01-03,P2,B,5,500', 'i3,2026-01-04,P3,C,1,99.99'].join('\n');
  expect((await importCsv(t, token, 'sell-in', si)).data).toMatchObject({ accepted: 3 });
  const co = [CO, 'c1,2025-01-20,P1,300', 'c2,2026-01-20,P1,250', 'c3,2026-01-21,P4,125.5'].join('\n');
  expect((await importCsv(t, token, 'collections', co)).data).toMatchObject({ accepted: 3 });
  // targets, one of them of the partner without a home territory (reported apart, `unassigned`)
  for (const [code, metric, value] of [
    ['P1', 'sales_amount', '300'],
    ['P4', 'sales_amount', '50'],
    ['P5', 'sales_amount', '20'],
    ['P2', 'collection_amount', '100'],
  ] as const) {
    const r = await admin.post('/v1/targets', { partnerId: ids[code], period: '2026-Q1', metric, value });
    expect(r.statusCode, r.body).toBe(201);
  }
});
afterAll(async () => t?.close());

const STREAMS = ['sell_in', 'sell_through', 'collection'] as const;
const BYS = ['total', 'partner_type', 'territory', 'product_line', 'sale_territory'] as const;

/** Every grouping the groups keep, every stream, with and without a partner type filter: groups = per partner. */
async function expectPathsAgree(): Promise<number> {
  const { analytics } = t.app.services.analytics;
  let rows = 0;
  for (const stream of STREAMS) {
    for (const by of BYS) {
      for (const partnerType of [undefined, 'dealer']) {
        const q = { stream, by, from: '2025-01', to: '2026-12', ...(partnerType ? { partnerType } : {}) };
        const perPartner = await analytics.trends(actor, q, 'partners');
        expect(await analytics.trends(actor, q, 'groups'), JSON.stringify(q)).toEqual(perPartner);
        rows += perPartner.data.length;
      }
    }
  }
  // roll-ups over the territory tree: every metric, a quarter a year apart and a month
  for (const metric of ['sales_amount', 'quantity', 'collection_amount']) {
    for (const period of ['2025-Q1', '2026-Q1', '2026-01']) {
      const q = { period, metric };
      const perPartner = await analytics.rollup(actor, q, 'partners');
      expect(await analytics.rollup(actor, q, 'groups'), JSON.stringify(q)).toEqual(perPartner);
      rows += perPartner.data.length;
    }
  }
  // forecasts (issue 17, scale): the network and by partner type from the `home` groups = the per-partner sums
  for (const stream of STREAMS) {
    for (const partnerType of [undefined, 'dealer', 'distributor']) {
      const q = { stream, asOf: '2026-06', horizon: 3, seasonYears: 2, ...(partnerType ? { partnerType } : {}) };
      const perPartner = await analytics.forecast(actor, q, 'partners');
      expect(await analytics.forecast(actor, q), JSON.stringify(q)).toEqual(perPartner);
      rows += perPartner.history.filter((h) => h.amount !== '0.0000').length;
    }
  }
  return rows;
}

/** the group rows that carry lines (a group-month whose lines all moved away stays with zeros until a rebuild) */
const groupRows = () =>
  t.database.rows(
    sql`select stream, dim, month::text, partner_type, group_key, amount::text, quantity::text, lines::int from actual_monthly_group_totals
        where tenant_id = 't1' and lines <> 0 order by 1, 2, 3, 4, 5`,
  );

const territoryMonth = async (month: string, via: 'auto' | 'groups' | 'partners' = 'auto') =>
  (await t.app.services.analytics.analytics.trends(actor, { by: 'territory', from: month, to: month }, via)).data.map((r) => [r.group.key, r.amount, r.lines]);

describe('trends from the totals per group', () => {
  it('give the same answers as the per-partner totals on mixed data', async () => {
    expect(await expectPathsAgree()).toBeGreaterThan(60);
    expect(await territoryMonth('2026-01', 'groups')).toEqual([
      ['N', '180.0000', 2],
      ['S', '80.2500', 1],
    ]);
    // the default path reads the groups (a group row marked by hand shows), a partner credential never does
    const mark = (d: string) =>
      t.database.db.execute(sql`update actual_monthly_group_totals set amount = amount + ${d}::numeric
        where tenant_id = 't1' and stream = 'sell_through' and dim = 'home' and month = '2026-01-01' and partner_type = 'distributor' and group_key = 'N'`);
    await mark('1000');
    expect(await territoryMonth('2026-01')).toEqual([
      ['N', '1180.0000', 2],
      ['S', '80.2500', 1],
    ]);
    const p1 = t.client(await t.token({ scope: 'partner-portal', partner: ids['P1']! }));
    const own = await p1.get('/v1/analytics/trends?from=2026-01&to=2026-01&by=territory');
    expect(own.data.data.map((r: any) => [r.group.code, r.amount])).toEqual([['N', '120.0000']]);
    await mark('-1000');
    const rollup = await admin.get('/v1/analytics/rollup?period=2026-Q1');
    expect(rollup.data.data.map((r: any) => [r.code, r.partners, r.ownActual, r.actual, r.target])).toEqual([
      ['CN', 4, '0.0000', '275.2500', '350.0000'],
      ['N', 2, '180.0000', '180.0000', '300.0000'],
      ['S', 2, '95.2500', '95.2500', '50.0000'],
    ]);
    expect(rollup.data.unassigned).toMatchObject({ partners: 1, actual: '5.0000', target: '20.0000' });
  });

  it('after an import that adds to existing months and corrects lines (moved to another partner, territory, line, month)', async () => {
    const st = [
      ST,
      's11,2026-01-25,P1,A,1,30,N', // adds to P1's 2026-01
      's12,2026-01-26,P4,A,1,12,N', // P4's first 2026-01 sell-through
      's6,2026-01-10,P3,B,1,121,S', // moved from P1 to P3, amount and sale territory changed
      's9,2026-02-01,P4,B,1,15,S', // unchanged
      's10,2026-04-15,P5,A,1,5,N', // moved to another month: P5's 2026-03 is left without lines
    ].join('\n');
    expect((await importCsv(t, token, 'sell-through', st)).data).toMatchObject({ accepted: 5, created: 2, updated: 2, unchanged: 1 });
    await expectPathsAgree();
    // N: P1 30 + P2 60 (2 lines); S: P3 80.25 + 121 + P4 12 (3 lines)
    expect(await territoryMonth('2026-01')).toEqual([
      ['N', '90.0000', 2],
      ['S', '213.2500', 3],
    ]);
    // by home territory (P3's 2025-01 sale in N counts for S, its home): N 90 vs 140.5, S 213.25 vs 70
    const http = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-01&by=territory');
    expect(http.data.data.map((r: any) => [r.group.code, r.amount, r.priorYearAmount, r.changePct])).toEqual([
      ['N', '90.0000', '140.5000', '-35.94'],
      ['S', '213.2500', '70.0000', '204.64'],
    ]);
    // 2026-03 lost its only line (s10, sold in N): no N row on either path; S has the prior year's -10 + 33.3333
    const sale = await admin.get('/v1/analytics/trends?from=2026-03&to=2026-03&by=sale_territory');
    expect(sale.data.data.map((r: any) => [r.group.code, r.amount, r.lines, r.priorYearAmount])).toEqual([['S', '0.0000', 0, '23.3333']]);
  });

  it('a rebuild of the totals gives the same group rows and the same answers', async () => {
    const before = await groupRows();
    expect(before.length).toBeGreaterThan(20);
    expect((await admin.post('/v1/actuals/totals:rebuild', {})).statusCode).toBe(200);
    expect(await groupRows()).toEqual(before);
    await expectPathsAgree();
  });

  it("a partner's type and home territory change through the API: its totals move to its new groups in the same transaction", async () => {
    const { actuals } = t.app.services.target;
    const patch = await admin.patch(`/v1/partners/${ids['P2']}`, { type: 'distributor', regionCode: 'S' });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(await actuals.groupsStale('t1')).toBe(false);
    // 2026-01: N keeps P1 30; S: P3 201.25 + P4 12 + P2 60
    const http = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-01&by=territory');
    expect(http.data.data.map((r: any) => [r.group.code, r.amount])).toEqual([
      ['N', '30.0000'],
      ['S', '273.2500'],
    ]);
    await expectPathsAgree();
    // a type change alone moves the product-line and sale-territory rows too; a partners import as well
    expect((await admin.patch(`/v1/partners/${ids['P3']}`, { type: 'dealer' })).statusCode).toBe(200);
    const imp = await t.app.inject({
      method: 'POST',
      url: '/v1/partners:import',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: 'code,legalName,type,regionCode\nP4,P4 Ltd.,wholesaler,N\n',
    });
    expect(imp.statusCode, imp.body).toBe(200);
    expect(await actuals.groupsStale('t1')).toBe(false);
    await expectPathsAgree();
    const moved = await groupRows();
    expect((await admin.post('/v1/actuals/totals:rebuild', {})).statusCode).toBe(200);
    expect(await groupRows()).toEqual(moved);
  });

  it('a change behind the API (bulk SQL) is found by the check and repaired by the regroup, equal to a rebuild', async () => {
    const { actuals } = t.app.services.target;
    await t.database.db.execute(sql`update partners set region_code = 'S' where tenant_id = 't1' and code = 'P1'`);
    expect(await actuals.groupsStale('t1')).toBe(true);
    const { analytics } = t.app.services.analytics;
    expect(await analytics.rollup(actor, { period: '2026-Q1' }, 'groups')).not.toEqual(await analytics.rollup(actor, { period: '2026-Q1' }, 'partners'));
    expect(await actuals.regroupPartners(actor)).toEqual({ partners: 3 }); // P1 in three streams
    expect(await actuals.groupsStale('t1')).toBe(false);
    await expectPathsAgree();
    const moved = await groupRows();
    expect((await admin.post('/v1/actuals/totals:rebuild', {})).statusCode).toBe(200);
    expect(await groupRows()).toEqual(moved);
    await t.database.db.execute(sql`update partners set region_code = 'N' where tenant_id = 't1' and code = 'P1'`);
    await actuals.regroupPartners(actor);
  });

  it('a credential with a data scope (a regional manager) reads only its partners, never the groups', async () => {
    await orgFixture(admin);
    await assignOwner(admin, 'P1', 'EAST', null);
    await assignOwner(admin, 'P5', 'EAST-SH', null);
    await assignOwner(admin, 'P3', 'SOUTH', null);
    const rm = t.client(await t.token({ sub: 'rm-east', scope: 'analytics:read' }));
    const res = await rm.get('/v1/analytics/trends?from=2026-01&to=2026-04');
    expect(res.statusCode, res.body).toBe(200);
    // P1: 2026-01 sell-through 30 (s11; s6 moved to P3); P5: 2026-04 5
    // (2026-03: P5's line moved away, its 2025-03 sale of 33.3333 is the prior year)
    expect(res.data.data.map((r: any) => [r.month, r.amount, r.lines, r.priorYearAmount])).toEqual([
      ['2026-01', '30.0000', 1, '100.0000'],
      ['2026-03', '0.0000', 0, '33.3333'],
      ['2026-04', '5.0000', 1, '0.0000'],
    ]);
    const byT = await rm.get('/v1/analytics/trends?from=2026-01&to=2026-01&by=territory');
    expect(byT.data.data.map((r: any) => [r.group.code, r.amount, r.priorYearAmount])).toEqual([['N', '30.0000', '100.0000']]);
    const all = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-01');
    expect(all.data.data[0].amount).toBe('303.2500');
  });

  it('a change through the API regroups only the partners it names (cost proportional to them)', async () => {
    const { actuals } = t.app.services.target;
    // P1 changed behind the API: stale; an API change of P2 looks at P2 only, so P1 stays stale until the repair
    await t.database.db.execute(sql`update partners set region_code = 'S' where tenant_id = 't1' and code = 'P1'`);
    expect((await admin.patch(`/v1/partners/${ids['P2']}`, { regionCode: 'N' })).statusCode).toBe(200);
    expect(await actuals.groupsStale('t1')).toBe(true);
    const filed = await t.database.rows(
      sql`select pa.code, k.region_code from actual_group_partners k join partners pa on pa.tenant_id = k.tenant_id and pa.id = k.partner_id
          where k.tenant_id = 't1' and k.stream = 'sell_through' and pa.code in ('P1', 'P2') order by 1`,
    );
    expect(filed).toEqual([
      { code: 'P1', region_code: 'N' },
      { code: 'P2', region_code: 'N' },
    ]);
    expect(await actuals.regroupPartners(actor)).toEqual({ partners: 3 });
    await expectPathsAgree();
    await t.database.db.execute(sql`update partners set region_code = 'N' where tenant_id = 't1' and code = 'P1'`);
    await actuals.regroupPartners(actor);
    expect(await actuals.groupsStale('t1')).toBe(false);
  });
});

/**
 * Roll-ups over the org-unit tree and the account managers (issue 17, scale): each node equals the bare sum of the
 * per-partner totals of the partners its subtree owns on the period's last day, computed independently here, across
 * dated ownership changes, a three-level tree, an import with corrections and a rebuild.
 */
describe('roll-ups over the ownership trees', () => {
  const METRICS = { sales_amount: ['sell_through', 'amount'], quantity: ['sell_through', 'quantity'], collection_amount: ['collection', 'amount'] } as const;
  const lastDay = (period: string) =>
    ({
      '2025-Q1': ['2025-01-01', '2025-03-31'],
      '2026-01': ['2026-01-01', '2026-01-31'],
      '2026-02': ['2026-02-01', '2026-02-28'],
      '2026-Q1': ['2026-01-01', '2026-03-31'],
      '2026': ['2026-01-01', '2026-12-31'],
    })[period]!;

  /** per node code: [partners, actual] from bare SQL (units: subtree via a recursive walk; managers: portfolio) */
  async function reference(tree: 'org_unit' | 'account_manager', period: string, metric: keyof typeof METRICS) {
    const [from, on] = lastDay(period);
    const [stream, col] = METRICS[metric];
    const rows = await t.database.rows<{ code: string; partners: number; actual: string }>(sql`
      with recursive up(node, anc) as (
        select id, id from org_units where tenant_id = 't1'
        union all
        select u.node, o.parent_id from up u join org_units o on o.tenant_id = 't1' and o.id = u.anc where o.parent_id is not null
      ), own as (
        select partner_id, org_unit_id, account_manager_id from partner_ownership
        where tenant_id = 't1' and valid_from <= ${on}::date and (valid_to is null or valid_to > ${on}::date)
      ), val as (
        select partner_id, sum(${sql.raw(col)}) as a from actual_monthly_totals
        where tenant_id = 't1' and stream = ${stream} and month between ${from}::date and ${on}::date group by 1
      ), pairs as (
        ${
          tree === 'org_unit'
            ? sql`select n.code, w.partner_id from up join org_units n on n.tenant_id = 't1' and n.id = up.anc join own w on w.org_unit_id = up.node`
            : sql`select s.code, w.partner_id from own w join staff_members s on s.tenant_id = 't1' and s.id = w.account_manager_id`
        }
      )
      select p.code, count(*)::int as partners, round(coalesce(sum(v.a), 0), 4)::text as actual
      from pairs p left join val v on v.partner_id = p.partner_id group by p.code order by 1`);
    return rows.map((r) => [r.code, Number(r.partners), r.actual]);
  }

  async function expectRollupsExact(): Promise<number> {
    let n = 0;
    for (const tree of ['org_unit', 'account_manager'] as const) {
      for (const period of ['2025-Q1', '2026-01', '2026-02', '2026-Q1', '2026']) {
        for (const metric of Object.keys(METRICS) as (keyof typeof METRICS)[]) {
          const res = await admin.get(`/v1/analytics/rollup?tree=${tree}&period=${period}&metric=${metric}`);
          expect(res.statusCode, res.body).toBe(200);
          const got = res.data.data
            .filter((r: any) => r.partners > 0)
            .map((r: any) => [r.code, r.partners, r.actual])
            .sort((a: any, b: any) => (a[0] < b[0] ? -1 : 1));
          expect(got, `${tree} ${period} ${metric}`).toEqual(await reference(tree, period, metric));
          n += got.length;
        }
      }
    }
    return n;
  }

  it('equal the bare per-partner sums across ownership changes, an import with corrections and a rebuild', async () => {
    // the org fixture (HQ > EAST > EAST-SH, HQ > SOUTH) and P1 EAST, P5 EAST-SH, P3 SOUTH since 2020 come from above;
    // P2 in EAST-SH with AM-SH, handed to SOUTH on 2026-02-15; P4 owned from 2026-03-01 only (unassigned before)
    await assignOwner(admin, 'P2', 'EAST-SH', 'AM-SH');
    await assignOwner(admin, 'P2', 'SOUTH', null, '2026-02-15');
    await assignOwner(admin, 'P4', 'EAST', 'AM-SH', '2026-03-01');
    expect(await expectRollupsExact()).toBeGreaterThan(40);
    const jan = await admin.get('/v1/analytics/rollup?tree=org_unit&period=2026-01');
    expect(jan.data.unassigned).toMatchObject({ partners: 1 }); // P4, not owned on 2026-01-31
    const st = [ST, 's13,2026-01-27,P2,A,1,44,N', 's7,2026-01-11,P4,A,1,61,N', 's14,2026-03-20,P5,B,2,-7.5,S'].join('\n');
    expect((await importCsv(t, token, 'sell-through', st)).data).toMatchObject({ accepted: 3 });
    await expectRollupsExact();
    expect((await admin.post('/v1/actuals/totals:rebuild', {})).statusCode).toBe(200);
    await expectRollupsExact();
  });
});
