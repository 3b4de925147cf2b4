import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES, makePartners } from '../helpers/evaluation.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let ids: Record<string, string>;

/*
 * Period 2026-Q1 = 90 days (31 + 28 + 31). Sales basis: sell-through (target module default).
 * K-A: target sales_amount 1000; sell-through Q1 300 + 450 + 50 = 800 (qty 30 + 30 + 30 = 90), plus one line on
 *      04-01 (outside) and 640 in 2025-Q1. No territory rights (no agreement): every sell-through line is cross-region.
 *      inventory: latest W1 in Q1 = 45 (03-30; 500 on 01-31 is older, 999 on 04-02 outside), W2 = 15 -> 60 on hand
 *      sell-in 1200 + 400 = 1600; collections 600 + 600 = 1200 (1000 on 04-01 outside)
 *      price observations: 2 violations in Q1, 1 compliant in Q1, 1 violation in Q2
 *   target_achievement      800 / 1000 x 100          = 80
 *   growth_yoy              (800 - 640) / 640 x 100    = 25
 *   collection_rate         1200 / 1600 x 100          = 75
 *   inventory_days          60 / (90 / 90)             = 60
 *   price_violations                                   = 2
 *   cross_region_violations 3 lines in Q1              = 3
 * K-B: target 500, no sales (achievement 0), nothing last year (growth missing), sell-in 100 and no collections
 *      (collection rate 0), no sell-through (inventory days missing), no violations (0 and 0).
 */
beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  const cat = await seedCatalog(t, 't1', { products: [{ code: 'W1' }, { code: 'W2' }], territories: [{ code: 'T-N' }] });
  ids = await makePartners(admin, ['K-A', 'K-B']);
  expect((await admin.post('/v1/targets', { partnerId: ids['K-A'], period: '2026-Q1', metric: 'sales_amount', value: '1000' })).statusCode).toBe(201);
  expect((await admin.post('/v1/targets', { partnerId: ids['K-B'], period: '2026-Q1', metric: 'sales_amount', value: '500' })).statusCode).toBe(201);
  const st = [
    'externalId,date,partnerCode,productCode,quantity,amount,territoryCode',
    'ST0,2025-02-01,K-A,W1,10,640,T-N',
    'ST1,2026-01-10,K-A,W1,30,300,T-N',
    'ST2,2026-02-15,K-A,W1,30,450,T-N',
    'ST3,2026-03-31,K-A,W2,30,50,T-N',
    'ST4,2026-04-01,K-A,W1,100,1000,T-N',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', st)).data).toMatchObject({ accepted: 5 });
  const inv = [
    'externalId,date,partnerCode,productCode,quantityOnHand',
    'I1,2026-01-31,K-A,W1,500',
    'I2,2026-03-30,K-A,W1,45',
    'I3,2026-03-15,K-A,W2,15',
    'I4,2026-04-02,K-A,W1,999',
  ].join('\n');
  expect((await importCsv(t, token, 'inventory', inv)).data).toMatchObject({ accepted: 4 });
  const si = [
    'externalId,date,partnerCode,productCode,quantity,amount',
    'SI1,2026-01-05,K-A,W1,10,1200',
    'SI2,2026-03-01,K-A,W1,4,400',
    'SI3,2026-02-01,K-B,W1,1,100',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-in', si)).data).toMatchObject({ accepted: 3 });
  const col = ['externalId,date,partnerCode,amount', 'C1,2026-02-01,K-A,600', 'C2,2026-03-31,K-A,600', 'C3,2026-04-01,K-A,1000'].join('\n');
  expect((await importCsv(t, token, 'collections', col)).data).toMatchObject({ accepted: 3 });
  // price observations as the policy module records them (fixture: the verdict is policy's, tested there)
  for (const [date, violation] of [
    ['2026-01-20', true],
    ['2026-02-20', true],
    ['2026-03-20', false],
    ['2026-04-20', true],
  ] as const) {
    await t.database.db
      .execute(sql`insert into price_observations (tenant_id, id, partner_id, product_id, observed_on, price, source, is_violation, recorded_by)
      values ('t1', ${uuidv7()}, ${ids['K-A']}, ${cat.get('W1')}, ${date}, 10, 'market_check', ${violation}, 'fixture')`);
  }
});
afterAll(async () => t?.close());

