import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, placeOrder, teaPartner } from '../helpers/orders.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof ordersWorld>>;
let ps: { id: string; code: string };

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};
const events = (type: string) => rows(sql`select resource_id, payload from events where type = ${type} order by seq`);
const sweep = (date: string) => ok(admin.post('/v1/credit:sweep', { date }));
const today = () => new Date().toISOString().slice(0, 10);
const plus = (n: number) => new Date(Date.parse(today()) + n * 86_400_000).toISOString().slice(0, 10);

/** An approved order. */
async function approved(partner: string, product: string, quantity: string) {
  const { res } = await placeOrder(admin, { partner, requestedDate: '2026-03-01', paymentTermDays: 30, lines: [{ product, quantity }] });
  return { id: res.data.id as string, product, quantity };
}
/** ... shipped in full and invoiced. */
async function invoiced(o: { id: string; quantity: string }, number: string, issuedOn: string, dueOn?: string) {
  await ok(admin.post(`/v1/orders/${o.id}/shipments`, { externalId: `S-${number}`, shippedOn: issuedOn, lines: [{ lineNo: 1, quantity: o.quantity }] }));
  return ok(admin.post(`/v1/orders/${o.id}/invoices`, { number, issuedOn, ...(dueOn ? { dueOn } : {}) }));
}

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await ordersWorld(admin);
  ps = await teaPartner(admin, cat, 'PS');
  await ok(admin.post('/v1/credit/partners/PS/limits', { amount: '1000', currency: 'CNY', effectiveFrom: '2026-01-01' }));
  await ok(admin.put('/v1/credit/partners/PS/account', { overdueToleranceDays: 5 }));
});
afterAll(async () => {
  await t?.close();
});

