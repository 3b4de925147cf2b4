import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastStatements, setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, teaPartner } from '../helpers/orders.js';
import { createAgreement, createPartner } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof ordersWorld>>;
let px: { id: string; code: string };

const codes = (r: any) => r.refusals.map((x: any) => x.code).sort();

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await ordersWorld(admin);
  await teaPartner(admin, cat, 'P1');
  // PX: minimum TEA-1 quantity 10, minimum order amount 100.00, TEA-2 quota 50 in 2026, credit limit 5,000.00
  px = await teaPartner(admin, cat, 'PX');
  await ok(admin.post('/v1/orders/rules', { partner: 'PX', product: 'TEA-1', minQuantity: '10' }));
  await ok(admin.post('/v1/orders/rules', { partner: 'PX', minAmount: '100' }));
  await ok(admin.put('/v1/orders/quotas', { partner: 'PX', product: 'TEA-2', periodStart: '2026-01-01', periodEnd: '2026-12-31', quantity: '50' }));
  await ok(admin.post('/v1/credit/partners/PX/limits', { amount: '5000', currency: 'CNY', effectiveFrom: '2026-01-01' }));
});
afterAll(async () => {
  await t?.close();
});

const check = (body: Record<string, unknown>) => admin.post('/v1/orders:check', { requestedDate: '2026-09-01', ...body });

