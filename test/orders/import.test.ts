import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { ok, ordersWorld, teaPartner } from '../helpers/orders.js';

let t: TestApp;
let admin: Client;
let pl: { id: string; code: string };

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};
const importCsv = (c: Client, body: string, query = '') => c.post(`/v1/orders:import${query}`, body, { 'content-type': 'text/csv' });
const byExt = async (ext: string) => {
  const list = await ok(admin.get('/v1/orders?partner=PL&limit=500'));
  return list.data.find((o: any) => o.externalId === ext);
};

const HEAD = 'externalId,partner,shipTo,requestedDate,paymentTermDays,currency,product,quantity,unitPrice,lineNo';
const FILE = `${HEAD}
E1,PL,HZ,2026-03-01,30,CNY,TEA-2,5,21.50,2
E1,PL,HZ,2026-03-01,30,CNY,TEA-1,10,,1
E2,NOPE,HZ,2026-03-01,30,CNY,TEA-1,1,,1
E3,PL,HZ,2026-03-01,30,CNY,TEA-1,2,,1
E3,PL,HZ,2026-03-01,30,CNY,NOPE-1,2,,2
E4,PL,HZ,2026-03-01,30,CNY,TEA-1,abc,,1
E5,PL,HZ,2026-03-01
E6,PL,HZ,2026-03-01,30,CNY,TEA-2,0,,1
`;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  const cat = await ordersWorld(admin);
  pl = await teaPartner(admin, cat, 'PL');
});
afterAll(async () => {
  await t?.close();
});

