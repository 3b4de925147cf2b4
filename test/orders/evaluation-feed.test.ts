import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES } from '../helpers/evaluation.js';
import { rebateRules } from '../helpers/incentive.js';
import { ok, ordersWorld, placeOrder, teaPartner } from '../helpers/orders.js';

let t: TestApp;
let admin: Client;
let pe: { id: string; code: string };

/*
 * PE: rebate 20.00 available. E1: TEA-1 x 30 = 300.00 with 20.00 from rebate -> invoice INV-E1 280.00 issued
 * 2026-03-01, due 2026-03-31. E2: TEA-2 x 10 = 200.00 -> INV-E2 200.00 issued 2026-03-10, due 2026-04-15.
 * Collections: K-E0 50.00 on 2026-03-20, K-E1 100.00 on 2026-04-05 (both to INV-E1, the oldest).
 */
beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  const cat = await ordersWorld(admin);
  pe = await teaPartner(admin, cat, 'PE');
  const p = await ok(admin.post('/v1/incentives/programs', { code: 'RB', name: 'RB', type: 'rebate', granularity: 'quarter', rules: rebateRules() }));
  const line = await ok(admin.post('/v1/incentives/statements/lines', { partnerId: pe.id, period: '2026-Q1', amount: '20.00', reason: 'x', programId: p.id }));
  await ok(admin.post(`/v1/incentives/statements/${line.statementId}/approve`, {}));
  await ok(admin.post(`/v1/incentives/statements/${line.statementId}/pay`, { paymentReference: 'P1' }));
  const e1 = (
    await placeOrder(admin, {
      partner: 'PE',
      requestedDate: '2026-03-01',
      paymentTermDays: 30,
      rebate: { amount: '20' },
      lines: [{ product: 'TEA-1', quantity: '30' }],
    })
  ).res.data;
  const e2 = (await placeOrder(admin, { partner: 'PE', requestedDate: '2026-03-01', lines: [{ product: 'TEA-2', quantity: '10' }] })).res.data;
  await ok(admin.post(`/v1/orders/${e1.id}/shipments`, { externalId: 'SE1', shippedOn: '2026-03-01', lines: [{ lineNo: 1, quantity: '30' }] }));
  await ok(admin.post(`/v1/orders/${e2.id}/shipments`, { externalId: 'SE2', shippedOn: '2026-03-10', lines: [{ lineNo: 1, quantity: '10' }] }));
  expect((await ok(admin.post(`/v1/orders/${e1.id}/invoices`, { number: 'INV-E1', issuedOn: '2026-03-01' }))).amount).toBe('280.00');
  await ok(admin.post(`/v1/orders/${e2.id}/invoices`, { number: 'INV-E2', issuedOn: '2026-03-10', dueOn: '2026-04-15' }));
  await ok(admin.post('/v1/credit/collections', { externalId: 'K-E0', partner: 'PE', receivedOn: '2026-03-20', amount: '50', currency: 'CNY' }));
  await ok(admin.post('/v1/credit/collections', { externalId: 'K-E1', partner: 'PE', receivedOn: '2026-04-05', amount: '100', currency: 'CNY' }));
  await ok(admin.post('/v1/evaluations/warning-rules', { code: 'OVERDUE', name: 'Collections overdue', kind: 'collections_overdue', threshold: 10 }));
});
afterAll(async () => {
  await t?.close();
});

const check = (asOf: string) => ok(admin.post('/v1/evaluations/warnings:check', { period: '2026-Q2', asOf }));

describe("evaluation reads orders' receivables", () => {
  it('collections_overdue: the unpaid balance of invoices due at least 10 days before the day', async () => {
    // 2026-04-20: INV-E1 (due 03-31 <= 04-10) 280.00 - 50.00 - 100.00 = 130.00; INV-E2 due 04-15 > 04-10 is not counted
    // (the sell-in facts would say 300 + 200 - 150 = 350)
    const r1 = await check('2026-04-20');
    expect(r1.opened.map((w: any) => [w.ruleCode, w.partnerCode, w.value])).toEqual([['OVERDUE', 'PE', '130.0000']]);
    // paid in full (130.00 + INV-E2's 200.00) on 2026-04-24: on 2026-04-26 nothing is overdue -> the alert closes
    await ok(admin.post('/v1/credit/collections', { externalId: 'K-E2', partner: 'PE', receivedOn: '2026-04-24', amount: '330', currency: 'CNY' }));
    const r2 = await check('2026-04-26');
    expect(r2.closed.map((w: any) => [w.ruleCode, w.partnerCode])).toEqual([['OVERDUE', 'PE']]);
  });

  it('collection_rate: collections in the period / what orders invoiced in it (after rebate use)', async () => {
    const kpis = [
      {
        code: 'coll',
        name: 'Collection rate',
        weight: 100,
        direction: 'higher',
        source: 'computed',
        kind: 'collection_rate',
        scoring: { type: 'linear', floor: 0, target: 100 },
      },
    ];
    await ok(admin.post('/v1/evaluations/templates', { code: 'CR', name: 'Collections', kpis, gradeBands: GRADES }));
    const run = await ok(admin.post('/v1/evaluations/runs', { template: 'CR', period: '2026-Q1', partners: ['PE'] }));
    const res = await ok(admin.get(`/v1/evaluations/runs/${run.id}/results/${pe.id}`));
    // Q1: collected 50.00 (K-E0) of 280.00 + 200.00 = 480.00 invoiced -> 10.4167 % (sell-in would say 50 / 500 = 10)
    expect(res.kpis.map((k: any) => [k.code, k.value])).toEqual([['coll', '10.4167']]);
  });
});
