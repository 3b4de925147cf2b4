import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedApp, type HardenedApp } from './hardening-app.js';

let h: HardenedApp;
const ALLOWED = 'https://portal.example.com';

beforeAll(async () => {
  h = await hardenedApp({ CORS_ORIGINS: `${ALLOWED}, https://admin.example.com` });
});
afterAll(async () => h?.close());

describe('CORS (CORS_ORIGINS)', () => {
  const preflight = (origin: string) =>
    h.app.inject({
      method: 'OPTIONS',
      url: '/v1/partners',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });

  it('a preflight from an allowed origin answers 204 with the CORS headers', async () => {
    const res = await preflight(ALLOWED);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/authorization.*content-type.*idempotency-key/);
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('another origin gets no CORS headers', async () => {
    const res = await preflight('https://evil.example.net');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('actual requests from an allowed origin carry the origin and the exposed headers, a 401 too', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/v1/partners', headers: { origin: ALLOWED, authorization: `Bearer ${await h.sign()}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(ok.headers['access-control-expose-headers'])).toMatch(/etag.*ratelimit-remaining.*retry-after/);
    const refused = await h.app.inject({ method: 'GET', url: '/v1/partners', headers: { origin: ALLOWED } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ALLOWED);
  });

  it('without CORS_ORIGINS there are no CORS headers', async () => {
    const plain = await hardenedApp();
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/healthz', headers: { origin: ALLOWED } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe('security headers', () => {
  it('API responses carry helmet headers and a CSP that allows nothing', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/partners', headers: { authorization: `Bearer ${await h.sign()}` } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    const problem = await h.app.inject({ method: 'GET', url: '/v1/partners' });
    expect(problem.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });

  it('the docs UI and GraphiQL still load (no API CSP on them)', async () => {
    for (const url of ['/docs', '/docs/static/index.html', '/graphiql']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      expect(String(res.headers['content-security-policy'] ?? ''), url).not.toContain("default-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('compression', () => {
  it('/docs/json is compressed with br or gzip when asked, plain otherwise', async () => {
    const plain = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const doc = plain.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    const br = await h.app.inject({ method: 'GET', url: '/docs/json', headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(doc);
    const gz = await h.app.inject({ method: 'GET', url: '/docs/json', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString())).toEqual(doc);
  });

  it('API JSON over 1 KB is compressed too', async () => {
    const token = await h.sign();
    for (let i = 0; i < 12; i++) {
      await h.app.inject({
        method: 'POST',
        url: '/v1/partners',
        headers: { authorization: `Bearer ${token}` },
        payload: { code: `CZ-${i}`, legalName: `Compressed Partner ${i} Ltd.`, type: 'dealer' },
      });
    }
    const res = await h.app.inject({ method: 'GET', url: '/v1/partners?limit=50', headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.rawPayload).toString()).data).toHaveLength(12);
  });
});
