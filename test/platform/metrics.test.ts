/**
 * Prometheus metrics (issue 16): GET /metrics behind METRICS_TOKEN, in the text exposition format, with request
 * counts and durations by route template and status, database state, import rows by outcome and the outbox gauges;
 * the numbers move with the traffic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