const KPIS = [
  {
    code: 'ach',
    name: 'Target achievement',
    weight: 30,
    direction: 'higher',
    source: 'computed',
    kind: 'target_achievement',
    scoring: { type: 'linear', floor: 50, target: 100 },
  },
  {
    code: 'growth',
    name: 'Growth',
    weight: 10,
    direction: 'higher',
    source: 'computed',
    kind: 'growth_yoy',
    scoring: { type: 'linear', floor: 0, target: 20 },
  },
  {
    code: 'coll',
    name: 'Collection rate',
    weight: 20,
    direction: 'higher',
    source: 'computed',
    kind: 'collection_rate',
    scoring: { type: 'linear', floor: 50, target: 100 },
  },
  {
    code: 'inv',
    name: 'Inventory days',
    weight: 15,
    direction: 'lower',
    source: 'computed',
    kind: 'inventory_days',
    scoring: { type: 'linear', floor: 90, target: 30 },
  },
  {
    code: 'price',
    name: 'Price violations',
    weight: 15,
    direction: 'lower',
    source: 'computed',
    kind: 'price_violations',
    scoring: {
      type: 'banded',
      bands: [
        { threshold: 0, score: 100 },
        { threshold: 1, score: 70 },
        { threshold: 3, score: 30 },
      ],
    },
  },
  {
    code: 'cross',
    name: 'Cross-region',
    weight: 10,
    direction: 'lower',
    source: 'computed',
    kind: 'cross_region_violations',
    scoring: { type: 'linear', floor: 5, target: 0 },
  },
];

describe('computed KPIs over target and policy data', () => {
  it('computes every KPI in SQL and scores it', async () => {
    expect((await admin.post('/v1/evaluations/templates', { code: 'C1', name: 'Computed', kpis: KPIS, gradeBands: GRADES })).statusCode).toBe(201);
    const run = await admin.post('/v1/evaluations/runs', { template: 'C1', period: '2026-Q1' });
    expect(run.statusCode, run.body).toBe(201);
    expect(run.data).toMatchObject({ partnerCount: 2, completeCount: 1 });
    const a = (await admin.get(`/v1/evaluations/runs/${run.data.id}/results/${ids['K-A']}`)).data;
    expect(a.kpis.map((k: any) => [k.code, k.value, k.score])).toEqual([
      ['ach', '80.0000', '60.0000'], // 100 x (80 - 50) / 50
      ['growth', '25.0000', '100.0000'], // beyond target 20: capped
      ['coll', '75.0000', '50.0000'], // 100 x (75 - 50) / 50
      ['inv', '60.0000', '50.0000'], // 100 x (60 - 90) / (30 - 90)
      ['price', '2.0000', '30.0000'], // lower is better: smallest threshold >= 2 is 3 -> 30
      ['cross', '3.0000', '40.0000'], // 100 x (3 - 5) / (0 - 5)
    ]);
    // 60 x .3 + 100 x .1 + 50 x .2 + 50 x .15 + 30 x .15 + 40 x .1 = 18 + 10 + 10 + 7.5 + 4.5 + 4 = 54
    expect(a).toMatchObject({ complete: true, total: '54.00', grade: 'D', rank: 1 });
    const b = (await admin.get(`/v1/evaluations/runs/${run.data.id}/results/${ids['K-B']}`)).data;
    expect(b).toMatchObject({ complete: false, missing: ['growth', 'inv'], total: null, grade: null, rank: null });
    expect(b.kpis.map((k: any) => [k.code, k.value])).toEqual([
      ['ach', '0.0000'],
      ['growth', null],
      ['coll', '0.0000'],
      ['inv', null],
      ['price', '0.0000'],
      ['cross', '0.0000'],
    ]);
  });

  it('a default given for a computed KPI is used only with allowDefaults', async () => {
    const kpis = KPIS.map((k) => (k.code === 'growth' ? { ...k, defaultValue: '0' } : k.code === 'inv' ? { ...k, defaultValue: '90' } : k));
    await admin.put('/v1/evaluations/templates/C1', { kpis, gradeBands: GRADES });
    const run = await admin.post('/v1/evaluations/runs', { template: 'C1', period: '2026-Q1', partners: ['K-B'], allowDefaults: true });
    const b = (await admin.get(`/v1/evaluations/runs/${run.data.id}/results/${ids['K-B']}`)).data;
    // ach 0 -> 0; growth 0 -> 0; coll 0 -> 0; inv 90 -> 0; price 0 -> 100 x .15 = 15; cross 0 -> 100 x .1 = 10; total 25
    expect(b).toMatchObject({ complete: true, total: '25.00', grade: 'D' });
    expect(b.kpis.filter((k: any) => k.defaulted).map((k: any) => k.code)).toEqual(['growth', 'inv']);
  });

  it('target achievement follows the sales basis: the sell-in totals once the tenant counts sell-in', async () => {
    const set = await admin.put('/v1/targets/settings', { salesBasis: 'sell_in' });
    expect(set.statusCode, set.body).toBe(200);
    try {
      const run = await admin.post('/v1/evaluations/runs', { template: 'C1', period: '2026-Q1', allowDefaults: true });
      expect(run.statusCode, run.body).toBe(201);
      const ach = async (code: string) =>
        (await admin.get(`/v1/evaluations/runs/${run.data.id}/results/${ids[code]}`)).data.kpis.find((k: any) => k.code === 'ach').value;
      expect(await ach('K-A')).toBe('160.0000'); // sell-in 1200 + 400 = 1600 of 1000 (sell-through was 800)
      expect(await ach('K-B')).toBe('20.0000'); // sell-in 100 of 500 (no sell-through)
    } finally {
      expect((await admin.put('/v1/targets/settings', { salesBasis: 'sell_through' })).statusCode).toBe(200);
    }
  });
});
