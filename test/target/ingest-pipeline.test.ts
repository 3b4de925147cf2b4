/**
 * The pipelined sell-through import (issue 15): batch n+1 is staged on a second connection (PostgreSQL) while batch
 * n is written, and written only after it. Run through the import kind the route, async jobs and the CLI share,
 * with tiny batches (the CLI's --batch-size) so that a file spans many batches: later batches' rows update earlier
 * ones in file order, refused rows are reported per batch, a re-import is idempotent, and every total the statement
 * maintains equals a rebuild from the facts.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/actor.js';
import { importsOf, runImport } from '../../src/platform/imports.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;

const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  await createPartner(admin, 'PP1');
  await createPartner(admin, 'PP2', { type: 'retailer' });
  await seedCatalog(t, 't1', {
    lines: ['PL1', 'PL2'],
    products: [
      { code: 'PS1', line: 'PL1' },
      { code: 'PS2', line: 'PL2' },
    ],
    territories: [{ code: 'PT1' }, { code: 'PT2' }],
  });
});
afterAll(async () => t?.close());

const store = () => (t.app as unknown as { store: Parameters<typeof importsOf>[0] }).store;
const importBatched = (csv: string, batchSize: number) => {
  const actor = systemActor('t1', 'cli-import');
  return runImport(store(), actor, Readable.from([csv]), importsOf(store()).get('target.sell_through')!(actor, {}), { format: 'csv', batchSize });
};

const facts = () =>
  t.database.rows<{ external_id: string; amount: string; partner: string; cross_region: boolean }>(
    sql`select l.external_id, l.amount::text as amount, p.code as partner, l.cross_region from sell_through_lines l
        join partners p on p.tenant_id = l.tenant_id and p.id = l.partner_id
        where l.tenant_id = 't1' and l.external_id like 'PX-%' order by l.external_id`,
  );
/** the totals the import statement maintains (first-seen customers are kept on purpose when a line moves: not compared) */
const totals = async () => ({
  monthly: await t.database.rows(
    sql`select stream, partner_id, month::text, amount::text, quantity::text, lines::int from actual_monthly_totals where tenant_id = 't1' and lines <> 0 order by 1, 2, 3`,
  ),
  dims: await t.database.rows(
    sql`select stream, partner_id, month::text, product_line_id, territory_id, amount::text, quantity::text, lines::int from actual_monthly_dim_totals
        where tenant_id = 't1' and lines <> 0 order by 1, 2, 3, 4, 5`,
  ),
  groups: await t.database.rows(
    sql`select stream, dim, month::text, partner_type, group_key, amount::text, quantity::text, lines::int from actual_monthly_group_totals
        where tenant_id = 't1' and lines <> 0 order by 1, 2, 3, 4, 5`,
  ),
  quarterly: await t.database.rows(
    sql`select stream, partner_id, quarter::text, amount::text, quantity::text, lines::int from actual_quarterly_totals where tenant_id = 't1' and lines <> 0 order by 1, 2, 3`,
  ),
});
/** quarterly totals that are not the monthly ones summed by calendar quarter (none, after every kind of write) */
const quarterMismatches = async () =>
  t.database.rows(sql`
    select * from (
      select stream, partner_id, date_trunc('quarter', month)::date as q, sum(amount) as a, sum(quantity) as n, sum(lines)::int as l
      from actual_monthly_totals where tenant_id = 't1' group by 1, 2, 3) m
    full join (select stream, partner_id, quarter as q, amount as a, quantity as n, lines as l from actual_quarterly_totals where tenant_id = 't1') x
      using (stream, partner_id, q)
    where (m.a, m.n, m.l) is distinct from (x.a, x.n, x.l)`);

