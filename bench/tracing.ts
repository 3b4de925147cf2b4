/**
 * bench/tracing: what OpenTelemetry tracing (OTEL_ENABLED) costs. Two copies of the service as `npm start` runs it
 * (dist/server.js, built first when stale) on the same scratch database, one with tracing off and one with it on,
 * exporting over OTLP/HTTP to a receiver in this process on loopback that reads and discards every batch. In the
 * same run, alternating between the two (ROUNDS rounds, so load on the machine falls on both alike):
 *   - REST list of 50 partners (GET /v1/partners?limit=50): one HTTP span and its SQL spans
 *   - GraphQL 20 partners with parent and children: an HTTP span, a GraphQL span and the SQL spans
 * Prints req/s and p99 of each and the ratios on/off.
 *   npx tsx bench/tracing.ts          DURATION=5 CONNECTIONS=10 ROUNDS=2 npx tsx bench/tracing.ts
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { mintToken } from '../src/platform/tokens.js';
import { scratchDatabase, seedCatalog, serverArgs } from './lib/db.js';

const duration = Number(process.env.DURATION ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 10);
const rounds = Number(process.env.ROUNDS ?? 2);
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const log = (m: string) => process.stderr.write(`[bench:tracing] ${m}\n`);

async function start(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, serverArgs(), { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

type Req = { method?: 'GET' | 'POST'; path: string; body?: string };
async function load(port: number, req: Req, token: string) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${req.path}`,
    connections,
    duration,
    method: req.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(req.body ? { 'content-type': 'application/json' } : {}) },
    ...(req.body ? { body: req.body } : {}),
  });
  return { requests: r.requests.total, seconds: r.duration, p99: r.latency.p99, bad: r.non2xx + r.errors };
}

// the OTLP receiver: reads each batch and answers 200 (an empty ExportTraceServiceResponse)
let batches = 0;
let bytes = 0;
const receiver = createServer((req, res) => {
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () => {
    batches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const scratch = await scratchDatabase(`bench_tracing_${process.pid}`);
const servers: ChildProcess[] = [];
try {
  log('seeding 2,000 partners (every tenth the parent of the next nine)');
  const sql = scratch.database.client!;
  await seedCatalog(sql, 'bench', 2_000, 10);
  await sql`update partners c set parent_id = p.id from partners p
    where c.tenant_id = 'bench' and p.tenant_id = 'bench' and p.code = 'P' || lpad(((substr(c.code, 2)::int / 10) * 10)::text, 5, '0') and p.id <> c.id`;
  await sql`analyze`;
  const env = {
    DATABASE_URL: scratch.url,
    JWT_SECRET: SECRET,
    DATABASE_POOL_MAX: String(connections),
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    NODE_ENV: 'production',
    RATE_LIMIT_MAX: '100000000',
  };
  servers.push(await start({ ...env, OTEL_ENABLED: 'false' }, 23401));
  servers.push(await start({ ...env, OTEL_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: otlp }, 23402));
  const token = await mintToken(SECRET, { tenant: 'bench', scope: 'partners:read', ttl: '1h' });
  const list: Req = { path: '/v1/partners?limit=50' };
  const gql: Req = {
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: '{ partners(first: 20) { nodes { code legalName parent { code } children { code } } } }' }),
  };
  const total = { listOff: [0, 0], listOn: [0, 0], gqlOff: [0, 0], gqlOn: [0, 0] } as Record<string, [number, number]>;
  const p99 = { listOff: 0, listOn: 0, gqlOff: 0, gqlOn: 0 } as Record<string, number>;
  let bad = 0;
  const run = async (key: string, port: number, req: Req) => {
    const r = await load(port, req, token);
    total[key]![0] += r.requests;
    total[key]![1] += r.seconds;
    p99[key] = Math.max(p99[key]!, r.p99);
    bad += r.bad;
  };
  for (let i = 0; i < rounds; i++) {
    log(`round ${i + 1}/${rounds}: ${duration} s a run, ${connections} connections`);
    await run('listOff', 23401, list);
    await run('listOn', 23402, list);
    await run('gqlOff', 23401, gql);
    await run('gqlOn', 23402, gql);
  }
  const rps = (k: string) => Math.round(total[k]![0] / total[k]![1]);
  const row = (name: string, k: string) => `${name.padEnd(40)} ${String(rps(k)).padStart(7)} req/s   p99 ${String(p99[k]).padStart(4)} ms`;
  console.log(row('REST list of 50, tracing off', 'listOff'));
  console.log(row('REST list of 50, tracing on (OTLP)', 'listOn'));
  console.log(row('GraphQL 20 partners + relations, off', 'gqlOff'));
  console.log(row('GraphQL 20 partners + relations, on', 'gqlOn'));
  console.log(
    JSON.stringify({
      ratio: { restListOnVsOff: +(rps('listOn') / rps('listOff')).toFixed(2), graphqlOnVsOff: +(rps('gqlOn') / rps('gqlOff')).toFixed(2) },
      exported: { batches, kilobytes: Math.round(bytes / 1024) },
      non2xxOrErrors: bad,
    }),
  );
  if (batches === 0) throw new Error('tracing on exported nothing: the comparison would be meaningless');
} finally {
  for (const s of servers) s.kill('SIGTERM');
  receiver.close();
  await scratch.drop();
}
