import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Database, MIGRATION_MODULES, MIGRATIONS_ROOT } from './db.js';

/**
 * A migrated, empty embedded data folder shipped with the build (`dist/pglite-template.tgz`, written by
 * `npm run build`): a fresh embedded database is unpacked from it instead of running initdb and every migration
 * (initdb alone is most of a PGlite cold start, and its peak memory). Keyed by the PGlite version and every
 * migration journal: a template of another version or another set of migrations is ignored, and `migrate()`
 * still runs after loading one (a few statements when nothing is pending; it also creates the month partitions due
 * since the template was built).
 */
const here = dirname(fileURLToPath(import.meta.url));
const TEMPLATE = resolve(here, '..', '..', 'dist', 'pglite-template.tgz');

function templateKey(): string {
  const h = createHash('sha256');
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  h.update(readFileSync(join(dirname(pglite), '..', 'package.json')));
  for (const m of MIGRATION_MODULES) {
    const journal = join(MIGRATIONS_ROOT, m, 'meta', '_journal.json');
    if (existsSync(journal)) h.update(m).update(readFileSync(journal));
  }
  return h.digest('hex');
}

const BLOCK = 512;
/** inflated bytes per chunk: few enough iterations, small enough buffers */
const CHUNK = 256 * 1024;

/**
 * Unpacks the template into `dataDir` when it holds no database yet (no PG_VERSION) and a template matching this
 * PGlite and these migrations was built; true when it did. Streamed: the gzip is inflated and the tar read chunk by
 * chunk, each file written as its bytes arrive, so no copy of the 46 MB folder is ever held in memory (PGlite's own
 * `loadDataDir` inflates the whole archive, copies every file out of it and writes them through its WebAssembly
 * file system: 80-130 MB of buffers and a heap that stays grown long after). PG_VERSION, which marks a folder as a
 * database, is written last: an unpack cut short is done again at the next start.
 */
export async function unpackEmbeddedTemplate(dataDir: string): Promise<boolean> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
  try {
    if (!existsSync(TEMPLATE) || readFileSync(`${TEMPLATE}.key`, 'utf8').trim() !== templateKey()) return false;
  } catch {
    return false;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const root = resolve(dataDir);
  const header = Buffer.alloc(BLOCK);
  let filled = 0; // bytes of the header block read so far
  let remaining = 0; // bytes of the current file's data still to come
  let skip = 0; // padding (or the data of an entry that is not a file) still to pass over
  let sink: number | Buffer[] | undefined; // where the current file's data goes: a file descriptor, or memory (PG_VERSION)
  let version: { path: string; data: Buffer[] } | undefined;
  let ended = false;

  const field = (from: number, to: number) => {
    const text = header.toString('latin1', from, to);
    const nul = text.indexOf('\0');
    return nul < 0 ? text : text.slice(0, nul);
  };
  const endFile = () => {
    if (typeof sink === 'number') closeSync(sink);
    sink = undefined;
  };
  const startEntry = () => {
    if (header.every((b) => b === 0)) return void (ended = true); // the zero blocks that end an archive
    const name = [field(345, 500), field(0, 100)].filter(Boolean).join('/'); // ustar: prefix + name
    const size = parseInt(field(124, 136).trim() || '0', 8);
    const type = field(156, 157) || '0';
    const path = resolve(root, name.replace(/^\/+/, ''));
    if (!Number.isSafeInteger(size) || size < 0 || !path.startsWith(root + sep)) throw new Error(`embedded template: bad entry ${JSON.stringify(name)}`);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === '5') mkdirSync(path, { recursive: true, mode: 0o700 });
    if (type !== '0') return void (skip = size + padding); // directories (nothing else is expected): no data to write
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (relative(root, path) === 'PG_VERSION') sink = (version = { path, data: [] }).data;
    else sink = openSync(path, 'w', 0o600);
    remaining = size;
    skip = padding;
    if (remaining === 0) endFile();
  };

  const input = createReadStream(TEMPLATE).pipe(createGunzip({ chunkSize: CHUNK }));
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length && !ended) {
        if (remaining > 0) {
          const n = Math.min(remaining, chunk.length - at);
          if (Array.isArray(sink)) sink.push(Buffer.from(chunk.subarray(at, at + n)));
          else writeSync(sink!, chunk, at, n);
          remaining -= n;
          at += n;
          if (remaining === 0) endFile();
        } else if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
        } else {
          const n = Math.min(BLOCK - filled, chunk.length - at);
          chunk.copy(header, filled, at, at + n);
          filled += n;
          at += n;
          if (filled === BLOCK) {
            filled = 0;
            startEntry();
          }
        }
      }
      if (ended) break;
    }
  } finally {
    endFile();
    input.destroy();
  }
  if (!ended || !version) throw new Error('embedded template: the archive ended early');
  writeFileSync(version.path, Buffer.concat(version.data), { mode: 0o600 });
  return true;
}

/** Builds the template: a fresh in-memory PGlite, migrated, dumped (scripts/build-if-stale.mjs calls it). */
export async function writeEmbeddedTemplate(): Promise<void> {
  const database = new Database({});
  try {
    await database.migrate();
    const blob = await database.pglite!.dumpDataDir('gzip');
    // written aside and renamed: a build running at the same time never leaves half a file under the name
    const tmp = `${TEMPLATE}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    writeFileSync(`${tmp}.key`, `${templateKey()}\n`);
    renameSync(tmp, TEMPLATE);
    renameSync(`${tmp}.key`, `${TEMPLATE}.key`);
  } finally {
    await database.close();
  }
}
