/**
 * TRUST_PROXY: the client IP that rate-limit keys and request logs use comes from X-Forwarded-For only when the
 * proxy in front is trusted; otherwise a client could pick a fresh address per request and never be limited.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hardenedApp, type HardenedApp } from './hardening-app.js';

let h: HardenedApp | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  },
});

/** four anonymous calls, each claiming another client address through X-Forwarded-For */
const spoofed = async (app: HardenedApp['app']) => {
  const statuses: number[] = [];
  for (let i = 1; i <= 4; i++)
    statuses.push((await app.inject({ url: '/v1/partners', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': `203.0.113.${i}` } })).statusCode);
  return statuses;
};

describe('TRUST_PROXY', () => {
  it('unset: X-Forwarded-For is ignored; the socket peer is the client (rate limit and log)', async () => {
    lines.length = 0;
    h = await hardenedApp({ RATE_LIMIT_MAX: 3 }, { logger: { level: 'info', stream: sink } });
    expect(await spoofed(h.app)).toEqual([401, 401, 401, 429]);
    const logged = lines.filter((l) => l['msg'] === 'request').map((l) => l['ip']);
    expect(new Set(logged)).toEqual(new Set(['10.0.0.1']));
  });

  it('a trusted proxy: the forwarded client address is the key and is logged', async () => {
    lines.length = 0;
    h = await hardenedApp({ RATE_LIMIT_MAX: 3, TRUST_PROXY: ['10.0.0.0/8'] }, { logger: { level: 'info', stream: sink } });
    expect(await spoofed(h.app)).toEqual([401, 401, 401, 401]);
    const logged = lines.filter((l) => l['msg'] === 'request').map((l) => l['ip']);
    expect(logged).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']);
    // a peer outside the trusted range is not believed
    const res = await h.app.inject({ url: '/v1/partners', remoteAddress: '192.0.2.9', headers: { 'x-forwarded-for': '203.0.113.1' } });
    expect(res.statusCode).toBe(401);
    expect(lines.filter((l) => l['msg'] === 'request').at(-1)?.['ip']).toBe('192.0.2.9');
  });

  it('a hop count trusts the nearest hops only', async () => {
    h = await hardenedApp({ RATE_LIMIT_MAX: 3, TRUST_PROXY: 1 });
    const res = await h.app.inject({ url: '/healthz', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.5' } });
    expect(res.statusCode).toBe(200);
    expect(await spoofed(h.app)).toEqual([401, 401, 401, 401]);
  });

  it('parses true, false, a hop count and address lists, and rejects anything else', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1', 'loopback']);
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.com' })).toThrow(/TRUST_PROXY/);
  });
});
