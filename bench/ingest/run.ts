/**
 * bench/ingest: 1,000,000 sell-through rows as CSV, ingested through the same code path as the API route and the
 * CLI (runImport with the sell-through spec on a streamed file: parse, validate, COPY into staging, one upsert statement per batch with
 * cross-region marking and monthly totals), then a raw COPY of the same file into a scratch table in the same
 * run, and the ratio. A second import of the same file measures the "every row already present" case.
 *   npm run bench:ingest [-- --rows 1000000 --batch <rows a batch: the spec's by default> --keep-file]
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops. PER_BATCH=1 prints
 * each batch's write time. `cpuS`: CPU seconds of this process and of the scratch database's backends during each import
 * (the server must run on this machine), which the load of a shared machine moves far less than wall time.
 * `peakRssMb` is the process's maxRSS (it never goes down) at each step: `atStart` the modules loaded through tsx
 * (~150 MB, of which tsx's own loader ~45 MB), `afterImport` the first import's peak, `afterReimport` and `end` the
 * re-import's and the raw COPY's on top; stderr shows rss / heap / external at each phase.
 */
import { createReadStream, createWriteStream, readFileSync, statSync, unlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/platform/actor.js';
import { Store } from '../../src/platform/store.js';
import { factImportSpec } from '../../src/modules/target/target.ingest.js';
import { runImport } from '../../src/platform/imports.js';
import { peakRssMb, scratchDatabase, secs, seedCatalog } from '../lib/db.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, batch: { type: 'string' }, 'keep-file': { type: 'boolean', default: false } },
});
const N = Number(values.rows);
const TENANT = 'bench';
const file = join(tmpdir(), `target-bench-sell-through-${N}.csv`);

async function generate() {
  let seed = 42;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const terr = ['NORTH', 'SOUTH', 'EAST', 'WEST', 'CENTRAL', 'ISLANDS'];
  const day0 = Date.UTC(2023, 0, 1);
  const ws = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buf = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\n';
  for (let i = 1; i <= N; i++) {
    const d = new Date(day0 + Math.floor(rnd() * 1096) * 86400000).toISOString().slice(0, 10);
    const qty = 1 + Math.floor(rnd() * 100);
    const amount = (qty * (1 + rnd() * 250)).toFixed(2);
    buf += `EXT-${String(i).padStart(10, '0')},${d},P${String(Math.floor(rnd() * 10000)).padStart(5, '0')},SKU-${String(Math.floor(rnd() * 50000)).padStart(6, '0')},${qty},${amount},CU${Math.floor(rnd() * 200000)},${terr[Math.floor(rnd() * 6)]}\n`;
    if (buf.length > 1 << 20) {
      if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r()));
      buf = '';
    }
  }
  ws.end(buf);
  await new Promise<void>((r) => ws.on('finish', () => r()));
}

// memory at each phase on stderr (the peak of the process, maxRSS, includes the generation and the modules loaded through tsx)
const phase = (name: string) => {
  const m = process.memoryUsage();
  console.error(
    `  [${name}] rss ${(m.rss / 1048576).toFixed(0)} MB, heap ${(m.heapUsed / 1048576).toFixed(0)}/${(m.heapTotal / 1048576).toFixed(0)} MB, external ${(m.external / 1048576).toFixed(0)} MB, arrayBuffers ${(m.arrayBuffers / 1048576).toFixed(0)} MB, maxRSS ${peakRssMb()} MB`,
  );
};
phase('start');
const rssAtStart = peakRssMb();
const loadStart = loadavg().map((x) => +x.toFixed(2));
const t0 = performance.now();
await generate();
phase('generated');
console.error(`generated ${N.toLocaleString('en')} rows (${(statSync(file).size / 1e6).toFixed(1)} MB) in ${secs(t0)} s: ${file}`);

