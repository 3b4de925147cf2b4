import type { Client } from './app.js';

/** Fixture helpers through the public API (other modules' tests reuse them). Each throws on an unexpected status. */
async function ok(p: Promise<{ statusCode: number; data: any; body: string }>, status = [200, 201]) {
  const res = await p;
  if (!status.includes(res.statusCode)) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
  return res.data;
}

export async function createLine(c: Client, code: string, name = code) {
  return ok(c.post('/v1/onboarding/product-lines', { code, name }));
}
export async function createProduct(c: Client, code: string, lineCode?: string) {
  return ok(c.post('/v1/onboarding/products', { code, name: `Product ${code}`, ...(lineCode ? { lineCode } : {}) }));
}
export async function createTerritory(c: Client, code: string, parentId?: string, level?: string) {
  return ok(c.post('/v1/onboarding/territories', { code, name: `Territory ${code}`, ...(parentId ? { parentId } : {}), ...(level ? { level } : {}) }));
}
export async function createPartner(c: Client, code: string, status = 'approved', extra: Record<string, unknown> = {}) {
  return ok(c.post('/v1/partners', { code, legalName: `${code} Co., Ltd.`, type: 'distributor', status, ...extra }));
}

/** Line TEA with products TEA-1, TEA-2; line WINE with WINE-1; territories CN > ZJ > HZ, CN > JS > NJ. */
export async function seedCatalog(c: Client, prefix = '') {
  const tea = await createLine(c, `${prefix}TEA`);
  const wine = await createLine(c, `${prefix}WINE`);
  const tea1 = await createProduct(c, `${prefix}TEA-1`, `${prefix}TEA`);
  const tea2 = await createProduct(c, `${prefix}TEA-2`, `${prefix}TEA`);
  const wine1 = await createProduct(c, `${prefix}WINE-1`, `${prefix}WINE`);
  const cn = await createTerritory(c, `${prefix}CN`, undefined, 'country');
  const zj = await createTerritory(c, `${prefix}ZJ`, cn.id, 'province');
  const hz = await createTerritory(c, `${prefix}HZ`, zj.id, 'city');
  const js = await createTerritory(c, `${prefix}JS`, cn.id, 'province');
  const nj = await createTerritory(c, `${prefix}NJ`, js.id, 'city');
  return { lines: { tea, wine }, products: { tea1, tea2, wine1 }, territories: { cn, zj, hz, js, nj } };
}

/** A draft agreement; pass activate to make it active (partner must be approved or active). */
export async function createAgreement(
  c: Client,
  partnerId: string,
  opts: {
    territories?: { territoryId: string; productLineId?: string; exclusive?: boolean }[];
    products?: ({ productId: string } | { productLineId: string })[];
    startDate?: string;
    endDate?: string;
    activate?: boolean;
    number?: string;
  } = {},
) {
  const a = await ok(
    c.post('/v1/onboarding/agreements', {
      partnerId,
      startDate: opts.startDate ?? '2026-01-01',
      endDate: opts.endDate ?? '2030-12-31',
      territories: opts.territories ?? [],
      products: opts.products ?? [],
      ...(opts.number ? { number: opts.number } : {}),
    }),
  );
  if (opts.activate) return ok(c.post(`/v1/onboarding/agreements/${a.id}:activate`, {}));
  return a;
}

/** An active partner with an active agreement over the given territories and lines. */
export async function activePartnerWithAgreement(c: Client, code: string, territoryIds: string[], lineIds: string[]) {
  const p = await createPartner(c, code, 'approved');
  const a = await createAgreement(c, p.id, {
    territories: territoryIds.map((territoryId) => ({ territoryId })),
    products: lineIds.map((productLineId) => ({ productLineId })),
    activate: true,
  });
  await ok(c.post(`/v1/partners/${p.id}:activate`, { reason: 'agreement active' }));
  return { partner: p, agreement: a };
}
