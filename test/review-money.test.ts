/**
 * Review findings on money exactness and heavy work: each test failed before its fix.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from './helpers/app.js';
import { catalogFixture } from './helpers/policy.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await catalogFixture(t, { products: [{ code: 'RM-A' }, { code: 'RM-B' }] });
});
afterAll(async () => t?.close());

describe('policy: price line amounts compared exactly', () => {
  async function draftVersion(code: string, discountRules?: unknown[]) {
    const p = await admin.post('/v1/policy/price-policies', { code, name: code, currency: 'CNY', scope: { kind: 'default' } });
    expect(p.statusCode, p.body).toBe(201);
    return admin.post(`/v1/policy/price-policies/${p.data.id}/versions`, { effectiveFrom: '2026-01-01', ...(discountRules ? { discountRules } : {}) });
  }

  it('refuses a distribution price above the suggested retail price by 0.0001 at 14 integer digits (not compared as doubles)', async () => {
    const v = await draftVersion('RM-DP');
    expect(v.statusCode, v.body).toBe(201);
    const res = await admin.post(`/v1/policy/versions/${v.data.id}/lines`, {
      lines: [{ product: 'RM-A', distributionPrice: '12345678901234.0002', suggestedRetailPrice: '12345678901234.0001' }],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/lines.0.distributionPrice$/) })]));
    const n = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from price_lines where version_id = ${v.data.id}`);
    expect(Number(n[0]!.n)).toBe(0);
  });

  it('refuses a minimum resale price above the suggested retail price by 0.0001 with a 400 naming the field', async () => {
    const v = await draftVersion('RM-MRP');
    const res = await admin.post(`/v1/policy/versions/${v.data.id}/lines`, {
      lines: [{ product: 'RM-A', distributionPrice: '1.0000', suggestedRetailPrice: '12345678901234.0001', minResalePrice: '12345678901234.0002' }],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/lines.0.minResalePrice$/) })]));
  });

  it('accepts volume tiers whose thresholds differ only in the 4th decimal at 14 integer digits', async () => {
    const v = await draftVersion('RM-VOL', [
      {
        kind: 'volume',
        basis: 'amount',
        tiers: [
          { min: '12345678901234.0001', ratePercent: '1' },
          { min: '12345678901234.0002', ratePercent: '2' },
        ],
      },
    ]);
    expect(v.statusCode, v.body).toBe(201);
  });
});
