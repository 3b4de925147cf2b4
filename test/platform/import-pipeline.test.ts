/**
 * The import engine's overlap (issue 15): a pipelined spec that stages its batches (`stageBatch`) has, on
 * PostgreSQL, batch n+1 staged in its own transaction while batch n is written; batches are still written in file
 * order, a refused batch is reported and the next ones go on, and a batch that fails for good ends the import with
 * no batch after it written. A spec of the test records what happens, on the app's real store and database.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/actor.js';
import { DomainError } from '../../src/platform/errors.js';
import { runImport, type ImportSpec } from '../../src/platform/imports.js';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await setupTestApp();
});
afterAll(async () => t?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const store = () => (t.app as unknown as { store: Parameters<typeof runImport>[0] }).store;
const csv = (n: number) => ['id', ...Array.from({ length: n }, (_, i) => `r${i + 1}`)].join('\n');

/** a spec whose first batch stages slowly; it logs stage and write events by the batch's first line */
function spec(opts: { failAt?: number; refuseAt?: number } = {}) {
  const events: string[] = [];
  const s: ImportSpec<{ id: string }> = {
    validate: (_line, get) => ({ value: { id: String(get('id')) } }),
    fastCsv: true,
    pipelined: true,
    stageBatch: async (w, rows) => {
      const first = rows[0]!.line;
      events.push(`stage ${first}`);
      await w.tx.execute(sql`select 1`);
      if (first === 2) await sleep(400); // batch 1 is staged last: batch 2 must still be written after it
      events.push(`staged ${first}`);
    },
    writeBatch: async (w, rows) => {
      const first = rows[0]!.line;
      events.push(`write ${first}`);
      await w.tx.execute(sql`select 1`);
      if (first === opts.failAt) throw new Error('the database went away');
      if (first === opts.refuseAt) throw new DomainError('CONFLICT', 'this batch is refused');
      await sleep(50);
      events.push(`wrote ${first}`);
      return { created: rows.length, updated: 0 };
    },
  };
  return { s, events };
}

describe('the pipelined engine', () => {
  it('writes batches in file order while the next batch is staged', async () => {
    const { s, events } = spec();
    const r = await runImport(store(), systemActor('t1', 'test'), Readable.from([csv(8)]), s, { format: 'csv', batchSize: 2 });
    expect(r).toMatchObject({ committed: true, rowsRead: 8, accepted: 8, created: 8, rejected: 0 });
    expect(events.filter((e) => e.startsWith('write '))).toEqual(['write 2', 'write 4', 'write 6', 'write 8']);
    // every write after its own staging and after the previous batch was written
    for (const [i, first] of [2, 4, 6, 8].entries()) {
      expect(events.indexOf(`write ${first}`)).toBeGreaterThan(events.indexOf(`staged ${first}`));
      if (i > 0) expect(events.indexOf(`write ${first}`)).toBeGreaterThan(events.indexOf(`wrote ${first - 2}`));
    }
    if (t.database.kind === 'postgres') {
      // overlap: batch 2 was staged (on a second connection) before batch 1 was written
      expect(events.indexOf('staged 4')).toBeLessThan(events.indexOf('wrote 2'));
    }
  });

  it('a refused batch is reported row by row and the batches after it are written', async () => {
    const { s, events } = spec({ refuseAt: 4 });
    const r = await runImport(store(), systemActor('t1', 'test'), Readable.from([csv(8)]), s, { format: 'csv', batchSize: 2 });
    expect(r).toMatchObject({ committed: true, rowsRead: 8, accepted: 6, rejected: 2, created: 6 });
    expect(r.errors.map((e) => e.line)).toEqual([4, 5]);
    expect(events.filter((e) => e.startsWith('wrote '))).toEqual(['wrote 2', 'wrote 6', 'wrote 8']);
  });

  it('a batch that fails for good ends the import: no batch after it is written', async () => {
    const { s, events } = spec({ failAt: 4 });
    await expect(runImport(store(), systemActor('t1', 'test'), Readable.from([csv(10)]), s, { format: 'csv', batchSize: 2 })).rejects.toThrow(
      'the database went away',
    );
    await sleep(600);
    expect(events.filter((e) => e.startsWith('wrote ') || e.startsWith('write '))).toEqual(['write 2', 'wrote 2', 'write 4']);
  });
});
