import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

/** Issue 14: a ready-made territory tree (GB/T 2260), seeded idempotently to the depth the tenant asks. */
let t: TestApp;
let admin: Client;
const count = async (where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from territories where tenant_id = 't1' and ${where}`)))[0]!.n);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('GB/T 2260 seeding', () => {
  it('seeds provinces, then cities and districts under them; existing codes are left as they are', async () => {
    // a tenant's own Zhejiang (same code, its own name) exists before the seeding
    const own = await admin.post('/v1/onboarding/territories', { code: '330000', name: 'ZJ (ours)' });
    expect(own.statusCode, own.body).toBe(201);
    const before = await count();
    const prov = await admin.post('/v1/onboarding/territories/gbt2260', { depth: 'province' });
    expect(prov.statusCode, prov.body).toBe(200);
    expect(prov.data).toEqual({ depth: 'province', created: 30, existing: 1 });
    expect(await count()).toBe(before + 30);
    expect(await count(`level = 'city'`)).toBe(0);
    // deeper: the provinces exist, cities and districts are created under them
    const all = await admin.post('/v1/onboarding/territories/gbt2260', { depth: 'district' });
    expect(all.data).toEqual({ depth: 'district', created: 342 + 3056, existing: 31 });
    expect((await admin.get('/v1/onboarding/territories/by-code/330000')).data).toMatchObject({ name: 'ZJ (ours)', id: own.data.id });
    const ningbo = (await admin.get('/v1/onboarding/territories/by-code/330200')).data;
    expect(ningbo).toMatchObject({ name: '宁波市', parentId: own.data.id, level: 'city' });
    expect((await admin.get('/v1/onboarding/territories/by-code/110101')).data).toMatchObject({ name: '东城区', level: 'district' });
    // idempotent, also through GraphQL
    const g = await admin.gql(`mutation { seedTerritoryDivisions(depth: "district") { depth created existing } }`);
    expect(g.data.seedTerritoryDivisions).toEqual({ depth: 'district', created: 0, existing: 31 + 342 + 3056 });
    // bad depth, and a token without onboarding:write
    expect((await admin.post('/v1/onboarding/territories/gbt2260', { depth: 'village' })).statusCode).toBe(400);
    const ro = t.client(await t.token({ scope: 'onboarding:read' }));
    expect((await ro.post('/v1/onboarding/territories/gbt2260', {})).statusCode).toBe(403);
  });
});
