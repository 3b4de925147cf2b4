/** Apps with their own configuration (limits, CORS, production switches) on a clone of the test database. */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { SignJWT } from 'jose';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { Database } from '../../src/platform/db.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';

export interface HardenedApp {
  app: FastifyInstance;
  /** signs a token with any claims (defaults: tenant t1, scope admin, sub tester, 1 h) */
  sign(claims?: Record<string, unknown>, opts?: { exp?: number | null; iat?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function hardenedApp(
  config: Partial<BuildOptions['config']> = {},
  opts: { logger?: FastifyServerOptions['logger']; tenants?: string[] } = {},
): Promise<HardenedApp> {
  const clone = await cloneTestDatabase();
  const database = clone ? new Database({ url: clone.url, poolMax: 5 }) : new Database({});
  if (!clone) await database.migrate();
  const app = await buildApp({
    config: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_SECRET, IDEMPOTENCY_TTL_HOURS: 24, ...config },
    database,
    logger: opts.logger ?? false,
  });
  await app.ready();
  for (const id of opts.tenants ?? ['t1']) await app.tenants.create(id, `Tenant ${id}`);
  return {
    app,
    sign: async (claims = {}, o = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ tenant: 't1', scope: 'admin', ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(claims['sub'] ?? 'tester'))
        .setIssuedAt(o.iat ?? now);
      if (o.exp !== null) jwt.setExpirationTime(o.exp ?? now + 3600);
      return jwt.sign(new TextEncoder().encode(TEST_SECRET));
    },
    close: async () => {
      await app.close();
      await clone?.drop();
    },
  };
}
