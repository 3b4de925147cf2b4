import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsServices } from '../../src/modules/analytics/index.js';
import { systemActor } from '../../src/platform/actor.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { assignOwner, createStaff, createUnit } from '../helpers/organisation.js';
import { makePartners } from '../helpers/evaluation.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let ids: Record<string, string>;
let tr: Map<string, string>;

/*
 * Territories (three levels): CN > EAST > {SH, ZJ}; CN > SOUTH > GD. Partners by home territory (regionCode):
 *   P-SH1 distributor SH, P-SH2 dealer SH, P-ZJ distributor ZJ, P-ZJ2 and P-ZJ3 distributors ZJ (collections only),
 *   P-GD dealer GD, P-NONE distributor without a home territory.
 * Sell-through (amount, quantity 1 each):
 *   2025-01: SH1 100, SH2 50, ZJ 200       2025-02: SH1 80
 *   2026-01: SH1 150, SH2 50.5, ZJ 100, NONE 10      2026-02: none      2026-03: GD 70
 * Sell-in: 2026-01 SH1 1000. Collections: 2026-05 ZJ, ZJ2, ZJ3 100 each.
 */
beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  tr = await seedCatalog(t, 't1', {
    lines: ['L1', 'L2'],
    products: [{ code: 'W1', line: 'L1' }, { code: 'W2', line: 'L2' }, { code: 'W3' }],
    territories: [
      { code: 'CN' },
      { code: 'EAST', parent: 'CN' },
      { code: 'SOUTH', parent: 'CN' },
      { code: 'SH', parent: 'EAST' },
      { code: 'ZJ', parent: 'EAST' },
      { code: 'GD', parent: 'SOUTH' },
    ],
  });
  ids = {
    ...(await makePartners(admin, ['P-SH1'], { regionCode: 'SH' })),
    ...(await makePartners(admin, ['P-SH2'], { regionCode: 'SH', type: 'dealer' })),
    ...(await makePartners(admin, ['P-ZJ', 'P-ZJ2', 'P-ZJ3'], { regionCode: 'ZJ' })),
    ...(await makePartners(admin, ['P-GD'], { regionCode: 'GD', type: 'dealer' })),
    ...(await makePartners(admin, ['P-NONE'])),
  };
  const st = [
    'externalId,date,partnerCode,productCode,quantity,amount,territoryCode',
    'a1,2025-01-10,P-SH1,W1,1,100,SH',
    'a2,2025-01-11,P-SH2,W1,1,50,SH',
    'a3,2025-01-12,P-ZJ,W1,1,200,ZJ',
    'a4,2025-02-01,P-SH1,W1,1,80,SH',
    'b1,2026-01-10,P-SH1,W1,1,150,SH',
    'b2,2026-01-11,P-SH2,W1,1,50.5,SH',
    'b3,2026-01-12,P-ZJ,W1,1,100,ZJ',
    'b4,2026-01-13,P-NONE,W1,1,10,SH',
    'b5,2026-03-31,P-GD,W1,1,70,GD',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', st)).data).toMatchObject({ accepted: 9 });
  const si = ['externalId,date,partnerCode,productCode,quantity,amount', 'i1,2026-01-05,P-SH1,W1,10,1000'].join('\n');
  expect((await importCsv(t, token, 'sell-in', si)).data).toMatchObject({ accepted: 1 });
  const co = ['externalId,date,partnerCode,amount', 'c1,2026-05-01,P-ZJ,100', 'c2,2026-05-02,P-ZJ2,100', 'c3,2026-05-03,P-ZJ3,100'].join('\n');
  expect((await importCsv(t, token, 'collections', co)).data).toMatchObject({ accepted: 3 });
});
afterAll(async () => t?.close());

const slim = (rows: any[]) => rows.map((r) => [r.group.key, r.month, r.amount, r.priorYearAmount, r.changeAmount, r.changePct]);

