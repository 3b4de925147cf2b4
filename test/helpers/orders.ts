import { expect } from 'vitest';
import type { Client } from './app.js';
import { activePartnerWithAgreement, seedCatalog } from './onboarding.js';
import { makePolicy, price } from './policy.js';

/** Fixture helpers of the orders module, through the public API. */
export async function ok(p: Promise<{ statusCode: number; data: any; body: string }>, status = [200, 201]): Promise<any> {
  const res = await p;
  if (!status.includes(res.statusCode)) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
  return res.data;
}

/**
 * Catalog (lines TEA, WINE; products TEA-1, TEA-2, WINE-1; territories CN > ZJ > HZ, CN > JS > NJ) and a default
 * price policy from 2026-01-01 in CNY: TEA-1 10.00, TEA-2 20.00, WINE-1 100.00 (no discounts).
 */
export async function ordersWorld(admin: Client) {
  const cat = await seedCatalog(admin);
  await makePolicy(admin, {
    code: 'STD',
    scope: { kind: 'default' },
    lines: [price('TEA-1', '10.00', '15.00'), price('TEA-2', '20.00', '30.00'), price('WINE-1', '100.00', '150.00')],
  });
  return cat;
}

/** An active partner with an active agreement (2026-01-01..2030-12-31) over ZJ (so HZ too) for the TEA line. */
export async function teaPartner(admin: Client, cat: Awaited<ReturnType<typeof ordersWorld>>, code: string) {
  const { partner } = await activePartnerWithAgreement(admin, code, [cat.territories.zj.id], [cat.lines.tea.id]);
  return partner as { id: string; code: string };
}

/** Creates a draft and submits it; answers the submitted order (or throws on an unexpected status). */
export async function placeOrder(admin: Client, body: Record<string, unknown>, status = [200]) {
  const draft = await ok(admin.post('/v1/orders', body));
  const res = await admin.post(`/v1/orders/${draft.id}:submit`, {});
  expect(status, res.body).toContain(res.statusCode);
  return { draft, res };
}
