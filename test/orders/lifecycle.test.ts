import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, placeOrder, teaPartner } from '../helpers/orders.js';

let t: TestApp;
let admin: Client;
let writer: Client;
let cat: Awaited<ReturnType<typeof ordersWorld>>;
let pl: { id: string; code: string };

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};
const today = () => new Date().toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  writer = t.client(await t.token({ scope: 'orders:write credit:read', sub: 'clerk' }));
  cat = await ordersWorld(admin);
  // PL: credit limit 1,000.00 from 2026-01-01; payment terms 30 days on its orders
  pl = await teaPartner(admin, cat, 'PL');
  await ok(admin.post('/v1/credit/partners/PL/limits', { amount: '1000', currency: 'CNY', effectiveFrom: '2026-01-01', reason: 'opening' }));
});
afterAll(async () => {
  await t?.close();
});

const order = (lines: { product: string; quantity: string }[], extra: Record<string, unknown> = {}) => ({
  partner: 'PL',
  requestedDate: '2026-03-01',
  paymentTermDays: 30,
  lines,
  ...extra,
});

describe('order lifecycle, override, shipments, invoices, collections', () => {
  let a: any;
  let b: any;
  let c: any;

  it('approves at once when every check passes (events and audit)', async () => {
    const { draft, res } = await placeOrder(
      writer,
      order([
        { product: 'TEA-1', quantity: '30' },
        { product: 'TEA-2', quantity: '10' },
      ]),
    );
    a = res.data;
    // 30 x 10.00 + 10 x 20.00 = 500.00
    expect(a).toMatchObject({ status: 'approved', total: '500.00', currency: 'CNY', approvedOn: today(), refusals: [] });
    expect(a.lines.map((l: any) => [l.unitPrice, l.amount])).toEqual([
      ['10.0000', '300.00'],
      ['20.0000', '200.00'],
    ]);
    const ev = await rows(sql`select type from events where resource_id = ${draft.id} order by seq`);
    expect(ev.map((e) => e.type)).toEqual(['order.created', 'order.submitted', 'order.approved']);
    const au = await rows(sql`select action, subject from audit_log where resource_id = ${draft.id} order by id`);
    expect(au.map((x) => x.action)).toEqual(['create', 'submit_approve']);
    expect(au[1].subject).toBe('clerk');
  });

  it('a refusal nobody may override: 422 with every reason, the order stays a draft', async () => {
    const draft = await ok(writer.post('/v1/orders', order([{ product: 'WINE-1', quantity: '1' }], { shipTo: 'NJ' })));
    const res = await writer.post(`/v1/orders/${draft.id}:submit`, {});
    expect(res.statusCode).toBe(422);
    expect(res.data.refusals.map((r: any) => r.code).sort()).toEqual(['PRODUCT_NOT_AUTHORISED', 'SHIP_TO_OUTSIDE_TERRITORY']);
    const [row] = await rows(sql`select status, total_amount from orders where id = ${draft.id}`);
    expect(row).toEqual({ status: 'draft', total_amount: null });
    // the stored draft's :check says the same, without writing
    const chk = await writer.post(`/v1/orders/${draft.id}:check`, {});
    expect(chk.data.refusals.map((r: any) => r.code).sort()).toEqual(['PRODUCT_NOT_AUTHORISED', 'SHIP_TO_OUTSIDE_TERRITORY']);
    // cancelled drafts cannot be submitted: 409 with a code
    await ok(writer.post(`/v1/orders/${draft.id}:cancel`, { reason: 'wrong product' }));
    const again = await writer.post(`/v1/orders/${draft.id}:submit`, {});
    expect([again.statusCode, again.data.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
  });

  it('over credit: submitted, overridden by an approver with a reason (audited), the clerk may not', async () => {
    // 500.00 open + 30 x 20.00 = 1,100.00 > 1,000.00
    const { res } = await placeOrder(writer, order([{ product: 'TEA-2', quantity: '30' }]));
    b = res.data;
    expect(b.status).toBe('submitted');
    expect(b.refusals).toEqual([
      expect.objectContaining({
        code: 'OVER_CREDIT',
        overridable: true,
        details: { limit: '1000.00', exposure: '500.00', order: '600.00', available: '500.00' },
      }),
    ]);
    const denied = await writer.post(`/v1/orders/${b.id}:override`, { reason: 'good customer' });
    expect(denied.statusCode).toBe(403);
    expect((await rows(sql`select status from orders where id = ${b.id}`))[0].status).toBe('submitted');
    const noReason = await admin.post(`/v1/orders/${b.id}:override`, {});
    expect(noReason.statusCode).toBe(400);
    const approver = t.client(await t.token({ scope: 'orders:write orders:approve', sub: 'boss' }));
    const ov = await approver.post(`/v1/orders/${b.id}:override`, { reason: 'season peak, CFO agreed' });
    expect(ov.statusCode, ov.body).toBe(200);
    expect(ov.data).toMatchObject({ status: 'approved', overrideReason: 'season peak, CFO agreed', approvedOn: today() });
    const au = await rows(sql`select action, subject, changes from audit_log where resource_id = ${b.id} and action = 'override_approve'`);
    expect(au).toHaveLength(1);
    expect(au[0].subject).toBe('boss');
    const ev = await rows(
      sql`select type, payload from events where type in ('order.approved', 'credit.over_limit') and (resource_id = ${b.id} or resource_id = ${pl.id}) order by seq`,
    );
    expect(ev.map((e) => e.type)).toEqual(['order.approved', 'credit.over_limit']);
    expect(ev[0].payload.override).toMatchObject({ reason: 'season peak, CFO agreed', refusals: ['OVER_CREDIT'], by: 'boss' });
    const credit = await ok(admin.get('/v1/credit/partners/PL'));
    expect(credit).toMatchObject({ limit: '1000.00', openOrders: '1100.00', receivables: '0.00', exposure: '1100.00', available: '-100.00', overLimit: true });
    // cancelling frees the credit
    await ok(writer.post(`/v1/orders/${b.id}:cancel`, {}));
    expect((await ok(admin.get('/v1/credit/partners/PL'))).exposure).toBe('500.00');
  });

  it('replaces a draft by external id; refuses to replace a submitted one', async () => {
    const first = await writer.post('/v1/orders', order([{ product: 'TEA-1', quantity: '1' }], { externalId: 'ERP-9' }));
    expect(first.statusCode).toBe(201);
    const second = await writer.post(
      '/v1/orders',
      order(
        [
          { product: 'TEA-2', quantity: '2' },
          { product: 'TEA-1', quantity: '3' },
        ],
        { externalId: 'ERP-9' },
      ),
    );
    expect(second.statusCode).toBe(200);
    expect(second.data.id).toBe(first.data.id);
    expect(second.data.lines.map((l: any) => [l.productCode, l.quantity])).toEqual([
      ['TEA-2', '2.0000'],
      ['TEA-1', '3.0000'],
    ]);
    await ok(writer.post(`/v1/orders/${first.data.id}:submit`, {}));
    const third = await writer.post('/v1/orders', order([{ product: 'TEA-1', quantity: '1' }], { externalId: 'ERP-9' }));
    expect([third.statusCode, third.data.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    await ok(writer.post(`/v1/orders/${first.data.id}:cancel`, {}));
  });

  it('shipments become sell-in facts, idempotently; the order moves to partially shipped, then shipped', async () => {
    const inv = await admin.post(`/v1/orders/${a.id}/invoices`, { number: 'INV-0', issuedOn: '2026-03-01' });
    expect([inv.statusCode, inv.data.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    const s1 = await admin.post(`/v1/orders/${a.id}/shipments`, { externalId: 'S1', shippedOn: '2026-03-02', lines: [{ lineNo: 1, quantity: '10' }] });
    expect(s1.statusCode, s1.body).toBe(201);
    // 300.00 x 10 / 30 = 100.00
    expect(s1.data).toMatchObject({ amount: '100.00', lines: [{ lineNo: 1, quantity: '10.0000', amount: '100.00' }] });
    const again = await admin.post(`/v1/orders/${a.id}/shipments`, { externalId: 'S1', shippedOn: '2026-03-02', lines: [{ lineNo: 1, quantity: '10' }] });
    expect(again.statusCode).toBe(200);
    expect(again.data.id).toBe(s1.data.id);
    expect((await ok(admin.get(`/v1/orders/${a.id}`))).status).toBe('partially_shipped');
    const over = await admin.post(`/v1/orders/${a.id}/shipments`, { externalId: 'S-X', shippedOn: '2026-03-03', lines: [{ lineNo: 1, quantity: '21' }] });
    expect(over.statusCode).toBe(400);
    const s2 = await admin.post(`/v1/orders/${a.id}/shipments`, {
      externalId: 'S2',
      shippedOn: '2026-03-05',
      lines: [
        { lineNo: 1, quantity: '20' },
        { lineNo: 2, quantity: '10' },
      ],
    });
    expect(s2.statusCode, s2.body).toBe(201);
    expect(s2.data.amount).toBe('400.00');
    const o = await ok(admin.get(`/v1/orders/${a.id}`));
    expect(o.status).toBe('shipped');
    expect(o.lines.map((l: any) => l.shippedQuantity)).toEqual(['30.0000', '10.0000']);
    const facts = await rows(
      sql`select external_id, quantity::text, amount::text, date::text from sell_in_lines where partner_id = ${pl.id} order by external_id`,
    );
    expect(facts).toEqual([
      { external_id: 'order-shipment:S1:1', quantity: '10.0000', amount: '100.0000', date: '2026-03-02' },
      { external_id: 'order-shipment:S2:1', quantity: '20.0000', amount: '200.0000', date: '2026-03-05' },
      { external_id: 'order-shipment:S2:2', quantity: '10.0000', amount: '200.0000', date: '2026-03-05' },
    ]);
    const totals = await rows(
      sql`select month::text, amount::text, quantity::text, lines from actual_monthly_totals where partner_id = ${pl.id} and stream = 'sell_in'`,
    );
    expect(totals).toEqual([{ month: '2026-03-01', amount: '500.0000', quantity: '40.0000', lines: 3 }]);
    const cancel = await admin.post(`/v1/orders/${a.id}:cancel`, {});
    expect([cancel.statusCode, cancel.data.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
  });

  it('an invoice is a receivable; overdue beyond the tolerated days refuses new orders', async () => {
    const inv = await admin.post(`/v1/orders/${a.id}/invoices`, { number: 'INV-1', issuedOn: '2026-03-01' });
    expect(inv.statusCode, inv.body).toBe(201);
    // due = 2026-03-01 + 30 days
    expect(inv.data).toMatchObject({ amount: '500.00', dueOn: '2026-03-31', balance: '500.00', paid: '0.00' });
    expect((await ok(admin.get(`/v1/orders/${a.id}`))).status).toBe('invoiced');
    const credit = await ok(admin.get('/v1/credit/partners/PL'));
    expect(credit).toMatchObject({ openOrders: '0.00', receivables: '500.00', exposure: '500.00', overdue: '500.00' });
    const chk = await writer.post('/v1/orders:check', order([{ product: 'TEA-1', quantity: '10' }]));
    expect(chk.data.refusals).toEqual([
      expect.objectContaining({
        code: 'OVERDUE_RECEIVABLES',
        overridable: false,
        details: { overdue: '500.00', toleratedDays: '0', maxDaysOverdue: String(daysBetween('2026-03-31', today())) },
      }),
    ]);
    await ok(admin.put('/v1/credit/partners/PL/account', { overdueToleranceDays: 3650 }));
    const { res } = await placeOrder(writer, order([{ product: 'TEA-1', quantity: '10' }]));
    c = res.data;
    expect(c).toMatchObject({ status: 'approved', total: '100.00' });
    await ok(admin.post(`/v1/orders/${c.id}/shipments`, { externalId: 'S3', shippedOn: '2026-05-01', lines: [{ lineNo: 1, quantity: '10' }] }));
    const inv2 = await ok(admin.post(`/v1/orders/${c.id}/invoices`, { number: 'INV-2', issuedOn: '2026-05-01' }));
    expect(inv2).toMatchObject({ amount: '100.00', dueOn: '2026-05-31' });
  });

  it('every refusal of the brief together, overdue receivables and credit hold included', async () => {
    // PL: on hold, 0 tolerated days (INV-1 500.00 and INV-2 100.00 are past due), minimums, a 2031 TEA-2 quota of 1,
    // suspended, ordering on 2031-02-01 (after its agreement) to NJ (outside), a WINE-1 line (never authorised)
    await ok(admin.put('/v1/credit/partners/PL/account', { overdueToleranceDays: 0, onHold: true, holdReason: 'review' }));
    await ok(admin.post('/v1/orders/rules', { partner: 'PL', product: 'TEA-1', minQuantity: '10' }));
    await ok(admin.post('/v1/orders/rules', { partner: 'PL', minAmount: '1000000' }));
    await ok(admin.put('/v1/orders/quotas', { partner: 'PL', product: 'TEA-2', periodStart: '2031-01-01', periodEnd: '2031-12-31', quantity: '1' }));
    await ok(admin.post(`/v1/partners/${pl.id}:suspend`, { reason: 'audit' }));
    const res = await admin.post('/v1/orders:check', {
      partner: 'PL',
      shipTo: 'NJ',
      requestedDate: '2031-02-01',
      lines: [
        { product: 'TEA-1', quantity: '5', requestedPrice: '1.00' },
        { product: 'TEA-2', quantity: '2' },
        { product: 'WINE-1', quantity: '50' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    // 5 x 1.00 + 2 x 20.00 + 50 x 100.00 = 5,045.00; exposure 600.00 (both invoices unpaid)
    expect(res.data.total).toBe('5045.00');
    expect(res.data.credit).toEqual({ limit: '1000.00', exposure: '600.00', available: '400.00', onHold: true });
    const byCode = Object.fromEntries(res.data.refusals.map((r: any) => [r.code, r]));
    expect(Object.keys(byCode).sort()).toEqual(
      [
        'BELOW_MINIMUM_AMOUNT',
        'BELOW_MINIMUM_QUANTITY',
        'CREDIT_HOLD',
        'NO_AGREEMENT_IN_FORCE',
        'OVERDUE_RECEIVABLES',
        'OVER_CREDIT',
        'OVER_QUOTA',
        'PARTNER_NOT_ACTIVE',
        'PRICE_BELOW_FLOOR',
        'PRODUCT_NOT_AUTHORISED',
        'SHIP_TO_OUTSIDE_TERRITORY',
      ].sort(),
    );
    expect(res.data.refusals.filter((r: any) => r.code === 'PRODUCT_NOT_AUTHORISED').map((r: any) => r.line)).toEqual([1, 2, 3]);
    expect(byCode.OVER_QUOTA.details).toMatchObject({ quota: '1', used: '0.0000', ordered: '2.0000' });
    expect(byCode.OVERDUE_RECEIVABLES.details.overdue).toBe('600.00');
    expect(byCode.BELOW_MINIMUM_AMOUNT.details).toEqual({ minAmount: '1000000.00' });
    expect(res.data.wouldApprove).toBe(false);
    await ok(admin.post(`/v1/partners/${pl.id}:reinstate`, { reason: 'audit done' }));
    await ok(admin.put('/v1/credit/partners/PL/account', { onHold: false }));
  });

  it('collections settle oldest first or by invoice ref; paid orders close; aging on a date', async () => {
    const k1 = await admin.post('/v1/credit/collections', { externalId: 'K1', partner: 'PL', receivedOn: '2026-06-15', amount: '250', currency: 'CNY' });
    expect(k1.statusCode, k1.body).toBe(201);
    expect(k1.data).toMatchObject({ unallocated: '0.00', allocations: [{ invoiceNumber: 'INV-1', amount: '250.00' }] });
    const k2 = await admin.post('/v1/credit/collections', {
      externalId: 'K2',
      partner: 'PL',
      receivedOn: '2026-07-01',
      amount: '150',
      currency: 'CNY',
      invoiceRef: 'INV-2',
    });
    expect(k2.data.allocations.map((x: any) => [x.invoiceNumber, x.amount])).toEqual([
      ['INV-2', '100.00'],
      ['INV-1', '50.00'],
    ]);
    const k2again = await admin.post('/v1/credit/collections', {
      externalId: 'K2',
      partner: 'PL',
      receivedOn: '2026-07-01',
      amount: '150',
      currency: 'CNY',
      invoiceRef: 'INV-2',
    });
    expect(k2again.statusCode).toBe(200);
    expect((await rows(sql`select count(*)::int as n from credit_allocations`))[0].n).toBe(3);
    expect((await ok(admin.get(`/v1/orders/${c.id}`))).status).toBe('closed');
    expect((await ok(admin.get(`/v1/orders/${a.id}`))).status).toBe('invoiced');
    // on 2026-06-30: INV-1 121 days old, 500 - 250 = 250.00; INV-2 60 days old, 100.00; both past due;
    // billed in the 90 days to the date: INV-2 only -> DSO = 350 x 90 / 100 = 315 days (4 decimals)
    const ag = await ok(admin.get('/v1/credit/aging?date=2026-06-30'));
    expect(ag.partners).toEqual([
      {
        partnerId: pl.id,
        currency: 'CNY',
        d0_30: '0.00',
        d31_60: '100.00',
        d61_90: '0.00',
        d90Plus: '250.00',
        total: '350.00',
        overdue: '350.00',
        dso: '315.0000',
      },
    ]);
    // on 2026-07-31: INV-1 200.00 left (90+), INV-2 paid; nothing billed in 90 days
    const ag2 = await ok(admin.get('/v1/credit/aging?date=2026-07-31&partner=PL'));
    expect(ag2.partners).toEqual([
      { partnerId: pl.id, currency: 'CNY', d0_30: '0.00', d31_60: '0.00', d61_90: '0.00', d90Plus: '200.00', total: '200.00', overdue: '200.00', dso: null },
    ]);
    const credit = await ok(admin.get('/v1/credit/partners/PL?date=2026-06-30'));
    expect(credit).toMatchObject({ receivables: '350.00', openOrders: '0.00' });
  });
});

describe('credit limit with a temporary increase expiring', () => {
  it('exposure vs limit on a date', async () => {
    const d0 = today();
    const plus = (n: number) => new Date(Date.parse(d0) + n * 86_400_000).toISOString().slice(0, 10);
    await teaPartner(admin, cat, 'PT');
    await ok(admin.post('/v1/credit/partners/PT/limits', { amount: '100', currency: 'CNY', effectiveFrom: '2026-01-01' }));
    const inc = await admin.post('/v1/credit/partners/PT/temporary-increases', {
      amount: '50',
      currency: 'CNY',
      effectiveFrom: d0,
      expiresOn: plus(10),
      reason: 'fair',
    });
    expect(inc.statusCode, inc.body).toBe(201);
    expect(inc.data).toMatchObject({ baseLimit: '100.00', temporary: '50.00', limit: '150.00', exposure: '0.00', available: '150.00' });
    // 14 x 10.00 = 140.00 <= 150.00
    const { res } = await placeOrder(admin, { partner: 'PT', requestedDate: '2026-03-01', lines: [{ product: 'TEA-1', quantity: '14' }] });
    expect(res.data.status).toBe('approved');
    expect(await ok(admin.get(`/v1/credit/partners/PT?date=${plus(10)}`))).toMatchObject({
      limit: '150.00',
      exposure: '140.00',
      available: '10.00',
      overLimit: false,
    });
    const after = await ok(admin.get(`/v1/credit/partners/PT?date=${plus(11)}`));
    expect(after).toMatchObject({ baseLimit: '100.00', temporary: '0.00', limit: '100.00', exposure: '140.00', available: '-40.00', overLimit: true });
    expect(after.history.map((h: any) => [h.kind, h.amount])).toEqual([
      ['limit', '100.00'],
      ['temporary', '50.00'],
    ]);
    // before the limit's history began there was no limit
    expect((await ok(admin.get('/v1/credit/partners/PT?date=2025-12-31'))).limit).toBeNull();
  });

  it('GraphQL: orders and credit on Partner through loaders', async () => {
    const r = await admin.gql(`{ partners(first: 10) { nodes { code orders(status: approved) { total status } credit { limit exposure } } } }`);
    expect(r.errors).toBeUndefined();
    const pt = r.data.partners.nodes.find((n: any) => n.code === 'PT');
    expect(pt).toEqual({ code: 'PT', orders: [{ total: '140.00', status: 'approved' }], credit: { limit: '150.00', exposure: '140.00' } });
  });
});
