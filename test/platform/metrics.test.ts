/**
 * Prometheus metrics (issue 16): GET /metrics behind METRICS_TOKEN, in the text exposition format, with request
 * counts and durations by route template and status, database state, import rows by outcome and the outbox gauges;
 * the numbers move with the traffic.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Database } from '../../src/platform/db.js';
import { mintToken } from '../../src/platform/tokens.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { hardenedApp, type HardenedApp } from './hardening-app.js';

const METRICS_TOKEN = 'scraper-secret-0123456789';
let h: HardenedApp;
let token: string;

beforeAll(async () => {
  h = await hardenedApp({ METRICS_TOKEN, RATE_LIMIT_MAX: 0 });
  token = await h.sign();
});
afterAll(async () => h?.close());

const scrape = async () => {
  const res = await h.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
};
/** the value of one series, by name and exact label text (0 when absent) */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};
const call = (method: 'GET' | 'POST', url: string, payload?: string | object, headers: Record<string, string> = {}) =>
  h.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload === undefined ? {} : { payload }) });

describe('GET /metrics', () => {
  it('is refused without the scraper token, and does not take a tenant token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Bearer ${token}`]) {
      const res = await h.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('is not served when METRICS_TOKEN is unset', async () => {
    const plain = await hardenedApp({});
    try {
      const res = await plain.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${await plain.sign()}` } });
      expect(res.statusCode).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts requests by route template and status, with durations; the numbers move', async () => {
    const before = await scrape();
    const list = 'http_requests_total{method="GET",route="/v1/partners",status_code="200"}';
    const created = 'http_requests_total{method="POST",route="/v1/partners",status_code="201"}';
    const notFound = 'http_requests_total{method="GET",route="/v1/partners/:id",status_code="404"}';
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/partners')).statusCode).toBe(200);
    expect((await call('POST', '/v1/partners', { code: 'MET-1', legalName: 'Met Ltd.', type: 'distributor' })).statusCode).toBe(201);
    expect((await call('GET', '/v1/partners/0190b5a6-0000-7000-8000-000000000000')).statusCode).toBe(404);
    const after = await scrape();
    expect(value(after, list) - value(before, list)).toBe(3);
    expect(value(after, created) - value(before, created)).toBe(1);
    expect(value(after, notFound) - value(before, notFound)).toBe(1);
    // route templates, never raw ids
    expect(after).not.toContain('0190b5a6-0000-7000-8000-000000000000');
    const count = 'http_request_duration_seconds_count{method="GET",route="/v1/partners",status_code="200"}';
    expect(value(after, count) - value(before, count)).toBe(3);
    expect(after).toMatch(/http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/v1\/partners",status_code="200"\} \d+/);
  });

  it('reports the database, import rows by outcome, the outbox and queues, and the process', async () => {
    const before = await scrape();
    const body = 'code,name,parentCode,level\nMET-R,Region,,region\nMET-C,City,MET-R,city\nMET-X,,,\n';
    const r = await call('POST', '/v1/onboarding/territories:import', body, { 'content-type': 'text/csv' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 2, rejected: 1 });
    const after = await scrape();
    const accepted = 'import_rows_total{outcome="accepted",dry_run="false"}';
    const rejected = 'import_rows_total{outcome="rejected",dry_run="false"}';
    expect(value(after, accepted) - value(before, accepted)).toBe(2);
    expect(value(after, rejected) - value(before, rejected)).toBe(1);
    expect(value(after, 'db_up')).toBe(1);
    expect(value(after, 'db_pool_max_connections')).toBeGreaterThan(0);
    expect(value(after, 'db_pool_connections{state="max"}')).toBe(inject('testDb').kind === 'postgres' ? 5 : 1);
    expect(after).toContain('db_pool_connections{state="in_use"} 0');
    expect(after).toContain('db_pool_connections{state="waiting"} 0');
    expect(value(after, 'db_statements_total')).toBeGreaterThan(0);
    for (const name of ['events_outbox_lag_seconds', 'webhook_delivery_lag_seconds', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds'])
      expect(after, name).toMatch(new RegExp(`^${name} \\d`, 'm'));
    expect(after).toContain('webhook_deliveries{status="pending"} 0');
    expect(after).toContain('jobs{status="queued"} 0');
    for (const name of ['http_requests_total', 'http_request_duration_seconds', 'import_rows_total', 'db_up']) expect(after).toContain(`# TYPE ${name} `);
  });

  it('the outbox lag grows while an event waits for fan-out to a webhook endpoint', async () => {
    const ep = await call('POST', '/v1/webhooks', { url: 'https://hooks.example.com/in', eventTypes: ['partner.created'] });
    expect([200, 201]).toContain(ep.statusCode);
    expect((await call('POST', '/v1/partners', { code: 'MET-2', legalName: 'Met 2 Ltd.', type: 'distributor' })).statusCode).toBe(201);
    await new Promise((r) => setTimeout(r, 1100));
    const text = await scrape();
    // no dispatcher runs in this app (the test config leaves background work off) or it has fanned out already
    const lag = value(text, 'events_outbox_lag_seconds');
    const pending = value(text, 'webhook_deliveries{status="pending"}') + value(text, 'webhook_deliveries{status="failed"}');
    expect(lag >= 1 || pending >= 1).toBe(true);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IN_USE = 'db_pool_connections{state="in_use"}';
const WAITING = 'db_pool_connections{state="waiting"}';

/** requests that each need the partners table: GET list (a tenant-scoped query), POST (a transaction), GraphQL */
const blocked = (app: HardenedApp['app'], auth: string, tag: string) => [
  app.inject({ url: '/v1/partners?limit=5', headers: { authorization: auth } }),
  app.inject({ url: '/v1/partners?limit=5', headers: { authorization: auth } }),
  app.inject({ method: 'POST', url: '/v1/partners', headers: { authorization: auth }, payload: { code: `${tag}-1`, legalName: 'Pool Ltd.', type: 'dealer' } }),
  app.inject({ method: 'POST', url: '/v1/partners', headers: { authorization: auth }, payload: { code: `${tag}-2`, legalName: 'Pool Ltd.', type: 'dealer' } }),
];

describe.skipIf(inject('testDb').kind !== 'postgres')('db_pool_connections (PostgreSQL)', () => {
  it('in_use rises while requests hold connections (waiting on a table lock) and returns to 0', async () => {
    const url = (h.app.store as unknown as { database: { url?: string } }).database.url;
    expect(url).toBeTruthy();
    const direct = postgres(url!, { max: 1, onnotice: () => {} });
    try {
      const idle = await scrape();
      expect(value(idle, IN_USE)).toBe(0);
      let requests: ReturnType<typeof blocked> = [];
      // a transaction of the test's own takes the partners table: every request below waits for it, connection held
      await direct.begin(async (tx) => {
        await tx.unsafe('lock table partners in access exclusive mode');
        requests = blocked(h.app, `Bearer ${token}`, 'POOL');
        let seen = 0;
        for (let i = 0; i < 50 && seen < 4; i++) {
          await sleep(50);
          seen = value(await scrape(), IN_USE);
        }
        expect(seen).toBe(4);
      });
      const answers = await Promise.all(requests);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 201, 201]);
      const after = await scrape();
      expect(value(after, IN_USE)).toBe(0);
      expect(value(after, WAITING)).toBe(0);
    } finally {
      await direct.end();
    }
  });

  it('returns to 0 after an outage cuts connections in use (no drift), and counts again afterwards', async () => {
    const clone = (await cloneTestDatabase())!;
    const target = new URL(clone.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(clone.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const database = new Database({ url: viaProxy.toString(), poolMax: 6, connectTimeoutSeconds: 2 });
    const app = await buildApp({
      config: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_SECRET, IDEMPOTENCY_TTL_HOURS: 24, RATE_LIMIT_MAX: 0, METRICS_TOKEN },
      database,
      logger: false,
    });
    const direct = postgres(clone.url, { max: 1, onnotice: () => {} });
    let stop = false;
    let n = 0;
    const statuses: number[] = [];
    let load: Promise<void>[] = [];
    try {
      await app.ready();
      await app.tenants.create('t1', 'Tenant t1');
      const auth = `Bearer ${await mintToken(TEST_SECRET, { tenant: 't1', scope: 'admin', sub: 'pool' })}`;
      const poolScrape = async () => (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
      // load: reads, writes and GraphQL in a loop
      n = 0;
      const loop = async (w: number) => {
        while (!stop) {
          const r =
            w % 3 === 0
              ? await app.inject({
                  method: 'POST',
                  url: '/v1/partners',
                  headers: { authorization: auth },
                  payload: { code: `OUT-${w}-${n++}`, legalName: 'Out Ltd.', type: 'dealer' },
                })
              : w % 3 === 1
                ? await app.inject({ url: '/v1/partners?limit=5', headers: { authorization: auth } })
                : await app.inject({
                    method: 'POST',
                    url: '/graphql',
                    headers: { authorization: auth },
                    payload: { query: '{ partners(first: 5) { nodes { id } } }' },
                  });
          statuses.push(r.statusCode);
          if (r.statusCode >= 300) await sleep(50);
        }
      };
      load = Array.from({ length: 5 }, (_, w) => loop(w));
      await sleep(500);
      // connections in use at the moment of the cut: requests waiting on a lock (transactions and scoped reads) and the load
      let held: ReturnType<typeof blocked> = [];
      const locked = direct.begin(async (tx) => {
        await tx.unsafe('lock table partners in access exclusive mode');
        held = blocked(app, auth, 'CUT');
        await sleep(1_000);
      });
      await sleep(600);
      expect(value(await poolScrape(), IN_USE)).toBeGreaterThanOrEqual(4);
      await proxy.cut();
      await locked;
      const cutAnswers = await Promise.all(held);
      // the held requests that lost their connection answered 503 (a dropped connection: the paths that do not release it)
      const cutStatuses = cutAnswers.map((r) => r.statusCode);
      expect(cutStatuses.filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
      expect(cutStatuses).toContain(503);
      await sleep(1_500);
      await proxy.restore();
      // recovery, then the load stops
      for (let i = 0; i < 100; i++) {
        const r = await app.inject({ url: '/v1/partners?limit=1', headers: { authorization: auth } });
        if (r.statusCode === 200) break;
        await sleep(100);
      }
      await sleep(500);
      stop = true;
      await Promise.all(load);
      load = [];
      expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      const after = await poolScrape();
      expect(value(after, 'db_up')).toBe(1);
      expect(value(after, IN_USE)).toBe(0);
      expect(value(after, WAITING)).toBe(0);
      // and it still counts: a held connection shows, then goes
      let again: ReturnType<typeof blocked> = [];
      await direct.begin(async (tx) => {
        await tx.unsafe('lock table partners in access exclusive mode');
        again = blocked(app, auth, 'AGAIN');
        let seen = 0;
        for (let i = 0; i < 50 && seen < 4; i++) {
          await sleep(50);
          seen = value(await poolScrape(), IN_USE);
        }
        expect(seen).toBe(4);
      });
      expect((await Promise.all(again)).map((r) => r.statusCode).sort()).toEqual([200, 200, 201, 201]);
      expect(value(await poolScrape(), IN_USE)).toBe(0);
    } finally {
      stop = true;
      await Promise.all(load);
      await app.close();
      await direct.end();
      await proxy.close();
      await clone.drop();
    }
  }, 60_000);
});
