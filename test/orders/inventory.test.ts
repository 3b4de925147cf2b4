import { relayBothWays } from '../helpers/relay.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createLine, createPartner, createProduct, createTerritory } from '../helpers/onboarding.js';
import { ok } from '../helpers/orders.js';

/**
 * Channel inventory on crafted facts (imported through the target module's actuals imports). P1:
 *   A: snapshots 2026-01-31 100 and 2026-03-31 130; sell-in 01-15 50, 02-10 80, 04-05 10; sell-through 02-20 30,
 *      03-15 25, 04-10 5
 *   B: sell-in only: 02-01 40, 03-01 60 (no snapshot)
 *   C: snapshot 01-31 10; sell-through 02-15 25 (more than the stock: computed -15)
 * P2: A snapshot 01-31 5 (another partner: a P1 credential never sees it).
 */
let t: TestApp;
let admin: Client;
let p1: { id: string; code: string };
let p2: { id: string; code: string };

const csv = (stream: string, body: string) =>
  ok(admin.post(`/v1/actuals/${stream}:import?allOrNothing=true`, body, { 'content-type': 'text/csv' })).then((r) => {
    expect(r.rejected, JSON.stringify(r.errors)).toBe(0);
    return r;
  });

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await createLine(admin, 'L');
  for (const c of ['A', 'B', 'C']) await createProduct(admin, c, 'L');
  await createTerritory(admin, 'T1', undefined, 'country');
  p1 = await createPartner(admin, 'P1');
  p2 = await createPartner(admin, 'P2');
  await csv(
    'inventory',
    `externalId,date,partnerCode,productCode,quantityOnHand
S1,2026-01-31,P1,A,100
S2,2026-03-31,P1,A,130
S3,2026-01-31,P1,C,10
S4,2026-01-31,P2,A,5
`,
  );
  await csv(
    'sell-in',
    `externalId,date,partnerCode,productCode,quantity,amount
I1,2026-01-15,P1,A,50,500
I2,2026-02-10,P1,A,80,800
I3,2026-04-05,P1,A,10,100
I4,2026-02-01,P1,B,40,400
I5,2026-03-01,P1,B,60,600
`,
  );
  await csv(
    'sell-through',
    `externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode
O1,2026-02-20,P1,A,30,450,K1,T1
O2,2026-03-15,P1,A,25,375,K1,T1
O3,2026-04-10,P1,A,5,75,K2,T1
O4,2026-02-15,P1,C,25,250,K2,T1
`,
  );
});
afterAll(async () => {
  await t?.close();
});

const pick = (rows: any[], code: string) => rows.find((r) => r.productCode === code);

