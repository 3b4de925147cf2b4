import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedApp, type HardenedApp } from './hardening-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Does a Redis answer PING at this URL? (no client library needed for the probe) */
async function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(String(d).startsWith('+PONG')));
  });
}
const redisUp = await redisAnswers(REDIS_URL);
if (!redisUp) console.warn(`[rate-limit] SKIPPED the Redis store tests: no Redis answers PING at ${REDIS_URL} (set TEST_REDIS_URL)`);

const call = (h: HardenedApp, token?: string, url = '/v1/partners') =>
  h.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('rate limits, in-process store', () => {
  let h: HardenedApp;
  beforeAll(async () => {
    h = await hardenedApp({ RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_MS: 60_000 });
  });
  afterAll(async () => h?.close());

  it('counts per credential with RateLimit-* headers, then answers 429 problem+json with Retry-After', async () => {
    const token = await h.sign({ sub: 'busy-client' });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(h, token);
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
      seen.push(String(res.headers['ratelimit-remaining']));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    expect(seen).toEqual(['2', '1', '0']);
    const refused = await call(h, token);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', limit: 3 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // a fresh token of the same subject is the same caller; another subject has its own budget
    expect((await call(h, await h.sign({ sub: 'busy-client' }))).statusCode).toBe(429);
    expect((await call(h, await h.sign({ sub: 'quiet-client' }))).statusCode).toBe(200);
  });

  it('GraphQL answers the same 429 problem+json', async () => {
    const token = await h.sign({ sub: 'graph-client' });
    const ask = () =>
      h.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}` }, payload: { query: '{ viewer { tenant } }' } });
    for (let i = 0; i < 3; i++) expect((await ask()).statusCode).toBe(200);
    const refused = await ask();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.headers['retry-after']).toBeDefined();
  });

  it('calls without a valid credential are counted per IP (refused tokens too); probes are exempt', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(h, i % 2 ? 'not-a-token' : undefined)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    for (let i = 0; i < 5; i++) expect((await call(h, undefined, '/healthz')).statusCode).toBe(200);
  });
});

describe('rate limits off', () => {
  it('RATE_LIMIT_MAX=0 sends no RateLimit headers and never 429', async () => {
    const h = await hardenedApp({ RATE_LIMIT_MAX: 0 });
    try {
      const token = await h.sign();
      for (let i = 0; i < 5; i++) {
        const res = await call(h, token);
        expect(res.statusCode).toBe(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!redisUp)('rate limits, Redis store (REDIS_URL)', () => {
  it('two instances share one budget per credential', async () => {
    const a = await hardenedApp({ RATE_LIMIT_MAX: 3, REDIS_URL });
    const b = await hardenedApp({ RATE_LIMIT_MAX: 3, REDIS_URL });
    try {
      // a subject of its own: the counters in Redis outlive this test run
      const sub = `redis-${randomBytes(6).toString('hex')}`;
      const ta = await a.sign({ sub });
      const tb = await b.sign({ sub });
      expect((await call(a, ta)).headers['ratelimit-remaining']).toBe('2');
      expect((await call(b, tb)).headers['ratelimit-remaining']).toBe('1');
      expect((await call(a, ta)).statusCode).toBe(200);
      const refused = await call(b, tb);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('rate limits when Redis does not answer', () => {
  it('requests pass (not limited, not failed)', async () => {
    const h = await hardenedApp({ RATE_LIMIT_MAX: 2, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const token = await h.sign();
      for (let i = 0; i < 4; i++) expect((await call(h, token)).statusCode).toBe(200);
    } finally {
      await h.close();
    }
  });
});