// 13 rows, batches of 3: PX-02 (line 3) is changed by the next batch (line 5, another partner and month) and again
// four batches later (line 14, back to PP1, another month); PX-04 comes again unchanged (line 8); line 11 names an
// unknown partner
const FILE = [
  HEADER,
  'PX-01,2026-01-05,PP1,PS1,1,100,C1,PT1',
  'PX-02,2026-01-06,PP1,PS1,2,200,C2,PT1',
  'PX-03,2026-01-07,PP2,PS2,3,300,C3,PT2',
  'PX-02,2026-02-06,PP2,PS2,2,250,C2,PT2',
  'PX-04,2026-02-07,PP1,PS2,4,400,C4,PT1',
  'PX-05,2026-02-08,PP2,PS1,5,500,,PT2',
  'PX-04,2026-02-07,PP1,PS2,4,400,C4,PT1',
  'PX-06,2026-03-01,PP1,PS1,6,600,C1,PT2',
  'PX-07,2026-03-02,PP2,PS2,7,700,C5,PT1',
  'PX-08,2026-03-03,NOPE,PS1,8,800,C6,PT1',
  'PX-09,2026-03-04,PP1,PS1,9,900,C7,PT1',
  'PX-10,2026-03-05,PP2,PS2,10,1000,C8,PT2',
  'PX-02,2026-04-06,PP1,PS1,2,275.25,C2,PT1',
].join('\n');

describe('a sell-through file over many batches', () => {
  it('writes the batches in file order: the last row of an id wins, the report counts every row once', async () => {
    const r = await importBatched(FILE, 3);
    expect(r).toMatchObject({ committed: true, rowsRead: 13, accepted: 12, rejected: 1, created: 9, updated: 2, unchanged: 1 });
    expect(r.errors).toEqual([{ line: 11, path: 'partnerCode', message: "no partner with code 'NOPE'" }]);
    const f = await facts();
    expect(f.map((x) => x.external_id)).toEqual(['PX-01', 'PX-02', 'PX-03', 'PX-04', 'PX-05', 'PX-06', 'PX-07', 'PX-09', 'PX-10']);
    expect(f.find((x) => x.external_id === 'PX-02')).toMatchObject({ amount: '275.2500', partner: 'PP1', cross_region: true });
    const [sum] = await t.database.rows<{ s: string }>(
      sql`select sum(amount)::text as s from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through'`,
    );
    expect(sum!.s).toBe('4775.2500'); // 100 + 275.25 + 300 + 400 + 500 + 600 + 700 + 900 + 1000
    // PX-02 moved from PP1's first quarter to PP2's and back to PP1's second: the quarterly totals followed it
    expect(await quarterMismatches()).toEqual([]);
    const q = await t.database.rows<{ quarter: string; amount: string; lines: number }>(
      sql`select x.quarter::text as quarter, x.amount::text as amount, x.lines from actual_quarterly_totals x join partners p on p.tenant_id = x.tenant_id and p.id = x.partner_id
          where x.tenant_id = 't1' and x.stream = 'sell_through' and p.code = 'PP1' order by 1`,
    );
    expect(q).toEqual([
      { quarter: '2026-01-01', amount: '2000.0000', lines: 4 }, // PX-01 100, PX-04 400, PX-06 600, PX-09 900
      { quarter: '2026-04-01', amount: '275.2500', lines: 1 }, // PX-02
    ]);
  });

  it('keeps every total equal to a rebuild from the facts', async () => {
    const incremental = await totals();
    expect(incremental.groups.length).toBeGreaterThan(0);
    const rb = await admin.post('/v1/actuals/totals:rebuild', {});
    expect(rb.statusCode, rb.body).toBeLessThan(300);
    expect(await totals()).toEqual(incremental);
    expect(incremental.quarterly.length).toBeGreaterThan(0);
    expect(await quarterMismatches()).toEqual([]);
  });

  it('a re-import of the same file ends where the first one did (earlier versions of an id pass through again)', async () => {
    const before = { facts: await facts(), totals: await totals() };
    const r = await importBatched(FILE, 3);
    // PX-02 is rewritten by lines 3, 5 and 14 (the first of them finds line 14's version): 3 updates
    expect(r).toMatchObject({ committed: true, rowsRead: 13, accepted: 12, rejected: 1, created: 0, updated: 3, unchanged: 9 });
    expect(await facts()).toEqual(before.facts);
    expect(await totals()).toEqual(before.totals);
    expect(await quarterMismatches()).toEqual([]);
    // over HTTP in one batch, every row is where it was: the duplicates of the file are refused as such
    const h = await importCsv(t, token, 'sell-through', [HEADER, 'PX-01,2026-01-05,PP1,PS1,1,100,C1,PT1', 'PX-09,2026-03-04,PP1,PS1,9,900,C7,PT1'].join('\n'));
    expect(h.data).toMatchObject({ committed: true, accepted: 2, created: 0, updated: 0, unchanged: 2 });
  });
});
