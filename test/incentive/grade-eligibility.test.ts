/**
 * Incentive eligibility by evaluation grade (issue 8: "minimum evaluation grade once the evaluation module
 * exists"): a program open to grades A and B pays only partners whose latest finalised evaluation has one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES, makePartners } from '../helpers/evaluation.js';
import { makeProgram } from '../helpers/incentive.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let ids: Record<string, string>;
let templateId: string;

const run = async (program: string) => {
  const res = await admin.post('/v1/incentives/runs', { program, period: '2026-Q2', dryRun: true });
  expect(res.statusCode, res.body).toBe(200);
  return Object.fromEntries(res.data.lines.map((l: { partnerId: string; amount: string }) => [l.partnerId, l.amount]));
};

beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  ids = await makePartners(admin, ['G-A', 'G-C', 'G-NONE']);
  await admin.post('/v1/onboarding/products', { code: 'G-SKU', name: 'G product' });
  // the base: 10,000.00 of sell-in each in 2026-Q2
  const csv = ['externalId,date,partnerCode,productCode,quantity,amount'];
  for (const code of ['G-A', 'G-C', 'G-NONE']) csv.push(`${code}-1,2026-05-01,${code},G-SKU,1,10000`);
  const imp = await importCsv(t, token, 'sell-in', csv.join('\n') + '\n');
  expect(imp.data).toMatchObject({ accepted: 3 });
  // one manual KPI, weight 100, linear 0 -> 100: the value is the score
  const tpl = await admin.post('/v1/evaluations/templates', {
    code: 'G-T',
    name: 'Grade template',
    kpis: [{ code: 'sat', name: 'Satisfaction', weight: 100, direction: 'higher', source: 'manual', scoring: { type: 'linear', floor: '0', target: '100' } }],
    gradeBands: GRADES,
  });
  expect(tpl.statusCode, tpl.body).toBe(201);
  templateId = tpl.data.id;
  const vals = await admin.put('/v1/evaluations/manual-values', {
    values: [
      { partnerCode: 'G-A', period: '2026-Q1', kpi: 'sat', value: '95' }, // A
      { partnerCode: 'G-C', period: '2026-Q1', kpi: 'sat', value: '65' }, // C
    ],
  });
  expect(vals.statusCode, vals.body).toBeLessThan(300);
  const ev = await admin.post('/v1/evaluations/runs', { template: 'G-T', period: '2026-Q1', partners: ['G-A', 'G-C'] });
  expect(ev.statusCode, ev.body).toBe(201);
  expect((await admin.post(`/v1/evaluations/runs/${ev.data.id}:finalise`, {})).statusCode).toBe(200);
});
afterAll(async () => t?.close());

describe('eligibility by evaluation grade', () => {
  it('only partners whose latest finalised grade is listed are in the run; never-evaluated partners are not', async () => {
    const open = await makeProgram(admin, 'RB-ALL', {});
    expect(Object.keys(await run(open.id)).sort()).toEqual([ids['G-A'], ids['G-C'], ids['G-NONE']].sort());
    const graded = await makeProgram(admin, 'RB-AB', { eligibility: { evaluationGrades: ['A', 'B'], evaluationTemplateId: templateId } });
    expect(Object.keys(await run(graded.id))).toEqual([ids['G-A']]);
    const c = await makeProgram(admin, 'RB-C', { eligibility: { evaluationGrades: ['C'] } });
    expect(Object.keys(await run(c.id))).toEqual([ids['G-C']]);
  });

  it('refuses a template without grades', async () => {
    const res = await admin.post('/v1/incentives/programs', {
      code: 'RB-BAD',
      name: 'bad',
      type: 'rebate',
      granularity: 'quarter',
      currency: 'CNY',
      base: { metric: 'sell_in_amount' },
      eligibility: { evaluationTemplateId: templateId },
      rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '1' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors[0].path).toBe('body.eligibility.evaluationGrades');
  });
});
