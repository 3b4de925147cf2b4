import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, importCsv, importNdjson, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let pa: { id: string }, pb: { id: string };

const one = async <T = any>(q: ReturnType<typeof sql>) => (await t.database.rows<T>(q))[0]!;

const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  pa = await createPartner(admin, 'PA');
  pb = await createPartner(admin, 'PB');
  await seedCatalog(t, 't1', {
    lines: ['L1'],
    products: [{ code: 'SKU1', line: 'L1' }, { code: 'SKU2' }],
    territories: [{ code: 'CN' }, { code: 'SH', parent: 'CN' }],
  });
});
afterAll(async () => t?.close());

describe('sell-through import', () => {
  const file = [
    HEADER,
    'ST-1,2026-07-05,PA,SKU1,3,300,C1,SH',
    'ST-2,2026-08-10,PA,SKU2,2,200.50,C2,SH',
    'ST-3,2026-10-01,PA,SKU1,1,999,C1,SH',
    'ST-4,2026-06-30,PA,SKU1,1,50,C3,CN',
    'ST-5,2026-07-20,PB,SKU1,10,1000,,CN',
  ].join('\n');

  it('imports, and re-sending the same file changes nothing', async () => {
    const r1 = await importCsv(t, token, 'sell-through', file);
    expect(r1.statusCode).toBe(200);
    expect(r1.data).toMatchObject({ committed: true, rowsRead: 5, accepted: 5, rejected: 0, created: 5, updated: 0, unchanged: 0, errors: [] });
    const before = await one(sql`select count(*)::int as n, sum(amount)::text as s, max(updated_at) as u from sell_through_lines where tenant_id = 't1'`);
    const totalsBefore = await t.database.rows(sql`select * from actual_monthly_totals where tenant_id = 't1' order by partner_id, month`);
    const r2 = await importCsv(t, token, 'sell-through', file);
    expect(r2.data).toMatchObject({ committed: true, accepted: 5, created: 0, updated: 0, unchanged: 5 });
    const after = await one(sql`select count(*)::int as n, sum(amount)::text as s, max(updated_at) as u from sell_through_lines where tenant_id = 't1'`);
    expect(after).toEqual(before);
    expect(before).toMatchObject({ n: 5, s: '2549.5000' });
    expect(await t.database.rows(sql`select * from actual_monthly_totals where tenant_id = 't1' order by partner_id, month`)).toEqual(totalsBefore);
  });

  it('a changed row is updated once and the monthly totals move with it (no double count)', async () => {
    const r = await importNdjson(t, token, 'sell-through', [
      { externalId: 'ST-2', date: '2026-09-10', partnerCode: 'PA', productCode: 'SKU2', quantity: 2, amount: '210.50', customerId: 'C2', territoryCode: 'SH' },
    ]);
    expect(r.data).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const rows = await t.database.rows<{ month: string; amount: string; lines: number }>(
      sql`select month::text as month, amount::text as amount, lines from actual_monthly_totals where tenant_id = 't1' and partner_id = ${pa.id} and stream = 'sell_through' order by month`,
    );
    expect(rows).toEqual([
      { month: '2026-06-01', amount: '50.0000', lines: 1 },
      { month: '2026-07-01', amount: '300.0000', lines: 1 },
      { month: '2026-08-01', amount: '0.0000', lines: 0 },
      { month: '2026-09-01', amount: '210.5000', lines: 1 },
      { month: '2026-10-01', amount: '999.0000', lines: 1 },
    ]);
    // back to the original file: totals equal a recomputation from the facts
    const back = await importCsv(t, token, 'sell-through', file);
    expect(back.data).toMatchObject({ updated: 1, unchanged: 4 });
    const mismatch = await one<{ n: number }>(sql`
      select count(*)::int as n from (
        select partner_id, date_trunc('month', date)::date as month, sum(amount) as amount from sell_through_lines where tenant_id = 't1' group by 1, 2
      ) f full join (select partner_id, month, amount from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through' and lines > 0) m
      using (partner_id, month) where f.amount is distinct from m.amount`);
    expect(mismatch.n).toBe(0);
  });

  it('reports bad rows by line and field and keeps the good ones; allOrNothing and dryRun write nothing', async () => {
    const bad = [
      HEADER,
      'B-1,2026-07-01,PA,SKU1,1,10,,SH', // good (line 2)
      'B-2,2026-02-30,PA,SKU1,1,10,,SH', // bad date
      'B-3,2026-07-01,NOPE,SKU1,1,10,,SH', // unknown partner
      'B-4,2026-07-01,PA,SKU1,1,,,SH', // missing amount
      'B-5,2026-07-01,PA,SKU9,1,1.23456,,XX', // unknown product and territory, too many decimals
      'B-1,2026-07-02,PA,SKU1,1,10,,SH', // duplicate key
      'B-6,2026-07-03,PB,SKU2,4,40,C9,SH', // good (line 8)
    ].join('\n');
    const count = async () => (await one<{ n: number }>(sql`select count(*)::int as n from sell_through_lines where external_id like 'B-%'`)).n;
    const aon = await importCsv(t, token, 'sell-through', bad, '?allOrNothing=true');
    expect(aon.data).toMatchObject({ committed: false, allOrNothing: true, accepted: 0, created: 0, rejected: 5 });
    expect(await count()).toBe(0);
    const dry = await importCsv(t, token, 'sell-through', bad, '?dryRun=true');
    expect(dry.data).toMatchObject({ committed: false, dryRun: true, accepted: 2, rejected: 5 });
    expect(await count()).toBe(0);
    const r = await importCsv(t, token, 'sell-through', bad);
    expect(r.data).toMatchObject({ committed: true, rowsRead: 7, accepted: 2, rejected: 5, created: 2 });
    expect(r.data.errors).toEqual(
      expect.arrayContaining([
        { line: 3, path: 'date', message: 'must be a date YYYY-MM-DD' },
        { line: 4, path: 'partnerCode', message: "no partner with code 'NOPE'" },
        { line: 5, path: 'amount', message: 'is required' },
        expect.objectContaining({ line: 6, path: 'amount' }),
        { line: 7, path: 'externalId', message: "duplicate of line 2 in this file (externalId 'B-1')" },
      ]),
    );
    expect(await count()).toBe(2);
    // unknown codes are found in the database step: a row with only code problems names both fields
    const codes = await importCsv(t, token, 'sell-through', [HEADER, 'B-7,2026-07-01,PA,SKU9,1,1,,XX'].join('\n'));
    expect(codes.data.errors).toEqual([
      { line: 2, path: 'productCode', message: "no product with code 'SKU9'" },
      { line: 2, path: 'territoryCode', message: "no territory with code 'XX'" },
    ]);
  });

  it('refuses a body that is not CSV or NDJSON, and callers without actuals:write', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/actuals/sell-through:import',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(415);
    const ro = await t.token({ scope: 'actuals:read' });
    expect((await importCsv(t, ro, 'sell-through', HEADER + '\n')).statusCode).toBe(403);
    expect((await importCsv(t, token, 'nonsense', HEADER + '\n')).statusCode).toBe(404);
  });

  it('partner tokens import only their own lines', async () => {
    const mine = await t.token({ scope: 'actuals:write', partner: pb.id });
    const r = await importCsv(t, mine, 'sell-through', [HEADER, 'PB-1,2026-07-01,PB,SKU1,1,1,,SH', 'PB-2,2026-07-01,PA,SKU1,1,1,,SH'].join('\n'));
    expect(r.data).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.data.errors[0]).toMatchObject({ line: 3, path: 'partnerCode' });
  });
});

