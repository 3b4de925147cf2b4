import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { rebateRules } from '../helpers/incentive.js';
import { ok, ordersWorld, teaPartner } from '../helpers/orders.js';

// Real concurrency needs real connections: on PGlite (one connection) transactions run one after another anyway.
describe.skipIf(inject('testDb').kind !== 'postgres')('100 concurrent submissions against one rebate balance (PostgreSQL)', () => {
  let t: TestApp;
  let admin: Client;
  let partner: { id: string; code: string };

  beforeAll(async () => {
    t = await setupTestApp();
    admin = t.client(await t.token());
    const cat = await ordersWorld(admin);
    partner = await teaPartner(admin, cat, 'PK');
    // 100.00 available: a rebate program without a cap, a statement line approved and paid
    const p = await ok(admin.post('/v1/incentives/programs', { code: 'RB', name: 'RB', type: 'rebate', granularity: 'quarter', rules: rebateRules() }));
    const line = await ok(
      admin.post('/v1/incentives/statements/lines', { partnerId: partner.id, period: '2026-Q1', amount: '100.00', reason: 'x', programId: p.id }),
    );
    await ok(admin.post(`/v1/incentives/statements/${line.statementId}/approve`, {}));
    await ok(admin.post(`/v1/incentives/statements/${line.statementId}/pay`, { paymentReference: 'P1' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never reserves more than is available', async () => {
    // 3 x 10.00 = 30.00 each, 3.00 of it from rebate: 33 fit in 100.00 (99.00), the 34th would need 102.00
    const drafts = await Promise.all(
      Array.from({ length: 100 }, () =>
        ok(admin.post('/v1/orders', { partner: 'PK', requestedDate: '2026-03-01', rebate: { amount: '3' }, lines: [{ product: 'TEA-1', quantity: '3' }] })),
      ),
    );
    const ids = drafts.map((d) => d.id as string);
    // a direct spend races the submissions on the same account row
    const [spend, ...results] = await Promise.all([
      admin.post(`/v1/incentives/rebate-accounts/${partner.id}/spend`, { amount: '10.00', orderRef: 'POS-1' }),
      ...ids.map((id) => admin.post(`/v1/orders/${id}:submit`, {})),
    ]);
    const approved = results.filter((r) => r.statusCode === 200);
    const refused = results.filter((r) => r.statusCode === 422);
    expect(approved.length + refused.length).toBe(100);
    for (const r of refused) expect(r.data.refusals.map((x: any) => x.code)).toContain('REBATE_INSUFFICIENT');
    // the spend of 10.00 either went first (90.00 left: 30 orders) or after the reservations (1.00 left: refused)
    const n = spend!.statusCode === 201 ? 30 : 33;
    if (spend!.statusCode !== 201) expect(spend!.statusCode).toBe(409);
    expect(approved).toHaveLength(n);
    const r: any = await t.database.db.execute(
      sql`select (select coalesce(sum(amount), 0)::text from rebate_reservations where status = 'reserved') as held,
                 (select count(*)::int from orders where rebate_status = 'reserved' and status = 'approved') as n`,
    );
    const [row] = Array.isArray(r) ? r : r.rows;
    expect(row).toEqual({ held: (n * 3).toFixed(4), n });
    const bal = await ok(admin.get(`/v1/incentives/rebate-accounts/${partner.id}`));
    const spent = spend!.statusCode === 201 ? 10 : 0;
    expect(bal).toMatchObject({ reserved: `${n * 3}.00`, available: (100 - n * 3 - spent).toFixed(2), spent: spent.toFixed(2) });
  }, 240_000);
});
