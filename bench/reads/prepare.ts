/**
 * Statements prepared unasked (src/platform/db.ts AutoPrepare) on the read path, in the database layer (no HTTP): the
 * same drizzle single-row partner read (not prepared by its code) through two `Database` instances on one scratch
 * database, one with `autoPrepare: false` (the statement sent unnamed: described, then bound: two round trips) and one
 * with the default (prepared on its connection from its second run: one round trip), scoped (inside `withTenant`, as a
 * request runs it) and bare (outside any scope, as the identity lookups run), by CONCURRENCY loops on a pool of POOL
 * connections each, alternating rounds of DURATION seconds (ROUNDS each; the median counts). Prints reads/s, this
 * process's CPU per read (the driver's share: less moved by the machine's load than throughput) and the ratios.
 *
 *   npx tsx bench/reads/prepare.ts        (DURATION=4 ROUNDS=3 CONCURRENCY=20 POOL=10)
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops.
 */
import { sql } from 'drizzle-orm';
import { Database, withTenant } from '../../src/platform/db.js';
import { scratchDatabase, seedCatalog } from '../lib/db.js';

const DURATION = Number(process.env.DURATION ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const POOL = Number(process.env.POOL ?? 10);
const log = (m: string) => process.stderr.write(`[bench:prepare] ${m}\n`);

const scratch = await scratchDatabase('bench_prepare', 1);
const unnamed = new Database({ url: scratch.url, poolMax: POOL, autoPrepare: false });
const prepared = new Database({ url: scratch.url, poolMax: POOL });
try {
  await seedCatalog(scratch.database.client!, 'bench', 5_000, 1);
  const ids = (await scratch.database.client!<{ id: string }[]>`select id from partners where tenant_id = 'bench'`).map((r) => r.id);
  const read = (db: Database, id: string) => db.rows(sql`select id, code, legal_name, status from partners where tenant_id = ${'bench'} and id = ${id}`);

  async function round(db: Database, scoped: boolean): Promise<{ rps: number; cpuUs: number }> {
    let n = 0;
    const until = performance.now() + DURATION * 1000;
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const id = ids[Math.floor(Math.random() * ids.length)]!;
          const rows = scoped ? await withTenant('bench', () => read(db, id)) : await read(db, id);
          if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
          n++;
        }
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { rps: n / DURATION, cpuUs: (cpu.user + cpu.system) / n };
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const scoped of [true, false]) {
    // warm up: every connection has seen (and the one prepares) the statement
    await round(unnamed, scoped);
    await round(prepared, scoped);
    const u: { rps: number; cpuUs: number }[] = [];
    const p: { rps: number; cpuUs: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      u.push(await round(unnamed, scoped));
      p.push(await round(prepared, scoped));
      log(`${scoped ? 'scoped' : 'bare'} round ${r + 1}: unnamed ${Math.round(u[r]!.rps)} reads/s, prepared ${Math.round(p[r]!.rps)} reads/s`);
    }
    const [ur, pr] = [median(u.map((x) => x.rps)), median(p.map((x) => x.rps))];
    const [uc, pc] = [median(u.map((x) => x.cpuUs)), median(p.map((x) => x.cpuUs))];
    const what = scoped ? 'scoped read (a request)' : 'bare read (a lookup)';
    console.log(`${what.padEnd(26)} unnamed ${String(Math.round(ur)).padStart(6)} reads/s ${uc.toFixed(0).padStart(4)} us CPU/read`);
    console.log(`${''.padEnd(26)} prepared ${String(Math.round(pr)).padStart(5)} reads/s ${pc.toFixed(0).padStart(4)} us CPU/read`);
    console.log(`${''.padEnd(26)} ratio prepared / unnamed: ${(pr / ur).toFixed(2)}x the reads/s, ${(pc / uc).toFixed(2)}x the CPU per read`);
  }
  console.log(`(${CONCURRENCY} loops, pool ${POOL} each, median of ${ROUNDS} x ${DURATION} s)`);
} finally {
  await unnamed.close();
  await prepared.close();
  await scratch.drop();
}
