/**
 * Database outage, for real: the API runs as its own process (`node --import tsx src/server.ts`, postgres.js),
 * its DATABASE_URL pointing at a TCP proxy of the test's own in front of PostgreSQL. Under concurrent reads and
 * writes (REST and GraphQL) the proxy is cut (open connections destroyed, new ones refused) for a few seconds and
 * restored. The process must stay alive, no request may hang past a bound, every failure during the cut is a 503
 * problem+json DATABASE_UNAVAILABLE with Retry-After (never a 500), /readyz answers 503 within a second, the
 * service recovers by itself, and no write is partial (a partner's row, its audit row and its event are all
 * there or none is).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../src/platform/tokens.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';
import { freePort, startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HANG_BOUND_MS = 5_000;

let clone: Awaited<ReturnType<typeof cloneTestDatabase>>;
let proxy: TcpProxy;
let child: ChildProcess | undefined;
let exited: { code: number | null; signal: string | null } | undefined;
let output = '';
let base = '';
let token = '';

beforeAll(async () => {
  clone = await cloneTestDatabase();
  if (!clone) return;
  const target = new URL(clone.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(clone.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: viaProxy.toString(),
      DATABASE_POOL_MAX: '8',
      RATE_LIMIT_MAX: '0', // ten clients hammer one token: the rate limit is not what this test measures
      DB_CONNECT_TIMEOUT_MS: '2000',
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_SECRET,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      WORKER_POLL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  child.on('exit', (code, signal) => (exited = { code, signal }));
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`server exited at start: ${output}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  token = await mintToken(TEST_SECRET, { tenant: 't1', scope: 'admin', sub: 'outage' });
}, 60_000);

afterAll(async () => {
  if (child && !exited) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  await proxy?.close();
  await clone?.drop();
});

interface Outcome {
  kind: 'read' | 'write' | 'graphql';
  status: number;
  ms: number;
  code?: string;
  retryAfter?: string | null;
  contentType?: string | null;
  partnerCode?: string;
  at: number;
}

async function call(kind: Outcome['kind'], partnerCode?: string): Promise<Outcome> {
  const started = Date.now();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const init: RequestInit =
    kind === 'read'
      ? { headers }
      : kind === 'write'
        ? { method: 'POST', headers, body: JSON.stringify({ code: partnerCode, legalName: `Outage ${partnerCode} Ltd.`, type: 'dealer' }) }
        : { method: 'POST', headers, body: JSON.stringify({ query: '{ partners(first: 5) { nodes { id code } } }' }) };
  const url = kind === 'read' ? `${base}/v1/partners?limit=5` : kind === 'write' ? `${base}/v1/partners` : `${base}/graphql`;
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_BOUND_MS) });
    const text = await res.text();
    let code: string | undefined;
    try {
      const body = JSON.parse(text);
      code = kind === 'graphql' ? body.errors?.[0]?.extensions?.code : body.code;
    } catch {
      /* not JSON */
    }
    return {
      kind,
      status: res.status,
      ms: Date.now() - started,
      code,
      retryAfter: res.headers.get('retry-after'),
      contentType: res.headers.get('content-type'),
      ...(partnerCode ? { partnerCode } : {}),
      at: started,
    };
  } catch (e) {
    // a request that did not answer within the bound (or a refused connection: the process is gone)
    return { kind, status: 0, ms: Date.now() - started, code: (e as Error).name, ...(partnerCode ? { partnerCode } : {}), at: started };
  }
}

