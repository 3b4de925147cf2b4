/**
 * GET /v1/partners/:id through the whole service (JWT auth with the verified-token cache, tenant scoping,
 * prepared drizzle read, zod serialisation, request log line) against the bare stack (fastify + postgres.js,
 * prepared, no auth, no log) on the same data, measured in the same run. Prints req/s, p99 and the ratio.
 *
 *   npm run bench:reads [-- --duration 10 --connections 50]
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { mintToken } from '../../src/platform/tokens.js';
import { scratchDatabase, seedCatalog } from '../lib/db.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';

const log = (m: string) => process.stderr.write(`[bench:reads] ${m}\n`);

async function start(args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status < 500) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`server ${args.join(' ')} did not start`);
}

async function load(port: number, ids: string[], token?: string) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [
      {
        setupRequest: (req: any) => {
          req.path = `/v1/partners/${ids[Math.floor(Math.random() * ids.length)]}`;
          if (token) req.headers = { ...(req.headers ?? {}), authorization: `Bearer ${token}` };
          return req;
        },
      },
    ],
  });
  return { rps: Math.round(r.requests.total / r.duration), p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const scratch = await scratchDatabase(`bench_reads_${process.pid}`);
try {
  log('seeding 10,000 partners');
  await seedCatalog(scratch.database.client!, 'bench', 10_000, 10);
  const ids = (await scratch.database.client!<{ id: string }[]>`select id from partners where tenant_id = 'bench'`).map((r) => r.id);

  log(`bare stack: ${duration}s, ${connections} connections`);
  const bare = await start(['bench/reads/bare-server.ts'], { DATABASE_URL: scratch.url, POOL: String(connections) }, 23101);
  const base = await load(23101, ids);
  bare.kill();

  log(`service: ${duration}s, ${connections} connections`);
  const svc = await start(
    ['src/server.ts'],
    { DATABASE_URL: scratch.url, JWT_SECRET: SECRET, DATABASE_POOL_MAX: String(connections), LOG_LEVEL: 'warn', SEED_DEMO: 'false', NODE_ENV: 'production' },
    23102,
  );
  const token = await mintToken(SECRET, { tenant: 'bench', scope: 'partners:read', ttl: '1h' });
  const full = await load(23102, ids, token);
  svc.kill('SIGTERM');

  const row = (name: string, r: typeof base) =>
    `${name.padEnd(34)} ${String(r.rps).padStart(8)} req/s   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(row('bare fastify + postgres.js', base));
  console.log(row('Channel API GET /v1/partners/:id', full));
  console.log(`ratio service / bare: ${(full.rps / base.rps).toFixed(2)}`);
} finally {
  await scratch.drop();
}