describe('sales trends with year-over-year', () => {
  it('network total per month: absolute and % change against the same month a year earlier', async () => {
    const res = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-03');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ stream: 'sell_through', from: '2026-01', to: '2026-03', by: 'total' });
    // 2026-01: 310.5 vs 350: -39.5 = -11.2857...% -> -11.29; 2026-02: nothing vs 80: -100%; 2026-03: 70 vs nothing: null
    expect(slim(res.data.data)).toEqual([
      [null, '2026-01', '310.5000', '350.0000', '-39.5000', '-11.29'],
      [null, '2026-02', '0.0000', '80.0000', '-80.0000', '-100.00'],
      [null, '2026-03', '70.0000', '0.0000', '70.0000', null],
    ]);
    expect(res.data.data[0]).toMatchObject({ quantity: '4.0000', lines: 4 });
  });

  it('by home territory (no territory is its own group, key null) and by partner type', async () => {
    const byT = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-03&by=territory');
    expect(byT.statusCode, byT.body).toBe(200);
    expect(slim(byT.data.data)).toEqual([
      [null, '2026-01', '10.0000', '0.0000', '10.0000', null],
      ['GD', '2026-03', '70.0000', '0.0000', '70.0000', null],
      ['SH', '2026-01', '200.5000', '150.0000', '50.5000', '33.67'],
      ['SH', '2026-02', '0.0000', '80.0000', '-80.0000', '-100.00'],
      ['ZJ', '2026-01', '100.0000', '200.0000', '-100.0000', '-50.00'],
    ]);
    expect(byT.data.data[2].group).toEqual({ key: 'SH', code: 'SH', name: 'SH' });
    const byType = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-03&by=partner_type');
    expect(slim(byType.data.data)).toEqual([
      ['dealer', '2026-01', '50.5000', '50.0000', '0.5000', '1.00'],
      ['dealer', '2026-03', '70.0000', '0.0000', '70.0000', null],
      ['distributor', '2026-01', '260.0000', '300.0000', '-40.0000', '-13.33'],
      ['distributor', '2026-02', '0.0000', '80.0000', '-80.0000', '-100.00'],
    ]);
    const dealers = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-01&partnerType=dealer');
    expect(slim(dealers.data.data)).toEqual([[null, '2026-01', '50.5000', '50.0000', '0.5000', '1.00']]);
  });

  it('by partner, and the other streams', async () => {
    const res = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-01&by=partner');
    const sh1 = res.data.data.find((r: any) => r.group.key === ids['P-SH1']);
    expect(sh1).toMatchObject({ group: { code: 'P-SH1', name: 'P-SH1 Ltd.' }, amount: '150.0000', priorYearAmount: '100.0000', changePct: '50.00' });
    expect(res.data.data).toHaveLength(4);
    const sellIn = await admin.get('/v1/analytics/trends?stream=sell_in&from=2026-01&to=2026-01');
    expect(slim(sellIn.data.data)).toEqual([[null, '2026-01', '1000.0000', '0.0000', '1000.0000', null]]);
    expect(sellIn.data.data[0].quantity).toBe('10.0000');
    const coll = await admin.get('/v1/analytics/trends?stream=collection&from=2026-05&to=2026-05');
    expect(slim(coll.data.data)).toEqual([[null, '2026-05', '300.0000', '0.0000', '300.0000', null]]);
  });

  it('CSV by format=csv or by Accept: text/csv', async () => {
    const res = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-02&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body).toBe(
      'groupKey,groupCode,groupName,month,amount,quantity,lines,priorYearAmount,changeAmount,changePct\r\n' +
        ',,,2026-01,310.5000,4.0000,4,350.0000,-39.5000,-11.29\r\n,,,2026-02,0.0000,0.0000,0,80.0000,-80.0000,-100.00\r\n',
    );
    const acc = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-02', { accept: 'text/csv' });
    expect(acc.headers['content-type']).toMatch(/^text\/csv/);
    expect(acc.body).toBe(res.body);
    const json = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-02', { accept: 'application/json, text/csv' });
    expect(json.headers['content-type']).toMatch(/json/);
  });

  it('a partner credential sees only its own partner', async () => {
    const p = t.client(await t.token({ scope: 'partner-portal', partner: ids['P-SH1']! }));
    const res = await p.get('/v1/analytics/trends?from=2026-01&to=2026-02&by=territory');
    expect(res.statusCode, res.body).toBe(200);
    expect(slim(res.data.data)).toEqual([
      ['SH', '2026-01', '150.0000', '100.0000', '50.0000', '50.00'],
      ['SH', '2026-02', '0.0000', '80.0000', '-80.0000', '-100.00'],
    ]);
  });

  it('refuses bad ranges and missing scopes with a problem naming the field', async () => {
    const bad = await admin.get('/v1/analytics/trends?from=2026-03&to=2026-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors).toEqual([{ path: 'querystring.to', message: 'must not be before from' }]);
    const month = await admin.get('/v1/analytics/trends?from=2026-13&to=2027-01');
    expect(month.statusCode).toBe(400);
    expect(month.data.errors[0].path).toBe('querystring.from');
    const by = await admin.get('/v1/analytics/trends?from=2026-01&to=2026-01&by=planet');
    expect(by.statusCode).toBe(400);
    const none = t.client(await t.token({ scope: 'policy:read' }));
    expect((await none.get('/v1/analytics/trends?from=2026-01&to=2026-01')).statusCode).toBe(403);
  });
});

