import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartners } from '../helpers/evaluation.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let ids: Record<string, string>;

/*
 * Program RB: rebate on sell-in amount, whole-amount tiers 1% from 0, 2% from 60,000.
 *   2026-Q1 sell-in: E-A 100,000 -> 2,000; E-B 50,000 -> 500; E-C (dealer) 20,000 -> 200
 *   2025-Q1 sell-in: E-A 80,000 -> 1,600; E-C 10,000 -> 100
 * Every statement is paid, except E-B's 2026-Q1 one, which is only approved.
 * include=paid, by partner type:
 *   distributor 2026: E-A only: 2,000 / 100,000 = 2%; 2025: 1,600 / 80,000 = 2%; change +400 paid, +20,000 sales, 0 points
 *   dealer      2026: 200 / 20,000 = 1%; 2025: 100 / 10,000 = 1%
 * include=approved: distributor 2026: (2,000 + 500) / 150,000 = 1.6667%; change 1.6667 - 2 = -0.3333 points
 */
beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  await seedCatalog(t, 't1', { products: [{ code: 'W1' }] });
  ids = await makePartners(admin, ['E-A', 'E-B']);
  Object.assign(ids, await makePartners(admin, ['E-C'], { type: 'dealer' }));
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount',
    'A25,2025-02-01,E-A,W1,1,80000',
    'C25,2025-02-01,E-C,W1,1,10000',
    'A26,2026-02-01,E-A,W1,1,100000',
    'B26,2026-02-01,E-B,W1,1,50000',
    'C26,2026-02-01,E-C,W1,1,20000',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-in', csv)).data).toMatchObject({ accepted: 5 });
  const prog = await admin.post('/v1/incentives/programs', {
    code: 'RB',
    name: 'Rebate',
    type: 'rebate',
    granularity: 'quarter',
    currency: 'CNY',
    base: { metric: 'sell_in_amount' },
    eligibility: {},
    rules: {
      basis: 'base',
      mode: 'whole',
      tiers: [
        { threshold: '0', rate: '1' },
        { threshold: '60000', rate: '2' },
      ],
    },
  });
  expect(prog.statusCode, prog.body).toBe(201);
  expect((await admin.post(`/v1/incentives/programs/${prog.data.id}/activate`, {})).statusCode).toBe(200);
  for (const period of ['2025-Q1', '2026-Q1']) {
    const run = await admin.post('/v1/incentives/runs', { program: 'RB', period });
    expect(run.statusCode, run.body).toBe(201);
    const sts = (await admin.get(`/v1/incentives/statements?period=${period}`)).data.data;
    for (const s of sts) {
      expect((await admin.post(`/v1/incentives/statements/${s.id}/approve`, {})).statusCode).toBe(200);
      if (period === '2026-Q1' && s.partnerId === ids['E-B']) continue;
      expect((await admin.post(`/v1/incentives/statements/${s.id}/pay`, { paymentReference: `PAY-${s.id}` })).statusCode).toBe(200);
    }
  }
});
afterAll(async () => t?.close());

describe('program effectiveness', () => {
  it('paid vs covered sales per program and partner type, against a year earlier', async () => {
    const res = await admin.get('/v1/evaluations/reports/program-effectiveness?period=2026-Q1');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.data.map((r: any) => [r.programCode, r.segment, r.current, r.priorYear, r.change])).toEqual([
      [
        'RB',
        'dealer',
        { partners: 1, paid: '200', coveredSales: '20000', costToSalesPct: '1' },
        { partners: 1, paid: '100', coveredSales: '10000', costToSalesPct: '1' },
        { paid: '100', coveredSales: '10000', costToSalesPoints: '0' },
      ],
      [
        'RB',
        'distributor',
        { partners: 1, paid: '2000', coveredSales: '100000', costToSalesPct: '2' },
        { partners: 1, paid: '1600', coveredSales: '80000', costToSalesPct: '2' },
        { paid: '400', coveredSales: '20000', costToSalesPoints: '0' },
      ],
    ]);
  });

  it('counts approved statements when asked, and exports CSV', async () => {
    const res = await admin.get('/v1/evaluations/reports/program-effectiveness?period=2026-Q1&include=approved');
    const d = res.data.data.find((r: any) => r.segment === 'distributor');
    expect(d.current).toEqual({ partners: 2, paid: '2500', coveredSales: '150000', costToSalesPct: '1.6667' });
    expect(d.change.costToSalesPoints).toBe('-0.3333');
    const csv = await admin.get('/v1/evaluations/reports/program-effectiveness?period=2026-Q1&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[2]).toBe('RB,distributor,CNY,1,2000,100000,2,1,1600,80000,2,400,20000,0');
    const g = await admin.gql(`{ programEffectiveness(period: "2026-Q1", segment: tier) { segment current { paid } } }`);
    expect(g.errors).toBeUndefined();
    expect(g.data.programEffectiveness).toEqual([{ segment: null, current: { paid: '2200' } }]);
  });
});
