// Overrides of credit refusals through the sales organisation's approval authority (issue 18 with issue 17): with a
// credit_override policy whose step applies to the order's amount, the override waits for the finance post; without
// one (or below its threshold) it approves at once as before.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, placeOrder, teaPartner } from '../helpers/orders.js';
import { assignOwner, createStaff, createUnit } from '../helpers/organisation.js';

let t: TestApp;
let admin: Client;
let approver: Client;
let finance: Client;
let rm: Client;

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  const cat = await ordersWorld(admin);
  await teaPartner(admin, cat, 'PA');
  await ok(admin.post('/v1/credit/partners/PA/limits', { amount: '100', currency: 'CNY', effectiveFrom: '2026-01-01', reason: 'opening' }));
  await createUnit(admin, 'HQ', 'region');
  await createStaff(admin, 'FIN', 'finance', 'HQ', { subjects: ['fin'] });
  await createStaff(admin, 'RM', 'regional_manager', 'HQ', { subjects: ['rm'] });
  await assignOwner(admin, 'PA', 'HQ', null);
  approver = t.client(await t.token({ scope: 'orders:write orders:approve', sub: 'boss' }));
  finance = t.client(await t.token({ scope: 'orders:write orders:approve', sub: 'fin' }));
  rm = t.client(await t.token({ scope: 'orders:write orders:approve', sub: 'rm' }));
  // credit overrides of orders over 150.00 need finance
  const p = await admin.put('/v1/organisation/approval-policies/credit_override', { measure: 'amount', steps: [{ post: 'finance', over: '150' }] });
  expect(p.statusCode, p.body).toBe(201);
});
afterAll(async () => t?.close());

const overCredit = async (quantity: string) => {
  const { res } = await placeOrder(admin, { partner: 'PA', requestedDate: '2026-03-01', lines: [{ product: 'TEA-1', quantity }] });
  expect(res.data.status, res.body).toBe('submitted');
  expect(res.data.refusals.map((r: any) => r.code)).toEqual(['OVER_CREDIT']);
  return res.data;
};

describe('order overrides through approval policies', () => {
  it('at the threshold (150.00, not over it) the override approves at once', async () => {
    const o = await overCredit('15'); // 15 x 10.00 = 150.00 > 100.00 credit
    const ov = await approver.post(`/v1/orders/${o.id}:override`, { reason: 'known customer' });
    expect(ov.statusCode, ov.body).toBe(200);
    expect(ov.data.status).toBe('approved');
    expect(await rows(sql`select count(*)::int as n from approval_requests where ref = ${o.id}`)).toEqual([{ n: 0 }]);
  });

  it('over it: the order waits for finance; another post cannot decide; finance approves and the order is approved', async () => {
    const o = await overCredit('16'); // 160.00
    const ov = await approver.post(`/v1/orders/${o.id}:override`, { reason: 'season peak' });
    expect(ov.statusCode, ov.body).toBe(200);
    expect(ov.data.status).toBe('submitted');
    const [req] = await rows(sql`select id, status, kind from approval_requests where ref = ${o.id}`);
    expect(req).toMatchObject({ status: 'pending', kind: 'credit_override' });
    expect((await rm.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(403);
    expect((await admin.get(`/v1/orders/${o.id}`)).data.status).toBe('submitted');
    const ok2 = await finance.post(`/v1/organisation/approval-requests/${req.id}/approve`, { note: 'covered by deposit' });
    expect(ok2.statusCode, ok2.body).toBe(200);
    const after = (await admin.get(`/v1/orders/${o.id}`)).data;
    expect(after).toMatchObject({ status: 'approved', overrideReason: 'season peak' });
    const ev = await rows(sql`select type, payload from events where resource_id = ${o.id} order by seq`);
    expect(ev.map((e) => e.type)).toContain('order.approved');
    expect(ev.at(-1).payload.override).toMatchObject({ approvalRequestId: req.id, by: 'fin', note: 'covered by deposit' });
  });

  it('a rejection leaves the order submitted, with an event; it can still be cancelled', async () => {
    const o = await overCredit('20'); // 200.00
    await approver.post(`/v1/orders/${o.id}:override`, { reason: 'try' });
    const [req] = await rows(sql`select id from approval_requests where ref = ${o.id}`);
    expect((await finance.post(`/v1/organisation/approval-requests/${req.id}/reject`, { note: 'no' })).statusCode).toBe(200);
    expect((await admin.get(`/v1/orders/${o.id}`)).data.status).toBe('submitted');
    const ev = await rows(sql`select type from events where resource_id = ${o.id} order by seq`);
    expect(ev.at(-1).type).toBe('order.override_rejected');
    expect((await admin.post(`/v1/orders/${o.id}:cancel`, { reason: 'refused' })).data.status).toBe('cancelled');
  });
});