const { database, drop } = await scratchDatabase('bench_target_ingest');
try {
  phase('migrated');
  const sql = database.client!;
  await seedCatalog(sql, TENANT, 10_000, 50_000);
  const store = new Store(database);
  const actor = systemActor(TENANT, 'bench');
  phase('seeded');
  const rssBefore = peakRssMb();

  // CPU seconds of the scratch database's backends (the server runs on this machine: /proc/<pid>/stat, utime + stime)
  // and of this process: less moved by the machine's load than wall time
  const backendTicks = async () => {
    const pids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    const m = new Map<number, number>();
    for (const { pid } of pids) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        m.set(pid, Number(f[11]) + Number(f[12]));
      } catch {
        // gone or not readable
      }
    }
    return m;
  };
  const run = async (label: string) => {
    const ticks0 = await backendTicks();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    let lastLog = 0;
    // where the time goes: the spec's two database steps timed (summed over batches; they overlap each other and the
    // reading, so they add up to more than the wall time)
    const spec = factImportSpec(store, 'sell-through', actor);
    const timed = { stageS: 0, writeS: 0, batches: 0 };
    const { stageBatch, writeBatch } = spec;
    if (stageBatch) {
      spec.stageBatch = async (w, rows) => {
        const t1 = performance.now();
        await stageBatch(w, rows);
        timed.stageS += (performance.now() - t1) / 1000;
      };
    }
    spec.writeBatch = async (w, rows) => {
      const t1 = performance.now();
      const r = await writeBatch(w, rows);
      timed.writeS += (performance.now() - t1) / 1000;
      if (process.env.PER_BATCH) console.error(`    write ${timed.batches} ${(performance.now() - t1).toFixed(0)} ms`);
      timed.batches++;
      return r;
    };
    const report = await runImport(store, actor, createReadStream(file, { highWaterMark: 1 << 20 }), spec, {
      format: 'csv',
      ...(values.batch ? { batchSize: Number(values.batch) } : {}),
      onProgress: (p) => {
        if (performance.now() - lastLog > 2000) {
          lastLog = performance.now();
          console.error(`  ${label}: ${p.rowsRead.toLocaleString('en')} rows, ${secs(t)} s, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
        }
      },
    });
    const s = secs(t);
    const cpu = process.cpuUsage(cpu0);
    let ticks = 0;
    for (const [pid, n] of await backendTicks()) ticks += n - (ticks0.get(pid) ?? 0);
    const cpuS = { node: +((cpu.user + cpu.system) / 1e6).toFixed(2), database: +(ticks / 100).toFixed(2) };
    return { s, report, cpuS, steps: { batches: timed.batches, stageS: +timed.stageS.toFixed(2), writeS: +timed.writeS.toFixed(2) } };
  };

  const first = await run('import');
  const peakAfterImport = peakRssMb();
  phase('imported');
  const second = await run('re-import');

  phase('re-imported');
  const peakAfterReimport = peakRssMb();
  // the bare stack: COPY the same file into a scratch table with a unique (tenant_id, external_id)
  await sql`create table copy_scratch (external_id text not null, date date, partner_code text, product_code text, quantity numeric(18,4), amount numeric(18,4), customer_id text, territory_code text)`;
  await sql`create unique index copy_scratch_uq on copy_scratch (external_id)`;
  const tc = performance.now();
  const w = await sql`copy copy_scratch from stdin with (format csv, header true)`.writable();
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), w);
  const copyS = secs(tc);
  phase('copied');

  const facts = (await sql`select count(*)::int as n, sum(amount)::text as s from sell_through_lines where tenant_id = ${TENANT}`)[0]!;
  const totals = (await sql`select sum(amount)::text as s from actual_monthly_totals where tenant_id = ${TENANT} and stream = 'sell_through'`)[0]!;
  const result = {
    rows: N,
    load: { start: loadStart, end: loadavg().map((x) => +x.toFixed(2)) },
    import: {
      seconds: first.s,
      rowsPerS: Math.round(N / first.s),
      created: first.report.created,
      rejected: first.report.rejected,
      steps: first.steps,
      cpuS: first.cpuS,
    },
    reimportUnchanged: { seconds: second.s, rowsPerS: Math.round(N / second.s), unchanged: second.report.unchanged, steps: second.steps, cpuS: second.cpuS },
    rawCopy: { seconds: copyS, rowsPerS: Math.round(N / copyS) },
    ratio: { importVsCopy: +(copyS / first.s).toFixed(3), reimportVsCopy: +(copyS / second.s).toFixed(3) },
    peakRssMb: { atStart: rssAtStart, beforeImport: rssBefore, afterImport: peakAfterImport, afterReimport: peakAfterReimport, end: peakRssMb() },
    check: { facts: facts.n, factSum: facts.s, totalsSum: totals.s, totalsMatch: facts.s === totals.s },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await drop();
  if (!values['keep-file']) unlinkSync(file);
}
