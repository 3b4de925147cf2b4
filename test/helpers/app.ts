import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { Database, type DatabaseOptions } from '../../src/platform/db.js';
import { mintToken, type TokenClaims } from '../../src/platform/tokens.js';
import { assertContract } from './contract.js';
import { withDatabase } from './global-setup.js';

export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  /** mints a token; defaults: tenant t1, scope admin */
  token(claims?: Partial<TokenClaims>): Promise<string>;
  /** an HTTP client bound to a token */
  client(token: string): Client;
  close(): Promise<void>;
}

export interface Client {
  get(url: string, headers?: Record<string, string>): Promise<Res>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  delete(url: string, headers?: Record<string, string>): Promise<Res>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; data: T; errors?: any[] }>;
}

export type Res = LightMyRequestResponse & { body: string; data: any };

/** A fresh clone of the migrated template database (PostgreSQL runs only; undefined on PGlite). */
export async function cloneTestDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const target = inject('testDb');
  if (target.kind !== 'postgres') return undefined;
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(target.url, { max: 1, onnotice: () => {} });
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${target.template}"`);
      break;
    } catch (e) {
      if (attempt > 20 || !/being accessed by other users/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return {
    url: withDatabase(target.url, name),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * A connection of the test's own to a test app's PostgreSQL database (outside the app's pool): to hold a lock the app
 * will wait for, to kill the app's backends, to read what it wrote. PostgreSQL only.
 */
export async function adminConnection(t: TestApp): Promise<postgres.Sql> {
  const target = inject('testDb');
  if (target.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const [row] = await t.database.rows<{ db: string }>(sql`select current_database() as db`);
  return postgres(withDatabase(target.url, row!.db), { max: 1, onnotice: () => {} });
}

/** Builds the app on a fresh database of its own (a clone of the migrated template, or a new PGlite). */
export async function setupTestApp(
  overrides: {
    config?: Partial<BuildOptions['config']>;
    spanExporter?: BuildOptions['spanExporter'];
    /** pool and timeouts of the PostgreSQL database (e.g. a pool of 2 to make a reservation wait) */
    database?: Pick<DatabaseOptions, 'poolMax' | 'lockTimeoutMs'>;
  } = {},
): Promise<TestApp> {
  const target = inject('testDb');
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  if (target.kind === 'postgres') {
    const clone = await cloneTestDatabase();
    database = new Database({ url: clone!.url, poolMax: 10, ...overrides.database });
    drop = clone!.drop;
  } else {
    database = new Database({});
    await database.migrate();
  }
  const app = await buildApp({
    // the rate limit stays on (its hooks and headers run in every test) but far above what a test file sends
    config: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_SECRET, IDEMPOTENCY_TTL_HOURS: 24, RATE_LIMIT_MAX: 1_000_000, ...overrides.config },
    database,
    logger: false,
    ...(overrides.spanExporter ? { spanExporter: overrides.spanExporter } : {}),
  });
  await app.ready();

  const provisioned = new Set<string>();
  const request = async (opts: InjectOptions): Promise<Res> => {
    const res = (await app.inject(opts)) as Res;
    const type = String(res.headers['content-type'] ?? '');
    res.data = type.includes('json') && res.body ? JSON.parse(res.body) : res.body;
    // live-traffic contract check: the response must be what openapi.yaml declares (test/helpers/contract.ts)
    if (typeof opts.url === 'string')
      assertContract({ method: opts.method ?? 'GET', url: opts.url, status: res.statusCode, headers: res.headers, body: res.body });
    return res;
  };

  const client = (token: string): Client => {
    const auth = { authorization: `Bearer ${token}` };
    const send = (method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>) =>
      request({
        method,
        url,
        headers: { ...auth, ...(headers ?? {}) },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
      });
    return {
      get: (url, headers) => send('GET', url, undefined, headers),
      post: (url, body, headers) => send('POST', url, body ?? {}, headers),
      put: (url, body, headers) => send('PUT', url, body ?? {}, headers),
      patch: (url, body, headers) => send('PATCH', url, body ?? {}, headers),
      delete: (url, headers) => send('DELETE', url, undefined, headers),
      gql: async (query, variables, headers) => {
        const res = await send('POST', '/graphql', { query, variables: variables ?? {} }, headers);
        return { status: res.statusCode, data: res.data?.data, errors: res.data?.errors };
      },
    };
  };

  return {
    app,
    database,
    token: async (claims = {}) => {
      const full = { tenant: 't1', scope: 'admin', sub: 'tester', ...claims };
      // tokens of a tenant that does not exist are refused: provision it as an operator would (npm run tenant)
      if (!provisioned.has(full.tenant)) {
        await app.tenants.create(full.tenant, `Test tenant ${full.tenant}`);
        provisioned.add(full.tenant);
      }
      return mintToken(TEST_SECRET, full);
    },
    client,
    close: async () => {
      await app.close();
      await drop?.();
    },
  };
}

/**
 * The statements one run of `fn` sends, the least of `times` runs (fn must be a read). A credential's caches (token,
 * tenant, data scope) expire on their own clock and add a statement to whichever run meets the expiry: noise only
 * ever adds, so the least is the cost of `fn` itself; an N+1 adds to every run.
 */
export async function leastStatements(t: TestApp, fn: () => Promise<unknown>, times = 3): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < times; i++) {
    const before = t.database.statements;
    await fn();
    least = Math.min(least, t.database.statements - before);
  }
  return least;
}
