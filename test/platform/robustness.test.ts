/**
 * Every operation the OpenAPI document lists, called with a client's typical mistakes (malformed ids, unknown
 * ids, empty / wrong-typed / malformed bodies, garbage query values, wrong content type): the answer is a 4xx
 * problem+json, never a 5xx. Whatever a module adds is covered automatically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
});
afterAll(async () => t?.close());

type Op = { method: string; path: string; op: any };

function operations(spec: any): Op[] {
  const out: Op[] = [];
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) if (item[method]) out.push({ method: method.toUpperCase(), path, op: item[method] });
  }
  return out;
}

const UNKNOWN_UUID = '0190b5a6-1111-7000-8000-000000000000';

function fill(path: string, value: string) {
  return path.replace(/\{[^}]+\}/g, value);
}

describe('no 5xx for a client mistake, on every documented operation', () => {
  it('malformed and unknown ids, bad bodies, bad queries, wrong content type', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const ops = operations(spec);
    expect(ops.length).toBeGreaterThan(100);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const send = async (method: string, url: string, payload?: string, contentType = 'application/json') => {
      const res = await t.app.inject({
        method: method as never,
        url,
        headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) },
        ...(payload !== undefined ? { payload } : {}),
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        failures.push(
          `${method} ${url} ${payload === undefined ? '' : `(${contentType}) ${payload.slice(0, 40)}`} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      else if (res.statusCode >= 400 && !String(res.headers['content-type']).includes('problem+json'))
        failures.push(`${method} ${url} -> ${res.statusCode} without problem+json`);
      return res;
    };
    for (const { method, path, op } of ops) {
      const hasBody = !!op.requestBody;
      const bodies = hasBody
        ? [
            '{}',
            '{"unexpected":1}',
            '[]',
            '"text"',
            '{"a":',
            'null',
            JSON.stringify({ id: 1, code: {}, amount: 'NaN', date: '2026-13-45', period: '2026-Q9', partner: 'x'.repeat(300) }),
          ]
        : [undefined];
      const urls = new Set([fill(path, 'not-an-id'), fill(path, UNKNOWN_UUID), fill(path, '%00'), fill(path, '2026-Q9')]);
      for (const url of urls) {
        for (const body of bodies) await send(method, url, body);
        if (method === 'GET') {
          await send(method, `${url}?limit=-1&cursor=%%%&from=yesterday&to=2026-02-30&period=2026-Q7&date=13/01/2026&partner=nope&asOf=x&status=zzz`);
          await send(method, `${url}?limit=abc&first=0`);
        }
      }
      if (hasBody) {
        // a CSV body where JSON is expected, and a JSON body where CSV/NDJSON is expected
        await send(method, fill(path, UNKNOWN_UUID), 'a,b\n1,2\n', 'text/csv');
        await send(method, fill(path, UNKNOWN_UUID), '{"a":1}', 'application/x-ndjson');
        await send(method, fill(path, UNKNOWN_UUID), '<xml/>', 'application/xml');
      }
    }
    expect(failures).toEqual([]);
    const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(sent).toBeGreaterThan(ops.length * 8);
    // the mistakes were refused for the right reasons, not waved through
    expect(statuses.get(400)! + (statuses.get(404) ?? 0) + (statuses.get(415) ?? 0)).toBeGreaterThan(sent * 0.8);
  }, 300_000);

  it('a partner user and a token without scopes get 403/404 everywhere, never 5xx, never 2xx on tenant data', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const bad: string[] = [];
    // a partner claim must name an existing partner of the tenant (else every call is 401)
    const ownPartner = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/partners',
        headers: { authorization: `Bearer ${token}` },
        payload: { code: 'RB-OWN', legalName: 'Robust Own Ltd.', type: 'dealer' },
      })
    ).json().id as string;
    for (const kind of ['noscope', 'partner'] as const) {
      const tok = await t.token(kind === 'noscope' ? { scope: 'nothing:read' } : { scope: 'admin', partner: ownPartner });
      for (const { method, path } of operations(spec)) {
        const url = fill(path, UNKNOWN_UUID);
        const res = await t.app.inject({
          method: method as never,
          url,
          headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
        });
        if (res.statusCode >= 500) bad.push(`${kind} ${method} ${url} -> ${res.statusCode} ${res.body.slice(0, 150)}`);
        // without any scope nothing but the caller's own identity (GET /v1/me: who the credential is) may answer 2xx
        if (kind === 'noscope' && res.statusCode < 300 && !url.startsWith('/v1/imports') && url !== '/v1/me')
          bad.push(`${kind} ${method} ${url} -> ${res.statusCode} (should be refused)`);
      }
    }
    expect(bad).toEqual([]);
  }, 300_000);
});
