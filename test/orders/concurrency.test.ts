import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, teaPartner } from '../helpers/orders.js';

// Real concurrency needs real connections: on PGlite (one connection) transactions run one after another anyway.
describe.skipIf(inject('testDb').kind !== 'postgres')('100 concurrent submissions against one credit limit (PostgreSQL)', () => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    t = await setupTestApp();
    admin = t.client(await t.token());
    const cat = await ordersWorld(admin);
    await teaPartner(admin, cat, 'PC');
    await ok(admin.post('/v1/credit/partners/PC/limits', { amount: '1000', currency: 'CNY', effectiveFrom: '2026-01-01' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never approves beyond the limit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      // 3 x 10.00 = 30.00 each: 33 fit in 1,000.00 (990.00), the 34th would make 1,020.00
      const d = await ok(admin.post('/v1/orders', { partner: 'PC', requestedDate: '2026-03-01', lines: [{ product: 'TEA-1', quantity: '3' }] }));
      ids.push(d.id);
    }
    const results = await Promise.all(ids.map((id) => admin.post(`/v1/orders/${id}:submit`, {})));
    expect(results.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    const statuses = results.map((r) => r.data.status);
    expect(statuses.filter((s) => s === 'approved')).toHaveLength(33);
    expect(statuses.filter((s) => s === 'submitted')).toHaveLength(67);
    const r: any = await t.database.db.execute(sql`select sum(total_amount)::text as s, count(*)::int as n from orders where status = 'approved'`);
    const [row] = Array.isArray(r) ? r : r.rows;
    expect(row).toEqual({ s: '990.0000', n: 33 });
    const credit = await ok(admin.get('/v1/credit/partners/PC'));
    expect(credit).toMatchObject({ exposure: '990.00', available: '10.00', overLimit: false });
  });
});
