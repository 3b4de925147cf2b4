/**
 * Scripted imports through the same engine and import kinds as the API routes:
 *   npm run import -- --kind sell-through file.csv [--tenant demo] [--dry-run] [--all-or-nothing] [--format csv|ndjson]
 * `--kind` is a fact stream (sell-in, sell-through, inventory, collections) or any registered import kind
 * (e.g. onboarding.partners, as GET /v1/imports lists them). Uses DATABASE_URL (postgres.js, COPY staging) or the
 * embedded database in DATA_DIR. Progress on stderr, the import report (JSON) on stdout; exit code 1 when rows
 * were rejected, 2 for a usage error or an unusable file or database (one line on stderr, no stack). `--help`.
 */
import { accessSync, constants, createReadStream, statSync } from 'node:fs';
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

const HELP = `usage: npm run import -- --kind <kind> <file.csv|file.ndjson> [options]

Imports a CSV (header line first) or NDJSON file through the same engine and checks as the API's :import routes.

  --kind <kind>         ${STREAMS.join(', ')}, or a registered import kind (GET /v1/imports lists them)
  --tenant <tenant>     tenant to import into (default demo)
  --dry-run             check every row, write nothing
  --all-or-nothing      write nothing if any row is rejected
  --format csv|ndjson   default: from the file name (.ndjson/.jsonl: ndjson, else csv)
  --batch-size <n>      rows per database batch
  -h, --help            this text

Uses DATABASE_URL, else the embedded database in DATA_DIR. Progress on stderr, the report (JSON, errors sorted
by line) on stdout. Exit code 0: all rows accepted; 1: rows rejected; 2: usage error or unusable file/database.`;

/** A failure the user can act on: one line on stderr, exit code 2, no stack. */
class CliError extends Error {}

/** The first line of an error's message without driver noise (connection refused, file missing...). */
function oneLine(e: unknown): string {
  let err = e as { code?: string; message?: string; errors?: { message?: string }[]; cause?: unknown };
  while (err?.cause) err = err.cause as typeof err; // drizzle's "Failed query" wraps the driver's error
  const msg = (err?.message || err?.errors?.[0]?.message || String(err)).split('\n')[0]!;
  return err?.code && !msg.includes(err.code) ? `${err.code}: ${msg}` : msg;
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        tenant: { type: 'string', default: 'demo' },
        'dry-run': { type: 'boolean', default: false },
        'all-or-nothing': { type: 'boolean', default: false },
        format: { type: 'string' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new CliError(`${oneLine(e)} (npm run import -- --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return;
  }
  const file = positionals[0];
  if (!file || !values.kind) throw new CliError('give --kind and a file (npm run import -- --help)');
  if (values.format && values.format !== 'csv' && values.format !== 'ndjson') throw new CliError(`--format must be csv or ndjson, not '${values.format}'`);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new CliError('--batch-size must be a positive integer');
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new CliError(`${file} is not a file`);
    size = st.size;
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(`cannot read ${file}: ${oneLine(e)}`);
  }
  const format = (values.format ?? (/\.(nd)?jsonl?$|\.ndjson$/.test(file) ? 'ndjson' : 'csv')) as 'csv' | 'ndjson';
  const url = process.env.DATABASE_URL;
  const database = new Database(url ? { url, poolMax: 2 } : { dataDir: resolve(process.env.DATA_DIR ?? './.data', 'pglite') });
  try {
    try {
      await database.migrate();
    } catch (e) {
      throw new CliError(`database unusable (${url ? 'DATABASE_URL' : 'embedded, DATA_DIR'}): ${oneLine(e)}`);
    }
    const store = new Store(database);
    const registry = registerKinds(store);
    const kind = (STREAMS as readonly string[]).includes(values.kind) ? IMPORT_KINDS[values.kind as StreamName] : values.kind;
    const factory = registry.get(kind);
    if (!factory) throw new CliError(`unknown import kind '${values.kind}' (one of ${[...STREAMS, ...registry.names()].join(', ')})`);
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    let bytes = 0;
    input.on('data', (c) => (bytes += c.length));
    const bar = progressBar(size);
    try {
      const actor = systemActor(values.tenant, 'cli-import');
      const report = await runImport(store, actor, input, factory(actor, {}), {
        format,
        dryRun: values['dry-run'],
        allOrNothing: values['all-or-nothing'],
        ...(batchSize ? { batchSize } : {}),
        onProgress: (p) => bar.update(bytes, p.rowsRead, p.rejected),
      });
      bar.update(size, report.rowsRead, report.rejected, true);
      bar.done();
      // sorted by line (then path), whatever order the batches finished in
      report.errors.sort((a, b) => a.line - b.line || String(a.path ?? '').localeCompare(String(b.path ?? '')));
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      process.exitCode = report.rejected > 0 ? 1 : 0;
    } catch (e) {
      bar.done();
      if (e instanceof DomainError) throw new CliError(`${e.code}: ${e.message}`);
      throw new CliError(`import failed: ${oneLine(e)}`);
    }
  } finally {
    await database.close().catch(() => {});
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]).endsWith('import.ts');
if (isMain) {
  try {
    await main();
  } catch (e) {
    console.error(`import: ${e instanceof CliError ? e.message : oneLine(e)}`);
    process.exitCode = 2;
  }
}
