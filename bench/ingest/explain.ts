/**
 * bench/ingest/explain: where one sell-through batch's time goes. Imports PRE rows (default 100,000), then stages one
 * more batch (BATCH rows, default 20,000, new external ids) and runs the import's upsert statement under
 * EXPLAIN (ANALYZE, BUFFERS), printing the plan; `--reimport` stages ids already present instead.
 * `--drop <index>` drops an index of the scratch database first (what its maintenance costs). The batch statement
 * is the import's (deltas to actual_pending_deltas); `--immediate` explains the one that upserts the totals itself
 * (recorded facts'); `--apply` explains instead the import's final apply of PRE rows' pending deltas (the PRE rows
 * are then imported without applying them; `--slices N`: the first of N slices by block range, as an apply splits).
 *   npx tsx bench/ingest/explain.ts [--pre 100000 --batch 20000 --reimport --immediate --apply --drop sell_through_cross_region_idx]
 */
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { systemActor } from '../../src/platform/actor.js';
import { Store } from '../../src/platform/store.js';
import { applyPendingStatement, FACT_STAGE as STAGE, factImportSpec, upsertStatement } from '../../src/modules/target/target.ingest.js';
import { runImport, stageRows } from '../../src/platform/imports.js';
import { scratchDatabase, seedCatalog } from '../lib/db.js';

const { values } = parseArgs({
  options: {
    pre: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '20000' },
    reimport: { type: 'boolean', default: false },
    drop: { type: 'string' },
    immediate: { type: 'boolean', default: false },
    apply: { type: 'boolean', default: false },
    slices: { type: 'string', default: '1' },
  },
});
const PRE = Number(values.pre);
const BATCH = Number(values.batch);
const TENANT = 'bench';
let seed = 42;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const terr = ['NORTH', 'SOUTH', 'EAST', 'WEST', 'CENTRAL', 'ISLANDS'];
const day0 = Date.UTC(2023, 0, 1);
const row = (i: number) => {
  const d = new Date(day0 + Math.floor(rnd() * 1096) * 86400000).toISOString().slice(0, 10);
  const qty = 1 + Math.floor(rnd() * 100);
  return {
    external_id: `EXT-${String(i).padStart(10, '0')}`,
    d,
    partner_code: `P${String(Math.floor(rnd() * 10000)).padStart(5, '0')}`,
    product_code: `SKU-${String(Math.floor(rnd() * 50000)).padStart(6, '0')}`,
    quantity: String(qty),
    amount: (qty * (1 + rnd() * 250)).toFixed(2),
    customer_id: `CU${Math.floor(rnd() * 200000)}`,
    territory_code: terr[Math.floor(rnd() * 6)]!,
  };
};
const csv = (from: number, to: number) => {
  let s = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\n';
  for (let i = from; i < to; i++) {
    const r = row(i);
    s += `${r.external_id},${r.d},${r.partner_code},${r.product_code},${r.quantity},${r.amount},${r.customer_id},${r.territory_code}\n`;
  }
  return s;
};

const { database, drop } = await scratchDatabase('bench_target_explain');
try {
  await seedCatalog(database.client!, TENANT, 10_000, 50_000);
  const store = new Store(database);
  const actor = systemActor(TENANT, 'bench');
  const spec = factImportSpec(store, 'sell-through', actor, undefined, { pendingBound: Infinity });
  if (values.apply) delete spec.deferred; // the PRE rows' deltas stay pending: the statement explained below applies them
  await runImport(store, actor, Readable.from([csv(0, PRE)]), spec, { format: 'csv' });
  if (values.drop) await database.client!.unsafe(`drop index ${values.drop.replace(/[^a-z_]/g, '')}`);
  if (!process.env.NOANALYZE) await database.client!`analyze`;
  const from = values.reimport ? 0 : PRE;
  const rows = Array.from({ length: BATCH }, (_, i) => ({ line: i + 2, value: row(from + i) }));
  await store
    .write(actor, async (w) => {
      await w.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`target:${w.tenantId}:sell-through`}))`);
      let t = performance.now();
      await stageRows(w, STAGE, rows);
      console.log(`stage: ${(performance.now() - t).toFixed(0)} ms`);
      t = performance.now();
      // --slices N: the first of N block-range slices (as applyAllPending splits an apply)
      const [{ blocks }] = (await w.tx.execute(
        sql`select (pg_relation_size('actual_pending_deltas') / current_setting('block_size')::int)::int as blocks`,
      )) as unknown as [{ blocks: number }];
      const slices = Number(values.slices);
      const q = values.apply
        ? applyPendingStatement(w.tenantId, 'sell_through', [0, slices > 1 ? Math.ceil(Number(blocks) / slices) : null])
        : upsertStatement('sell-through', w.tenantId, null, false, values.immediate ? undefined : '00000000-0000-7000-8000-000000000000');
      if (values.apply) for (const q of [sql`set local enable_nestloop = off`, sql`set local jit = off`]) await w.tx.execute(q); // as applyPendingTotals
      const plan = (
        await database.rows<{ 'QUERY PLAN': string }>(
          process.env.TIMING === '0' ? sql`explain (analyze, buffers, timing off) ${q}` : sql`explain (analyze, buffers) ${q}`,
          w.tx,
        )
      ).map((r) => r['QUERY PLAN']);
      console.log(
        process.env.PLAN
          ? plan.join('\n')
          : plan.filter((l) => /Execution Time|Insert on|actual time=.*rows=20000 loops=1\)$/.test(l) && !/CTE Scan/.test(l)).join('\n'),
      );
      console.log(`upsert (explained): ${(performance.now() - t).toFixed(0)} ms`);
      throw new Error('rollback');
    })
    .catch((e: Error) => {
      if (e.message !== 'rollback') throw e;
    });
} finally {
  await drop();
}
