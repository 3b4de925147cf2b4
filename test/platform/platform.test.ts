import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { Database } from '../../src/platform/db.js';
import { loggerOptions } from '../../src/platform/logging.js';
import { TenantDirectory } from '../../src/platform/tenants.js';
import { mintToken } from '../../src/platform/tokens.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';

describe('configuration', () => {
  it('names every bad variable in one message', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const v of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL']) expect(msg).toContain(v);
  });

  it('production needs a way to verify tokens', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWKS_URL/);
    expect(loadConfig({ NODE_ENV: 'production', JWKS_URL: 'https://idp.example/jwks' }).NODE_ENV).toBe('production');
  });

  it('defaults give an embedded database', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATA_DIR).toBe('./.data');
    expect(c.PORT).toBe(3000);
  });
});

describe('request logs', () => {
  it('one JSON line per request with request id, tenant, route, status, duration; no token', async () => {
    const lines: any[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    // the token's tenant is looked up (identity fails closed); the route then fails on the scope
    const clone = await cloneTestDatabase();
    const database = clone ? new Database({ url: clone.url }) : new Database({});
    if (!clone) await database.migrate();
    const app = await buildApp({
      config: { NODE_ENV: 'test', LOG_LEVEL: 'info', JWT_SECRET: TEST_SECRET, IDEMPOTENCY_TTL_HOURS: 24 },
      database,
      logger: { ...loggerOptions('info'), stream } as never,
    });
    // a route's own line goes through request.log: the request id bound, the secrets redacted
    app.get('/test/log-probe', { config: { public: true } }, async (request) => {
      request.log.warn({ token: 'tok-secret', user: { password: 'pw-secret' }, n: 1 }, 'probe');
      return { ok: true };
    });
    // a route polled by machines (as the health probes): an access line only when it fails
    app.get('/test/polled', { config: { public: true, accessLog: 'failures' } }, async (request, reply) =>
      (request.query as { fail?: string }).fail ? reply.code(503).send({ status: 'down' }) : { status: 'up' },
    );
    await app.tenants.create('acme', 'Acme');
    const token = await mintToken(TEST_SECRET, { tenant: 'acme', scope: 'targets:read' });
    const res = await app.inject({ method: 'GET', url: '/v1/partners?limit=1', headers: { authorization: `Bearer ${token}`, 'x-request-id': 'rid-42' } });
    expect(res.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/test/log-probe', headers: { 'x-request-id': 'rid-43' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'rid-44' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/test/polled', headers: { 'x-request-id': 'rid-45' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/test/polled?fail=1', headers: { 'x-request-id': 'rid-46' } })).statusCode).toBe(503);
    await app.close();
    const probe = lines.filter((l) => l.msg === 'probe');
    expect(probe).toHaveLength(1);
    expect(probe[0]).toMatchObject({ reqId: 'rid-43', level: 40, token: '[redacted]', user: { password: '[redacted]' }, n: 1 });
    expect(JSON.stringify(lines)).not.toContain('-secret');
    await clone?.drop();
    const requestLines = lines.filter((l) => l.msg === 'request' && l.reqId === 'rid-42');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ reqId: 'rid-42', tenant: 'acme', route: '/v1/partners', status: 403, method: 'GET' });
    expect(typeof requestLines[0].durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain(token);
    // the health probe and a polled route that answered 2xx wrote no access line; the polled route's failure did
    const accessOf = (reqId: string) => lines.filter((l) => l.msg === 'request' && l.reqId === reqId);
    expect(accessOf('rid-43')).toHaveLength(1);
    expect(accessOf('rid-44')).toHaveLength(0);
    expect(accessOf('rid-45')).toHaveLength(0);
    expect(accessOf('rid-46')).toEqual([expect.objectContaining({ route: '/test/polled', status: 503 })]);
  });
});

describe('processes', () => {
  it('npm run token mints a token with the asked claims', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn('npx', ['tsx', 'scripts/token.ts', '--scope', 'partners:read targets:read', '--tenant', 'acme', '--partner', 'p-1'], {
        env: { ...process.env, JWT_SECRET: TEST_SECRET },
      });
      let s = '';
      p.stdout.on('data', (d) => (s += d));
      p.on('exit', (code) => (code === 0 ? resolve(s.trim()) : reject(new Error(`exit ${code}`))));
    });
    expect(decodeJwt(out)).toMatchObject({ tenant: 'acme', scope: 'partners:read targets:read', partner: 'p-1' });
  });

  it('on SIGTERM the server finishes an in-flight request, then exits 0', async () => {
    const port = 21000 + Math.floor(Math.random() * 20000);
    const dir = `/tmp/channel-shutdown-${process.pid}-${port}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATA_DIR: dir,
      JWT_SECRET: TEST_SECRET,
      SEED_DEMO: 'false',
    };
    const clone = await cloneTestDatabase();
    // a token's tenant must exist: provisioned in the clone (on the embedded database, the demo seed makes one)
    let tenant = 'shutdown';
    if (clone) {
      env.DATABASE_URL = clone.url;
      const db = new Database({ url: clone.url, poolMax: 1 });
      await new TenantDirectory(() => db.db).create(tenant, 'Shutdown');
      await db.close();
    } else {
      delete env.DATABASE_URL;
      env.SEED_DEMO = 'true';
      tenant = 'demo';
    }
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) break;
        } catch {
          /* not yet */
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const token = await mintToken(TEST_SECRET, { tenant, scope: 'admin' });
      // a create whose body is still arriving when SIGTERM is sent: it must complete, then the process exits
      const body = JSON.stringify({ code: `SD-${port}`, legalName: 'Shutdown Ltd.', type: 'dealer' });
      const inflight = new Promise<number>((resolve, reject) => {
        const req = request(`${base}/v1/partners`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 100);
      });
      expect(await inflight).toBe(201);
      const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (c) => r(c))));
      expect(code).toBe(0);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      await clone?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('production auth through a JWKS URL', () => {
  it('accepts an RS256 token signed by a key the JWKS serves, refuses another key', async () => {
    const { createServer } = await import('node:http');
    const { SignJWT, exportJWK, generateKeyPair } = await import('jose');
    const good = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const clone = await cloneTestDatabase();
    const database = clone ? new Database({ url: clone.url }) : new Database({});
    if (!clone) await database.migrate();
    const app = await buildApp({
      config: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        JWT_ISSUER: 'https://idp.test',
        IDEMPOTENCY_TTL_HOURS: 24,
      },
      database,
      logger: false,
    });
    // the token's tenant must exist (identity fails closed)
    await app.tenants.create('acme', 'Acme');
    const sign = (key: Parameters<InstanceType<typeof SignJWT>['sign']>[0], iss = 'https://idp.test') =>
      new SignJWT({ tenant: 'acme', scope: 'partners:read' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(iss)
        .setSubject('u1')
        .setExpirationTime('5m')
        .sign(key);
    const ask = async (token: string) =>
      app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${token}` },
        payload: { query: '{ viewer { tenant subject scopes } }' },
      });
    try {
      const ok = await ask(await sign(good.privateKey));
      expect(ok.statusCode).toBe(200);
      expect(ok.json().data.viewer).toEqual({ tenant: 'acme', subject: 'u1', scopes: ['partners:read'] });
      expect((await ask(await sign(other.privateKey))).statusCode).toBe(401);
      expect((await ask(await sign(good.privateKey, 'https://evil.test'))).statusCode).toBe(401);
      // GraphiQL is off in production
      expect((await app.inject({ method: 'GET', url: '/graphiql' })).statusCode).toBe(404);
    } finally {
      await app.close();
      server.close();
      await clone?.drop();
    }
  });
});

describe('CSV exports', () => {
  it('quote what needs quoting and defuse spreadsheet formulas, leaving negative numbers alone', async () => {
    const { toCsv } = await import('../../src/platform/csv.js');
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=HYPERLINK("http://x")', '-12.50'],
          ['@SUM(A1)', null],
          ['line\nbreak', '+5'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"\'=HYPERLINK(""http://x"")",-12.50\r\n\'@SUM(A1),\r\n"line\nbreak",+5\r\n');
  });
});
