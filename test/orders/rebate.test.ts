import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { rebateRules } from '../helpers/incentive.js';
import { ok, ordersWorld, placeOrder, teaPartner } from '../helpers/orders.js';

let t: TestApp;
let admin: Client;
let pr: { id: string; code: string };

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};

/** A rebate program (optionally with a per-order cap), activated. */
async function rebateProgram(c: Client, code: string, extra: Record<string, unknown> = {}) {
  const p = await ok(c.post('/v1/incentives/programs', { code, name: code, type: 'rebate', granularity: 'quarter', rules: rebateRules(), ...extra }));
  await ok(c.post(`/v1/incentives/programs/${p.id}/activate`, {}));
  return p;
}

/** Puts `amount` on the partner's available rebate: a manual statement line of the program, approved and paid. */
export async function fundRebate(c: Client, partnerId: string, programId: string, amount: string) {
  const line = await ok(c.post('/v1/incentives/statements/lines', { partnerId, period: '2026-Q1', amount, reason: 'opening rebate', programId }));
  await ok(c.post(`/v1/incentives/statements/${line.statementId}/approve`, {}));
  await ok(c.post(`/v1/incentives/statements/${line.statementId}/pay`, { paymentReference: `PAY-${line.statementId}` }));
}

const balance = async () => ok(admin.get(`/v1/incentives/rebate-accounts/${pr.id}`));
const order = (lines: { product: string; quantity: string }[], rebate?: Record<string, unknown>) => ({
  partner: 'PR',
  requestedDate: '2026-03-01',
  paymentTermDays: 30,
  lines,
  ...(rebate ? { rebate } : {}),
});

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  const cat = await ordersWorld(admin);
  pr = await teaPartner(admin, cat, 'PR');
  await ok(admin.post('/v1/credit/partners/PR/limits', { amount: '1000', currency: 'CNY', effectiveFrom: '2026-01-01', reason: 'opening' }));
  // RB-CAP: at most 10% of an order and at most 80.00 per order
  const cap = await rebateProgram(admin, 'RB-CAP', { orderCap: { maxPercent: '10', maxAmount: '80' } });
  await fundRebate(admin, pr.id, cap.id, '150.00');
});
afterAll(async () => {
  await t?.close();
});

