import { createHmac, randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { DomainError } from '../../platform/errors.js';

// ---- Standard Webhooks signing ------------------------------------------------------------------------------

/** A new signing secret: whsec_ + base64 of 32 random bytes (the Standard Webhooks convention). */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** v1 signature: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the base64-decoded secret. */
export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The webhook-signature header: one v1 signature per active secret, space-separated. */
export function signatureHeader(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((s) => sign(s, id, timestampSeconds, body)).join(' ');
}

// ---- SSRF guard ---------------------------------------------------------------------------------------------

export interface UrlPolicy {
  /** private, loopback, link-local and other non-public addresses allowed (development and test only) */
  allowPrivateNetworks: boolean;
}

export function defaultUrlPolicy(nodeEnv: string | undefined): UrlPolicy {
  return { allowPrivateNetworks: nodeEnv === 'development' || nodeEnv === 'test' };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
}

const V4_BLOCKS: [string, number][] = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/** True for addresses a webhook must not reach outside development: private, loopback, link-local, reserved. */
export function isNonPublicAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const n = ipv4ToInt(ip);
    return V4_BLOCKS.some(([base, bits]) => n >>> (32 - bits) === ipv4ToInt(base) >>> (32 - bits));
  }
  if (v === 6) {
    const a = ip.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isNonPublicAddress(mapped[1]!);
    // IPv4-mapped in hex form (::ffff:7f00:1, as URL parsing normalises it)
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      const lo = parseInt(hex[2]!, 16);
      return isNonPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    if (a === '::' || a === '::1') return true;
    const first = parseInt(a.split(':')[0] || '0', 16);
    if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
    if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
    if ((first & 0xff00) === 0xff00) return true; // multicast
    if (a.startsWith('64:ff9b:') || a.startsWith('2001:db8:')) return true;
    return false;
  }
  return true;
}

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs: LookupAddress[]) => (err ? reject(err) : resolve(addrs.map((a) => a.address)))),
  );

/** Checks a webhook URL when it is registered: scheme, credentials, and (outside development) where it resolves. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<URL> {
  const refuse = (message: string) => new DomainError('UNPROCESSABLE', `url ${message}`, { errors: [{ path: 'url', message }] });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse(`must use http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (policy.allowPrivateNetworks) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (/^localhost$/i.test(host) || /\.localhost$/i.test(host)) throw refuse('must not point to a private, loopback or link-local address');
  let addrs: string[];
  try {
    addrs = isIP(host) ? [host] : await resolve(host);
  } catch {
    throw refuse(`host '${host}' does not resolve`);
  }
  if (!addrs.length || addrs.some(isNonPublicAddress)) throw refuse('must not point to a private, loopback or link-local address');
  return url;
}

/** A dns lookup for http.request that refuses non-public addresses at connect time (no DNS-rebinding bypass). */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs: LookupAddress[]) => {
      if (err) return (callback as (e: Error | null, a: LookupAddress[]) => void)(err, []);
      const bad = !policy.allowPrivateNetworks && addrs.some((a) => isNonPublicAddress(a.address));
      if (bad) {
        const e = Object.assign(new Error(`refused: ${hostname} resolves to a non-public address`), { code: 'ESSRF' });
        return (callback as (e: Error | null, a: LookupAddress[]) => void)(e, []);
      }
      if ((options as { all?: boolean }).all) return (callback as (e: Error | null, a: LookupAddress[]) => void)(null, addrs);
      const first = addrs[0]!;
      return (callback as (e: Error | null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };
}

export interface PostResult {
  statusCode: number | null;
  error: string | null;
  body: string | null;
  durationMs: number;
}

/** POSTs a webhook: no redirects followed, bounded time and response size, SSRF-guarded connect. */
export function postWebhook(
  urlText: string,
  headers: Record<string, string>,
  body: string,
  opts: { policy: UrlPolicy; timeoutMs: number },
): Promise<PostResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(urlText);
    } catch {
      return resolve({ statusCode: null, error: 'invalid URL', body: null, durationMs: 0 });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return resolve({ statusCode: null, error: 'scheme not allowed', body: null, durationMs: 0 });
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !opts.policy.allowPrivateNetworks && isNonPublicAddress(host)) {
      return resolve({ statusCode: null, error: 'refused: non-public address', body: null, durationMs: 0 });
    }
    const mod = url.protocol === 'https:' ? https : http;
    let done = false;
    const finish = (r: Omit<PostResult, 'durationMs'>) => {
      if (done) return;
      done = true;
      resolve({ ...r, durationMs: Date.now() - started });
    };
    const req = mod.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'channel-api-webhooks/1', 'content-length': String(Buffer.byteLength(body)), ...headers },
        lookup: guardedLookup(opts.policy),
        timeout: opts.timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (text.length < 1000) text += c;
        });
        res.on('end', () => finish({ statusCode: res.statusCode ?? null, error: null, body: text.slice(0, 1000) }));
        res.on('error', (e) => finish({ statusCode: res.statusCode ?? null, error: e.message, body: text.slice(0, 1000) }));
      },
    );
    req.on('timeout', () => {
      req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`));
    });
    req.on('error', (e) => finish({ statusCode: null, error: e.message, body: null }));
    req.end(body);
  });
}
