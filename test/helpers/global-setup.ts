import { sql } from 'drizzle-orm';
/**
 * Picks the test database once for the run, in this order: TEST_DATABASE_URL; else PostgreSQL in a container
 * (testcontainers) when a Docker engine answers; else embedded PGlite. For PostgreSQL it migrates a template
 * database once; each test file then clones it (CREATE DATABASE ... TEMPLATE), so files run in parallel.
 */
import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { Database } from '../../src/platform/db.js';

export type TestDb = { kind: 'postgres'; url: string; template: string } | { kind: 'pglite' };

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: TestDb;
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

let stopContainer: (() => Promise<unknown>) | undefined;
let cleanup: (() => Promise<void>) | undefined;

async function findServerUrl(): Promise<string | undefined> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    stopContainer = () => container.stop();
    return container.getConnectionUri();
  } catch (e) {
    console.warn(`[tests] no TEST_DATABASE_URL and no container runtime (${(e as Error).message.split('\n')[0]}); using embedded PGlite`);
    return undefined;
  }
}

/** TEST_DATABASE_URL's database, created through the server's `postgres` database when it does not exist yet. */
async function ensureDatabase(url: string): Promise<void> {
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await probe`select 1`;
  } catch (e) {
    if ((e as { code?: string }).code !== '3D000') throw e; // invalid_catalog_name: the database does not exist
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const maintenance = postgres(withDatabase(url, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      await maintenance.unsafe(`create database "${name.replace(/"/g, '""')}"`);
      console.log(`[tests] created database ${name}`);
    } finally {
      await maintenance.end();
    }
  } finally {
    await probe.end();
  }
}

export default async function setup(project: TestProject) {
  const url = await findServerUrl();
  if (!url) {
    project.provide('testDb', { kind: 'pglite' });
    return async () => {};
  }
  const template = `channel_tpl_${process.pid}`;
  await ensureDatabase(url);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${template}" with (force)`);
  await admin.unsafe(`create database "${template}"`);
  const db = new Database({ url: withDatabase(url, template), poolMax: 1 });
  await db.migrate();
  // the tenants the suite's raw tokens name (t1, t2): credentials of a tenant that does not exist are refused
  await db.rows(sql.raw(`insert into tenants (id, name) values ('t1', 'Test tenant t1'), ('t2', 'Test tenant t2') on conflict (id) do nothing`));
  await db.close();
  console.log(`[tests] PostgreSQL ${new URL(url).host}, template database ${template}`);
  project.provide('testDb', { kind: 'postgres', url, template });
  cleanup = async () => {
    const left = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`t_${process.pid}_%`}`;
    for (const r of left) await admin.unsafe(`drop database if exists "${r.datname}" with (force)`);
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.end();
  };
  return async () => {
    await cleanup?.();
    await stopContainer?.();
  };
}