describe('POST /v1/orders:check', () => {
  it('prices a clean order per line with the explanation and refuses nothing', async () => {
    const res = await check({
      partner: 'P1',
      shipTo: 'HZ',
      lines: [
        { product: 'TEA-1', quantity: '5' },
        { product: 'TEA-2', quantity: '3' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    // 5 x 10.00 + 3 x 20.00 = 110.00
    expect(res.data.total).toBe('110.00');
    expect(res.data.currency).toBe('CNY');
    expect(res.data.lines.map((l: any) => [l.lineNo, l.unitPrice, l.amount])).toEqual([
      [1, '10.0000', '50.00'],
      [2, '20.0000', '60.00'],
    ]);
    expect(res.data.lines[0].pricing.source.policyCode).toBe('STD');
    expect(res.data.refusals).toEqual([]);
    expect(res.data.wouldApprove).toBe(true);
    expect(res.data.credit).toEqual({ limit: null, exposure: '0.00', available: null, onHold: false });
    // nothing written
    const list = await admin.get('/v1/orders');
    expect(list.data.data).toEqual([]);
  });

  it('each refusal alone, with its code', async () => {
    // a product outside the agreement
    expect(codes((await check({ partner: 'P1', lines: [{ product: 'WINE-1', quantity: '1' }] })).data)).toEqual(['PRODUCT_NOT_AUTHORISED']);
    // a ship-to outside ZJ
    expect(codes((await check({ partner: 'P1', shipTo: 'NJ', lines: [{ product: 'TEA-1', quantity: '1' }] })).data)).toEqual(['SHIP_TO_OUTSIDE_TERRITORY']);
    // TEA-1 5 < 10 (total 5 x 10 + 10 x 20 = 250 >= 100; TEA-2 10 <= 50; 250 <= 5,000)
    const minQ = (
      await check({
        partner: 'PX',
        lines: [
          { product: 'TEA-1', quantity: '5' },
          { product: 'TEA-2', quantity: '10' },
        ],
      })
    ).data;
    expect(codes(minQ)).toEqual(['BELOW_MINIMUM_QUANTITY']);
    expect(minQ.refusals[0]).toMatchObject({ line: 1, overridable: false, details: { minQuantity: '10' } });
    // 4 x 20.00 = 80.00 < 100.00
    const minA = (await check({ partner: 'PX', lines: [{ product: 'TEA-2', quantity: '4' }] })).data;
    expect(codes(minA)).toEqual(['BELOW_MINIMUM_AMOUNT']);
    expect(minA.refusals[0].details).toEqual({ minAmount: '100.00' });
    // 30 + 21 = 51 TEA-2 > quota 50 (two lines of one product add up); 1,020.00 <= 5,000
    const quota = (
      await check({
        partner: 'PX',
        lines: [
          { product: 'TEA-2', quantity: '30' },
          { product: 'TEA-2', quantity: '21' },
        ],
      })
    ).data;
    expect(codes(quota)).toEqual(['OVER_QUOTA']);
    expect(quota.refusals[0]).toMatchObject({ overridable: true, details: { quota: '50', used: '0.0000', ordered: '51.0000', lines: '1,2' } });
    // 600 x 10.00 = 6,000.00 > 5,000.00
    const credit = (await check({ partner: 'PX', lines: [{ product: 'TEA-1', quantity: '600' }] })).data;
    expect(codes(credit)).toEqual(['OVER_CREDIT']);
    expect(credit.refusals[0]).toMatchObject({ overridable: true, details: { limit: '5000.00', exposure: '0.00', order: '6000.00', available: '5000.00' } });
    // 20 x 9.00 asked, the floor is 10.00 and no deviation
    const floor = (await check({ partner: 'PX', lines: [{ product: 'TEA-1', quantity: '20', requestedPrice: '9.00' }] })).data;
    expect(codes(floor)).toEqual(['PRICE_BELOW_FLOOR']);
    expect(floor.refusals[0].details).toEqual({ requestedPrice: '9.0000', floor: '10.0000' });
    expect(floor.total).toBe('180.00');
    // a requested price at or above the floor is charged
    const above = (await check({ partner: 'PX', lines: [{ product: 'TEA-1', quantity: '20', requestedPrice: '10.50' }] })).data;
    expect([above.refusals, above.total, above.lines[0].unitPrice]).toEqual([[], '210.00', '10.5000']);
    // a partner that is approved but not active (its agreement is in force): only that
    const pa = await createPartner(admin, 'PA', 'approved');
    await createAgreement(admin, pa.id, {
      territories: [{ territoryId: cat.territories.zj.id }],
      products: [{ productLineId: cat.lines.tea.id }],
      activate: true,
    });
    expect(codes((await check({ partner: 'PA', lines: [{ product: 'TEA-1', quantity: '1' }] })).data)).toEqual(['PARTNER_NOT_ACTIVE']);
    // an active partner without any agreement: products are authorised only by an agreement, so both reasons show
    await createPartner(admin, 'PN', 'active');
    expect(codes((await check({ partner: 'PN', lines: [{ product: 'TEA-1', quantity: '1' }] })).data)).toEqual([
      'NO_AGREEMENT_IN_FORCE',
      'PRODUCT_NOT_AUTHORISED',
    ]);
    // a credit hold
    await ok(admin.put('/v1/credit/partners/P1/account', { onHold: true, holdReason: 'audit' }));
    const hold = (await check({ partner: 'P1', lines: [{ product: 'TEA-1', quantity: '1' }] })).data;
    expect(codes(hold)).toEqual(['CREDIT_HOLD']);
    await ok(admin.put('/v1/credit/partners/P1/account', { onHold: false }));
  });

  it('every refusal together', async () => {
    // PX suspended, ordering on 2031-02-01 (after its agreement): not active, no agreement, nothing authorised,
    // HZ outside (a suspended partner has no rights), TEA-1 and TEA-2 below their minimums, TEA-2 over the 2031
    // quota, 1.00 below the TEA-1 floor, over credit (lifecycle.test.ts adds hold, overdue and minimum amount)
    await ok(admin.post('/v1/orders/rules', { partner: 'PX', product: 'TEA-2', minQuantity: '1000' }));
    await ok(admin.put('/v1/orders/quotas', { partner: 'PX', product: 'TEA-2', periodStart: '2031-01-01', periodEnd: '2031-12-31', quantity: '1' }));
    await ok(admin.post(`/v1/partners/${px.id}:suspend`, { reason: 'audit' }));
    const res = await admin.post('/v1/orders:check', {
      partner: 'PX',
      shipTo: 'HZ',
      requestedDate: '2031-02-01',
      lines: [
        { product: 'TEA-1', quantity: '5', requestedPrice: '1.00' },
        { product: 'TEA-2', quantity: '2' },
        { product: 'WINE-1', quantity: '50' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    // 5 x 1.00 + 2 x 20.00 + 50 x 100.00 = 5,045.00 > 5,000.00 credit
    expect(res.data.total).toBe('5045.00');
    expect(codes(res.data)).toEqual(
      [
        'NO_AGREEMENT_IN_FORCE',
        'OVER_CREDIT',
        'OVER_QUOTA',
        'PARTNER_NOT_ACTIVE',
        'PRICE_BELOW_FLOOR',
        'PRODUCT_NOT_AUTHORISED',
        'PRODUCT_NOT_AUTHORISED',
        'PRODUCT_NOT_AUTHORISED',
        'SHIP_TO_OUTSIDE_TERRITORY',
        'BELOW_MINIMUM_QUANTITY',
        'BELOW_MINIMUM_QUANTITY',
      ].sort(),
    );
    expect(res.data.wouldApprove).toBe(false);
  });

  it('is set-based: the same few statements for 1 line and for 1,000', async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ product: i % 2 ? 'TEA-2' : 'TEA-1', quantity: String(1 + (i % 7)) }));
    await check({ partner: 'P1', lines: lines(1) }); // warm (auth, tenant cache)
    const one = await check({ partner: 'P1', lines: lines(1) });
    const many = await check({ partner: 'P1', lines: lines(1000) });
    const s1 = await leastStatements(t, () => check({ partner: 'P1', lines: lines(1) }));
    const s1000 = await leastStatements(t, () => check({ partner: 'P1', lines: lines(1000) }));
    expect(one.statusCode).toBe(200);
    expect(many.statusCode, many.body.slice(0, 300)).toBe(200);
    expect(many.data.lines).toHaveLength(1000);
    // sum over i of (1 + i % 7) x (10 or 20): hand-computed below from the same rule
    let total = 0;
    for (let i = 0; i < 1000; i++) total += (1 + (i % 7)) * (i % 2 ? 20 : 10);
    expect(many.data.total).toBe(`${total}.00`);
    expect(s1000).toBe(s1);
    // the partner, policy's 4 (products, candidate prices, scoped discount terms, deviations: the partner is the
    // one the check loaded), the order's facts, the lines' facts, quota use, credit
    expect(s1000).toBe(9);
  });

  it('answers 400 naming the field, 404 for an unknown partner', async () => {
    const bad = await check({ partner: 'P1', lines: [{ product: 'TEA-1', quantity: '-1' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toContain('lines');
    expect((await check({ partner: 'NOPE', lines: [{ product: 'TEA-1', quantity: '1' }] })).statusCode).toBe(404);
  });
});
