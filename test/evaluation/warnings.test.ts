import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartners } from '../helpers/evaluation.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let ids: Record<string, string>;

const events = async (type: string) => Number((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from events where type = ${type}`))[0]!.n);
const check = async (asOf: string) => {
  const r = await admin.post('/v1/evaluations/warnings:check', { period: '2026-Q1', asOf });
  expect(r.statusCode, r.body).toBe(200);
  return r.data;
};

/*
 * 2026-Q1 has 90 days. Rules: ACH = sales to date below 50% of the pro-rata target, once 50% of the period has
 * elapsed; OVERDUE = sell-in invoiced more than 30 days before asOf not covered by collections.
 * Y-A: target 900, sell-through 100 on 01-10.
 *   asOf 01-20: 20 of 90 days elapsed (22%) -> ACH not checked yet
 *   asOf 02-15: 46 days elapsed; expected 900 x 46 / 90 = 460; 100 / 460 = 21.7391% < 50 -> opens
 * Y-B: sell-in 1000 on 01-01, no collections: asOf 02-15 -> invoiced on or before 01-16: 1000 overdue -> opens
 * Then Y-A sells 300 more (400 / 460 = 86.96%) and Y-B pays 1000: both close.
 */
beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  await seedCatalog(t, 't1', { products: [{ code: 'W1' }], territories: [{ code: 'T-N' }] });
  ids = await makePartners(admin, ['Y-A', 'Y-B']);
  await admin.post('/v1/targets', { partnerId: ids['Y-A'], period: '2026-Q1', metric: 'sales_amount', value: '900' });
  await importCsv(t, token, 'sell-through', 'externalId,date,partnerCode,productCode,quantity,amount,territoryCode\nS1,2026-01-10,Y-A,W1,1,100,T-N');
  await importCsv(t, token, 'sell-in', 'externalId,date,partnerCode,productCode,quantity,amount\nI1,2026-01-01,Y-B,W1,10,1000');
  expect(
    (await admin.post('/v1/evaluations/warning-rules', { code: 'ACH', name: 'Behind run-rate', kind: 'achievement_behind_run_rate', threshold: 50 }))
      .statusCode,
  ).toBe(201);
  expect(
    (await admin.post('/v1/evaluations/warning-rules', { code: 'OVERDUE', name: 'Collections overdue', kind: 'collections_overdue', threshold: 30 }))
      .statusCode,
  ).toBe(201);
});
afterAll(async () => t?.close());

describe('early warnings', () => {
  it('does not check achievement before the elapsed share of the period', async () => {
    const r = await check('2026-01-20');
    expect(r).toMatchObject({ period: '2026-Q1', asOf: '2026-01-20', opened: [], closed: [], stillOpen: 0 });
  });

  it('opens an alert once, not on every check', async () => {
    const r1 = await check('2026-02-15');
    expect(r1.opened.map((w: any) => [w.ruleCode, w.partnerCode, w.value, w.status]).sort()).toEqual([
      ['ACH', 'Y-A', '21.7391', 'open'],
      ['OVERDUE', 'Y-B', '1000.0000', 'open'],
    ]);
    expect(await events('warning.opened')).toBe(2);
    const r2 = await check('2026-02-16');
    expect(r2).toMatchObject({ opened: [], closed: [], stillOpen: 2 });
    expect(await events('warning.opened')).toBe(2);
    const list = await admin.get('/v1/evaluations/warnings?status=open');
    expect(list.data.data).toHaveLength(2);
  });

  it('closes alerts when the condition clears', async () => {
    await importCsv(t, token, 'sell-through', 'externalId,date,partnerCode,productCode,quantity,amount,territoryCode\nS2,2026-02-12,Y-A,W1,1,300,T-N');
    await importCsv(t, token, 'collections', 'externalId,date,partnerCode,amount\nC1,2026-02-10,Y-B,1000');
    const r = await check('2026-02-16');
    expect(r.closed.map((w: any) => [w.ruleCode, w.partnerCode, w.status, w.closedAsOf]).sort()).toEqual([
      ['ACH', 'Y-A', 'closed', '2026-02-16'],
      ['OVERDUE', 'Y-B', 'closed', '2026-02-16'],
    ]);
    expect(r.stillOpen).toBe(0);
    expect(await events('warning.closed')).toBe(2);
    expect(await check('2026-02-17')).toMatchObject({ opened: [], closed: [] });
    expect(await events('warning.closed')).toBe(2);
  });

  it('concurrent checks open one alert, and a partner token sees only its own alerts', async () => {
    await importCsv(t, token, 'sell-in', 'externalId,date,partnerCode,productCode,quantity,amount\nI2,2026-01-02,Y-A,W1,5,500');
    const [a, b] = await Promise.all([check('2026-02-20'), check('2026-02-20')]);
    expect(a.opened.length + b.opened.length).toBe(1);
    const open = await t.database.rows<{ n: number }>(
      sql`select count(*)::int as n from evaluation_warnings where status = 'open' and partner_id = ${ids['Y-A']}`,
    );
    expect(open[0]!.n).toBe(1);
    const pa = t.client(await t.token({ scope: 'evaluations:read', partner: ids['Y-B']! }));
    const mine = await pa.get('/v1/evaluations/warnings');
    expect(mine.data.data.every((w: any) => w.partnerCode === 'Y-B')).toBe(true);
    expect(mine.data.data).toHaveLength(1); // the closed OVERDUE alert
    const g = await admin.gql(`{ earlyWarnings(status: open) { nodes { ruleCode partnerCode value } } }`);
    expect(g.data.earlyWarnings.nodes).toEqual([{ ruleCode: 'OVERDUE', partnerCode: 'Y-A', value: '500.0000' }]);
  });
});
