import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
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

/** The template for a new embedded data folder, when one matching this PGlite and these migrations was built. */
export function embeddedTemplate(): Blob | undefined {
  try {
    if (!existsSync(TEMPLATE) || readFileSync(`${TEMPLATE}.key`, 'utf8').trim() !== templateKey()) return undefined;
    return new Blob([readFileSync(TEMPLATE)]);
  } catch {
    return undefined;
  }
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
