/**
 * bench/promotion: what a point read leaves to the old generation. The service's single read (`GET /v1/partners/:id`
 * as bench/lists runs it: JWT auth, tenant scope, read lanes, logging) against the bare handler (fastify + postgres.js,
 * a prepared tagged read), each under the same load in turn, both servers run with V8's `--trace-gc-nvp`: for every
 * young collection during the load V8 prints the bytes it `promoted` (objects that survived two young collections,
 * left for a full mark-compact to free) and what it `allocated` since the last one. Prints, per server and round,
 * the promoted and allocated bytes per request and the young and full collections per 1,000 requests, and the
 * service's promoted bytes per read against the bare handler's (`promotedRatio`; the bare one promotes next to
 * nothing, so the difference in bytes is the figure to read).
 *
 * Why it matters (bench/README, "Garbage collection"): with the server's `--heap-growing-percent=25` every ~20 MB
 * promoted runs a full mark-compact of the live heap (~60 MB), on the main thread and V8's helper threads: at
 * ~4 KB a read that was ~11% of the server's main thread and ~40 us a read on the helpers.
 *   npx tsx bench/promotion.ts      (5 s a run, 20 connections, 3 rounds)      DURATION=10 ROUNDS=5 npx tsx bench/promotion.ts
 * `READ=list` measures the REST list of 50 instead (both servers), `READ=graphql` the service's GraphQL page of 50
 * partners with parent and children (bench/lists' page) against the bare list (the data has parents then).
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops. The service runs from dist/ (built first when stale), as `npm start` runs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { scratchDatabase, serverArgs } from './lib/db.js';
import { BARE_SERVER, cannonRequests, GRAPHQL_PAGE, LIST_PATH, readToken, seedReads, serviceEnv, type ReadRequest } from './lib/reads.js';

const duration = Number(process.env.DURATION ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 20);
const rounds = Number(process.env.ROUNDS ?? 3);
const read = (process.env.READ ?? 'point') as 'point' | 'list' | 'graphql';
if (!['point', 'list', 'graphql'].includes(read)) throw new Error(`READ must be point, list or graphql, not ${read}`);
const log = (m: string) => process.stderr.write(`[bench:promotion] ${m}\n`);

/** A server whose young and full collections are counted from its `--trace-gc-nvp` lines while `counting` is on. */
interface Server {
  child: ChildProcess;
  port: number;
  gc: { promoted: number; allocated: number; young: number; full: number };
  counting: boolean;
}

async function start(args: string[], env: Record<string, string>, port: number): Promise<Server> {
  const child = spawn(process.execPath, ['--trace-gc-nvp', ...args], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server: Server = { child, port, gc: { promoted: 0, allocated: 0, young: 0, full: 0 }, counting: false };
  // V8 writes its lines to stdout, among the service's log lines; only the collections' lines are read
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!server.counting || !line.includes('gc=')) return;
    const field = (name: string) => Number(new RegExp(`\\s${name}=(\\d+)`).exec(line)?.[1] ?? 0);
    if (/\sgc=s\s/.test(line)) {
      server.gc.young++;
      server.gc.promoted += field('promoted');
      server.gc.allocated += field('allocated');
    } else if (/\sgc=(mc|ms)\s/.test(line)) server.gc.full++;
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v1/partners/00000000-0000-7000-8000-000000000000`)).status < 500) return server;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`server ${args.join(' ')} did not start`);
}

async function load(server: Server, req: ReadRequest, token?: string) {
  const run = (seconds: number) => autocannon({ url: `http://127.0.0.1:${server.port}`, connections, duration: seconds, requests: cannonRequests(req, token) });
  await run(1); // warm up: compiled code and the young generation's size settle first
  server.gc = { promoted: 0, allocated: 0, young: 0, full: 0 };
  server.counting = true;
  const a = await run(duration);
  server.counting = false;
  const n = Math.max(1, a.requests.total);
  return {
    rps: Math.round(a.requests.total / a.duration),
    non2xx: a.non2xx,
    promotedPerRequest: Math.round(server.gc.promoted / n),
    allocatedPerRequest: Math.round(server.gc.allocated / n),
    youngPer1000: +((server.gc.young * 1000) / n).toFixed(1),
    fullPer1000: +((server.gc.full * 1000) / n).toFixed(2),
  };
}

execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const scratch = await scratchDatabase(`bench_promotion_${process.pid}`);
try {
  log(
    `seeding 10,000 partners; measuring ${read === 'point' ? 'a point read' : read === 'list' ? 'the REST list of 50' : 'the GraphQL page of 50 with parent and children (against the bare list)'}`,
  );
  const one = await seedReads(scratch.database.client!, read === 'graphql');
  const bareRead: ReadRequest = { path: read === 'point' ? one : () => LIST_PATH };
  const serviceRead: ReadRequest = read === 'graphql' ? { method: 'POST', path: () => '/graphql', body: GRAPHQL_PAGE } : bareRead;
  const bare = await start(['--input-type=module', '-e', BARE_SERVER], { DATABASE_URL: scratch.url, POOL: String(connections) }, 23211);
  const svc = await start(serverArgs(), serviceEnv(scratch.url, connections), 23212);
  const token = await readToken();
  log(`${rounds} rounds: ${duration} s a run, ${connections} connections`);
  type Run = Awaited<ReturnType<typeof load>>;
  const runs: { bare: Run[]; service: Run[] } = { bare: [], service: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      runs.bare.push(await load(bare, bareRead));
      runs.service.push(await load(svc, serviceRead, token));
      log(`round ${r + 1} of ${rounds} done`);
    }
  } finally {
    bare.child.kill();
    svc.child.kill('SIGTERM');
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  for (const [name, rs] of Object.entries(runs)) {
    console.log(
      `${name.padEnd(8)} ${rs.map((r) => String(r.rps).padStart(6)).join(' ')} req/s   promoted B/request ${rs.map((r) => r.promotedPerRequest).join(' ')}   allocated B/request ${rs.map((r) => r.allocatedPerRequest).join(' ')}   young GCs/1,000 ${rs.map((r) => r.youngPer1000).join(' ')}   full GCs/1,000 ${rs.map((r) => r.fullPer1000).join(' ')}   non-2xx ${rs.reduce((n, r) => n + r.non2xx, 0)}`,
    );
  }
  const promoted = { bare: median(runs.bare.map((r) => r.promotedPerRequest)), service: median(runs.service.map((r) => r.promotedPerRequest)) };
  console.log(
    JSON.stringify({
      read,
      promotedBytesPerRead: promoted,
      promotedRatio: +(promoted.service / Math.max(1, promoted.bare)).toFixed(1),
      allocatedBytesPerRead: { bare: median(runs.bare.map((r) => r.allocatedPerRequest)), service: median(runs.service.map((r) => r.allocatedPerRequest)) },
      fullGcsPer1000Reads: { bare: median(runs.bare.map((r) => r.fullPer1000)), service: median(runs.service.map((r) => r.fullPer1000)) },
    }),
  );
} finally {
  await scratch.drop();
}