describe('the credit sweep: credit.overdue once per invoice', () => {
  it('announces an invoice once it is past due + tolerated days, never twice', async () => {
    // INV-S1 300.00 issued 2026-03-01, due 2026-03-31 (30 days); INV-S2 200.00 due 2026-04-15; 5 days tolerated
    const o1 = await approved('PS', 'TEA-1', '30');
    const o2 = await approved('PS', 'TEA-2', '10');
    await invoiced(o1, 'INV-S1', '2026-03-01');
    await invoiced(o2, 'INV-S2', '2026-03-10', '2026-04-15');
    // 2026-04-05 = due + 5: not beyond the tolerance yet
    expect(await sweep('2026-04-05')).toEqual({ date: '2026-04-05', overdue: 0, overLimit: 0, cleared: 0 });
    expect(await sweep('2026-04-06')).toEqual({ date: '2026-04-06', overdue: 1, overLimit: 0, cleared: 0 });
    let ev = await events('credit.overdue');
    expect(ev).toHaveLength(1);
    expect(ev[0].payload).toMatchObject({
      partnerId: ps.id,
      date: '2026-04-06',
      daysOverdue: 6,
      toleratedDays: 5,
      invoice: { number: 'INV-S1', dueOn: '2026-03-31', amount: '300.00', balance: '300.00', currency: 'CNY' },
    });
    // re-running (the same day, a later day, through GraphQL, the scheduled job) announces nothing new
    expect((await sweep('2026-04-06')).overdue).toBe(0);
    const g = await admin.gql('mutation { runCreditSweep(date: "2026-04-20") { date overdue overLimit cleared } }');
    expect(g.errors).toBeUndefined();
    expect(g.data.runCreditSweep).toEqual({ date: '2026-04-20', overdue: 0, overLimit: 0, cleared: 0 });
    // INV-S2: due 2026-04-15 + 5 = 2026-04-20 < 2026-04-21 (the scheduled job, every tenant)
    const job = await (t.app as any).services.orders.creditSweep.sweep({ today: '2026-04-21' });
    expect(job).toMatchObject({ overdue: 1 });
    expect((await (t.app as any).services.orders.creditSweep.sweep({ today: '2026-04-22' })).overdue).toBe(0);
    ev = await events('credit.overdue');
    expect(ev.map((e) => e.payload.invoice.number)).toEqual(['INV-S1', 'INV-S2']);
    expect(await rows(sql`select count(*)::int as n from audit_log where action = 'overdue_notice'`)).toEqual([{ n: 2 }]);
    // bad input: 400 naming the field, nothing written
    const bad = await admin.post('/v1/credit:sweep', { date: '2026-13-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors.map((e: any) => e.path)).toEqual(['body.date']);
    const clerk = t.client(await t.token({ scope: 'credit:read' }));
    expect((await clerk.post('/v1/credit:sweep', {})).statusCode).toBe(403);
  });
});

describe('collections become collection facts of the target module', () => {
  it('K-S1 150.00 on 2026-04-30: a collection fact order-collection:K-S1, idempotent; the collection target sees it', async () => {
    await ok(admin.post('/v1/targets', { partnerId: ps.id, period: '2026-04', metric: 'collection_amount', value: '300' }));
    const body = { externalId: 'K-S1', partner: 'PS', receivedOn: '2026-04-30', amount: '150', currency: 'CNY' };
    const k = await admin.post('/v1/credit/collections', body);
    expect(k.statusCode, k.body).toBe(201);
    expect((await admin.post('/v1/credit/collections', body)).statusCode).toBe(200);
    const facts = await rows(sql`select external_id, partner_id::text as partner_id, date::text as date, amount::text as amount from collections`);
    expect(facts).toEqual([{ external_id: 'order-collection:K-S1', partner_id: ps.id, date: '2026-04-30', amount: '150.0000' }]);
    // 150 / 300 = 50.00 %
    const ach = await ok(admin.get(`/v1/targets/achievement/${ps.id}?period=2026-04&metric=collection_amount&asOf=2026-04-30`));
    expect(ach).toMatchObject({ target: '300.0000', actual: '150.0000', achievementPct: '50.00' });
  });
});

describe('the credit sweep: credit.over_limit once per crossing', () => {
  it('announces the crossing after a temporary increase expires, once; a new crossing again; an override is not announced twice', async () => {
    const px = await teaPartner(admin, cat, 'PX');
    await ok(admin.post('/v1/credit/partners/PX/limits', { amount: '100', currency: 'CNY', effectiveFrom: '2026-01-01' }));
    await ok(
      admin.post('/v1/credit/partners/PX/temporary-increases', { amount: '50', currency: 'CNY', effectiveFrom: today(), expiresOn: plus(10), reason: 'fair' }),
    );
    // 14 x 10.00 = 140.00 <= 150.00 while the increase holds
    const { res } = await placeOrder(admin, { partner: 'PX', requestedDate: '2026-03-01', lines: [{ product: 'TEA-1', quantity: '14' }] });
    expect(res.data.status).toBe('approved');
    const before = (await events('credit.over_limit')).length;
    expect(await sweep(plus(10))).toMatchObject({ overLimit: 0 });
    // the increase expired: 140.00 > 100.00
    expect(await sweep(plus(11))).toMatchObject({ overLimit: 1, cleared: 0 });
    expect(await sweep(plus(12))).toMatchObject({ overLimit: 0, cleared: 0 });
    const ev = (await events('credit.over_limit')).slice(before);
    expect(ev).toHaveLength(1);
    expect(ev[0].resource_id).toBe(px.id);
    expect(ev[0].payload).toMatchObject({
      cause: 'sweep',
      date: plus(11),
      credit: { limit: '100.00', baseLimit: '100.00', temporary: '0.00', exposure: '140.00', available: '-40.00' },
    });
    // back within the limit: the crossing closes
    await ok(admin.post(`/v1/orders/${res.data.id}:cancel`, {}));
    expect(await sweep(plus(13))).toMatchObject({ overLimit: 0, cleared: 1 });
    // a new crossing by an approver's override (160.00 > 150.00 today) is announced by the override only
    const { res: r2 } = await placeOrder(admin, { partner: 'PX', requestedDate: '2026-03-01', lines: [{ product: 'TEA-1', quantity: '16' }] });
    expect(r2.data.status).toBe('submitted');
    await ok(admin.post(`/v1/orders/${r2.data.id}:override`, { reason: 'ok' }));
    expect(await sweep(plus(14))).toMatchObject({ overLimit: 0, cleared: 0 });
    expect((await events('credit.over_limit')).slice(before).map((e) => e.payload.cause ?? 'override')).toEqual(['sweep', 'override']);
  });
});
