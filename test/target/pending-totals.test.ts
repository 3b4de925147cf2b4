/**
 * Totals applied once per import (issue 15, ingest speed): a fact import's batches append their deltas to
 * actual_pending_deltas and the import applies them at its end (and between batches past a bound, in partner slices
 * of a bounded size); deltas an interrupted import committed are applied by the next import of the stream or by the
 * `totals-pending` sweep, exactly once. Checked against a rebuild of every totals table from the facts.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/actor.js';
import { runImport, type ImportOptions } from '../../src/platform/imports.js';
import type { Store } from '../../src/platform/store.js';
import { factImportSpec } from '../../src/modules/target/target.ingest.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;

const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  for (const [code, type] of [
    ['QP1', 'distributor'],
    ['QP2', 'retailer'],
    ['QP3', 'distributor'],
  ] as const)
    await createPartner(admin, code, { type });
  await seedCatalog(t, 't1', {
    lines: ['QL1', 'QL2'],
    products: [
      { code: 'QS1', line: 'QL1' },
      { code: 'QS2', line: 'QL2' },
    ],
    territories: [{ code: 'QT1' }, { code: 'QT2' }],
  });
});
afterAll(async () => t?.close());

const store = () => (t.app as unknown as { store: Store }).store;
const actor = systemActor('t1', 'cli-import');

/** a sell-through import on the API's path (runImport with the stream's spec), small batches and a small bound */
const importFile = (
  csv: string,
  o: { batchSize?: number; pendingBound?: number; sliceRows?: number; crash?: boolean; onProgress?: ImportOptions['onProgress'] } = {},
) => {
  const spec = factImportSpec(store(), 'sell-through', actor, undefined, { pendingBound: o.pendingBound ?? 1_000_000, sliceRows: o.sliceRows ?? 1_000_000 });
  // an import whose process dies after its batches committed: its deferred apply never runs
  if (o.crash) delete spec.deferred;
  return runImport(store(), actor, Readable.from([csv]), spec, {
    format: 'csv',
    batchSize: o.batchSize ?? 3,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
};

/** a file of n lines over 3 partners, 2 products, 2 territories, 14 months and 7 customers; `bump` adds to some amounts */
const file = (n: number, bump = (_i: number) => 0) => {
  const rows = [HEADER];
  for (let i = 0; i < n; i++) {
    const month = String((i % 12) + 1).padStart(2, '0');
    const year = i % 7 === 0 ? 2025 : 2026;
    const amount = (10 + i * 1.25 + bump(i)).toFixed(2);
    rows.push(
      `QX-${String(i).padStart(4, '0')},${year}-${month}-${String((i % 27) + 1).padStart(2, '0')},QP${(i % 3) + 1},QS${(i % 2) + 1},${1 + (i % 5)},${amount},QC${i % 7},QT${i % 4 < 2 ? 1 : 2}`,
    );
  }
  return rows.join('\n');
};

/** every totals table the import maintains, tenant t1, rows with lines <> 0 (what a rebuild gives) */
const totals = async () => ({
  monthly: await t.database.rows(
    sql`select stream, partner_id, month::text, amount::text, quantity::text, lines::int from actual_monthly_totals where tenant_id = 't1' and lines <> 0 order by 1, 2, 3`,
  ),
  quarterly: await t.database.rows(
    sql`select stream, partner_id, quarter::text, amount::text, quantity::text, lines::int from actual_quarterly_totals where tenant_id = 't1' and lines <> 0 order by 1, 2, 3`,
  ),
  dims: await t.database.rows(
    sql`select stream, partner_id, month::text, product_line_id, territory_id, amount::text, quantity::text, lines::int from actual_monthly_dim_totals
        where tenant_id = 't1' and lines <> 0 order by 1, 2, 3, 4, 5`,
  ),
  groups: await t.database.rows(
    sql`select stream, dim, month::text, partner_type, group_key, amount::text, quantity::text, lines::int from actual_monthly_group_totals
        where tenant_id = 't1' and lines <> 0 order by 1, 2, 3, 4, 5`,
  ),
  customers: await t.database.rows(sql`select partner_id, customer_id, first_date::text from partner_customers where tenant_id = 't1' order by 1, 2`),
});
const pendingRows = async () =>
  Number((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from actual_pending_deltas where tenant_id = 't1'`))[0]!.n);
const monthlySum = async () =>
  (
    await t.database.rows<{ s: string | null }>(
      sql`select sum(amount)::text as s from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through'`,
    )
  )[0]!.s;
const factSum = async () =>
  (await t.database.rows<{ s: string | null }>(sql`select sum(amount)::text as s from sell_through_lines where tenant_id = 't1'`))[0]!.s;
/** asserts the maintained totals equal a rebuild from the facts (the rebuild leaves them as they are then) */
const expectTotalsAsRebuilt = async () => {
  const maintained = await totals();
  expect(maintained.monthly.length).toBeGreaterThan(0);
  const rb = await admin.post('/v1/actuals/totals:rebuild', {});
  expect(rb.statusCode, rb.body).toBe(200);
  expect(await totals()).toEqual(maintained);
};

describe('totals applied once per import', () => {
  it('a file over many batches: every totals table equals a rebuild from the facts, nothing left pending', async () => {
    const r = await importFile(file(40), { batchSize: 3 });
    expect(r).toMatchObject({ committed: true, rowsRead: 40, accepted: 40, created: 40, rejected: 0 });
    expect(await pendingRows()).toBe(0);
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });

  it('a re-import of the same file changes no total; a re-import with changed amounts moves them by exactly the difference', async () => {
    const before = await totals();
    const same = await importFile(file(40), { batchSize: 4 });
    expect(same).toMatchObject({ created: 0, updated: 0, unchanged: 40 });
    expect(await totals()).toEqual(before);
    expect(await pendingRows()).toBe(0);

    const sumBefore = await monthlySum();
    // lines 3, 13, 23, 33 gain 0.35 each (+1.40), line 5 loses 2.5
    const changed = await importFile(
      file(40, (i) => (i % 10 === 3 ? 0.35 : i === 5 ? -2.5 : 0)),
      { batchSize: 4 },
    );
    expect(changed).toMatchObject({ created: 0, updated: 5, unchanged: 35 });
    expect(await pendingRows()).toBe(0);
    const [d] = await t.database.rows<{ d: string }>(sql`select (${(await monthlySum())!}::numeric - ${sumBefore!}::numeric)::text as d`);
    expect(d!.d).toBe('-1.1000');
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });

  it('past the bound, an import applies its deltas between batches (in partner slices): the pending rows stay bounded', async () => {
    let most = 0;
    const r = await importFile(
      file(60, (i) => 1 + (i % 3)),
      {
        batchSize: 5,
        pendingBound: 25,
        sliceRows: 4,
        onProgress: async () => {
          most = Math.max(most, await pendingRows());
        },
      },
    );
    expect(r).toMatchObject({ accepted: 60, created: 20, updated: 40 });
    // without the bound, the 40 updated lines alone leave 80 rows pending; with it, at most the bound and the
    // rows of the batches written since (2 a line, at most 2 batches in the database at once)
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(25 + 2 * 2 * 5);
    expect(await pendingRows()).toBe(0);
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });
});

describe('an import interrupted after batches committed', () => {
  it('leaves its deltas pending (the totals trail the facts); the next import of the stream applies them, once', async () => {
    const before = await monthlySum();
    const r = await importFile(
      file(30, (i) => 5 + i),
      { batchSize: 4, crash: true },
    );
    expect(r).toMatchObject({ accepted: 30, updated: 30 });
    expect(await pendingRows()).toBe(60);
    expect(await monthlySum()).toBe(before); // not applied yet
    expect(await monthlySum()).not.toBe(await factSum());
    // the next import (another file of the stream, any size) applies them first, and its own at its end
    const next = await importFile([HEADER, 'QY-1,2026-05-05,QP1,QS1,1,99.99,QC9,QT1'].join('\n'));
    expect(next).toMatchObject({ created: 1 });
    expect(await pendingRows()).toBe(0);
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });

  it('the recovery sweep applies them exactly once, also when it runs twice at once and beside an import', async () => {
    const r = await importFile(
      file(30, (i) => 7 + i),
      { batchSize: 4, crash: true },
    );
    expect(r).toMatchObject({ accepted: 30, updated: 30 });
    expect(await pendingRows()).toBe(60);
    const actuals = t.app.services.target.actuals;
    const [a, b, c] = await Promise.all([
      actuals.applyPendingTotals(),
      actuals.applyPendingTotals(),
      importFile([HEADER, 'QY-2,2026-06-06,QP2,QS2,2,12.34,QC1,QT2'].join('\n')),
    ]);
    expect(c).toMatchObject({ created: 1 });
    // the import applies what it finds too: the 61 rows applied once between the three
    expect(a.rows + b.rows).toBeLessThanOrEqual(61);
    expect(await pendingRows()).toBe(0);
    expect(await actuals.applyPendingTotals()).toEqual({ rows: 0 });
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });

  it('a totals rebuild meanwhile takes the pending deltas as applied (they are in the facts): never counted twice', async () => {
    await importFile(
      file(30, (i) => 9 + i),
      { batchSize: 4, crash: true },
    );
    expect(await pendingRows()).toBe(60);
    const rb = await admin.post('/v1/actuals/totals:rebuild', {});
    expect(rb.statusCode, rb.body).toBe(200);
    expect(await pendingRows()).toBe(0);
    await t.app.services.target.actuals.applyPendingTotals();
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });

  it('an apply over many blocks of the pending table runs in several slices by block range, each row applied once', async () => {
    const slices: string[] = [];
    t.database.onStatement = (query) => {
      if (/delete from actual_pending_deltas/.test(query)) slices.push(query);
    };
    // 2,000 lines changed (the first ones) or new: about 2,000-4,000 pending rows over dozens of heap blocks
    const r = await importFile(
      file(2000, (i) => 0.5 + (i % 3)),
      { batchSize: 500, sliceRows: 300 },
    );
    t.database.onStatement = undefined;
    expect(r).toMatchObject({ committed: true, rowsRead: 2000, accepted: 2000, rejected: 0 });
    // a slice per ~300 rows: several transactions, the first and middle ones bounded on both sides, the last open-ended
    expect(slices.length).toBeGreaterThan(3);
    expect(slices.filter((q) => /ctid < /.test(q)).length).toBe(slices.length - 1);
    expect(await pendingRows()).toBe(0);
    expect(await monthlySum()).toBe(await factSum());
    await expectTotalsAsRebuilt();
  });
});
