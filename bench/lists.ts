/**
 * bench/lists: the hot reads through the whole service (JWT auth, tenant scoping, prepared statements, compiled
 * response serialisation, request logging) against a bare handler (fastify + postgres.js, prepared, no auth, no
 * log) on the same data, measured in the same run, one after the other:
 *   - REST list of 50 partners (keyset, first page)       vs a bare keyset list of 50
 *   - REST single read by id                              vs a bare prepared single-row read
 *   - GraphQL 50 partners with parent and children        vs the service's own REST list of 50
 * Both servers run side by side; in each of ROUNDS rounds (default 3) every figure's two terms are measured back to
 * back, so the machine's load at the time weighs on both; prints req/s and p99 of every round, each round's ratios
 * and their median; and the CPU per request of the server process and of the database's backends (from /proc: the
 * database must run on this machine) with the same ratios computed from it (`cpuRatio`: the bare term's CPU over the
 * service's), which the machine's load moves far less than req/s.
 *   npx tsx bench/lists.ts          (5 s a run, 20 connections, 3 rounds)      DURATION=10 CONNECTIONS=50 ROUNDS=5 npx tsx bench/lists.ts
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops. The service runs from dist/ (built first when stale), as `npm start` runs it;
 * SERVER_NODE_FLAGS adds node flags (e.g. "--heap-growing-percent=0": V8's own heap growth, not the server's 25%).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { scratchDatabase, serverArgs } from './lib/db.js';
import { BARE_SERVER, cannonRequests, GRAPHQL_PAGE, LIST_PATH, readToken, seedReads, serviceEnv, type ReadRequest } from './lib/reads.js';

const duration = Number(process.env.DURATION ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 20);
const rounds = Number(process.env.ROUNDS ?? 3);
const log = (m: string) => process.stderr.write(`[bench:lists] ${m}\n`);

async function start(args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v1/partners`)).status < 500) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`server ${args.join(' ')} did not start`);
}

/** utime + stime of a process in clock ticks (100 a second on Linux); 0 when it is gone or there is no /proc */
function cpuTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/**
 * CPU per request, in microseconds, of the server process and of the scratch database's backends (PostgreSQL on
 * this machine): what one request costs whatever else runs at the time, where req/s moves with the machine's load.
 */
type Cpu = { nodeUs: number; dbUs: number };
let backends: () => Promise<number[]> = async () => [];
async function cpuOf<T extends { total: number }>(pid: number, run: () => Promise<T>): Promise<T & { cpu: Cpu }> {
  const before = new Map((await backends()).map((p) => [p, cpuTicks(p)]));
  const node0 = cpuTicks(pid);
  const r = await run();
  const node1 = cpuTicks(pid);
  let db = 0;
  for (const p of await backends()) db += cpuTicks(p) - (before.get(p) ?? 0);
  const per = (ticks: number) => Math.round((ticks * 10_000) / Math.max(1, r.total));
  return { ...r, cpu: { nodeUs: per(node1 - node0), dbUs: per(db) } };
}

async function load(server: { port: number; pid: number }, req: ReadRequest, token?: string) {
  const r = await cpuOf(server.pid, async () => {
    const a = await autocannon({ url: `http://127.0.0.1:${server.port}`, connections, duration, requests: cannonRequests(req, token) });
    return { rps: Math.round(a.requests.total / a.duration), p99: a.latency.p99, non2xx: a.non2xx, errors: a.errors, total: a.requests.total };
  });
  return r;
}

execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const scratch = await scratchDatabase(`bench_lists_${process.pid}`);
try {
  log('seeding 10,000 partners (every tenth the parent of the next nine)');
  const sql = scratch.database.client!;
  const one = await seedReads(sql, true);
  const list = () => LIST_PATH;

  log(`${rounds} rounds, each figure's pair run back to back: ${duration} s a run, ${connections} connections`);
  const bare = await start(['--input-type=module', '-e', BARE_SERVER], { DATABASE_URL: scratch.url, POOL: String(connections) }, 23201);
  const svc = await start(serverArgs(), serviceEnv(scratch.url, connections), 23202);
  const token = await readToken();
  // the scratch database's backends but the bench's own: both servers' (the runs take turns)
  backends = async () =>
    (await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`).map((r) => r.pid);
  const B = { port: 23201, pid: bare.pid! };
  const S = { port: 23202, pid: svc.pid! };
  type Run = Awaited<ReturnType<typeof load>>;
  const runs: Record<'bareList' | 'svcList' | 'bareOne' | 'svcOne' | 'svcGql', Run[]> = { bareList: [], svcList: [], bareOne: [], svcOne: [], svcGql: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      // each pair back to back, so that the load of the machine at the time weighs on both of a ratio's terms
      runs.bareList.push(await load(B, { path: list }));
      runs.svcList.push(await load(S, { path: list }, token));
      runs.bareOne.push(await load(B, { path: one }));
      runs.svcOne.push(await load(S, { path: one }, token));
      runs.svcGql.push(await load(S, { method: 'POST', path: () => '/graphql', body: GRAPHQL_PAGE }, token));
      log(`round ${r + 1} of ${rounds} done`);
    }
  } finally {
    bare.kill();
    svc.kill('SIGTERM');
  }

  const row = (name: string, rs: Run[]) =>
    `${name.padEnd(48)} ${rs.map((r) => String(r.rps).padStart(6)).join(' ')} req/s   p99 ${rs.map((r) => r.p99).join('/')} ms   non-2xx ${rs.reduce((n, r) => n + r.non2xx, 0)}   errors ${rs.reduce((n, r) => n + r.errors, 0)}   CPU us/request server+database ${rs.map((r) => `${r.cpu.nodeUs}+${r.cpu.dbUs}`).join(' ')}`;
  console.log(row('bare keyset list of 50', runs.bareList));
  console.log(row('service GET /v1/partners?limit=50', runs.svcList));
  console.log(row('bare prepared single read', runs.bareOne));
  console.log(row('service GET /v1/partners/:id', runs.svcOne));
  console.log(row('service GraphQL 50 partners + parent + children', runs.svcGql));
  const ratios = (a: Run[], b: Run[]) => a.map((x, i) => +(x.rps / b[i]!.rps).toFixed(2));
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const per = {
    restListVsBare: ratios(runs.svcList, runs.bareList),
    singleReadVsBare: ratios(runs.svcOne, runs.bareOne),
    graphqlVsRestList: ratios(runs.svcGql, runs.svcList),
  };
  // the same ratios from CPU per request (server + database backends; the load generator's own share left out):
  // what the machine's load moves much less than req/s
  const cpuRatios = (a: Run[], b: Run[]) => a.map((x, i) => +((b[i]!.cpu.nodeUs + b[i]!.cpu.dbUs) / Math.max(1, x.cpu.nodeUs + x.cpu.dbUs)).toFixed(2));
  const perCpu = {
    restListVsBare: cpuRatios(runs.svcList, runs.bareList),
    singleReadVsBare: cpuRatios(runs.svcOne, runs.bareOne),
    graphqlVsRestList: cpuRatios(runs.svcGql, runs.svcList),
  };
  console.log(
    JSON.stringify({
      ratio: { restListVsBare: median(per.restListVsBare), singleReadVsBare: median(per.singleReadVsBare), graphqlVsRestList: median(per.graphqlVsRestList) },
      rounds: per,
      cpuRatio: {
        restListVsBare: median(perCpu.restListVsBare),
        singleReadVsBare: median(perCpu.singleReadVsBare),
        graphqlVsRestList: median(perCpu.graphqlVsRestList),
      },
      cpuRounds: perCpu,
      goal: { restListVsBare: 0.7, singleReadVsBare: 0.7, graphqlVsRestList: 0.6 },
    }),
  );
} finally {
  await scratch.drop();
}
