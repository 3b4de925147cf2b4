import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES, makePartners, THREE_KPIS, valueRows } from '../helpers/evaluation.js';
import { makeProgram } from '../helpers/incentive.js';
import { catalogFixture, makePolicy, price } from '../helpers/policy.js';
import { importCsv } from '../helpers/target.js';

/*
 * One decimal rule in JSON (issue 14 #11, README "Decimals in JSON"): KPI values, scores and weighted scores at 4
 * decimals (the scale a score is computed at), scorecard totals and percentages at 2; unit prices and quantities at 4,
 * money at the currency's minor units (CNY 2); REST and GraphQL alike.
 */
const FIXED = /^-?\d+\.\d{4}$/;
const PCT = /^-?\d+\.\d{2}$/;
const MONEY_CNY = /^-?\d+\.\d{2}$/;

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await makePartners(admin, ['P-A', 'P-C'], { tier: 'silver' });
});
afterAll(async () => t?.close());

describe('evaluation: scores and totals', () => {
  it('answers KPI values, scores and weighted scores at 4 decimals and the total at 2, stored and in GraphQL', async () => {
    expect((await admin.post('/v1/evaluations/templates', { code: 'T1', name: 'Scorecard', kpis: THREE_KPIS, gradeBands: GRADES })).statusCode).toBe(201);
    const values = valueRows('2026-Q1', [
      ['P-A', '100', '95', '0'],
      ['P-C', '90', '70', '2'],
    ]);
    expect((await admin.put('/v1/evaluations/manual-values', { values })).statusCode).toBe(200);
    const run = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1' });
    expect(run.statusCode).toBe(201);
    const rest = (await admin.get(`/v1/evaluations/runs/${run.data.id}/results`)).data.data;
    const c = rest.find((r: any) => r.partnerCode === 'P-C');
    // the issue saw scores `60` next to totals `69.00`
    expect(c.total).toBe('71.50');
    expect(c.kpis).toEqual([
      { code: 'sat', value: '90.0000', score: '75.0000', weight: '50', weighted: '37.5000', defaulted: false },
      { code: 'audit', value: '70.0000', score: '60.0000', weight: '30', weighted: '18.0000', defaulted: false },
      { code: 'complaints', value: '2.0000', score: '80.0000', weight: '20', weighted: '16.0000', defaulted: false },
    ]);
    for (const r of rest) {
      expect(r.total).toMatch(PCT);
      for (const k of r.kpis) for (const f of ['value', 'score', 'weighted']) expect(k[f]).toMatch(FIXED);
    }
    const one = (await admin.get(`/v1/evaluations/runs/${run.data.id}/results/${c.partnerId}`)).data;
    expect(one.kpis).toEqual(c.kpis);
    const g = await admin.gql(`query($run: ID!) { evaluationResults(run: $run) { nodes { partnerCode total kpis { code value score weight weighted } } } }`, {
      run: run.data.id,
    });
    expect(g.errors).toBeUndefined();
    const gc = g.data.evaluationResults.nodes.find((r: any) => r.partnerCode === 'P-C');
    expect(gc.total).toBe(c.total);
    expect(gc.kpis).toEqual(c.kpis.map(({ defaulted: _, ...k }: any) => k));
  });

  it('a simulation over the finalised run answers totals at 2 decimals too', async () => {
    const runs = (await admin.get('/v1/evaluations/runs')).data.data;
    const id = runs[0].id;
    expect((await admin.post(`/v1/evaluations/runs/${id}:finalise`)).statusCode).toBe(200);
    const sim = await admin.post('/v1/evaluations/simulations', { run: id });
    expect(sim.statusCode).toBe(200);
    const body = JSON.stringify(sim.data);
    const totals = [...body.matchAll(/"total":"([^"]+)"/g)].map((m) => m[1]);
    expect(totals.length).toBeGreaterThan(0);
    for (const s of totals) expect(s).toMatch(PCT);
  });
});

describe('policy: a price resolution', () => {
  it('answers unit prices at 4 decimals, REST and GraphQL alike', async () => {
    await catalogFixture(t, { products: [{ code: 'W1' }] });
    await makePolicy(admin, { code: 'BASE', scope: { kind: 'default' }, lines: [price('W1', '85', '99.9', '80')] });
    const rest = await admin.get('/v1/policy/prices/resolve?partner=P-A&product=W1&date=2026-03-15');
    expect(rest.statusCode, rest.body).toBe(200);
    const r = rest.data;
    expect(r).toMatchObject({
      quantity: '1.0000',
      distributionPrice: '85.0000',
      suggestedRetailPrice: '99.9000',
      minResalePrice: '80.0000',
      netUnitPrice: '85.0000',
      grossAmount: '85.00',
      netAmount: '85.00',
    });
    for (const f of ['quantity', 'distributionPrice', 'suggestedRetailPrice', 'minResalePrice', 'netUnitPrice']) expect(r[f]).toMatch(FIXED);
    for (const f of ['grossAmount', 'netAmount']) expect(r[f]).toMatch(MONEY_CNY);
    const g = await admin.gql(
      `{ resolvePrice(partner: "P-A", product: "W1", date: "2026-03-15") { quantity distributionPrice suggestedRetailPrice minResalePrice netUnitPrice grossAmount netAmount } }`,
    );
    expect(g.errors).toBeUndefined();
    expect(g.data.resolvePrice).toEqual({
      quantity: r.quantity,
      distributionPrice: r.distributionPrice,
      suggestedRetailPrice: r.suggestedRetailPrice,
      minResalePrice: r.minResalePrice,
      netUnitPrice: r.netUnitPrice,
      grossAmount: r.grossAmount,
      netAmount: r.netAmount,
    });
  });
});

