/**
 * Session timeouts through the API (PostgreSQL): a row locked by another connection makes a PATCH answer
 * 503 DATABASE_TIMEOUT (lock_timeout) within about the lock timeout, never a hung request; a statement held up
 * longer than statement_timeout answers the same code (reason statement_timeout). Nothing is written by the
 * failed request. Connection exhaustion (SQLSTATE 53300) is a 503 DATABASE_UNAVAILABLE.
 */
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Database } from '../../src/platform/db.js';
import { mintToken } from '../../src/platform/tokens.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';

const onPostgres = inject('testDb').kind === 'postgres';

let clone: Awaited<ReturnType<typeof cloneTestDatabase>>;
let direct: postgres.Sql;
const apps: FastifyInstance[] = [];
let token = '';

async function appWith(opts: { statementTimeoutMs: number; lockTimeoutMs: number; url?: string; poolMax?: number }) {
  const database = new Database({ url: opts.url ?? clone!.url, poolMax: opts.poolMax ?? 4, ...opts });
  const app = await buildApp({
    config: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_SECRET, IDEMPOTENCY_TTL_HOURS: 24 },
    database,
    logger: false,
  });
  await app.ready();
  apps.push(app);
  return app;
}

const auth = () => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  if (!onPostgres) return;
  clone = await cloneTestDatabase();
  direct = postgres(clone!.url, { max: 3, onnotice: () => {} });
  token = await mintToken(TEST_SECRET, { tenant: 't1', scope: 'admin', sub: 'timeouts' });
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await direct?.end();
  await clone?.drop();
});

describe.skipIf(!onPostgres)('statement and lock timeouts (PostgreSQL)', () => {
  it('a PATCH on a row another connection holds locked answers 503 DATABASE_TIMEOUT within the lock timeout; nothing is written', async () => {
    const app = await appWith({ statementTimeoutMs: 0, lockTimeoutMs: 500 });
    const created = await app.inject({
      method: 'POST',
      url: '/v1/partners',
      headers: auth(),
      payload: { code: 'LOCK-1', legalName: 'Locked Ltd.', type: 'dealer' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = direct.begin(async (tx) => {
      await tx`select id from partners where tenant_id = 't1' and id = ${id} for update`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'PATCH', url: `/v1/partners/${id}`, headers: auth(), payload: { legalName: 'Changed Ltd.' } });
      const ms = Date.now() - started;
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json()).toMatchObject({ code: 'DATABASE_TIMEOUT', reason: 'lock_timeout', status: 503 });
      expect(ms).toBeLessThan(3_000);
    } finally {
      release();
      await holder;
    }
    const [row] = await direct<{ legal_name: string; version: number }[]>`select legal_name, version from partners where id = ${id}`;
    expect(row).toEqual({ legal_name: 'Locked Ltd.', version: 1 });
    // and once the lock is gone the same request goes through
    const again = await app.inject({ method: 'PATCH', url: `/v1/partners/${id}`, headers: auth(), payload: { legalName: 'Changed Ltd.' } });
    expect(again.statusCode, again.body).toBe(200);
  });

  it('a read held up longer than statement_timeout answers 503 DATABASE_TIMEOUT (statement_timeout), also in GraphQL', async () => {
    const app = await appWith({ statementTimeoutMs: 400, lockTimeoutMs: 0 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = direct.begin(async (tx) => {
      await tx`lock table partners in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/v1/partners', headers: auth() });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json()).toMatchObject({ code: 'DATABASE_TIMEOUT', reason: 'statement_timeout' });
      const gql = await app.inject({ method: 'POST', url: '/graphql', headers: auth(), payload: { query: '{ partners(first: 5) { nodes { id } } }' } });
      expect(gql.json().errors?.[0]?.extensions?.code, gql.body).toBe('DATABASE_TIMEOUT');
    } finally {
      release();
      await holder;
    }
    expect((await app.inject({ method: 'GET', url: '/v1/partners', headers: auth() })).statusCode).toBe(200);
  });

  it('no free connection on the server (too many clients, 53300) is 503 DATABASE_UNAVAILABLE, never a 500', async () => {
    // a role allowed one connection (not a superuser: they are exempt): the app's connection is refused with 53300
    const role = `lim_${process.pid}`;
    await direct.unsafe(`create role ${role} login connection limit 1`);
    await direct.unsafe(`grant usage on schema public to ${role}`);
    await direct.unsafe(`grant select on all tables in schema public to ${role}`);
    try {
      const url = new URL(clone!.url);
      url.username = role;
      const app = await appWith({ statementTimeoutMs: 0, lockTimeoutMs: 0, url: url.toString(), poolMax: 4 });
      const hold = postgres(url.toString(), { max: 1, onnotice: () => {} });
      await hold`select 1`; // takes the role's only connection
      try {
        const res = await app.inject({ method: 'GET', url: '/v1/partners', headers: auth() });
        expect(res.statusCode, res.body).toBe(503);
        expect(res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
        expect(res.headers['retry-after']).toBeDefined();
      } finally {
        await hold.end();
      }
    } finally {
      for (const a of apps.splice(0)) await a.close();
      await direct.unsafe(`drop owned by ${role}`);
      await direct.unsafe(`drop role if exists ${role}`);
    }
  });
});
