/**
 * bench/embedded-start: the embedded `npm start` path (compiled server, no DATABASE_URL, an empty data folder) from
 * spawn to the first 200 of /readyz, against a bare PGlite cold start (a fresh data folder, `waitReady`) measured in
 * the same run; the resident memory of each process once ready, and of the server 2 s later and after BURST
 * (default 200) partner list requests. Medians of RUNS (default 3).
 *   npx tsx bench/embedded-start.ts            RUNS=5 npx tsx bench/embedded-start.ts
 * SERVER=tsx measures the server through tsx instead of dist/ (the old way) for comparison.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverArgs } from './lib/db.js';

const RUNS = Number(process.env.RUNS ?? 3);
const BURST = Number(process.env.BURST ?? 200);
const viaTsx = process.env.SERVER === 'tsx';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (m: string) => process.stderr.write(`[bench:embedded-start] ${m}\n`);

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

const BARE = `
import { PGlite } from '@electric-sql/pglite';
const db = new PGlite(process.argv[1]);
await db.waitReady;
await db.query('select 1');
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;

async function bare(): Promise<{ seconds: number; rssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pglite-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE, join(dir, 'pglite')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
    child.once('exit', (c) => fail(new Error(`bare PGlite exited ${c}`)));
  });
  const seconds = (performance.now() - t0) / 1000;
  const rss = rssMb(child.pid!);
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
  return { seconds, rssMb: rss };
}

async function service(port: number): Promise<{ seconds: number; rssMb: number; rssAfterMb: number; rssAfterBurstMb: number; burstSeconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-embedded-'));
  const t0 = performance.now();
  const args = viaTsx ? ['--import', 'tsx', 'src/server.ts'] : serverArgs();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: join(dir, 'data'), PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (performance.now() - t0) / 1000;
  const rss = rssMb(child.pid!);
  await new Promise((r) => setTimeout(r, 2000)); // once the start-up garbage is collectable
  const rssAfter = rssMb(child.pid!);
  // then a burst of BURST partner list requests (the demo token the server prints), one after another
  const token = /export TOKEN=(\S+)/.exec(out)?.[1];
  if (!token) throw new Error('the server printed no demo token');
  const tBurst = performance.now();
  for (let i = 0; i < BURST; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/partners`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET /v1/partners answered ${res.status}`);
    await res.arrayBuffer();
  }
  const burstSeconds = (performance.now() - tBurst) / 1000;
  const rssAfterBurst = rssMb(child.pid!);
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
  return { seconds, rssMb: rss, rssAfterMb: rssAfter, rssAfterBurstMb: rssAfterBurst, burstSeconds };
}

if (!viaTsx) execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const bares: Awaited<ReturnType<typeof bare>>[] = [];
const svcs: Awaited<ReturnType<typeof service>>[] = [];
for (let i = 0; i < RUNS; i++) {
  // alternate, so that load changes hit both sides alike
  bares.push(await bare());
  svcs.push(await service(24100 + i));
  log(`run ${i + 1}: bare ${bares[i]!.seconds.toFixed(2)} s, service ${svcs[i]!.seconds.toFixed(2)} s`);
}
const b = median(bares.map((r) => r.seconds));
const s = median(svcs.map((r) => r.seconds));
console.log(
  JSON.stringify(
    {
      server: viaTsx ? 'tsx src/server.ts' : `node ${serverArgs().join(' ')}`,
      runs: RUNS,
      barePgliteColdStart: { seconds: +b.toFixed(2), rssMb: median(bares.map((r) => r.rssMb)) },
      embeddedStartToReady: {
        seconds: +s.toFixed(2),
        rssAtReadyMb: median(svcs.map((r) => r.rssMb)),
        rssTwoSecondsLaterMb: median(svcs.map((r) => r.rssAfterMb)),
        [`rssAfter${BURST}PartnerListsMb`]: median(svcs.map((r) => r.rssAfterBurstMb)),
        [`${BURST}PartnerListsSeconds`]: +median(svcs.map((r) => r.burstSeconds)).toFixed(2),
      },
      ratio: +(s / b).toFixed(2),
      goal: 'ratio <= 1.3, < 300 MB',
    },
    null,
    2,
  ),
);