describe('incentive: a run, dry and stored, with its achievement', () => {
  it('answers line amounts and totals at the minor unit and achievement at 2 decimals, dry, stored and in GraphQL alike', async () => {
    const token = await t.token();
    const csv = ['externalId,date,partnerCode,productCode,quantity,amount', 'X-1,2026-01-15,P-A,W1,1,210000.01', 'X-2,2026-02-15,P-C,W1,1,99999.99'].join('\n');
    expect((await importCsv(t, token, 'sell-in', csv + '\n')).data).toMatchObject({ created: 2 });
    const pa = (await admin.get('/v1/partners/by-code/P-A')).data.id;
    expect((await admin.post('/v1/targets', { partnerId: pa, period: '2026-Q1', metric: 'sales_amount', value: '200000' })).statusCode).toBe(201);
    const p = await makeProgram(admin, 'TB', {
      type: 'target_bonus',
      rules: { basis: 'achievement', mode: 'whole', tiers: [{ threshold: '100', rate: '2' }] },
    });
    expect((await admin.post(`/v1/incentives/programs/${p.id}/activate`)).statusCode).toBe(200);
    const dry = await admin.post('/v1/incentives/runs', { program: 'TB', period: '2026-Q1', dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    const stored = await admin.post('/v1/incentives/runs', { program: 'TB', period: '2026-Q1' });
    expect(stored.statusCode, stored.body).toBe(201);
    const a = (r: any) => r.data.lines.find((l: any) => l.partnerId === pa);
    // 210000.01 / 200000 = 105.000005 % -> "105.00"; 210000.01 x 2 % = 4200.0002 -> "4200.00"
    expect(a(dry)).toMatchObject({ amount: '4200.00', explanation: { achievementPercent: '105.00' } });
    expect(a(stored)).toMatchObject({ amount: '4200.00', explanation: { achievementPercent: '105.00' } });
    for (const r of [dry, stored]) {
      expect(r.data.run.total).toMatch(MONEY_CNY);
      for (const l of r.data.lines) {
        expect(l.amount).toMatch(MONEY_CNY);
        if (l.explanation.achievementPercent !== null) expect(l.explanation.achievementPercent).toMatch(PCT);
      }
    }
    expect(stored.data.run.total).toBe(dry.data.run.total);
    const g = await admin.gql(`mutation { runIncentiveProgram(program: "TB", period: "2026-Q1", dryRun: true) { run { total } lines { partnerId amount } } }`);
    expect(g.errors).toBeUndefined();
    expect(g.data.runIncentiveProgram.run.total).toBe(dry.data.run.total);
    expect(g.data.runIncentiveProgram.lines).toEqual(dry.data.lines.map((l: any) => ({ partnerId: l.partnerId, amount: l.amount })));
  });
});

describe('target: achievement', () => {
  it('answers target, actual, gap and forecast at 4 decimals and percentages at 2, REST and GraphQL alike', async () => {
    const pa = (await admin.get('/v1/partners/by-code/P-A')).data.id;
    const res = await admin.get(`/v1/targets/achievement/${pa}?period=2026-Q1&metric=sales_amount&asOf=2026-03-31`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.target).toBe('200000.0000');
    for (const f of ['target', 'actual', 'gap', 'forecast']) expect(res.data[f]).toMatch(FIXED);
    for (const f of ['achievementPct', 'forecastPct']) expect(res.data[f]).toMatch(PCT);
    for (const m of res.data.byMonth) {
      expect(m.actual).toMatch(FIXED);
      if (m.achievementPct !== null) expect(m.achievementPct).toMatch(PCT);
    }
    const g = await admin.gql(
      `query($id: ID!) { partner(id: $id) { achievement(period: "2026-Q1", asOf: "2026-03-31") { target actual achievementPct gap forecast forecastPct } } }`,
      { id: pa },
    );
    expect(g.errors).toBeUndefined();
    const { target, actual, achievementPct, gap, forecast, forecastPct } = res.data;
    expect(g.data.partner.achievement).toEqual({ target, actual, achievementPct, gap, forecast, forecastPct });
  });
});
