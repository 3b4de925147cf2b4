import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import type { Client, TestApp } from './app.js';

/**
 * Catalog rows for policy tests. FIXTURE UNTIL THE CATALOG API LANDS: products and product lines have no API on
 * this branch yet, so they are inserted with SQL straight into the onboarding module's tables. Replace with the
 * catalog endpoints once they exist.
 */
export async function catalogFixture(
  t: TestApp,
  spec: { lines?: string[]; products?: { code: string; line?: string }[] },
  tenant = 't1',
): Promise<{ lines: Map<string, string>; products: Map<string, string> }> {
  const lines = new Map<string, string>();
  const products = new Map<string, string>();
  for (const code of spec.lines ?? []) lines.set(code, uuidv7());
  const lineRows = [...lines].map(([code, id]) => ({ id, code }));
  if (lineRows.length) {
    await t.database.db.execute(sql`
      insert into product_lines (tenant_id, id, code, name)
      select ${tenant}, r.id, r.code, r.code from jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) as r(id uuid, code text)`);
  }
  const prodRows = (spec.products ?? []).map((p) => {
    const id = uuidv7();
    products.set(p.code, id);
    return { id, code: p.code, line_id: p.line ? lines.get(p.line)! : null };
  });
  if (prodRows.length) {
    await t.database.db.execute(sql`
      insert into products (tenant_id, id, code, name, line_id)
      select ${tenant}, r.id, r.code, r.code, r.line_id from jsonb_to_recordset(${JSON.stringify(prodRows)}::jsonb) as r(id uuid, code text, line_id uuid)`);
  }
  return { lines, products };
}

export async function makePartner(admin: Client, code: string, extra: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  const res = await admin.post('/v1/partners', { code, legalName: `${code} Co.`, type: 'distributor', status: 'active', ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.data;
}

export interface PolicySpec {
  code: string;
  scope: { kind: string; value?: string | null };
  currency?: string;
  lines: Record<string, unknown>[];
  effectiveFrom?: string;
  effectiveTo?: string | null;
  discountRules?: unknown[];
  publish?: boolean;
}

/** Creates a policy and a version with lines; publishes it unless publish: false. */
export async function makePolicy(admin: Client, spec: PolicySpec): Promise<{ policyId: string; versionId: string }> {
  const p = await admin.post('/v1/policy/price-policies', {
    code: spec.code,
    name: `${spec.code} prices`,
    currency: spec.currency ?? 'CNY',
    scope: spec.scope,
  });
  expect(p.statusCode, p.body).toBe(201);
  const v = await admin.post(`/v1/policy/price-policies/${p.data.id}/versions`, {
    effectiveFrom: spec.effectiveFrom ?? '2026-01-01',
    effectiveTo: spec.effectiveTo ?? null,
    ...(spec.discountRules ? { discountRules: spec.discountRules } : {}),
  });
  expect(v.statusCode, v.body).toBe(201);
  const l = await admin.post(`/v1/policy/versions/${v.data.id}/lines`, { lines: spec.lines });
  expect(l.statusCode, l.body).toBe(200);
  if (spec.publish !== false) {
    const pub = await admin.post(`/v1/policy/versions/${v.data.id}/publish`, {});
    expect(pub.statusCode, pub.body).toBe(200);
  }
  return { policyId: p.data.id, versionId: v.data.id };
}

export const price = (product: string, dp: string, srp: string, mrp?: string | null) => ({
  product,
  distributionPrice: dp,
  suggestedRetailPrice: srp,
  ...(mrp !== undefined ? { minResalePrice: mrp } : {}),
});
