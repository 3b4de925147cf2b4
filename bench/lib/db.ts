/** Shared bench helpers: a scratch database on DATABASE_URL, migrated, with a catalog of partners and products. */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { Database } from '../../src/platform/db.js';

/**
 * The server's command line as `npm start` runs it (package.json's start script: `exec node [flags] dist/server.js`),
 * SERVER_NODE_FLAGS added after its flags (node takes a flag's last value): the benches measure the service as it
 * is run.
 */
export function serverArgs(): string[] {
  const start = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts['start']!;
  const args = start.split(/\s+/).filter(Boolean);
  const at = args.indexOf('node');
  if (at < 0 || args.at(-1) !== 'dist/server.js' || args.some((a) => a.includes('$'))) throw new Error(`package.json's start script is not 'exec node [flags] dist/server.js': ${start}`);
  return [...args.slice(at + 1, -1), ...(process.env.SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean), 'dist/server.js'];
}

export const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/**
 * Creates (drops first) a scratch database, migrates it; returns the Database and a drop function. Statements may run
 * 30 minutes (the service's 30 s would cancel a bench's set-up at full size, e.g. rebuilding the totals of 30M facts).
 * The name gets this process's id (unless it has it already): two runs of one script at the same time each work in
 * their own database, never dropping the other's.
 */
export async function scratchDatabase(base: string, poolMax = 4): Promise<{ url: string; database: Database; drop: () => Promise<void> }> {
  const name = base.endsWith(`_${process.pid}`) ? base : `${base}_${process.pid}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(BASE_URL, name);
  const database = new Database({ url, poolMax, statementTimeoutMs: 1_800_000 });
  await database.migrate();
  return {
    url,
    database,
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * A database a previous run kept (KEEP=1) with its data complete (it has the table `bench_complete`, created last),
 * migrated to the current schema; undefined when there is none. Closing it leaves it in place.
 */
export async function keptDatabase(name: string, poolMax = 4): Promise<{ url: string; database: Database; drop: () => Promise<void> } | undefined> {
  const url = withDatabase(BASE_URL, name);
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await probe`select to_regclass('bench_complete') is not null as complete`;
    if (!row?.complete) return undefined;
  } catch {
    return undefined; // no such database
  } finally {
    await probe.end();
  }
  const database = new Database({ url, poolMax, statementTimeoutMs: 1_800_000 });
  await database.migrate();
  return { url, database, drop: () => database.close() };
}

/** Catalog fixture straight in SQL (onboarding owns these tables; a bench only needs rows to join codes to). */
export async function seedCatalog(sql: postgres.Sql, tenant: string, partners: number, products: number): Promise<void> {
  await sql`insert into tenants (id, name) values (${tenant}, ${tenant}) on conflict do nothing`;
  await sql`insert into partners (tenant_id, id, code, legal_name, type, status)
    select ${tenant}, gen_random_uuid(), 'P' || lpad(g::text, 5, '0'), 'Partner ' || g, 'distributor', 'active' from generate_series(0, ${partners - 1}) g`;
  await sql`insert into products (tenant_id, id, code, name) select ${tenant}, gen_random_uuid(), 'SKU-' || lpad(g::text, 6, '0'), 'Product ' || g from generate_series(0, ${products - 1}) g`;
  await sql`insert into territories (tenant_id, id, code, name) select ${tenant}, gen_random_uuid(), t, t from unnest(array['NORTH','SOUTH','EAST','WEST','CENTRAL','ISLANDS']) t`;
  await sql`analyze`;
}

export const peakRssMb = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1);
export const secs = (t0: number) => +((performance.now() - t0) / 1000).toFixed(2);