describe('trends by product line and by the territory of the sale (totals kept per line and territory)', () => {
  /*
   * Sell-through, line of the product and territory of the sale:
   *   2027-06: P-SH1 W1 (L1) 10 in SH; P-SH1 W2 (L2) 20 in ZJ; P-ZJ W3 (no line) 5 in ZJ
   *   2028-06: P-SH1 W1 (L1) 15 in SH; P-ZJ W2 (L2) 30 in ZJ.      Sell-in 2028-06: P-SH1 W2 (L2) 100
   */
  beforeAll(async () => {
    const st = [
      'externalId,date,partnerCode,productCode,quantity,amount,territoryCode',
      'd1,2027-06-01,P-SH1,W1,1,10,SH',
      'd2,2027-06-02,P-SH1,W2,1,20,ZJ',
      'd3,2027-06-03,P-ZJ,W3,1,5,ZJ',
      'd4,2028-06-01,P-SH1,W1,1,15,SH',
      'd5,2028-06-02,P-ZJ,W2,1,30,ZJ',
    ].join('\n');
    expect((await importCsv(t, token, 'sell-through', st)).data).toMatchObject({ accepted: 5 });
    const si = ['externalId,date,partnerCode,productCode,quantity,amount', 'i2,2028-06-05,P-SH1,W2,1,100'].join('\n');
    expect((await importCsv(t, token, 'sell-in', si)).data).toMatchObject({ accepted: 1 });
  });
  const byCode = (rows: any[]) => rows.map((r) => [r.group.code, r.amount, r.priorYearAmount, r.changeAmount, r.changePct]);

  it('by product line: products without a line are the group with key null', async () => {
    const res = await admin.get('/v1/analytics/trends?from=2028-06&to=2028-06&by=product_line');
    expect(res.statusCode, res.body).toBe(200);
    expect(byCode(res.data.data)).toEqual([
      [null, '0.0000', '5.0000', '-5.0000', '-100.00'],
      ['L1', '15.0000', '10.0000', '5.0000', '50.00'],
      ['L2', '30.0000', '20.0000', '10.0000', '50.00'],
    ]);
    expect(res.data.data[1].group).toEqual({ key: tr.get('L1'), code: 'L1', name: 'L1' });
    const sellIn = await admin.get('/v1/analytics/trends?stream=sell_in&from=2028-06&to=2028-06&by=product_line');
    expect(byCode(sellIn.data.data)).toEqual([['L2', '100.0000', '0.0000', '100.0000', null]]);
  });

  it('by territory of the sale (not the home territory)', async () => {
    const res = await admin.get('/v1/analytics/trends?from=2028-06&to=2028-06&by=sale_territory');
    expect(byCode(res.data.data).sort()).toEqual([
      ['SH', '15.0000', '10.0000', '5.0000', '50.00'],
      ['ZJ', '30.0000', '25.0000', '5.0000', '20.00'],
    ]);
  });

  it('a corrected line moves between product lines; a rebuild of the totals gives the same answer', async () => {
    // d4 re-sent as W2 (L2): L1 loses 15, L2 gains it
    const fix = ['externalId,date,partnerCode,productCode,quantity,amount,territoryCode', 'd4,2028-06-01,P-SH1,W2,1,15,SH'].join('\n');
    expect((await importCsv(t, token, 'sell-through', fix)).data).toMatchObject({ accepted: 1, updated: 1 });
    const url = '/v1/analytics/trends?from=2028-06&to=2028-06&by=product_line';
    const after = await admin.get(url);
    expect(byCode(after.data.data)).toEqual([
      [null, '0.0000', '5.0000', '-5.0000', '-100.00'],
      ['L1', '0.0000', '10.0000', '-10.0000', '-100.00'],
      ['L2', '45.0000', '20.0000', '25.0000', '125.00'],
    ]);
    expect((await admin.post('/v1/actuals/totals:rebuild', {})).statusCode).toBe(200);
    expect((await admin.get(url)).data).toEqual(after.data);
  });
});

