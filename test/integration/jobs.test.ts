import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireScope } from '../../src/platform/actor.js';
import { importsOf, type ImportSpecFactory } from '../../src/platform/imports.js';
import { setupTestApp, type TestApp } from '../helpers/app.js';

/**
 * A table-free import kind for these tests: each accepted row is written as an audit row (resource 'echo'), so
 * what an import committed can be counted. Rows with n < 0 are refused by writeBatch (like an unknown reference).
 * `gate` stops the first batch that starts at a given line until released (a worker that hangs or dies there).
 */
let gate: { line: number; reached: () => void; wait: Promise<void> } | undefined;
const echoKind: ImportSpecFactory = (actor) => {
  requireScope(actor, 'echo:write');
  return {
    schema: z.object({ code: z.string().min(1), n: z.coerce.number().int() }),
    batchSize: 5,
    key: (r) => r.code,
    async writeBatch(w, rows) {
      if (gate && rows[0]!.line === gate.line) {
        const g = gate;
        gate = undefined;
        g.reached();
        await g.wait;
      }
      const errors = rows.filter((r) => r.value.n < 0).map((r) => ({ line: r.line, path: 'n', message: 'must not be negative' }));
      for (const r of rows)
        if (r.value.n >= 0) w.audit({ resourceType: 'echo', resourceId: r.value.code, action: 'import', before: null, after: { n: r.value.n } });
      return { created: rows.length - errors.length, updated: 0, errors };
    },
  };
};

let t: TestApp;
const now = Date.parse('2026-04-01T00:00:00Z');
beforeAll(async () => {
  t = await setupTestApp();
  importsOf(t.app.store).register('test.echo', echoKind); // import kinds are per app instance
  t.app.services.integration.settings.clock = { now: () => new Date(now) };
});
afterAll(async () => t?.close());

/** 20 rows (line 7 refused by writeBatch) and a broken line 21 */
const ndjson = (prefix: string) =>
  Array.from({ length: 20 }, (_, i) => JSON.stringify({ code: `${prefix}-${i + 1}`, n: i + 1 === 7 ? -1 : i + 1 })).join('\n') + '\n{broken\n';

const echoCounts = async (tenant: string) =>
  t.database.rows<{ resource_id: string; n: number }>(
    sql`select resource_id, count(*)::int as n from audit_log where tenant_id = ${tenant} and resource_type = 'echo' group by resource_id`,
  );

const post = async (tenant: string, body: string, query = 'async=true', scope = 'admin') =>
  t.app.inject({
    method: 'POST',
    url: `/v1/imports/test.echo?${query}`,
    headers: { authorization: `Bearer ${await t.token({ tenant, scope })}`, 'content-type': 'application/x-ndjson' },
    payload: body,
  });

const setGate = (line: number) => {
  let release!: () => void;
  let reached!: () => void;
  const wait = new Promise<void>((r) => (release = r));
  const isReached = new Promise<void>((r) => (reached = r));
  gate = { line, reached, wait };
  return { release, reached: isReached };
};

