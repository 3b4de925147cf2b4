/**
 * The cost of the row-level security wall on the read path, in the database layer (no HTTP): the same prepared
 * single-row partner read through `Database`, bare (outside any tenant scope: one statement) and scoped (inside
 * `withTenant`: the scoped read with the tenant setting), by CONCURRENCY loops sharing a pool of POOL connections,
 * alternating bare and scoped rounds of DURATION seconds (ROUNDS each; the median counts). Prints reads/s and the
 * ratio scoped / bare (cost: bare reads/s over scoped reads/s).
 *
 *   npx tsx bench/reads/rls.ts        (DURATION=5 ROUNDS=3 CONCURRENCY=32 POOL=10)
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops.
 */
import { sql } from 'drizzle-orm';
import { withTenant } from '../../src/platform/db.js';
import { scratchDatabase, seedCatalog } from '../lib/db.js';

const DURATION = Number(process.env.DURATION ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const POOL = Number(process.env.POOL ?? 10);
const log = (m: string) => process.stderr.write(`[bench:rls] ${m}\n`);

const scratch = await scratchDatabase(`bench_rls_${process.pid}`, POOL);
try {
  const { database } = scratch;
  await seedCatalog(database.client!, 'bench', 5_000, 1);
  await seedCatalog(database.client!, 'other', 5_000, 1);
  const ids = (await database.client!<{ id: string }[]>`select id from partners where tenant_id = 'bench'`).map((r) => r.id);
  const read = (id: string) => database.rows(sql`select id, code, legal_name, status from partners where tenant_id = ${'bench'} and id = ${id}`);

  async function round(scoped: boolean): Promise<number> {
    let n = 0;
    const until = performance.now() + DURATION * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const id = ids[Math.floor(Math.random() * ids.length)]!;
          const rows = scoped ? await withTenant('bench', () => read(id)) : await read(id);
          if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
          n++;
        }
      }),
    );
    return n / DURATION;
  }

  // warm up: every connection has prepared both statements
  await round(false);
  await round(true);
  const bare: number[] = [];
  const scoped: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await round(false));
    scoped.push(await round(true));
    log(`round ${r + 1}: bare ${Math.round(bare[r]!)} reads/s, scoped ${Math.round(scoped[r]!)} reads/s`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const b = median(bare);
  const s = median(scoped);
  console.log(`bare read (one statement)          ${String(Math.round(b)).padStart(7)} reads/s`);
  console.log(`scoped read (row-level security)   ${String(Math.round(s)).padStart(7)} reads/s`);
  console.log(`ratio scoped / bare: ${(s / b).toFixed(2)} of the throughput, cost ${(b / s).toFixed(2)}x (${CONCURRENCY} loops, pool ${POOL}, median of ${ROUNDS} x ${DURATION} s)`);
} finally {
  await scratch.drop();
}