describe('order import (CSV, NDJSON) through the import engine', () => {
  it('accepts whole orders and reports rejected rows by line with the reason', async () => {
    const res = await importCsv(admin, FILE);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ committed: true, rowsRead: 8, accepted: 2, rejected: 6, created: 2, updated: 0, unchanged: 0 });
    expect(res.data.errors).toEqual([
      { line: 4, path: 'partner', message: "no partner 'NOPE'" },
      // E3 is all-or-nothing: its good line 5 is not written because line 6 names an unknown product
      { line: 5, path: 'externalId', message: "order 'E3' is not imported: line 6 rejected" },
      { line: 6, path: 'product', message: "no product 'NOPE-1'" },
      { line: 7, path: 'quantity', message: 'must be a decimal number greater than 0 with at most 4 decimals' },
      { line: 8, message: 'wrong number of columns: the row has 4, the header line has 10' },
      { line: 9, path: 'quantity', message: 'must be a decimal number greater than 0 with at most 4 decimals' },
    ]);
    const e1 = await byExt('E1');
    // lines sorted by the file's lineNo, stored as 1..n; unitPrice is the requested price
    expect(e1).toMatchObject({ status: 'draft', partnerId: pl.id, requestedDate: '2026-03-01', paymentTermDays: 30, currency: 'CNY', version: 1 });
    expect(e1.lines.map((l: any) => [l.lineNo, l.productCode, l.quantity, l.requestedPrice])).toEqual([
      [1, 'TEA-1', '10.0000', null],
      [2, 'TEA-2', '5.0000', '21.5000'],
    ]);
    expect(await byExt('E3')).toBeUndefined();
    const ev = await rows(sql`select type, payload from events where resource_id = ${e1.id}`);
    expect(ev.map((e) => e.type)).toEqual(['order.created']);
    const au = await rows(sql`select action from audit_log where resource_id = ${e1.id}`);
    expect(au.map((a) => a.action)).toEqual(['import_create']);
  });

  it('a re-import of the same file changes nothing; a changed order replaces the draft', async () => {
    const again = await ok(importCsv(admin, FILE));
    expect(again).toMatchObject({ accepted: 2, rejected: 6, created: 0, updated: 0, unchanged: 2 });
    const e1 = await byExt('E1');
    expect(e1.version).toBe(1);
    expect(await rows(sql`select 1 from events where resource_id = ${e1.id}`)).toHaveLength(1);

    const changed = await ok(importCsv(admin, `${HEAD}\nE1,PL,HZ,2026-03-02,30,CNY,TEA-1,12,,1\n`));
    expect(changed).toMatchObject({ accepted: 1, rejected: 0, created: 0, updated: 1 });
    const after = await byExt('E1');
    expect(after).toMatchObject({ id: e1.id, version: 2, requestedDate: '2026-03-02' });
    expect(after.lines.map((l: any) => [l.lineNo, l.productCode, l.quantity])).toEqual([[1, 'TEA-1', '12.0000']]);
    const au = await rows(sql`select action, changes from audit_log where resource_id = ${e1.id} order by id`);
    expect(au.map((a) => a.action)).toEqual(['import_create', 'import_replace']);
    // Idempotency-Key as on every import: the retry answers the first report without running again
    const key = { 'content-type': 'text/csv', 'idempotency-key': 'erp-batch-7' };
    const k1 = await admin.post('/v1/orders:import', `${HEAD}\nK1,PL,,2026-03-01,,,TEA-1,1,,\n`, key);
    const k2 = await admin.post('/v1/orders:import', `${HEAD}\nK1,PL,,2026-03-01,,,TEA-1,1,,\n`, key);
    expect([k1.data.created, k2.data.created, k2.headers['idempotent-replayed']]).toEqual([1, 1, 'true']);
  });

  it('rows of a submitted order are rejected with ILLEGAL_TRANSITION, each one', async () => {
    const e1 = await byExt('E1');
    const sub = await ok(admin.post(`/v1/orders/${e1.id}:submit`, {}));
    expect(sub.status).toBe('approved');
    const res = await ok(importCsv(admin, `${HEAD}\nE1,PL,HZ,2026-03-02,30,CNY,TEA-1,1,,1\nE1,PL,HZ,2026-03-02,30,CNY,TEA-2,1,,2\n`));
    expect(res).toMatchObject({ accepted: 0, rejected: 2, committed: false });
    expect(res.errors).toEqual([
      { line: 2, path: 'externalId', message: "ILLEGAL_TRANSITION: order 'E1' is approved: only a draft can be replaced" },
      { line: 3, path: 'externalId', message: "ILLEGAL_TRANSITION: order 'E1' is approved: only a draft can be replaced" },
    ]);
    expect((await byExt('E1')).lines).toHaveLength(1);
  });

  it('NDJSON: header fields must agree within an order; lines of an order must be consecutive; dry run writes nothing', async () => {
    const nd = [
      { externalId: 'N1', partner: pl.id, requestedDate: '2026-04-01', product: 'TEA-1', quantity: '3' },
      { externalId: 'N1', partner: pl.id, requestedDate: '2026-04-01', product: 'TEA-2', quantity: 4 },
      { externalId: 'N2', partner: 'PL', requestedDate: '2026-04-01', product: 'TEA-1', quantity: '1' },
      { externalId: 'N2', partner: 'PL', requestedDate: '2026-04-02', product: 'TEA-1', quantity: '1' },
      { externalId: 'N1', partner: 'PL', requestedDate: '2026-04-01', product: 'TEA-1', quantity: '1' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const dry = await ok(admin.post('/v1/orders:import?dryRun=true', nd, { 'content-type': 'application/x-ndjson' }));
    expect(dry).toMatchObject({ dryRun: true, committed: false, accepted: 2, rejected: 3 });
    expect(await byExt('N1')).toBeUndefined();
    const res = await ok(admin.post('/v1/orders:import', nd, { 'content-type': 'application/x-ndjson' }));
    expect(res).toMatchObject({ accepted: 2, rejected: 3, created: 2 });
    expect(res.errors).toEqual([
      { line: 3, path: 'externalId', message: "order 'N2' is not imported: line 4 rejected" },
      {
        line: 4,
        path: 'requestedDate',
        message: "differs from line 3 of order 'N2' (the header fields are the same on every line)",
      },
      { line: 5, path: 'externalId', message: "the rows of 'N1' must be consecutive: they ended at line 2" },
    ]);
    const n1 = await byExt('N1');
    // no lineNo: the lines in file order
    expect(n1.lines.map((l: any) => [l.lineNo, l.productCode, l.quantity])).toEqual([
      [1, 'TEA-1', '3.0000'],
      [2, 'TEA-2', '4.0000'],
    ]);
  });

  it('bad flags and media types are problems; a partner credential imports only its own orders; needs orders:write', async () => {
    const flag = await admin.post('/v1/orders:import?dryRun=yes', `${HEAD}\n`, { 'content-type': 'text/csv' });
    expect(flag.statusCode).toBe(400);
    expect(flag.data.errors[0].path).toBe('querystring.dryRun');
    const json = await admin.post('/v1/orders:import', { a: 1 });
    expect(json.statusCode).toBe(415);
    const reader = t.client(await t.token({ scope: 'orders:read' }));
    expect((await importCsv(reader, `${HEAD}\n`)).statusCode).toBe(403);

    await ok(admin.post('/v1/partners', { code: 'OTHER', legalName: 'Other Co.', type: 'distributor' }));
    const portal = t.client(await t.token({ partner: pl.id, scope: 'orders:write', sub: 'pl-user' }));
    const res = await ok(importCsv(portal, `${HEAD}\nX1,OTHER,,2026-03-01,,,TEA-1,1,,\nX2,PL,,2026-03-01,,,TEA-1,1,,\n`));
    expect(res).toMatchObject({ accepted: 1, rejected: 1, created: 1 });
    expect(res.errors).toEqual([{ line: 2, path: 'partner', message: "partner 'OTHER' is not yours" }]);
  });
});

describe('batches never split an order', () => {
  it('with 2 rows per batch, a 3-line order is still written whole (the engine finishes the group)', async () => {
    const { Readable } = await import('node:stream');
    const { importsOf, runImport } = await import('../../src/platform/imports.js');
    const { systemActor } = await import('../../src/platform/actor.js');
    const store = (t.app as unknown as { store: Parameters<typeof importsOf>[0] }).store;
    const actor = systemActor('t1', 'cli-import');
    const csv = `${HEAD}
B1,PL,,2026-05-01,,,TEA-1,1,,
B2,PL,,2026-05-01,,,TEA-1,1,,
B2,PL,,2026-05-01,,,TEA-2,2,,
B2,PL,,2026-05-01,,,TEA-1,3,,
B3,PL,,2026-05-01,,,TEA-2,1,,
`;
    const report = await runImport(store, actor, Readable.from([csv]), importsOf(store).get('orders.orders')!(actor, {}), { format: 'csv', batchSize: 2 });
    expect(report).toMatchObject({ accepted: 5, rejected: 0, created: 5 });
    expect((await byExt('B2')).lines.map((l: any) => [l.lineNo, l.productCode, l.quantity])).toEqual([
      [1, 'TEA-1', '1.0000'],
      [2, 'TEA-2', '2.0000'],
      [3, 'TEA-1', '3.0000'],
    ]);
  });
});