describe.skipIf(inject('testDb').kind !== 'postgres')('database outage (PostgreSQL, through a TCP proxy)', () => {
  it('no crash, no hang, 503 DATABASE_UNAVAILABLE during the cut, /readyz 503 within 1 s, recovery, no partial write', async () => {
    expect(clone, 'needs PostgreSQL').toBeDefined();
    expect(exited, output).toBeUndefined();
    const outcomes: Outcome[] = [];
    let stop = false;
    let n = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const r = w % 3;
        const o = await call(r === 0 ? 'write' : r === 1 ? 'read' : w === 2 ? 'graphql' : 'read', r === 0 ? `OUT-${w}-${n++}` : undefined);
        outcomes.push(o);
        if (o.status !== 200 && o.status !== 201) await new Promise((res) => setTimeout(res, 50));
      }
    };
    const load = Array.from({ length: 10 }, (_, w) => worker(w));

    await new Promise((r) => setTimeout(r, 1_500));
    const cutAt = Date.now();
    await proxy.cut();
    await new Promise((r) => setTimeout(r, 1_000));
    // readiness while the database is away: 503 within a second
    const readyStarted = Date.now();
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(HANG_BOUND_MS) }).catch(() => undefined);
    const readyMs = Date.now() - readyStarted;
    await new Promise((r) => setTimeout(r, 3_000));
    await proxy.restore();
    const restoredAt = Date.now();

    // recovery: reads and writes succeed again without a restart
    let recoveredAt: number | undefined;
    for (let i = 0; i < 100 && !recoveredAt; i++) {
      const [r, w] = [await call('read'), await call('write', `OUT-REC-${i}`)];
      outcomes.push(w);
      if (r.status === 200 && w.status === 201) recoveredAt = Date.now();
      else await new Promise((res) => setTimeout(res, 100));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    stop = true;
    await Promise.all(load);

    expect(exited, `the server process exited:\n${output}`).toBeUndefined();
    expect(ready?.status).toBe(503);
    expect(ready?.headers.get('retry-after')).toBeTruthy();
    expect(readyMs).toBeLessThan(1_000);
    expect(recoveredAt, 'service did not recover within 10 s of the restore').toBeDefined();
    expect(recoveredAt! - restoredAt).toBeLessThan(10_000);

    if (process.env.OUTAGE_DEBUG) {
      const line = (o: Outcome) => `${o.at - cutAt}ms +${o.ms} ${o.kind} ${o.status} ${o.code ?? ''}`;
      console.log(
        `cut 0, restore ${restoredAt - cutAt}, recovered ${(recoveredAt ?? 0) - cutAt}\n` +
          outcomes
            .filter((o) => o.status !== 200 && o.status !== 201)
            .map(line)
            .join('\n') +
          '\n' +
          output,
      );
    }
    const during = outcomes.filter((o) => o.at >= cutAt + 200 && o.at < restoredAt - 200);
    const failures = outcomes.filter((o) => o.status !== 200 && o.status !== 201);
    expect(during.length).toBeGreaterThan(10);
    expect(failures.length).toBeGreaterThan(0);
    // never a hang, never a 500: each failure is a retryable 503 problem
    expect(outcomes.filter((o) => o.status === 0 || o.ms >= HANG_BOUND_MS)).toEqual([]);
    const rest = failures.filter((o) => o.kind !== 'graphql');
    expect(rest.filter((o) => o.status !== 503 || o.code !== 'DATABASE_UNAVAILABLE' || !o.retryAfter || !o.contentType?.includes('problem+json'))).toEqual([]);
    const gql = outcomes.filter((o) => o.kind === 'graphql' && o.code);
    expect(gql.length).toBeGreaterThan(0);
    expect(gql.filter((o) => o.code !== 'DATABASE_UNAVAILABLE')).toEqual([]);
    // requests during the cut fail fast (no wait for a connect timeout of several seconds on each)
    const slowDuring = during.filter((o) => o.status === 503 && o.ms > 2_500);
    expect(slowDuring.length).toBeLessThanOrEqual(during.length / 10);
    expect(outcomes.filter((o) => o.at > (recoveredAt ?? Infinity) && o.status !== 200 && o.status !== 201)).toEqual([]);

    // no partial write: per attempted partner, the row, its audit row and its event all exist or none does
    const direct = postgres(clone!.url, { max: 1, onnotice: () => {} });
    try {
      const writes = outcomes.filter((o) => o.kind === 'write');
      const codes = writes.map((o) => o.partnerCode!);
      const rows = await direct<{ code: string; audits: number; events: number }[]>`
        select p.code,
          (select count(*)::int from audit_log a where a.tenant_id = p.tenant_id and a.resource_type = 'partner' and a.resource_id = p.id::text) as audits,
          (select count(*)::int from events e where e.tenant_id = p.tenant_id and e.resource_type = 'partner' and e.resource_id = p.id::text) as events
        from partners p where p.tenant_id = 't1' and p.code = any(${codes})`;
      const stored = new Map(rows.map((r) => [r.code, r]));
      for (const o of writes) if (o.status === 201) expect(stored.has(o.partnerCode!), `${o.partnerCode} answered 201 but is missing`).toBe(true);
      expect(rows.filter((r) => r.audits !== 1 || r.events !== 1)).toEqual([]);
    } finally {
      await direct.end();
    }
  }, 60_000);
});