describe('share of each partner in its home territory', () => {
  it('exact shares at 4 decimals, largest remainder: a territory sums to exactly 100', async () => {
    const res = await admin.get('/v1/analytics/territory-share?from=2026-01&to=2026-03');
    expect(res.statusCode, res.body).toBe(200);
    // SH: 150 / 200.5 = 74.81296...%, 50.5 / 200.5 = 25.18703...%: floors 74.8129 + 25.1870 = 99.9999, the missing
    // unit goes to the larger remainder (P-SH1's .6758 > P-SH2's .3241)
    expect(res.data.data.map((r: any) => [r.territoryCode, r.month, r.partnerCode, r.amount, r.territoryAmount, r.sharePct, r.rank])).toEqual([
      ['GD', null, 'P-GD', '70.0000', '70.0000', '100.0000', 1],
      ['SH', null, 'P-SH1', '150.0000', '200.5000', '74.8130', 1],
      ['SH', null, 'P-SH2', '50.5000', '200.5000', '25.1870', 2],
      ['ZJ', null, 'P-ZJ', '100.0000', '100.0000', '100.0000', 1],
    ]);
  });

  it('a range of months and whole quarters (read from the quarterly totals) sums like its months', async () => {
    // 2025-02..2026-03: the months 2025-02 and 2025-03, then the quarters 2025-Q2 to 2026-Q1. SH: P-SH1 80 + 150 =
    // 230, P-SH2 50.5, territory 280.5; 230 / 280.5 = 81.99643...%, 50.5 / 280.5 = 18.00356...%: floors 81.9964 +
    // 18.0035, the missing unit to the larger remainder (P-SH2's .650 > P-SH1's .349)
    const mixed = await admin.get('/v1/analytics/territory-share?from=2025-02&to=2026-03&territory=SH');
    expect(mixed.statusCode, mixed.body).toBe(200);
    expect(mixed.data.data.map((r: any) => [r.partnerCode, r.amount, r.territoryAmount, r.sharePct])).toEqual([
      ['P-SH1', '230.0000', '280.5000', '81.9964'],
      ['P-SH2', '50.5000', '280.5000', '18.0036'],
    ]);
    // no whole quarter inside (2025-01..2025-02): by month only; P-SH1 180, P-SH2 50 of 230
    const months = await admin.get('/v1/analytics/territory-share?from=2025-01&to=2025-02&territory=SH');
    expect(months.data.data.map((r: any) => [r.partnerCode, r.amount, r.sharePct])).toEqual([
      ['P-SH1', '180.0000', '78.2609'],
      ['P-SH2', '50.0000', '21.7391'],
    ]);
  });

  it('thirds: 33.3334 + 33.3333 + 33.3333 (equal remainders go by partner code)', async () => {
    const res = await admin.get('/v1/analytics/territory-share?stream=collection&from=2026-05&to=2026-05&granularity=month&territory=ZJ');
    expect(res.data.data.map((r: any) => [r.month, r.partnerCode, r.sharePct])).toEqual([
      ['2026-05', 'P-ZJ', '33.3334'],
      ['2026-05', 'P-ZJ2', '33.3333'],
      ['2026-05', 'P-ZJ3', '33.3333'],
    ]);
    const csv = await admin.get('/v1/analytics/territory-share?stream=collection&from=2026-05&to=2026-05&territory=ZJ&format=csv');
    expect(csv.body.split('\r\n')[1]).toBe(`ZJ,,P-ZJ,100.0000,300.0000,33.3334,1`);
  });

  it('per month; a partner sees its own rows against the whole territory', async () => {
    const res = await admin.get('/v1/analytics/territory-share?from=2025-01&to=2025-02&granularity=month&territory=SH');
    expect(res.data.data.map((r: any) => [r.month, r.partnerCode, r.sharePct])).toEqual([
      ['2025-01', 'P-SH1', '66.6667'],
      ['2025-01', 'P-SH2', '33.3333'],
      ['2025-02', 'P-SH1', '100.0000'],
    ]);
    const p = t.client(await t.token({ scope: 'partner-portal', partner: ids['P-SH2']! }));
    const own = await p.get('/v1/analytics/territory-share?from=2026-01&to=2026-03');
    expect(own.data.data.map((r: any) => [r.partnerCode, r.territoryAmount, r.sharePct])).toEqual([['P-SH2', '200.5000', '25.1870']]);
  });
});

