// Compiles src/ to dist/ (tsc) and writes the embedded database template (dist/pglite-template.tgz, see
// src/platform/embedded-template.ts). `npm run build` always builds (--always); `npm start` and `npm run worker` run
// it first (prestart/preworker), and `npm ci` (prepare); those build only when dist/ is missing or older than any
// source or migration, so `npm ci && npm start` stays two commands and a checkout that changed since the last build
// never runs stale JavaScript. Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs; // a deleted or renamed file changes its directory
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

if (!existsSync(join(root, 'src'))) {
  console.error('build: no src/ here, nothing to build');
  process.exit(0);
}
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  // `npm ci --omit=dev` (a production install) has no compiler: it runs what an earlier build left in dist/
  console.error('build: typescript is not installed here, nothing to build');
  process.exit(0);
}
const always = process.argv.includes('--always');
const sources = Math.max(...['src', 'migrations', 'tsconfig.json', 'package.json'].map((p) => newest(join(root, p))));
if (!always && existsSync(stamp) && statSync(stamp).mtimeMs >= sources) process.exit(0);

const why = always ? 'npm run build' : existsSync(stamp) ? 'sources changed since the last build' : 'no build yet';
console.error(`build: ${why}: compiling src/ to dist/ (tsc)`);
const t0 = Date.now();
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', join(root, 'dist', '.tsbuildinfo')], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  console.error('build: tsc failed; fix the errors above (or `npm run dev` runs the sources through tsx)');
  process.exit(r.status ?? 1);
}
const { writeEmbeddedTemplate } = await import(pathToFileURL(join(root, 'dist', 'platform', 'embedded-template.js')).href);
await writeEmbeddedTemplate();
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.error(`build: dist/ and the embedded database template written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