describe('channel inventory positions', () => {
  it('computes stock from the latest snapshot on or before the date, with days of stock', async () => {
    const res = await ok(admin.get('/v1/orders/inventory?partner=P1&date=2026-04-30'));
    expect(res.data.map((r: any) => r.productCode).sort()).toEqual(['A', 'B', 'C']);
    // A: opening S2 (03-31) 130 + 10 - 5 = 135; sell-through in the 90 days to 04-30 (after 01-30): 30 + 25 + 5 = 60
    //    days of stock = 135 / (60 / 90) = 202.5
    expect(pick(res.data, 'A')).toEqual({
      partnerId: p1.id,
      partnerCode: 'P1',
      productId: expect.any(String),
      productCode: 'A',
      date: '2026-04-30',
      openingDate: '2026-03-31',
      opening: '130.0000',
      sellIn: '10.0000',
      sellThrough: '5.0000',
      quantity: '135.0000',
      reportedOn: '2026-03-31',
      reported: '130.0000',
      windowSellThrough: '60.0000',
      daysOfStock: '202.5000',
    });
    // B: sell-in only, no snapshot: 0 + 40 + 60 = 100; no sell-through: days of stock null
    expect(pick(res.data, 'B')).toMatchObject({
      openingDate: null,
      opening: '0.0000',
      sellIn: '100.0000',
      quantity: '100.0000',
      reported: null,
      daysOfStock: null,
    });
    // C: 10 - 25 = -15 (reported, not hidden); days = -15 / (25 / 90) = -54
    expect(pick(res.data, 'C')).toMatchObject({ opening: '10.0000', sellThrough: '25.0000', quantity: '-15.0000', daysOfStock: '-54.0000' });
  });

  it('from an earlier start date: the opening is the snapshot on or before it', async () => {
    // opening S1 (01-31) 100; after it: +80 -30 -25 +10 -5 = +30 -> 130 (the 01-15 sell-in is inside S1)
    const res = await ok(admin.get('/v1/orders/inventory?partner=P1&product=A&date=2026-04-30&from=2026-02-28&window=30'));
    expect(res.data).toHaveLength(1);
    // window 30 days (after 03-31): sell-through 5 -> 130 / (5 / 30) = 780
    expect(res.data[0]).toMatchObject({
      openingDate: '2026-01-31',
      opening: '100.0000',
      sellIn: '90.0000',
      sellThrough: '60.0000',
      quantity: '130.0000',
      daysOfStock: '780.0000',
    });
    // on a date before any fact of B: nothing for B
    const early = await ok(admin.get('/v1/orders/inventory?partner=P1&date=2026-01-20'));
    // A on 01-20: no snapshot yet, sell-in 01-15 50 -> 50
    expect(early.data.map((r: any) => [r.productCode, r.quantity])).toEqual([['A', '50.0000']]);
  });

  it('pages by partner and product; CSV; bad input is a problem naming the field', async () => {
    const p = await ok(admin.get('/v1/orders/inventory?date=2026-04-30&limit=2'));
    expect(p.data).toHaveLength(2);
    const rest = await ok(admin.get(`/v1/orders/inventory?date=2026-04-30&limit=2&cursor=${p.nextCursor}`));
    const all = [...p.data, ...rest.data].map((r: any) => `${r.partnerCode}:${r.productCode}`);
    expect(all.sort()).toEqual(['P1:A', 'P1:B', 'P1:C', 'P2:A']);
    expect(rest.nextCursor).toBeNull();

    const file = await admin.get('/v1/orders/inventory:export?partner=P1&date=2026-04-30');
    expect(file.statusCode).toBe(200);
    expect(String(file.headers['content-type'])).toContain('text/csv');
    const lines = file.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('partnerCode,productCode,date,openingDate,opening,sellIn,sellThrough,quantity,reportedOn,reported,windowSellThrough,daysOfStock');
    expect(lines).toContain('P1,C,2026-04-30,2026-01-31,10.0000,0.0000,25.0000,-15.0000,2026-01-31,10.0000,25.0000,-54.0000');

    const bad = await admin.get('/v1/orders/inventory?date=2026-04-30&from=2026-05-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors.map((e: any) => e.path).join()).toContain('from');
    const badDate = await admin.get('/v1/orders/inventory?date=2026-02-30');
    expect(badDate.statusCode).toBe(400);
    const unknown = await admin.get('/v1/orders/inventory?partner=NOPE');
    expect(unknown.statusCode).toBe(404);
  });
});

describe('reconciliation and traced lines', () => {
  it('compares the computed stock with the closing snapshot; difference = reported - computed', async () => {
    const res = await ok(admin.get('/v1/orders/inventory/reconciliation?partner=P1&from=2026-02-01&to=2026-04-30'));
    // A: opening S1 100; closing S2 (03-31) 130; between them +80 -30 -25 -> computed 125; difference 130 - 125 = 5
    expect(pick(res.data, 'A')).toMatchObject({
      openingDate: '2026-01-31',
      opening: '100.0000',
      closingDate: '2026-03-31',
      sellIn: '80.0000',
      sellThrough: '55.0000',
      computed: '125.0000',
      reported: '130.0000',
      difference: '5.0000',
    });
    // B: no snapshot at all: computed to `to`, nothing to compare
    expect(pick(res.data, 'B')).toMatchObject({ openingDate: null, closingDate: '2026-04-30', computed: '100.0000', reported: null, difference: null });
    // C: no closing snapshot: computed -15 on `to`
    expect(pick(res.data, 'C')).toMatchObject({ openingDate: '2026-01-31', computed: '-15.0000', reported: null, difference: null });
  });

  it('traces the difference to the lines between the two snapshots, paged, with the running stock', async () => {
    const first = await ok(admin.get('/v1/orders/inventory/reconciliation/lines?partner=P1&product=A&from=2026-02-01&to=2026-04-30&limit=2'));
    expect(first).toMatchObject({ partnerId: p1.id, openingDate: '2026-01-31', opening: '100.0000', closingDate: '2026-03-31', reported: '130.0000' });
    expect(first.data).toEqual([
      { stream: 'sell_in', externalId: 'I2', date: '2026-02-10', quantity: '80.0000', effect: '80.0000', balance: '180.0000' },
      { stream: 'sell_through', externalId: 'O1', date: '2026-02-20', quantity: '30.0000', effect: '-30.0000', balance: '150.0000' },
    ]);
    const second = await ok(
      admin.get(`/v1/orders/inventory/reconciliation/lines?partner=P1&product=A&from=2026-02-01&to=2026-04-30&limit=2&cursor=${first.nextCursor}`),
    );
    expect(second.data).toEqual([
      { stream: 'sell_through', externalId: 'O2', date: '2026-03-15', quantity: '25.0000', effect: '-25.0000', balance: '125.0000' },
    ]);
    expect(second.nextCursor).toBeNull();
    const missing = await admin.get('/v1/orders/inventory/reconciliation/lines?partner=P1&from=2026-02-01');
    expect(missing.statusCode).toBe(400);
    expect(missing.data.errors.map((e: any) => e.path).join()).toContain('product');
  });
});

describe('partner confinement and GraphQL', () => {
  it('a partner credential sees only its own stock; another partner is 404', async () => {
    const portal = t.client(await t.token({ partner: p1.id, scope: 'partner-portal', sub: 'p1-user' }));
    const own = await ok(portal.get('/v1/orders/inventory?date=2026-04-30'));
    expect(own.data.map((r: any) => `${r.partnerCode}:${r.productCode}`).sort()).toEqual(['P1:A', 'P1:B', 'P1:C']);
    const rec = await ok(portal.get('/v1/orders/inventory/reconciliation?from=2026-02-01&to=2026-04-30'));
    expect(rec.data.every((r: any) => r.partnerId === p1.id)).toBe(true);
    expect((await portal.get(`/v1/orders/inventory?partner=${p2.id}`)).statusCode).toBe(404);
    expect((await portal.get('/v1/orders/inventory/reconciliation/lines?partner=P2&product=A&from=2026-01-01')).statusCode).toBe(404);
    const g = await portal.gql(`{ channelInventory(date: "2026-04-30", first: 10) { nodes { partnerCode productCode } } }`);
    expect(g.data.channelInventory.nodes.map((n: any) => n.partnerCode)).toEqual(['P1', 'P1', 'P1']);
  });

  it('GraphQL pages positions and reconciliation both ways (first/after, last/before) with the same nodes', async () => {
    const pos = await relayBothWays(admin, 'channelInventory', 'date: "2026-04-30"', 'partnerCode productCode quantity');
    expect(pos.forward.length).toBeGreaterThanOrEqual(3);
    expect(pos.backward).toEqual(pos.forward);
    const rec = await relayBothWays(admin, 'inventoryReconciliation', 'from: "2026-02-01", to: "2026-04-30"', 'partnerCode productCode computed');
    expect(rec.forward.length).toBeGreaterThanOrEqual(2);
    expect(rec.backward).toEqual(rec.forward);
  });

  it('Partner.inventory through a loader, and the top-level queries', async () => {
    const g = await admin.gql(`{
      partners(first: 10) { nodes { code inventory(date: "2026-04-30") { productCode quantity daysOfStock } } }
      inventoryReconciliation(partner: "P1", product: "A", from: "2026-02-01", to: "2026-04-30") { nodes { computed reported difference } }
      inventoryReconciliationLines(partner: "P1", product: "A", from: "2026-02-01", to: "2026-04-30", first: 10) { closingDate lines { externalId balance } }
    }`);
    expect(g.errors).toBeUndefined();
    const byCode = Object.fromEntries(g.data.partners.nodes.map((n: any) => [n.code, n.inventory]));
    expect(byCode.P1.map((r: any) => [r.productCode, r.quantity, r.daysOfStock])).toEqual([
      ['A', '135.0000', '202.5000'],
      ['B', '100.0000', null],
      ['C', '-15.0000', '-54.0000'],
    ]);
    expect(byCode.P2).toEqual([{ productCode: 'A', quantity: '5.0000', daysOfStock: null }]);
    expect(g.data.inventoryReconciliation.nodes).toEqual([{ computed: '125.0000', reported: '130.0000', difference: '5.0000' }]);
    expect(g.data.inventoryReconciliationLines.lines.map((l: any) => [l.externalId, l.balance])).toEqual([
      ['I2', '180.0000'],
      ['O1', '150.0000'],
      ['O2', '125.0000'],
    ]);
  });

  it('is batched: Partner.inventory costs one statement for all partners of a result', async () => {
    const withStock = `{ partners(first: 10) { nodes { code inventory(date: "2026-04-30") { quantity } } } }`;
    // the statements that read stock, told by their text: one for the whole result, never one per partner. (A count
    // of all statements against a query without the field was flaky: caches of the token, the tenant and the data
    // scope expire on their own clock and add statements that are not the field's.)
    const sent: string[] = [];
    t.database.onStatement = (query) => sent.push(query);
    try {
      const g = await admin.gql(withStock);
      expect(g.errors).toBeUndefined();
      expect(g.data.partners.nodes.length).toBeGreaterThanOrEqual(2);
      expect(g.data.partners.nodes.filter((n: any) => n.inventory.length > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      t.database.onStatement = undefined;
    }
    const stock = sent.filter((q) => q.includes('snap as ('));
    expect(stock.length, `statements sent:\n${sent.join('\n---\n')}`).toBe(1);
  });
});