describe('asynchronous import jobs', () => {
  it('?async=true answers 202 with a job; the worker runs it with progress, report and an import.finished event', async () => {
    const res = await post('jobs-1', ndjson('A'));
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    expect(res.headers.location).toBe(`/v1/jobs/${jobId}`);
    const c = t.client(await t.token({ tenant: 'jobs-1' }));
    const queued = (await c.get(`/v1/jobs/${jobId}`)).data;
    expect(queued).toMatchObject({ status: 'queued', importKind: 'test.echo', format: 'ndjson', progress: { rowsRead: 0 } });
    expect(queued.bytes).toBe(Buffer.byteLength(ndjson('A')));

    const worker = t.app.services.integration.createJobWorker();
    if (t.database.kind === 'postgres') {
      // (PGlite runs one transaction at a time: a read cannot look in while a batch is open)
      const g = setGate(11);
      const run = worker.runNext();
      await g.reached;
      const mid = (await c.get(`/v1/jobs/${jobId}`)).data;
      expect(mid.status).toBe('running');
      expect(mid.progress).toEqual({ rowsRead: 10, accepted: 9, rejected: 1 });
      expect(mid.committed).toEqual({ throughLine: 10, accepted: 9, created: 9, updated: 0, unchanged: 0 });
      g.release();
      expect(await run).toBe(true);
    } else {
      expect(await worker.runNext()).toBe(true);
    }

    const done = (await c.get(`/v1/jobs/${jobId}`)).data;
    expect(done.status).toBe('succeeded');
    expect(done.progress).toEqual({ rowsRead: 21, accepted: 19, rejected: 2 });
    expect(done.result).toMatchObject({ rowsRead: 21, accepted: 19, rejected: 2, created: 19, committed: true });
    expect(done.errors.map((e: any) => e.line)).toEqual([7, 21]);
    expect(done.finishedAt).not.toBeNull();
    const counts = await echoCounts('jobs-1');
    expect(counts).toHaveLength(19);
    expect(counts.every((r) => r.n === 1)).toBe(true);
    const ev = (await c.get('/v1/events?types=import.finished')).data.data;
    expect(ev).toHaveLength(1);
    expect(ev[0].payload).toMatchObject({ jobId, status: 'succeeded', accepted: 19, rejected: 2, created: 19 });
    expect(Number((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from job_chunks where job_id = ${jobId}`))[0]!.n)).toBe(0);
    const g2 = await c.gql(`query($id: ID!) { job(id: $id) { status progress { rowsRead accepted rejected } result } }`, { id: jobId });
    expect(g2.data.job).toMatchObject({ status: 'succeeded', progress: { rowsRead: 21, accepted: 19, rejected: 2 } });
  });

  it('a job whose worker died mid-run is resumed after its checkpoint by another worker: every row applied once', async (ctx) => {
    if (t.database.kind !== 'postgres') ctx.skip(); // a hung worker holds PGlite's only connection
    const { jobId } = (await post('jobs-2', ndjson('B'))).json();
    const g = setGate(11);
    const lease = 30_000;
    const a = t.app.services.integration.createJobWorker({ leaseMs: lease, clock: { now: () => new Date(now) } });
    const runA = a.runNext(); // hangs in its third batch (a worker that stopped responding)
    await g.reached;
    const later = { now: () => new Date(now + lease + 1000) };
    const b = t.app.services.integration.createJobWorker({ leaseMs: lease, clock: later });
    expect(await b.runNext()).toBe(true);
    const c = t.client(await t.token({ tenant: 'jobs-2' }));
    const done = (await c.get(`/v1/jobs/${jobId}`)).data;
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.result).toMatchObject({ rowsRead: 21, accepted: 19, rejected: 2, created: 19 });
    expect(done.errors.map((e: any) => e.line)).toEqual([7, 21]); // line 7 was refused before the takeover
    // the stale worker wakes up: its batch cannot commit (its lease is gone)
    g.release();
    await runA;
    const counts = await echoCounts('jobs-2');
    expect(counts).toHaveLength(19);
    expect(counts.every((r) => r.n === 1)).toBe(true);
    expect((await c.get(`/v1/jobs/${jobId}`)).data.status).toBe('succeeded');
  });

  it('a job that keeps dying is marked failed, reporting exactly what was committed', async (ctx) => {
    if (t.database.kind !== 'postgres') ctx.skip(); // a hung worker holds PGlite's only connection
    const { jobId } = (await post('jobs-3', ndjson('C'))).json();
    const g = setGate(16);
    const lease = 30_000;
    const a = t.app.services.integration.createJobWorker({ leaseMs: lease, clock: { now: () => new Date(now) } });
    const runA = a.runNext();
    await g.reached;
    const b = t.app.services.integration.createJobWorker({ leaseMs: lease, maxAttempts: 1, clock: { now: () => new Date(now + lease + 1000) } });
    expect(await b.runNext()).toBe(true);
    g.release();
    await runA;
    const c = t.client(await t.token({ tenant: 'jobs-3' }));
    const job = (await c.get(`/v1/jobs/${jobId}`)).data;
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/committed through line 15/);
    expect(job.committed).toEqual({ throughLine: 15, accepted: 14, created: 14, updated: 0, unchanged: 0 });
    expect(job.errors.map((e: any) => e.line)).toEqual([7]);
    expect(await echoCounts('jobs-3')).toHaveLength(14); // lines 1-15 less the refused line 7, nothing more
    const ev = (await c.get('/v1/events?types=import.finished')).data.data;
    expect(ev[0].payload).toMatchObject({ jobId, status: 'failed', accepted: 14, created: 14 });
  });

  it('all-or-nothing async jobs write nothing when a row is rejected; dry runs never write', async () => {
    const aon = (await post('jobs-4', ndjson('D'), 'async=true&allOrNothing=true')).json();
    const dry = (await post('jobs-4', ndjson('E').split('\n').slice(0, 3).join('\n'), 'async=true&dryRun=true')).json();
    await t.app.services.integration.createJobWorker().drain();
    const c = t.client(await t.token({ tenant: 'jobs-4' }));
    const j1 = (await c.get(`/v1/jobs/${aon.jobId}`)).data;
    expect(j1).toMatchObject({ status: 'succeeded', allOrNothing: true, result: { committed: false, accepted: 0, rejected: 2, created: 0 } });
    const j2 = (await c.get(`/v1/jobs/${dry.jobId}`)).data;
    expect(j2).toMatchObject({ status: 'succeeded', dryRun: true, result: { committed: false, accepted: 3, rejected: 0 } });
    expect(await echoCounts('jobs-4')).toHaveLength(0);
  });

  it('runs synchronously without async, checks scopes before reading, and keeps jobs to their owner or jobs:read', async () => {
    const sync = await post('jobs-5', ndjson('F'), 'dryRun=false');
    expect(sync.statusCode).toBe(200);
    expect(sync.json()).toMatchObject({ accepted: 19, rejected: 2 });
    expect((await post('jobs-5', ndjson('G'), 'async=true', 'partners:write')).statusCode).toBe(403);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/nope.nothing?async=true',
      headers: { authorization: `Bearer ${await t.token({ tenant: 'jobs-5' })}`, 'content-type': 'application/x-ndjson' },
      payload: '{}\n',
    });
    expect(unknown.statusCode).toBe(404);
    const { jobId } = (await post('jobs-5', ndjson('H'), 'async=true', 'echo:write')).json();
    const owner = t.client(await t.token({ tenant: 'jobs-5', scope: 'echo:write' }));
    expect((await owner.get(`/v1/jobs/${jobId}`)).statusCode).toBe(200);
    const stranger = t.client(await t.token({ tenant: 'jobs-5', scope: 'echo:write', sub: 'someone-else' }));
    expect((await stranger.get(`/v1/jobs/${jobId}`)).statusCode).toBe(404);
    const reader = t.client(await t.token({ tenant: 'jobs-5', scope: 'jobs:read', sub: 'ops' }));
    expect((await reader.get(`/v1/jobs/${jobId}`)).statusCode).toBe(200);
    expect((await reader.get('/v1/jobs')).data.data.map((j: any) => j.id)).toContain(jobId);
    expect((await t.client(await t.token({ tenant: 'other' })).get(`/v1/jobs/${jobId}`)).statusCode).toBe(404);
    expect((await reader.get('/v1/imports')).data.data).toContain('test.echo');
    await t.app.services.integration.createJobWorker().drain();
  });

  it('with the in-process workers started (as the server does), a job runs by itself and import.finished reaches a webhook', async () => {
    const got: { id: string; body: any }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ id: String(req.headers['webhook-id']), body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const svc = t.app.services.integration;
    const saved = svc.settings.clock;
    svc.settings.clock = { now: () => new Date() };
    const stop = svc.startWorkers({ dispatcher: { clock: svc.settings.clock, pollMs: 100 }, jobs: { clock: svc.settings.clock, pollMs: 100 } });
    try {
      const c = t.client(await t.token({ tenant: 'jobs-6' }));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      expect((await c.post('/v1/webhooks', { url, eventTypes: ['import.finished'] })).statusCode).toBe(201);
      const { jobId } = (await post('jobs-6', ndjson('W'))).json();
      const deadline = Date.now() + 15_000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(got).toHaveLength(1);
      expect(got[0]!.body).toMatchObject({ type: 'import.finished', resourceId: jobId, data: { jobId, status: 'succeeded', accepted: 19 } });
      expect((await c.get(`/v1/jobs/${jobId}`)).data.status).toBe('succeeded');
    } finally {
      await stop();
      svc.settings.clock = saved;
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
