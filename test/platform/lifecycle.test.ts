/**
 * Process lifecycle as a process manager sees it: SIGTERM to `npm start` / `npm run worker` (the npm process,
 * not node) reaches the server, which stops taking connections, finishes the request in flight (a streamed
 * import still sending its body) and exits; nothing is left running and the port is closed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mintToken } from '../../src/platform/tokens.js';
import { cloneTestDatabase, TEST_SECRET } from '../helpers/app.js';
import { freePort } from '../helpers/tcp-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const onPostgres = inject('testDb').kind === 'postgres';
let clone: Awaited<ReturnType<typeof cloneTestDatabase>>;
const started: ChildProcess[] = [];

beforeAll(async () => {
  if (onPostgres) clone = await cloneTestDatabase();
  // npm start / npm run worker compile src/ first when dist/ is stale: once here, not inside a test's wait (nor
  // twice at once by the two of them)
  if (onPostgres) await promisify(execFile)(process.execPath, [resolve(ROOT, 'scripts', 'build-if-stale.mjs')], { cwd: ROOT });
}, 600_000);
afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await clone?.drop();
});

function npm(script: string, env: Record<string, string>) {
  const child = spawn('npm', script === 'start' ? ['start'] : ['run', script], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: clone!.url, JWT_SECRET: TEST_SECRET, SEED_DEMO: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exit, output: () => output };
}

/** pids of the process's descendants (npm -> node), read from /proc */
async function descendants(pid: number): Promise<number[]> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) {
      if (pp !== p) continue;
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!onPostgres)('SIGTERM to npm start / npm run worker', () => {
  it('npm start: finishes the import in flight, refuses new connections, exits 0; no process left, port closed', async () => {
    const port = await freePort();
    const server = npm('start', { PORT: String(port), HOST: '127.0.0.1' });
    await until(
      async () => {
        if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
        return fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      90_000,
      'the server to be ready',
    );
    const token = await mintToken(TEST_SECRET, { tenant: 't1', scope: 'admin', sub: 'lifecycle' });

    // an import whose body is still streaming when SIGTERM arrives
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/partners:import',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', connection: 'close' },
    });
    const response = new Promise<{ status: number; body: string }>((res, rej) => {
      req.on('response', (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => res({ status: r.statusCode!, body }));
      });
      req.on('error', rej);
    });
    req.write('{"code":"LIFE-1","legalName":"Life One Ltd.","type":"dealer"}\n');
    await new Promise((r) => setTimeout(r, 300));
    const node = await descendants(server.child.pid!);
    expect(node.length).toBeGreaterThan(0);
    server.child.kill('SIGTERM'); // to npm, as a process manager does
    await new Promise((r) => setTimeout(r, 500));
    // no new connections while it finishes
    const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(refused);
    req.end('{"code":"LIFE-2","legalName":"Life Two Ltd.","type":"dealer"}\n');
    const res = await response;
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ rowsRead: 2, accepted: 2, created: 2 });

    const exit = await Promise.race([server.exit, new Promise((r) => setTimeout(() => r('still running'), 25_000))]);
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    await until(() => node.every((p) => !alive(p)), 5_000, 'the node process to be gone');
    expect(server.output()).toContain('"signal":"SIGTERM"');
    const after = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(after).toBe('refused');
  }, 120_000);

  it('npm run worker: stops its background work and exits 0; no process left', async () => {
    const worker = npm('worker', { WORKER_POLL_MS: '200' });
    await until(
      () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.output()}`);
        return worker.output().includes('worker started');
      },
      90_000,
      'the worker to start',
    );
    const node = await descendants(worker.child.pid!);
    expect(node.length).toBeGreaterThan(0);
    worker.child.kill('SIGTERM');
    const exit = await Promise.race([worker.exit, new Promise((r) => setTimeout(() => r('still running'), 25_000))]);
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });
    await until(() => node.every((p) => !alive(p)), 5_000, 'the worker process to be gone');
    expect(worker.output()).toContain('worker stopping');
  }, 120_000);
});
