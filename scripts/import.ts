/**
 * Scripted imports through the same engine and import kinds as the API routes:
 *   npm run import -- --kind sell-through file.csv [--tenant demo] [--dry-run] [--all-or-nothing] [--format csv|ndjson]
 * `--kind` is a fact stream (sell-in, sell-through, inventory, collections) or any registered import kind
 * (e.g. onboarding.partners, as GET /v1/imports lists them). Uses DATABASE_URL (postgres.js, COPY staging) or the
 * embedded database in DATA_DIR. Progress on stderr, the import report (JSON) on stdout; exit code 1 when rows
 * were rejected, 2 for a usage error.
 */
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemActor } from '../src/platform/actor.js';
import { Database } from '../src/platform/db.js';
import { DomainError } from '../src/platform/errors.js';
import { importsOf, runImport } from '../src/platform/imports.js';
import { Store } from '../src/platform/store.js';
import { createServices } from '../src/services.js';
import { IMPORT_KINDS, STREAMS, type StreamName } from '../src/modules/target/target.ingest.js';

/** The import kinds of every module, registered on this process's store by the composition root (as the server does). */
function registerKinds(store: Store) {
  createServices(store, { NODE_ENV: 'production' });
  return importsOf(store);
}

export function progressBar(total: number) {
  const start = Date.now();
  let last = 0;
  return {
    update(done: number, rows: number, rejected: number, force = false) {
      const now = Date.now();
      if (!force && now - last < 200) return;
      last = now;
      const frac = total ? Math.min(done / total, 1) : 0;
      const width = 30;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const secs = (now - start) / 1000;
      process.stderr.write(
        `\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${rows.toLocaleString('en')} rows, ${rejected} rejected, ${Math.round(rows / Math.max(secs, 0.001)).toLocaleString('en')} rows/s `,
      );
    },
    done() {
      process.stderr.write('\n');
    },
  };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      tenant: { type: 'string', default: 'demo' },
      'dry-run': { type: 'boolean', default: false },
      'all-or-nothing': { type: 'boolean', default: false },
      format: { type: 'string' },
      'batch-size': { type: 'string' },
    },
  });
  const file = positionals[0]!;
  const usage = () => {
    console.error(`usage: npm run import -- --kind <${STREAMS.join('|')}|import kind> <file.csv|file.ndjson> [--tenant demo] [--dry-run] [--all-or-nothing]`);
    process.exit(2);
  };
  if (!file || !values.kind) usage();
  const format = (values.format ?? (/\.(nd)?jsonl?$|\.ndjson$/.test(file) ? 'ndjson' : 'csv')) as 'csv' | 'ndjson';
  const url = process.env.DATABASE_URL;
  const database = new Database(url ? { url, poolMax: 2 } : { dataDir: resolve(process.env.DATA_DIR ?? './.data', 'pglite') });
  await database.migrate();
  const store = new Store(database);
  const registry = registerKinds(store);
  const kind = (STREAMS as readonly string[]).includes(values.kind!) ? IMPORT_KINDS[values.kind as StreamName] : values.kind!;
  const factory = registry.get(kind);
  if (!factory) {
    console.error(`unknown import kind '${values.kind}' (one of ${[...STREAMS, ...registry.names()].join(', ')})`);
    await database.close();
    usage();
  }
  const size = statSync(file).size;
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  input.on('data', (c) => (bytes += c.length));
  const bar = progressBar(size);
  try {
    const actor = systemActor(values.tenant!, 'cli-import');
    const report = await runImport(store, actor, input, factory!(actor, {}), {
      format,
      dryRun: values['dry-run'],
      allOrNothing: values['all-or-nothing'],
      ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
      onProgress: (p) => bar.update(bytes, p.rowsRead, p.rejected),
    });
    bar.update(size, report.rowsRead, report.rejected, true);
    bar.done();
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exitCode = report.rejected > 0 ? 1 : 0;
  } catch (e) {
    bar.done();
    if (e instanceof DomainError) {
      console.error(`${e.code}: ${e.message}`);
      process.exitCode = 2;
    } else throw e;
  } finally {
    await database.close();
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]).endsWith('import.ts');
if (isMain) await main();
