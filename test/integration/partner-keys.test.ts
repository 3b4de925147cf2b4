/**
 * Issue 14, finding 9: API keys bound to a partner (optionally its descendants) and the `partner-portal` scope set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner } from '../helpers/onboarding.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let top: { id: string }, kid: { id: string }, other: { id: string };

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  top = await createPartner(admin, 'K-TOP', 'active');
  kid = await createPartner(admin, 'K-KID', 'active', { parentId: top.id, type: 'dealer' });
  other = await createPartner(admin, 'K-OTHER', 'active');
  await seedCatalog(t, 't1', { lines: ['L1'], products: [{ code: 'SKU1', line: 'L1' }], territories: [{ code: 'CN' }] });
});
afterAll(async () => t?.close());

const key = async (body: object) => {
  const r = await admin.post('/v1/api-keys', { name: 'portal', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.data as { key: string; partnerId: string | null; partnerScope: string | null; scopes: string[] };
};

describe('partner-bound API keys with the partner-portal scope set', () => {
  it('a key bound to a partner sees only that partner and is refused tenant-side operations', async () => {
    const k = await key({ scopes: ['partner-portal'], partnerId: top.id });
    expect(k).toMatchObject({ partnerId: top.id, partnerScope: 'self', scopes: ['partner-portal'] });
    const c = t.client(k.key);
    expect((await c.get('/v1/partners?limit=100')).data.data.map((p: any) => p.code)).toEqual(['K-TOP']);
    expect((await c.get(`/v1/partners/${kid.id}`)).statusCode).toBe(404);
    expect((await c.get(`/v1/incentives/rebate-accounts/${top.id}`)).statusCode).not.toBe(403);
    // the set does not hold tenant scopes, and partner credentials cannot act as the tenant
    expect((await c.post('/v1/partners', { code: 'X', legalName: 'X', type: 'distributor' })).statusCode).toBe(403);
    expect((await c.get('/v1/audit')).statusCode).toBe(403);
    // sell-through upload for itself works (actuals:write in the set), for another partner is refused
    const ok = await importCsv(
      t,
      k.key,
      'sell-through',
      'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\nPK-1,2026-07-05,K-TOP,SKU1,1,10,C1,CN',
    );
    expect(ok.data).toMatchObject({ accepted: 1 });
    const bad = await importCsv(
      t,
      k.key,
      'sell-through',
      'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\nPK-2,2026-07-05,K-KID,SKU1,1,10,C1,CN',
    );
    expect(bad.data).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('a subtree key covers the descendants, never another branch', async () => {
    const k = await key({ scopes: ['partner-portal'], partnerId: top.id, partnerScope: 'subtree' });
    const c = t.client(k.key);
    expect((await c.get('/v1/partners?limit=100')).data.data.map((p: any) => p.code).sort()).toEqual(['K-KID', 'K-TOP']);
    expect((await c.get(`/v1/partners/${kid.id}`)).statusCode).toBe(200);
    expect((await c.get(`/v1/partners/${other.id}`)).statusCode).toBe(404);
  });

  it('GET /v1/me (and GraphQL me) tells a credential who it is: tenant, kind, scopes, bound partner and the partners it sees', async () => {
    const k = await key({ scopes: ['partner-portal'], partnerId: top.id, partnerScope: 'subtree' });
    const me = await t.client(k.key).get('/v1/me');
    expect(me.statusCode, me.body).toBe(200);
    expect(me.data).toMatchObject({ tenantId: 't1', kind: 'api_key', scopes: ['partner-portal'], partnerId: top.id, partnerScope: 'subtree' });
    expect(me.data.partnerIds[0]).toBe(top.id);
    expect([...me.data.partnerIds].sort()).toEqual([top.id, kid.id].sort());
    const tenant = await admin.get('/v1/me');
    expect(tenant.data).toMatchObject({
      tenantId: 't1',
      subject: 'tester',
      kind: 'user',
      scopes: ['admin'],
      partnerId: null,
      partnerScope: null,
      partnerIds: [],
    });
    const g = await t.client(k.key).gql('{ me { kind partnerId partnerScope partnerIds } }');
    expect(g.data.me).toEqual({ kind: 'api_key', partnerId: top.id, partnerScope: 'subtree', partnerIds: me.data.partnerIds });
    expect((await t.client('ck_live_nope').get('/v1/me')).statusCode).toBe(401);
  });

  it('refuses partnerScope without partnerId, and a partner user cannot create keys', async () => {
    const r = await admin.post('/v1/api-keys', { name: 'x', scopes: ['partners:read'], partnerScope: 'subtree' });
    expect(r.statusCode).toBe(400);
    expect(r.data.errors[0].path).toBe('body.partnerScope');
    const pu = t.client(await t.token({ scope: 'apikeys:write partners:read', partner: top.id }));
    expect((await pu.post('/v1/api-keys', { name: 'x', scopes: ['partners:read'] })).statusCode).toBe(403);
    // a creator lacking a scope of the set cannot mint it
    const weak = t.client(await t.token({ scope: 'apikeys:write partners:read' }));
    expect((await weak.post('/v1/api-keys', { name: 'x', scopes: ['partner-portal'], partnerId: top.id })).statusCode).toBe(403);
  });
});
