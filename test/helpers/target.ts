import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Client, TestApp } from './app.js';

/**
 * Fixture until the catalog API lands: product lines, products and territories are inserted with SQL (the
 * onboarding module owns these tables; in this branch they have no API yet). Returns id by code.
 */
export async function seedCatalog(
  t: TestApp,
  tenant: string,
  spec: { lines?: string[]; products?: { code: string; line?: string }[]; territories?: { code: string; parent?: string }[] },
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const code of spec.lines ?? []) {
    const id = uuidv7();
    ids.set(code, id);
    await t.database.db.execute(sql`insert into product_lines (tenant_id, id, code, name) values (${tenant}, ${id}, ${code}, ${code})`);
  }
  for (const p of spec.products ?? []) {
    const id = uuidv7();
    ids.set(p.code, id);
    await t.database.db.execute(
      sql`insert into products (tenant_id, id, code, name, line_id) values (${tenant}, ${id}, ${p.code}, ${p.code}, ${p.line ? ids.get(p.line)! : null})`,
    );
  }
  for (const tr of spec.territories ?? []) {
    const id = uuidv7();
    ids.set(tr.code, id);
    await t.database.db.execute(
      sql`insert into territories (tenant_id, id, code, name, parent_id) values (${tenant}, ${id}, ${tr.code}, ${tr.code}, ${tr.parent ? ids.get(tr.parent)! : null})`,
    );
  }
  return ids;
}

/** Fixture for many products at once (large imports). */
export async function seedProducts(t: TestApp, tenant: string, prefix: string, n: number): Promise<void> {
  await t.database.db.execute(
    sql`insert into products (tenant_id, id, code, name) select ${tenant}, gen_random_uuid(), ${prefix} || g, ${prefix} || g from generate_series(1, ${n}) g`,
  );
}

export async function createPartner(c: Client, code: string, extra: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  const res = await c.post('/v1/partners', { code, legalName: `${code} Co.`, type: 'distributor', ...extra });
  if (res.statusCode !== 201) throw new Error(`partner ${code}: ${res.statusCode} ${res.body}`);
  return res.data;
}

/** POST a CSV body to an actuals import route. */
export async function importCsv(t: TestApp, token: string, stream: string, csv: string, query = ''): Promise<{ statusCode: number; data: any }> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/actuals/${stream}:import${query}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    payload: csv,
  });
  return { statusCode: res.statusCode, data: res.body ? JSON.parse(res.body) : undefined };
}

export async function importNdjson(t: TestApp, token: string, stream: string, rows: object[], query = ''): Promise<{ statusCode: number; data: any }> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/actuals/${stream}:import${query}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  });
  return { statusCode: res.statusCode, data: res.body ? JSON.parse(res.body) : undefined };
}
