/**
 * Issue 14, finding 5: every partner/product/territory filter takes an id or a code, and coded resources are
 * read by code (`GET /v1/partners/by-code/{code}`, products, product lines, territories).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, seedCatalog } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
let partner: { id: string; code: string };

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await seedCatalog(admin);
  partner = await createPartner(admin, 'REF-P', 'active');
  await createPartner(admin, 'REF-KID', 'active', { parentId: partner.id, type: 'dealer' });
  expect((await admin.post('/v1/targets', { partnerId: partner.id, period: '2026', metric: 'sales_amount', value: '10.00' })).statusCode).toBe(201);
});
afterAll(async () => t?.close());

describe('id or code', () => {
  it('partner filters take a code (400 "Invalid UUID" before) and answer the same as with the id', async () => {
    for (const path of [
      '/v1/actuals/cross-region-violations?partner=',
      '/v1/policy/violations?partner=',
      '/v1/policy/deviations?partner=',
      '/v1/targets?partnerId=',
      '/v1/onboarding/agreements?partnerId=',
      '/v1/onboarding/cross-region-requests?partnerId=',
      '/v1/incentives/statements?partnerId=',
      '/v1/incentives/awards?partnerId=',
      '/v1/evaluations/warnings?partnerId=',
      '/v1/evaluations/actions?partnerId=',
      '/v1/partners?parentId=',
    ]) {
      const byCode = await admin.get(path + partner.code);
      const byId = await admin.get(path + partner.id);
      expect(byCode.statusCode, path).toBe(200);
      expect(byCode.data.data, path).toEqual(byId.data.data);
    }
    expect((await admin.get('/v1/targets?partnerId=REF-P')).data.data).toHaveLength(1);
    expect((await admin.get('/v1/partners?parentId=REF-P')).data.data.map((p: any) => p.code)).toEqual(['REF-KID']);
    expect((await admin.get('/v1/targets?partnerId=NO-SUCH')).data.data).toEqual([]);
    expect((await admin.get('/v1/onboarding/products?lineId=TEA')).data.data.map((p: any) => p.code).sort()).toEqual(['TEA-1', 'TEA-2']);
    expect((await admin.get('/v1/onboarding/territories?parentId=ZJ')).data.data.map((p: any) => p.code)).toEqual(['HZ']);
    expect((await admin.get(`/v1/targets/achievement?period=2026&productLineId=TEA`)).statusCode).toBe(200);
    const unknown = await admin.get(`/v1/targets/achievement?period=2026&productLineId=NOPE`);
    expect(unknown.statusCode).toBe(400);
  });

  it('reads by code: partners, products, product lines, territories', async () => {
    const p = await admin.get('/v1/partners/by-code/REF-P');
    expect(p.statusCode).toBe(200);
    expect(p.data.id).toBe(partner.id);
    expect(p.headers.etag).toBe('W/"1"');
    expect((await admin.get('/v1/partners/by-code/NOPE')).statusCode).toBe(404);
    expect((await admin.get('/v1/onboarding/products/by-code/TEA-1')).data.id).toBe(cat.products.tea1.id);
    expect((await admin.get('/v1/onboarding/product-lines/by-code/TEA')).data.id).toBe(cat.lines.tea.id);
    expect((await admin.get('/v1/onboarding/territories/by-code/HZ')).data.id).toBe(cat.territories.hz.id);
    // a partner user reads only its own record by code
    const pu = t.client(await t.token({ scope: 'partners:read', partner: partner.id }));
    expect((await pu.get('/v1/partners/by-code/REF-P')).statusCode).toBe(200);
    expect((await pu.get('/v1/partners/by-code/REF-KID')).statusCode).toBe(404);
  });
});