describe('roll-up over the territory tree', () => {
  beforeAll(async () => {
    for (const [code, value] of [
      ['P-SH1', '300'],
      ['P-ZJ', '200'],
    ] as const) {
      const r = await admin.post('/v1/targets', { partnerId: ids[code], period: '2026-Q1', metric: 'sales_amount', value });
      expect(r.statusCode, r.body).toBe(201);
    }
  });

  it('each ancestor is exactly the sum of the partners below it, each once; targets and achievement roll up alike', async () => {
    const res = await admin.get('/v1/analytics/rollup?period=2026-Q1');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ tree: 'territory', period: '2026-Q1', metric: 'sales_amount', from: '2026-01-01', to: '2026-03-31' });
    const rows = Object.fromEntries(res.data.data.map((r: any) => [r.code, [r.depth, r.partners, r.ownActual, r.actual, r.target, r.achievementPct]]));
    expect(rows).toEqual({
      CN: [0, 6, '0.0000', '370.5000', '500.0000', '74.10'],
      EAST: [1, 5, '0.0000', '300.5000', '500.0000', '60.10'],
      SOUTH: [1, 1, '0.0000', '70.0000', null, null],
      SH: [2, 2, '200.5000', '200.5000', '300.0000', '66.83'],
      ZJ: [2, 3, '100.0000', '100.0000', '200.0000', '50.00'],
      GD: [2, 1, '70.0000', '70.0000', null, null],
    });
    expect(res.data.data.map((r: any) => r.code)).toEqual(['CN', 'EAST', 'SOUTH', 'GD', 'SH', 'ZJ']);
    expect(res.data.data.find((r: any) => r.code === 'SH').parentId).toBe(tr.get('EAST'));
    // P-NONE has no home territory: reported apart, never inside a node
    expect(res.data.unassigned).toMatchObject({ nodeId: 'unassigned', partners: 1, actual: '10.0000', target: null });
  });

  it('a tree plugged in by the composition root (as org units will be): a partner under two nodes of a subtree counts once there', async () => {
    // R > {A > A1, B}; P-SH1 belongs to A1 and to B, P-SH2 to A, P-ZJ to A1; P-GD and P-NONE to nothing
    const nodes = sql`(select * from (values ('R', null, 'R', 'Root'), ('A', 'R', 'A', 'A'), ('B', 'R', 'B', 'B'), ('A1', 'A', 'A1', 'A1')) v(id, parent_id, code, name))`;
    const members = sql`(select * from (values (${ids['P-SH1']}::uuid, 'A1'), (${ids['P-SH1']}::uuid, 'B'), (${ids['P-SH2']}::uuid, 'A'), (${ids['P-ZJ']}::uuid, 'A1')) v(partner_id, node_id))`;
    const { analytics } = createAnalyticsServices(t.app.store, {
      periods: t.app.services.target.targets,
      trees: { org_unit: { nodes: () => nodes, members: () => members } },
    });
    const res = await analytics.rollup(systemActor('t1'), { tree: 'org_unit', period: '2026-Q1' });
    expect(res.data.map((r) => [r.code, r.depth, r.partners, r.ownActual, r.actual, r.target])).toEqual([
      ['R', 0, 3, '0.0000', '300.5000', '500.0000'], // SH1 150 + SH2 50.5 + ZJ 100, not 450.5: SH1 once although under A1 and B
      ['A', 1, 3, '50.5000', '300.5000', '500.0000'],
      ['B', 1, 1, '150.0000', '150.0000', '300.0000'],
      ['A1', 2, 2, '250.0000', '250.0000', '500.0000'],
    ]);
    expect(res.unassigned).toMatchObject({ partners: 2, actual: '80.0000', target: null });
  });

  it('other metrics, CSV, GraphQL, and an unknown tree', async () => {
    const coll = await admin.get('/v1/analytics/rollup?period=2026-05&metric=collection_amount');
    expect(coll.data.data.find((r: any) => r.code === 'CN')).toMatchObject({ partners: 6, actual: '300.0000' });
    const csv = await admin.get('/v1/analytics/rollup?period=2026-Q1', { accept: 'text/csv' });
    expect(csv.body.split('\r\n')[1]).toBe(`${tr.get('CN')},CN,CN,,0,6,0.0000,370.5000,500.0000,74.10`);
    const bad = await admin.get('/v1/analytics/rollup?period=2026-Q1&tree=product');
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors).toEqual([{ path: 'tree', message: 'must be one of: territory, org_unit, account_manager' }]);
    const g = await admin.gql(`{
      analyticsRollup(period: "2026-Q1") { data { code actual target achievementPct } unassigned { actual } }
      salesTrends(from: "2026-01", to: "2026-01", by: territory) { data { group { key name } amount changePct } }
      territoryShare(from: "2026-01", to: "2026-03", territory: "SH") { partnerCode sharePct }
    }`);
    expect(g.errors).toBeUndefined();
    expect(g.data.analyticsRollup.data[0]).toEqual({ code: 'CN', actual: '370.5000', target: '500.0000', achievementPct: '74.10' });
    expect(g.data.analyticsRollup.unassigned).toEqual({ actual: '10.0000' });
    expect(g.data.salesTrends.data.map((r: any) => [r.group.key, r.amount, r.changePct])).toEqual([
      [null, '10.0000', null],
      ['SH', '200.5000', '33.67'],
      ['ZJ', '100.0000', '-50.00'],
    ]);
    expect(g.data.territoryShare).toEqual([
      { partnerCode: 'P-SH1', sharePct: '74.8130' },
      { partnerCode: 'P-SH2', sharePct: '25.1870' },
    ]);
    const gBad = await admin.gql(`{ salesTrends(from: "2026-02", to: "2026-01") { by } }`);
    expect(gBad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});

