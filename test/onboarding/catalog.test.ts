import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

let t: TestApp;
let admin: Client;
const count = async (table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);
const csv = { 'content-type': 'text/csv' };
const ndjson = { 'content-type': 'application/x-ndjson' };

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('catalog CRUD', () => {
  it('creates a line, a product in it (by lineCode) and a territory tree; refuses duplicates and cycles', async () => {
    const line = await admin.post('/v1/onboarding/product-lines', { code: 'TEA', name: 'Tea' });
    expect(line.statusCode).toBe(201);
    const prod = await admin.post('/v1/onboarding/products', { code: 'TEA-001', name: 'Green tea 250g', lineCode: 'TEA', unit: 'box' });
    expect(prod.statusCode).toBe(201);
    expect(prod.data).toMatchObject({ lineId: line.data.id, unit: 'box', active: true, version: 1 });
    expect((await admin.post('/v1/onboarding/products', { code: 'TEA-001', name: 'dup' })).statusCode).toBe(409);
    const bad = await admin.post('/v1/onboarding/products', { code: 'TEA-002', name: 'x', lineCode: 'NOPE' });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toBe('lineCode');

    const cn = (await admin.post('/v1/onboarding/territories', { code: 'CN', name: 'China', level: 'country' })).data;
    const zj = (await admin.post('/v1/onboarding/territories', { code: 'CN-ZJ', name: 'Zhejiang', parentId: cn.id, level: 'province' })).data;
    const hz = (await admin.post('/v1/onboarding/territories', { code: 'CN-ZJ-HZ', name: 'Hangzhou', parentId: zj.id, level: 'city' })).data;
    const cyc = await admin.patch(`/v1/onboarding/territories/${cn.id}`, { parentId: hz.id });
    expect(cyc.statusCode).toBe(400);
    expect(cyc.data.errors[0].path).toBe('parentId');
    const children = await admin.get(`/v1/onboarding/territories?parentId=${cn.id}`);
    expect(children.data.data.map((x: any) => x.code)).toEqual(['CN-ZJ']);
    const upd = await admin.patch(`/v1/onboarding/territories/${hz.id}`, { name: 'Hangzhou City', version: 1 });
    expect(upd.data).toMatchObject({ name: 'Hangzhou City', version: 2 });
    expect((await admin.patch(`/v1/onboarding/territories/${hz.id}`, { name: 'x', version: 1 })).statusCode).toBe(409);
  });

  it('partner users and read-only tokens cannot write the catalog', async () => {
    const ro = t.client(await t.token({ scope: 'onboarding:read' }));
    expect((await ro.get('/v1/onboarding/products')).statusCode).toBe(200);
    expect((await ro.post('/v1/onboarding/products', { code: 'X', name: 'x' })).statusCode).toBe(403);
    const own = (await admin.post('/v1/partners', { code: 'CAT-PU', legalName: 'Catalog Partner User', type: 'distributor' })).data;
    const partnerUser = t.client(await t.token({ scope: 'onboarding:write partners:read', partner: own.id }));
    // partners read the catalog (a portal orders from it); writing it stays a tenant operation whatever the scopes
    expect((await partnerUser.get('/v1/onboarding/products')).statusCode).toBe(200);
    expect((await partnerUser.post('/v1/onboarding/products', { code: 'PU-X', name: 'x' })).statusCode).toBe(403);
    expect((await admin.get('/v1/onboarding/products/by-code/PU-X')).statusCode).toBe(404);
  });
});

describe('catalog imports', () => {
  it('imports territories with parents in the same CSV, then upserts by code (created/updated/unchanged)', async () => {
    const body = 'code,name,parentCode,level\nR-E,East,,region\nR-E-SH,Shanghai,R-E,city\nR-E-NJ,Nanjing,R-E,city\n';
    const r1 = await admin.post('/v1/onboarding/territories:import', body, csv);
    expect(r1.statusCode).toBe(200);
    expect(r1.data).toMatchObject({ rowsRead: 3, accepted: 3, rejected: 0, created: 3, updated: 0, committed: true });
    const sh = await t.database.rows<{ parent: string }>(
      sql`select p.code as parent from territories t join territories p on p.id = t.parent_id where t.code = 'R-E-SH'`,
    );
    expect(sh[0]!.parent).toBe('R-E');
    const r2 = await admin.post(
      '/v1/onboarding/territories:import',
      'code,name,parentCode,level\nR-E,East,,region\nR-E-SH,Shanghai Municipality,R-E,city\n',
      csv,
    );
    expect(r2.data).toMatchObject({ accepted: 2, created: 0, updated: 1, unchanged: 1 });
  });

  it('a bad row is reported by line and field; good rows are kept; with allOrNothing nothing is written', async () => {
    await admin.post('/v1/onboarding/product-lines', { code: 'WINE', name: 'Wine' });
    const body = [
      JSON.stringify({ code: 'W-1', name: 'Red', lineCode: 'WINE' }),
      JSON.stringify({ code: 'W-2', name: '', lineCode: 'WINE' }),
      JSON.stringify({ code: 'W-3', name: 'White', lineCode: 'BEER' }),
      JSON.stringify({ code: 'W-4', name: 'Rose', lineCode: 'WINE', unit: 'bottle' }),
    ].join('\n');
    const before = await count('products');
    const aon = await admin.post('/v1/onboarding/products:import?allOrNothing=true', body, ndjson);
    expect(aon.statusCode).toBe(200);
    expect(aon.data).toMatchObject({ committed: false, rowsRead: 4, rejected: 2, accepted: 0, created: 0 });
    expect(aon.data.errors).toEqual([
      { line: 2, path: 'name', message: expect.any(String) },
      { line: 3, path: 'lineCode', message: "no product line 'BEER'" },
    ]);
    expect(await count('products')).toBe(before);
    const dry = await admin.post('/v1/onboarding/products:import?dryRun=true', body, ndjson);
    expect(dry.data).toMatchObject({ dryRun: true, committed: false, accepted: 2, rejected: 2 });
    expect(await count('products')).toBe(before);
    const partial = await admin.post('/v1/onboarding/products:import', body, ndjson);
    expect(partial.data).toMatchObject({ committed: true, accepted: 2, rejected: 2, created: 2 });
    expect(await count('products')).toBe(before + 2);
    expect(await count('products', `code = 'W-4' and unit = 'bottle'`)).toBe(1);
  });

  it('imports partners (CSV) by code with parents; an unknown parent is refused by line', async () => {
    const body =
      'code,legalName,type,parentCode,status\nIP-1,One Ltd,distributor,,active\nIP-2,Two Ltd,dealer,IP-1,\nIP-3,Three Ltd,dealer,IP-X,\nIP-4,Four,vendor,,\n';
    const r = await admin.post('/v1/partners:import', body, csv);
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({ accepted: 2, rejected: 2, created: 2 });
    // the report lists rejected rows by line (a row refused when its parent is looked up comes after the row checks)
    expect(r.data.errors).toEqual([
      { line: 4, path: 'parentCode', message: "no partner 'IP-X'" },
      { line: 5, path: 'type', message: expect.any(String) },
    ]);
    const two = (await admin.get('/v1/partners?q=IP-2')).data.data[0];
    const one = (await admin.get('/v1/partners?q=IP-1')).data.data[0];
    expect(two.parentId).toBe(one.id);
    expect(one.status).toBe('active');
    expect(await count('partner_status_history', `partner_id = '${one.id}' and to_status = 'active'`)).toBe(1);
    expect((await admin.post('/v1/partners:import', 'x', { 'content-type': 'text/plain' })).statusCode).toBe(415);
  });
});
