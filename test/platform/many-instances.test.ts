/**
 * Many instances against one database (issue 13), for real: two API processes (`src/server.ts`, background work
 * off as behind a load balancer) and two worker processes (`src/worker.ts`), each a child process on its own port,
 * all on one cloned PostgreSQL database, under concurrent load:
 *  (a) the same Idempotency-Key sent at once to both APIs writes once (one row; both answers the same, one of them
 *      `idempotent-replayed`; a client that meets 409 IDEMPOTENCY_IN_PROGRESS retries after `Retry-After`);
 *  (b) every event of N writes spread over both APIs reaches a webhook receiver of the test exactly once (0 lost,
 *      0 duplicated) and in seq order per tenant, although both workers deliver;
 *  (c) a scheduled job that is due once runs once although both workers poll.
 * PostgreSQL only: an embedded PGlite database cannot be shared between processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../src/platform/tokens.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';
import { freePort } from '../helpers/tcp-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/**
 * The server and the worker bundled once by esbuild (a second, not the minute tsx takes to load the sources four
 * times on a busy 2-core machine); two levels below the root, as dist/ is, so that migrations/ resolves alike.
 */
const BUNDLE = resolve(ROOT, '.data', `many-instances-${randomBytes(4).toString('hex')}`);
const WRITES = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  name: string;
  child: ChildProcess;
  output: string;
  exited?: { code: number | null; signal: string | null };
  base?: string;
}

let clone: Awaited<ReturnType<typeof cloneTestDatabase>>;
let admin: postgres.Sql;
const procs: Proc[] = [];
let apis: string[] = [];
let receiverServer: Server | undefined;
/** per tenant (the receiver path), in arrival order */
const received = new Map<string, { id: string; seq: number }[]>();
const tokens: Record<string, string> = {};

function bundle(): void {
  const esbuild = resolve(ROOT, 'node_modules', 'esbuild', 'bin', 'esbuild');
  const r = spawnSync(
    esbuild,
    [
      'src/server.ts',
      'src/worker.ts',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--packages=external',
      `--outdir=${BUNDLE}`,
      '--out-extension:.js=.mjs',
      '--log-level=error',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
}

function start(name: string, script: 'server' | 'worker', env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [resolve(BUNDLE, `${script}.mjs`)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: clone!.url,
      DATABASE_POOL_MAX: '6',
      RATE_LIMIT_MAX: '0',
      JWT_SECRET: TEST_SECRET,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      WORKER_POLL_MS: '200',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = { name, child, output: '' };
  child.stdout!.on('data', (d) => (p.output += d));
  child.stderr!.on('data', (d) => (p.output += d));
  child.on('exit', (code, signal) => (p.exited = { code, signal }));
  procs.push(p);
  return p;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = procs.find((p) => p.exited);
    if (dead) throw new Error(`${dead.name} exited (${JSON.stringify(dead.exited)}): ${dead.output.slice(-2000)}`);
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

beforeAll(async () => {
  clone = await cloneTestDatabase();
  if (!clone) return;
  admin = postgres(clone.url, { max: 2, onnotice: () => {} });
  bundle();
  // the webhook receiver: one path per tenant, answers 200 at once
  receiverServer = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const tenant = (req.url ?? '').split('/').pop()!;
      const list = received.get(tenant) ?? [];
      received.set(tenant, list);
      list.push({ id: String(req.headers['webhook-id']), seq: Number((JSON.parse(body) as { seq: string }).seq) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiverServer!.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiverServer.address() as AddressInfo).port}/hook`;

  // all four processes start at once, as a deployment does (each runs the migration check and the wall's grants)
  const t0 = Date.now();
  const ports = [await freePort(), await freePort()];
  apis = ports.map((p) => `http://127.0.0.1:${p}`);
  start('api-1', 'server', { PORT: String(ports[0]), INTEGRATION_WORKERS: 'false' });
  start('api-2', 'server', { PORT: String(ports[1]), INTEGRATION_WORKERS: 'false' });
  const w1 = start('worker-1', 'worker', { LOG_LEVEL: 'info' });
  const w2 = start('worker-2', 'worker', { LOG_LEVEL: 'info' });
  for (const base of apis)
    await until(`${base}/readyz`, async () => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) })).status === 200, 180_000, 200);
  for (const w of [w1, w2]) await until(`${w.name} started`, async () => w.output.includes('worker started'), 180_000, 200);
  console.log(`[many-instances] 2 APIs and 2 workers ready in ${Date.now() - t0} ms`);

  for (const tenant of ['t1', 't2']) {
    tokens[tenant] = await mintToken(TEST_SECRET, { tenant, scope: 'admin', sub: `many-${tenant}` });
    const res = await fetch(`${apis[0]}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[tenant]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${hook}/${tenant}`, eventTypes: ['*'] }),
    });
    expect(res.status).toBe(201);
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(
    procs.map(async (p) => {
      if (p.exited) return;
      p.child.kill('SIGTERM');
      await Promise.race([new Promise((r) => p.child.once('exit', r)), sleep(10_000)]);
      if (!p.exited) p.child.kill('SIGKILL');
    }),
  );
  await new Promise<void>((r) => (receiverServer ? receiverServer.close(() => r()) : r()));
  await admin?.end();
  await clone?.drop();
  rmSync(BUNDLE, { recursive: true, force: true });
}, 60_000);

interface Answer {
  status: number;
  body: string;
  replayed: boolean;
  retries: number;
}