describe('other streams', () => {
  it('imports sell-in, inventory and collections idempotently', async () => {
    const si = 'externalId,date,partnerCode,productCode,quantity,amount\nSI-1,2026-07-01,PA,SKU1,5,500\nSI-2,2026-07-02,PA,SKU2,1,100.25\n';
    expect((await importCsv(t, token, 'sell-in', si)).data).toMatchObject({ created: 2 });
    expect((await importCsv(t, token, 'sell-in', si)).data).toMatchObject({ created: 0, unchanged: 2 });
    const inv = 'externalId,date,partnerCode,productCode,quantityOnHand\nI-1,2026-07-31,PA,SKU1,12\nI-2,2026-07-31,PA,SKU2,-1\n';
    const ri = await importCsv(t, token, 'inventory', inv);
    expect(ri.data).toMatchObject({ created: 1, rejected: 1 });
    expect(ri.data.errors[0]).toMatchObject({ line: 3, path: 'quantityOnHand' });
    const col = 'externalId,date,partnerCode,amount,invoiceRef\nP-1,2026-07-15,PA,1000,INV-1\nP-2,2026-08-15,PA,234.5,"INV-2, part\tb"\n';
    expect((await importCsv(t, token, 'collections', col)).data).toMatchObject({ created: 2 });
    expect((await importCsv(t, token, 'collections', col)).data).toMatchObject({ unchanged: 2 });
    expect((await one(sql`select invoice_ref from collections where external_id = 'P-2'`)).invoice_ref).toBe('INV-2, part\tb');
    const tot = await t.database.rows(
      sql`select stream, month::text as month, amount::text as amount from actual_monthly_totals where partner_id = ${pa.id} and stream in ('sell_in','collection') order by stream, month`,
    );
    expect(tot).toEqual([
      { stream: 'collection', month: '2026-07-01', amount: '1000.0000' },
      { stream: 'collection', month: '2026-08-01', amount: '234.5000' },
      { stream: 'sell_in', month: '2026-07-01', amount: '600.2500' },
    ]);
  });
});

describe('cross-region marking', () => {
  // These partners have no agreement, hence no territory rights: every line is marked. Marking against real
  // rights (agreements, cross-region requests) is tested in target-cross-region.test.ts.
  it('marks every sell-through line when the partner has no territory right, and lists the violations', async () => {
    const n = await one<{ all: number; marked: number }>(
      sql`select count(*)::int as all, count(*) filter (where cross_region)::int as marked from sell_through_lines where tenant_id = 't1'`,
    );
    expect(n.marked).toBe(n.all);
    const v = await admin.get(`/v1/actuals/cross-region-violations?partner=${pa.id}&from=2026-07-01&to=2026-09-30`);
    expect(v.statusCode).toBe(200);
    expect(v.data.data.map((x: { externalId: string }) => x.externalId)).toEqual(['B-1', 'ST-1', 'ST-2']);
    expect(v.data.data[1]).toMatchObject({
      externalId: 'ST-1',
      partnerCode: 'PA',
      productCode: 'SKU1',
      territoryCode: 'SH',
      date: '2026-07-05',
      amount: '300.0000',
      customerId: 'C1',
    });
    const mine = t.client(await t.token({ scope: 'actuals:read', partner: pb.id }));
    expect((await mine.get(`/v1/actuals/cross-region-violations?partner=${pa.id}`)).statusCode).toBe(404);
    const own = await mine.get('/v1/actuals/cross-region-violations');
    expect(own.data.data.every((x: { partnerId: string }) => x.partnerId === pb.id)).toBe(true);
    const re = await admin.post('/v1/actuals/cross-region-violations:recheck', { from: '2026-01-01', to: '2026-12-31' });
    expect(re.data).toEqual({ changed: 0 });
  });
});
