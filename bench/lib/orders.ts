/**
 * The order benches' world (bench/orders/run.ts, bench/orders/explain.ts), built through the API: one product line
 * of `lines` products (SKU-000000...), one territory T, an active partner P with an active agreement over both, a
 * published default price list (10.00-59.00 a product) and a credit limit.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Database } from '../../src/platform/db.js';
import { mintToken } from '../../src/platform/tokens.js';
import { scratchDatabase } from './db.js';

export async function orderWorld(app: FastifyInstance, database: Database, tenant: string, secret: string, lines: number) {
  await app.tenants.create(tenant, 'Bench');
  const auth = { authorization: `Bearer ${await mintToken(secret, { tenant, scope: 'admin', sub: 'bench' })}` };
  const post = async (url: string, body: object, method: 'POST' | 'PUT' = 'POST') => {
    const r = await app.inject({ method, url, headers: auth, payload: body });
    if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  const line = await post('/v1/onboarding/product-lines', { code: 'L', name: 'Line' });
  const terr = await post('/v1/onboarding/territories', { code: 'T', name: 'T', level: 'country' });
  const sql = database.client!;
  await sql`insert into products (tenant_id, id, code, name, line_id)
    select ${tenant}, gen_random_uuid(), 'SKU-' || lpad(g::text, 6, '0'), 'Product ' || g, ${line.id}::uuid from generate_series(0, ${lines - 1}) g`;
  const partner = await post('/v1/partners', { code: 'P', legalName: 'P Co.', type: 'distributor', status: 'approved' });
  const ag = await post('/v1/onboarding/agreements', {
    partnerId: partner.id,
    startDate: '2026-01-01',
    endDate: '2030-12-31',
    territories: [{ territoryId: terr.id }],
    products: [{ productLineId: line.id }],
  });
  await post(`/v1/onboarding/agreements/${ag.id}:activate`, {});
  await post(`/v1/partners/${partner.id}:activate`, { reason: 'bench' });
  const pol = await post('/v1/policy/price-policies', { code: 'STD', name: 'Std', currency: 'CNY', scope: { kind: 'default' } });
  const ver = await post(`/v1/policy/price-policies/${pol.id}/versions`, { effectiveFrom: '2026-01-01' });
  const skus = Array.from({ length: lines }, (_, i) => `SKU-${String(i).padStart(6, '0')}`);
  await post(`/v1/policy/versions/${ver.id}/lines`, {
    lines: skus.map((p, i) => ({ product: p, distributionPrice: `${10 + (i % 50)}.00`, suggestedRetailPrice: '999.00' })),
  });
  await post(`/v1/policy/versions/${ver.id}/publish`, {});
  await post('/v1/credit/partners/P/limits', { amount: '1000000', currency: 'CNY', effectiveFrom: '2026-01-01' });
  return { auth, post, sql, line, terr, partner, skus };
}

/** A scratch database (pool of 10) and the service on it, ready: what both order benches start from. */
export async function orderBenchApp(dbName: string, secret: string) {
  const { database, drop } = await scratchDatabase(dbName, 10);
  const app = await buildApp({
    config: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: secret, IDEMPOTENCY_TTL_HOURS: 24, RATE_LIMIT_MAX: 1_000_000 },
    database,
    logger: false,
  });
  return { app, database, drop };
}
