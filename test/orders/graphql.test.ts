import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, teaPartner } from '../helpers/orders.js';

let t: TestApp;
let admin: Client;
let p1: { id: string; code: string };

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  const cat = await ordersWorld(admin);
  p1 = await teaPartner(admin, cat, 'G1');
  await teaPartner(admin, cat, 'G2');
});
afterAll(async () => {
  await t?.close();
});

describe('orders over GraphQL, and partner confinement', () => {
  it('checks, creates, submits and reads an order through GraphQL as REST does', async () => {
    const input = {
      partner: 'G1',
      shipTo: 'HZ',
      requestedDate: '2026-04-01',
      lines: [
        { product: 'TEA-1', quantity: '2' },
        { product: 'TEA-2', quantity: '1', requestedPrice: '19.00' },
      ],
    };
    const chk = await admin.gql(
      'query($input: OrderInput!) { checkOrder(input: $input) { total wouldApprove refusals { code line } lines { lineNo amount pricing { source { policyCode } } } } }',
      { input },
    );
    expect(chk.errors).toBeUndefined();
    // 2 x 10.00 + 1 x 19.00 asked below the 20.00 floor
    expect(chk.data.checkOrder).toEqual({
      total: '39.00',
      wouldApprove: false,
      refusals: [{ code: 'PRICE_BELOW_FLOOR', line: 2 }],
      lines: [
        { lineNo: 1, amount: '20.00', pricing: { source: { policyCode: 'STD' } } },
        { lineNo: 2, amount: '19.00', pricing: { source: { policyCode: 'STD' } } },
      ],
    });
    const rest = await ok(admin.post('/v1/orders:check', input));
    expect(rest.total).toBe('39.00');
    const created = await admin.gql('mutation($input: OrderInput!) { createOrder(input: $input) { id status } }', {
      input: { ...input, lines: [input.lines[0]] },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data.createOrder.id;
    const sub = await admin.gql('mutation($id: ID!) { submitOrder(id: $id) { status total approvedOn } }', { id });
    expect(sub.errors).toBeUndefined();
    expect(sub.data.submitOrder).toMatchObject({ status: 'approved', total: '20.00' });
    const again = await admin.gql('mutation($id: ID!) { submitOrder(id: $id) { status } }', { id });
    expect(again.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    const list = await admin.gql('query { orders(partner: "G1") { nodes { id status lines { productCode quantity amount } } } }');
    expect(list.data.orders.nodes).toEqual([{ id, status: 'approved', lines: [{ productCode: 'TEA-1', quantity: '2.0000', amount: '20.00' }] }]);
    const credit = await admin.gql('query { partnerCredit(partner: "G1") { exposure limit openOrders } }');
    expect(credit.data.partnerCredit).toEqual({ exposure: '20.00', limit: null, openOrders: '20.00' });
  });

  it("two aliases of a partner's orders with other statuses each get their own (one batch each)", async () => {
    const draft = await admin.gql('mutation($input: OrderInput!) { createOrder(input: $input) { id status } }', {
      input: { partner: 'G1', shipTo: 'HZ', requestedDate: '2026-04-02', lines: [{ product: 'TEA-1', quantity: '1' }] },
    });
    expect(draft.data.createOrder.status, JSON.stringify(draft)).toBe('draft');
    const r = await admin.gql(
      `{ partners(first: 10) { nodes { code approved: orders(status: approved) { id status } drafts: orders(status: draft) { id status } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const g1 = r.data.partners.nodes.find((n: { code: string }) => n.code === 'G1');
    expect(g1.approved.map((o: { status: string }) => o.status)).toEqual(['approved']);
    expect(g1.drafts).toEqual([{ id: draft.data.createOrder.id, status: 'draft' }]);
  });

  it('exports orders as CSV, one row per line', async () => {
    const res = await admin.get('/v1/orders:export?partner=G1&status=approved');
    expect(res.statusCode, res.body).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/csv');
    const lines = res.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'orderId,externalId,partnerCode,status,requestedDate,lineNo,productCode,quantity,requestedPrice,unitPrice,amount,currency,shippedQuantity',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(2).join(','))).toEqual(['G1,approved,2026-04-01,1,TEA-1,2.0000,,10.0000,20.00,CNY,0.0000']);
  });

  it('a partner user orders for itself only and cannot override or ship', async () => {
    const mine = t.client(await t.token({ scope: 'partner-portal orders:write', partner: p1.id, sub: 'g1-user' }));
    const own = await mine.post('/v1/orders', { requestedDate: '2026-04-01', lines: [{ product: 'TEA-1', quantity: '1' }] });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.data.partnerId).toBe(p1.id);
    const other = await mine.post('/v1/orders', { partner: 'G2', lines: [{ product: 'TEA-1', quantity: '1' }] });
    expect(other.statusCode).toBe(404);
    const g2order = await ok(admin.post('/v1/orders', { partner: 'G2', requestedDate: '2026-04-01', lines: [{ product: 'TEA-1', quantity: '1' }] }));
    expect((await mine.get(`/v1/orders/${g2order.id}`)).statusCode).toBe(404);
    const listed = await mine.get('/v1/orders');
    expect(listed.data.data.every((o: any) => o.partnerId === p1.id)).toBe(true);
    expect((await mine.post(`/v1/orders/${own.data.id}:submit`, {})).data.status).toBe('approved');
    expect(
      (await mine.post(`/v1/orders/${own.data.id}/shipments`, { externalId: 'X', shippedOn: '2026-04-02', lines: [{ lineNo: 1, quantity: '1' }] })).statusCode,
    ).toBe(403);
  });
});