describe('rebate use on orders (返利抵扣)', () => {
  let a: any;
  let b: any;

  it('a program carries its per-order cap (REST and GraphQL); only rebate programs take one', async () => {
    const p = await ok(admin.get('/v1/incentives/programs/by-code/RB-CAP'));
    expect(p.orderCap).toEqual({ maxPercent: '10', maxAmount: '80' });
    const g = await admin.gql('query { incentiveProgramByCode(code: "RB-CAP") { orderCap { maxPercent maxAmount } } }');
    expect(g.errors).toBeUndefined();
    expect(g.data.incentiveProgramByCode.orderCap).toEqual({ maxPercent: '10', maxAmount: '80' });
    const bad = await admin.post('/v1/incentives/programs', {
      code: 'COM-1',
      name: 'c',
      type: 'commission',
      granularity: 'month',
      rules: rebateRules(),
      orderCap: { maxPercent: '10' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors.map((e: any) => e.path)).toContain('body.orderCap');
    const pct = await admin.post('/v1/incentives/programs', {
      code: 'RB-X',
      name: 'x',
      type: 'rebate',
      granularity: 'month',
      rules: rebateRules(),
      orderCap: { maxPercent: '120' },
    });
    expect(pct.statusCode).toBe(400);
    expect(pct.data.errors.map((e: any) => e.path)).toContain('body.orderCap.maxPercent');
  });

  it(':check reports the cap, the payable amount and REBATE_OVER_CAP', async () => {
    // 50 x 10.00 = 500.00; 10% = 50.00 < 80.00: the cap is 50.00
    const over = await ok(admin.post('/v1/orders:check', order([{ product: 'TEA-1', quantity: '50' }], { amount: '60', program: 'RB-CAP' })));
    expect(over.total).toBe('500.00');
    expect(over.payable).toBe('440.00');
    expect(over.rebate).toMatchObject({ amount: '60.00', programCode: 'RB-CAP', cap: '50.00', available: '150.00', currency: 'CNY' });
    expect(over.refusals).toEqual([
      expect.objectContaining({
        code: 'REBATE_OVER_CAP',
        overridable: false,
        details: { amount: '60.00', cap: '50.00', program: 'RB-CAP', maxPercent: '10', maxAmount: '80.00' },
      }),
    ]);
    // without a program the strictest cap of the active rebate programs applies (RB-CAP): the same answer
    const dflt = await ok(admin.post('/v1/orders:check', order([{ product: 'TEA-1', quantity: '50' }], { amount: '60' })));
    expect(dflt.refusals.map((r: any) => [r.code, r.details.cap])).toEqual([['REBATE_OVER_CAP', '50.00']]);
    // 100 x 20.00 = 2,000.00: 10% = 200.00, so maxAmount 80.00 is the cap
    const big = await ok(admin.post('/v1/orders:check', order([{ product: 'TEA-2', quantity: '100' }], { amount: '80.01', program: 'RB-CAP' })));
    expect(big.rebate.cap).toBe('80.00');
    expect(big.refusals.map((r: any) => r.code)).toContain('REBATE_OVER_CAP');
    const fine = await ok(admin.post('/v1/orders:check', order([{ product: 'TEA-1', quantity: '50' }], { amount: '40', program: 'RB-CAP' })));
    expect([fine.refusals, fine.wouldApprove, fine.payable]).toEqual([[], true, '460.00']);
    // the submit refuses what the check refuses, and writes nothing
    const draft = await ok(admin.post('/v1/orders', order([{ product: 'TEA-1', quantity: '50' }], { amount: '60', program: 'RB-CAP' })));
    const res = await admin.post(`/v1/orders/${draft.id}:submit`, {});
    expect([res.statusCode, res.data.refusals.map((r: any) => r.code)]).toEqual([422, ['REBATE_OVER_CAP']]);
    expect(await balance()).toMatchObject({ available: '150.00', reserved: '0.00' });
    await ok(admin.post(`/v1/orders/${draft.id}:cancel`, {}));
  });

  it('an unknown program is a 400 naming rebate.program; a program in another currency: REBATE_CURRENCY_MISMATCH', async () => {
    const unknown = await admin.post('/v1/orders', order([{ product: 'TEA-1', quantity: '1' }], { amount: '1', program: 'NOPE' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.data.errors.map((e: any) => e.path)).toEqual(['rebate.program']);
    const n = await rows(sql`select count(*)::int as n from orders where partner_id = ${pr.id} and status = 'draft'`);
    expect(n[0].n).toBe(0);
    const zero = await admin.post('/v1/orders:check', order([{ product: 'TEA-1', quantity: '1' }], { amount: '0' }));
    expect(zero.statusCode).toBe(400);
    expect(zero.data.errors.map((e: any) => e.path)).toEqual(['body.rebate.amount']);
    await rebateProgram(admin, 'RB-USD', { currency: 'USD' });
    const usd = await ok(admin.post('/v1/orders:check', order([{ product: 'TEA-1', quantity: '50' }], { amount: '10', program: 'RB-USD' })));
    expect(usd.refusals).toEqual([
      expect.objectContaining({ code: 'REBATE_CURRENCY_MISMATCH', details: { rebateCurrency: 'CNY', programCurrency: 'USD', orderCurrency: 'CNY' } }),
    ]);
  });

  it('reserves on submit: available 150.00 -> 110.00, reserved 40.00; credit counts the payable amount', async () => {
    const { draft, res } = await placeOrder(admin, order([{ product: 'TEA-1', quantity: '50' }], { amount: '40', program: 'RB-CAP' }));
    a = res.data;
    expect(a).toMatchObject({ status: 'approved', total: '500.00', payable: '460.00', rebate: { amount: '40.00', status: 'reserved' } });
    expect(await balance()).toMatchObject({ accrued: '0.00', available: '110.00', reserved: '40.00', spent: '0.00' });
    const credit = await ok(admin.get('/v1/credit/partners/PR'));
    expect(credit).toMatchObject({ openOrders: '460.00', exposure: '460.00', available: '540.00' });
    const ev = await rows(sql`select type, payload from events where type = 'rebate.reserved' and resource_id = ${pr.id}`);
    expect(ev).toHaveLength(1);
    expect(ev[0].payload.reservation).toMatchObject({ orderRef: draft.id, amount: '40.00', status: 'reserved' });
    const au = await rows(sql`select action from audit_log where resource_type = 'rebate_account' and resource_id = ${pr.id} and action = 'reserve'`);
    expect(au).toHaveLength(1);
    // B: 25 x 20.00 = 500.00 with 50.00 (the 10% cap) -> payable 450.00; exposure 460.00 + 450.00 = 910.00 <= 1,000.00
    b = (await placeOrder(admin, order([{ product: 'TEA-2', quantity: '25' }], { amount: '50' }))).res.data;
    expect(b).toMatchObject({ status: 'approved', payable: '450.00', rebate: { status: 'reserved' } });
    expect(await balance()).toMatchObject({ available: '60.00', reserved: '90.00' });
    const g = await admin.gql(
      `query { rebateBalance(partnerId: "${pr.id}") { available reserved } order(id: "${b.id}") { payable rebate { amount status } } }`,
    );
    expect(g.errors).toBeUndefined();
    expect(g.data).toEqual({
      rebateBalance: { available: '60.00', reserved: '90.00' },
      order: { payable: '450.00', rebate: { amount: '50.00', status: 'reserved' } },
    });
  });

  it('REBATE_INSUFFICIENT: 70.00 asked, 60.00 available; the submit is 422 and nothing changes', async () => {
    // 100 x 10.00 = 1,000.00: the cap is 80.00, so only the balance refuses
    const body = order([{ product: 'TEA-1', quantity: '100' }], { amount: '70', program: 'RB-CAP' });
    const chk = await ok(admin.post('/v1/orders:check', body));
    expect(chk.refusals.filter((r: any) => r.code.startsWith('REBATE'))).toEqual([
      expect.objectContaining({ code: 'REBATE_INSUFFICIENT', overridable: false, details: { amount: '70.00', available: '60.00' } }),
    ]);
    const draft = await ok(admin.post('/v1/orders', body));
    const res = await admin.post(`/v1/orders/${draft.id}:submit`, {});
    expect(res.statusCode).toBe(422);
    expect(res.data.refusals.map((r: any) => r.code)).toContain('REBATE_INSUFFICIENT');
    expect((await rows(sql`select status, rebate_status from orders where id = ${draft.id}`))[0]).toEqual({ status: 'draft', rebate_status: null });
    expect(await balance()).toMatchObject({ available: '60.00', reserved: '90.00' });
    // GraphQL answers the same check
    const g = await admin.gql('query($input: OrderInput!) { checkOrder(input: $input) { payable rebate { cap available } refusals { code } } }', {
      input: body,
    });
    expect(g.errors).toBeUndefined();
    expect(g.data.checkOrder.payable).toBe('930.00');
    expect(g.data.checkOrder.rebate).toEqual({ cap: '80.00', available: '60.00' });
    expect(g.data.checkOrder.refusals.map((r: any) => r.code)).toContain('REBATE_INSUFFICIENT');
  });

  it('releases on cancel: available 60.00 -> 110.00, reserved 40.00', async () => {
    const c = await ok(admin.post(`/v1/orders/${b.id}:cancel`, { reason: 'changed mind' }));
    expect(c.rebate).toEqual({ amount: '50.00', programId: null, status: 'released' });
    expect(await balance()).toMatchObject({ available: '110.00', reserved: '40.00', spent: '0.00' });
    const ev = await rows(sql`select payload from events where type = 'rebate.released' and resource_id = ${pr.id}`);
    expect(ev.map((e) => e.payload.reservation)).toEqual([expect.objectContaining({ orderRef: b.id, amount: '50.00', status: 'released' })]);
    expect((await ok(admin.get('/v1/credit/partners/PR'))).exposure).toBe('460.00');
  });

  it('spends on invoice: the invoice is for the payable 460.00, the ledger has a spend of 40.00 for the order', async () => {
    await ok(admin.post(`/v1/orders/${a.id}/shipments`, { externalId: 'SR-1', shippedOn: '2026-03-02', lines: [{ lineNo: 1, quantity: '50' }] }));
    const inv = await ok(admin.post(`/v1/orders/${a.id}/invoices`, { number: 'INV-R1', issuedOn: '2026-03-05' }));
    expect(inv).toMatchObject({ amount: '460.00', balance: '460.00', dueOn: '2026-04-04' });
    expect(await balance()).toMatchObject({ available: '110.00', reserved: '0.00', spent: '40.00' });
    const ledger = await ok(admin.get(`/v1/incentives/rebate-accounts/${pr.id}/ledger`));
    expect(ledger.data[0]).toMatchObject({ kind: 'spend', amount: '40.00', orderRef: a.id });
    const o = await ok(admin.get(`/v1/orders/${a.id}`));
    expect(o).toMatchObject({ status: 'invoiced', total: '500.00', payable: '460.00', rebate: { status: 'spent' } });
    const ev = await rows(sql`select payload from events where type = 'rebate.spent' and resource_id = ${pr.id}`);
    expect(ev).toHaveLength(1);
    expect(ev[0].payload.entry).toMatchObject({ kind: 'spend', amount: '40.00', orderRef: a.id });
    // credit: the receivable is the payable amount, the order no longer open
    expect(await ok(admin.get('/v1/credit/partners/PR?date=2026-03-10'))).toMatchObject({ openOrders: '0.00', receivables: '460.00', exposure: '460.00' });
    // the reservation's history: reserved on the day, spent on the day
    const r = await rows(sql`select status from rebate_reservations where order_ref = ${a.id}`);
    expect(r).toEqual([{ status: 'spent' }]);
  });
});
