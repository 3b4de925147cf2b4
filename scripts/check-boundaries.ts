/**
 * The module boundary check (`npm run check:boundaries`, also run by test/platform/boundaries.test.ts):
 *
 * 1. imports, by dependency-cruiser with .dependency-cruiser.cjs (a module imports another only through its
 *    contract.ts, in the allowed direction);
 * 2. SQL: a module's source never names another module's tables or views in SQL (`from x`, `join x`, `into x`,
 *    `update x`); it composes the owner's contract relations instead. Owners are read from each module's
 *    `*.tables.ts` (pgTable names) and its migrations (CREATE VIEW).
 *
 * Usage: tsx scripts/check-boundaries.ts [root]   (root defaults to the repository; the test points it at a fixture)
 * Exit 1 with one line per violation naming the file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const root = process.argv[2] ? join(process.cwd(), process.argv[2]) : repo;

const list = (dir: string, ext: RegExp): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(join(dir, e.name), ext) : ext.test(e.name) ? [join(dir, e.name)] : []))
    : [];

const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** table/view name -> owning module */
export function owners(base: string): Map<string, string> {
  const out = new Map<string, string>();
  const modulesDir = join(base, 'src', 'modules');
  const mods = existsSync(modulesDir)
    ? readdirSync(modulesDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [];
  for (const m of mods) {
    for (const f of list(join(modulesDir, m), /\.tables\.ts$/)) {
      for (const x of readFileSync(f, 'utf8').matchAll(/pgTable\(\s*['"]([a-z_][a-z0-9_]*)['"]/g)) out.set(x[1]!, m);
    }
    for (const f of list(join(base, 'migrations', m), /\.sql$/)) {
      for (const x of readFileSync(f, 'utf8').matchAll(/create\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+"?([a-z_][a-z0-9_]*)"?/gi))
        out.set(x[1]!.toLowerCase(), m);
    }
  }
  return out;
}

export function sqlViolations(base: string): string[] {
  const own = owners(base);
  const problems: string[] = [];
  const modulesDir = join(base, 'src', 'modules');
  for (const f of list(modulesDir, /\.ts$/)) {
    const mod = relative(modulesDir, f).split(/[\\/]/)[0]!;
    const lines = stripComments(readFileSync(f, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const x of line.matchAll(/\b(?:from|join|into|update)\s+"?([a-z_][a-z0-9_]*)"?/gi)) {
        const owner = own.get(x[1]!.toLowerCase());
        if (owner && owner !== mod) {
          problems.push(
            `${relative(base, f)}:${i + 1}: SQL names '${x[1]}' of module '${owner}': use ${owner}/contract.ts (add the relation there if it is missing)`,
          );
        }
      }
    });
  }
  return problems;
}

function importViolations(base: string): string[] {
  try {
    execFileSync(join(repo, 'node_modules', '.bin', 'depcruise'), ['src', '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
      cwd: base,
      stdio: 'pipe',
      encoding: 'utf8',
    });
    return [];
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '') + String((e as { stderr?: string }).stderr ?? '');
    return out
      .split('\n')
      .filter((l) => /^\s*(error|warn)\s/.test(l) || /→/.test(l))
      .map((l) => l.trim());
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = [...importViolations(root), ...sqlViolations(root)];
  if (problems.length) {
    console.error(`module boundaries: ${problems.length} violation(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log('module boundaries: ok');
}