describe('roll-up over the organisation (org units and account managers, from dated ownership)', () => {
  it('each unit is exactly the sum of the partners it and its descendants own on the period end; managers their portfolios', async () => {
    // HQ > {EAST > EAST-SH, SOUTH}; AM-SH manages the two Shanghai partners; P-ZJ is owned by EAST without a manager;
    // P-GD by SOUTH until 2026-03-31 (exclusive end), then moved: at the Q1 end it is still SOUTH's
    await createUnit(admin, 'HQ', 'region');
    await createUnit(admin, 'EAST', 'region', 'HQ');
    await createUnit(admin, 'EAST-SH', 'team', 'EAST');
    await createUnit(admin, 'SOUTH', 'region', 'HQ');
    await createStaff(admin, 'AM-SH', 'account_manager', 'EAST-SH');
    await assignOwner(admin, 'P-SH1', 'EAST-SH', 'AM-SH');
    await assignOwner(admin, 'P-SH2', 'EAST-SH', 'AM-SH');
    await assignOwner(admin, 'P-ZJ', 'EAST', null);
    await assignOwner(admin, 'P-GD', 'SOUTH', null);
    await assignOwner(admin, 'P-GD', 'EAST', null, '2026-04-01');
    const res = await admin.get('/v1/analytics/rollup?period=2026-Q1&tree=org_unit');
    expect(res.statusCode, res.body).toBe(200);
    // Q1 sell-through: SH1 150, SH2 50.5, ZJ 100, GD 70, NONE 10; targets SH1 300, ZJ 200
    expect(res.data.data.map((r: any) => [r.code, r.depth, r.partners, r.ownActual, r.actual, r.target])).toEqual([
      ['HQ', 0, 4, '0.0000', '370.5000', '500.0000'],
      ['EAST', 1, 3, '100.0000', '300.5000', '500.0000'],
      ['SOUTH', 1, 1, '70.0000', '70.0000', null],
      ['EAST-SH', 2, 2, '200.5000', '200.5000', '300.0000'],
    ]);
    expect(res.data.unassigned).toMatchObject({ partners: 1, actual: '10.0000' });
    // in Q2 P-GD counts under EAST (its ownership moved on 2026-04-01)
    const q2 = await admin.get('/v1/analytics/rollup?period=2026-Q2&tree=org_unit');
    expect(q2.data.data.find((r: any) => r.code === 'EAST').partners).toBe(4);
    const am = await admin.get('/v1/analytics/rollup?period=2026-Q1&tree=account_manager');
    expect(am.data.data.map((r: any) => [r.code, r.partners, r.actual, r.target])).toEqual([['AM-SH', 2, '200.5000', '300.0000']]);
    expect(am.data.unassigned).toMatchObject({ partners: 3, actual: '180.0000' });
  });
});