/** POST a partner; a 409 IDEMPOTENCY_IN_PROGRESS is retried after Retry-After, as the contract tells a client to */
async function postPartner(base: string, tenant: string, code: string, key?: string): Promise<Answer> {
  for (let retries = 0; ; retries++) {
    const res = await fetch(`${base}/v1/partners`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens[tenant]}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify({ code, legalName: `${code} Ltd.`, type: 'dealer' }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.text();
    if (res.status === 409 && key && JSON.parse(body).code === 'IDEMPOTENCY_IN_PROGRESS' && retries < 50) {
      await sleep(Math.min(Number(res.headers.get('retry-after') ?? 1) * 1000, 250));
      continue;
    }
    return { status: res.status, body, replayed: res.headers.get('idempotent-replayed') === 'true', retries };
  }
}

describe.skipIf(inject('testDb').kind !== 'postgres')('many instances on one database (PostgreSQL only: PGlite cannot be shared between processes)', () => {
  it('under load: one Idempotency-Key writes once across both APIs, every event is delivered exactly once and in order per tenant', async (ctx) => {
    if (!clone) return ctx.skip('PostgreSQL only: an embedded PGlite database cannot be shared between processes');
    // (b) the load: WRITES partner creations over both APIs and both tenants, 8 at a time
    let next = 0;
    const statuses: number[] = [];
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < WRITES) {
          const i = next++;
          const a = await postPartner(apis[i % 2]!, i % 3 === 0 ? 't2' : 't1', `MANY-${i}`);
          statuses.push(a.status);
        }
      }),
    );
    // (a) meanwhile: ten keys, each sent at the same moment to both APIs
    const pairs = await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        await sleep(k * 30);
        return Promise.all(apis.map((base) => postPartner(base, 't1', `IDEM-${k}`, `many-idem-${k}`)));
      }),
    );
    await load;
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(statuses).toHaveLength(WRITES);

    for (const [k, pair] of pairs.entries()) {
      expect(
        pair.map((a) => a.status),
        `key ${k}`,
      ).toEqual([201, 201]);
      expect(pair[0]!.body, `key ${k}`).toBe(pair[1]!.body);
      expect(
        pair.filter((a) => a.replayed),
        `key ${k}`,
      ).toHaveLength(1);
    }
    const idem = await admin<{ code: string; n: number }[]>`
      select code, count(*)::int as n from partners where tenant_id = 't1' and code like 'IDEM-%' group by code order by code`;
    expect(idem).toHaveLength(10);
    expect(idem.filter((r) => r.n !== 1)).toEqual([]);
    const keys = await admin<{ n: number }[]>`select count(*)::int as n from idempotency_keys where key like '%many-idem-%'`;
    expect(keys[0]!.n).toBe(10);
    const events = await admin<{ n: number }[]>`select count(*)::int as n from events where type = 'partner.created' and resource_id in
      (select id::text from partners where code like 'IDEM-%')`;
    expect(events[0]!.n).toBe(10);

    // (b) every event of each tenant reaches the receiver once, in seq order
    const expected = new Map<string, { id: string; seq: number }[]>();
    for (const tenant of ['t1', 't2'])
      expected.set(tenant, await admin<{ id: string; seq: number }[]>`select id::text, seq::int from events where tenant_id = ${tenant} order by seq`);
    expect(expected.get('t1')!.length + expected.get('t2')!.length).toBeGreaterThanOrEqual(WRITES + 10);
    await until('every event delivered', async () => ['t1', 't2'].every((t) => (received.get(t)?.length ?? 0) >= expected.get(t)!.length), 60_000, 200);
    // let a late duplicate show up, if any
    await sleep(1_000);
    for (const tenant of ['t1', 't2']) {
      const got = received.get(tenant)!;
      const want = expected.get(tenant)!;
      const ids = got.map((g) => g.id);
      expect(new Set(ids).size, `${tenant}: duplicates`).toBe(ids.length);
      expect(ids.length, `${tenant}: count`).toBe(want.length);
      expect(ids, `${tenant}: lost or out of order`).toEqual(want.map((w) => w.id));
      expect(got.map((g) => g.seq)).toEqual(want.map((w) => Number(w.seq)));
    }
    const deliveries = await admin<{ status: string; n: number }[]>`select status, count(*)::int as n from webhook_deliveries group by status`;
    expect(deliveries).toEqual([{ status: 'succeeded', n: expected.get('t1')!.length + expected.get('t2')!.length }]);
    const attempts = await admin<{ n: number }[]>`select count(*)::int as n from webhook_attempts`;
    expect(attempts[0]!.n).toBe(deliveries[0]!.n);
  }, 120_000);

  it('a scheduled job that is due once runs once although both workers poll', async (ctx) => {
    if (!clone) return ctx.skip('PostgreSQL only: an embedded PGlite database cannot be shared between processes');
    const runs = async () =>
      (await admin<{ runs: number; owner: string }[]>`select runs::int, last_owner as owner from scheduled_jobs where name = 'agreement-sweep'`)[0];
    // both workers started and polled every 200 ms: the first round ran in one of them only
    expect((await runs())!.runs).toBe(1);
    for (let round = 2; round <= 4; round++) {
      await admin`update scheduled_jobs set next_run_at = now() where name = 'agreement-sweep'`;
      await until(`round ${round}`, async () => ((await runs())!.runs >= round ? true : undefined), 20_000, 50);
      // ten poll periods of each worker: nobody runs it again
      await sleep(2_000);
      expect((await runs())!.runs).toBe(round);
    }
    expect(['worker-1', 'worker-2'].every((w) => procs.find((p) => p.name === w)!.exited === undefined)).toBe(true);
  }, 60_000);
});
