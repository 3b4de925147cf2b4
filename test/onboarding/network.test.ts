/**
 * Issue 14, finding 3: the two-level network in the portal. A partner credential may cover its descendants
 * (JWT claim `partner_scope: "subtree"`): a three-level tree TOP > MID > LEAF and another branch OTHER > OTHER-KID.
 * TOP's subtree token sees all three, MID's sees itself and LEAF, LEAF's only itself; the other branch never;
 * a token without the option stays confined to its own partner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner } from '../helpers/onboarding.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
const p: Record<string, { id: string; code: string }> = {};
const SCOPES = 'partners:read targets:read actuals:write onboarding:read';
const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

const subtree = async (code: string) => t.client(await t.token({ scope: SCOPES, partner: p[code]!.id, partner_scope: 'subtree', sub: `portal-${code}` }));
const self = async (code: string) => t.client(await t.token({ scope: SCOPES, partner: p[code]!.id, sub: `portal-${code}` }));
const codes = (rows: { code?: string; partnerId?: string }[]) => rows.map((r) => r.code ?? Object.values(p).find((x) => x.id === r.partnerId)?.code).sort();

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  p['TOP'] = await createPartner(admin, 'TOP', 'active');
  p['MID'] = await createPartner(admin, 'MID', 'active', { parentId: p['TOP']!.id, type: 'dealer' });
  p['LEAF'] = await createPartner(admin, 'LEAF', 'active', { parentId: p['MID']!.id, type: 'dealer' });
  p['OTHER'] = await createPartner(admin, 'OTHER', 'active');
  p['OTHER-KID'] = await createPartner(admin, 'OTHER-KID', 'active', { parentId: p['OTHER']!.id, type: 'dealer' });
  for (const code of Object.keys(p)) {
    const r = await admin.post('/v1/targets', { partnerId: p[code]!.id, period: '2026', metric: 'sales_amount', value: '1000.00' });
    expect(r.statusCode).toBe(201);
  }
  await seedCatalog(t, 't1', { lines: ['L1'], products: [{ code: 'SKU1', line: 'L1' }], territories: [{ code: 'CN' }] });
});
afterAll(async () => t?.close());

const expected: Record<string, string[]> = {
  TOP: ['LEAF', 'MID', 'TOP'],
  MID: ['LEAF', 'MID'],
  LEAF: ['LEAF'],
};

describe('a subtree credential covers the partner and its descendants, never another branch', () => {
  for (const who of ['TOP', 'MID', 'LEAF']) {
    it(`${who}: partners list and reads, targets, achievement, history`, async () => {
      const c = await subtree(who);
      const list = await c.get('/v1/partners?limit=500');
      expect(list.statusCode).toBe(200);
      expect(codes(list.data.data)).toEqual(expected[who]);
      for (const code of Object.keys(p)) {
        const visible = expected[who]!.includes(code);
        expect((await c.get(`/v1/partners/${p[code]!.id}`)).statusCode, `${who} reads ${code}`).toBe(visible ? 200 : 404);
        expect((await c.get(`/v1/partners/${p[code]!.id}/history`)).statusCode, `${who} history of ${code}`).toBe(visible ? 200 : 404);
        expect((await c.get(`/v1/targets/achievement/${p[code]!.id}?period=2026`)).statusCode, `${who} achievement of ${code}`).toBe(visible ? 200 : 404);
      }
      const targets = await c.get('/v1/targets?limit=500');
      expect(codes(targets.data.data)).toEqual(expected[who]);
      const network = await c.get('/v1/targets/achievement?period=2026&limit=500');
      expect(network.statusCode).toBe(200);
      expect(codes(network.data.data)).toEqual(expected[who]);
      // GraphQL confines the same way
      const g = await c.post('/graphql', { query: '{ partners(first: 100) { nodes { code } } }' });
      expect(codes(g.data.data.partners.nodes)).toEqual(expected[who]);
    });
  }

  it('a token without the option stays confined to its own partner', async () => {
    const c = await self('TOP');
    expect(codes((await c.get('/v1/partners?limit=500')).data.data)).toEqual(['TOP']);
    expect((await c.get(`/v1/partners/${p['MID']!.id}`)).statusCode).toBe(404);
    expect(codes((await c.get('/v1/targets?limit=500')).data.data)).toEqual(['TOP']);
  });

  it("the distributor uploads its sub-dealers' sell-through, never another branch's", async () => {
    const token = await t.token({ scope: SCOPES, partner: p['TOP']!.id, partner_scope: 'subtree' });
    const ok = await importCsv(
      t,
      token,
      'sell-through',
      [HEADER, 'NET-1,2026-07-05,LEAF,SKU1,1,100,C1,CN', 'NET-2,2026-07-05,MID,SKU1,1,100,C1,CN'].join('\n'),
    );
    expect(ok.data).toMatchObject({ accepted: 2, rejected: 0 });
    const bad = await importCsv(t, token, 'sell-through', [HEADER, 'NET-3,2026-07-05,OTHER-KID,SKU1,1,100,C1,CN'].join('\n'));
    expect(bad.data).toMatchObject({ accepted: 0, rejected: 1 });
    // the middle one cannot overwrite its parent's line
    const mid = await t.token({ scope: SCOPES, partner: p['MID']!.id, partner_scope: 'subtree' });
    await importCsv(t, token, 'sell-through', [HEADER, 'NET-4,2026-07-05,TOP,SKU1,1,100,C1,CN'].join('\n'));
    const take = await importCsv(t, mid, 'sell-through', [HEADER, 'NET-4,2026-07-05,MID,SKU1,9,900,C1,CN'].join('\n'));
    expect(take.data).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('a partner user still cannot act as the tenant (403), subtree or not', async () => {
    const c = await subtree('TOP');
    const r = await c.post('/v1/targets', { partnerId: p['LEAF']!.id, period: '2027', metric: 'sales_amount', value: '1.00' });
    expect(r.statusCode).toBe(403);
  });
});
