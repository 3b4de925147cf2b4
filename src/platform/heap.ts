import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived its last full collection before it collects again:
 * 20% (V8's own factor goes up to 4x when collecting is fast next to the program's work). MEMORY: an import keeps
 * its rows in flight and the price check's objects (target.ingest.ts) for seconds, so they outlive young-generation
 * collections, and the old generation filled with them as garbage: over a live heap of ~100 MB, a 200,000-row import
 * over HTTP peaked at 557 MB resident (474 MB with the price check in slices). With 25%: 222 MB, for more of the
 * server's CPU during the import (200,000 rows: 13 -> 19 s, one run each on a loaded machine; 1M rows: 61 -> 68 s,
 * peak 487 -> 231 MB). The import waits mostly on the database: its time did not change beyond the noise (1M rows:
 * 233 s and 231 s). 20% since an import applies its totals in the background (4 December): its batches, slowed by
 * the apply beside them in the database, keep their rows longer, and at 25% the server peaked at 242-249 MB (1M rows
 * over HTTP, 4 runs); at 20% 221 / 225 MB, at 15% 224 / 227 MB for ~20-40% more of the server's CPU (bench/ingest).
 * bench/ingest measures it; SERVER_NODE_FLAGS there, or a `--heap-growing-percent` on node's command line,
 * overrides it.
 */
export function boundHeapGrowth(): void {
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return;
  setFlagsFromString('--heap-growing-percent=20');
}
