import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { activePartnerWithAgreement, seedCatalog } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
let a: Awaited<ReturnType<typeof activePartnerWithAgreement>>;
let b: Awaited<ReturnType<typeof activePartnerWithAgreement>>;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await seedCatalog(admin);
  a = await activePartnerWithAgreement(admin, 'CF-A', [cat.territories.zj.id], [cat.lines.tea.id]);
  b = await activePartnerWithAgreement(admin, 'CF-B', [cat.territories.js.id], [cat.lines.wine.id]);
});
afterAll(async () => t?.close());

const app = (code: string) => ({ partnerCode: code, legalName: code, partnerType: 'dealer' });

describe('applications:submit tokens', () => {
  it('create and read back their own submissions, and nothing else', async () => {
    const p1 = t.client(await t.token({ scope: 'applications:submit', sub: 'portal-1' }));
    const p2 = t.client(await t.token({ scope: 'applications:submit', sub: 'portal-2' }));
    const mine = (await p1.post('/v1/onboarding/applications', app('SUB-1'))).data;
    const theirs = (await p2.post('/v1/onboarding/applications', app('SUB-2'))).data;
    expect((await p1.get(`/v1/onboarding/applications/${mine.id}`)).statusCode).toBe(200);
    expect((await p1.get(`/v1/onboarding/applications/${theirs.id}`)).statusCode).toBe(404);
    expect((await p1.patch(`/v1/onboarding/applications/${theirs.id}`, { legalName: 'hijack' })).statusCode).toBe(404);
    expect((await p1.post(`/v1/onboarding/applications/${theirs.id}:withdraw`, {})).statusCode).toBe(404);
    const list = await p1.get('/v1/onboarding/applications');
    expect(list.data.data.map((x: any) => x.id)).toEqual([mine.id]);
    expect((await p1.patch(`/v1/onboarding/applications/${mine.id}`, { legalName: 'SUB-1 Ltd.' })).data.legalName).toBe('SUB-1 Ltd.');
    expect((await p1.post(`/v1/onboarding/applications/${mine.id}:submit`, {})).data.status).toBe('submitted');
    // nothing else
    expect((await p1.post(`/v1/onboarding/applications/${mine.id}:review`, {})).statusCode).toBe(403);
    expect((await p1.put(`/v1/onboarding/applications/${mine.id}/checks`, { items: [{ kind: 'x', result: 'pass' }] })).statusCode).toBe(403);
    expect((await p1.get(`/v1/onboarding/applications/${mine.id}/assessment`)).statusCode).toBe(403);
    expect((await p1.get('/v1/partners')).statusCode).toBe(403);
    expect((await p1.get('/v1/onboarding/agreements')).statusCode).toBe(403);
    expect((await p1.get('/v1/onboarding/products')).statusCode).toBe(403);
    expect((await p1.get(`/v1/onboarding/authorizations/check?partner=CF-A&product=TEA-1&territory=HZ`)).statusCode).toBe(403);
    const g = await p1.gql('{ applications { nodes { id } } }');
    expect(g.data.applications.nodes.map((x: any) => x.id)).toEqual([mine.id]);
  });
});

describe('partner tokens', () => {
  it('read their own partner, agreements, rights and cross-region requests; other partners are 404; no tenant operations', async () => {
    const pa = t.client(await t.token({ partner: a.partner.id, scope: 'onboarding:read partners:read', sub: 'pa' }));
    expect((await pa.get(`/v1/partners/${a.partner.id}`)).statusCode).toBe(200);
    expect((await pa.get(`/v1/partners/${b.partner.id}`)).statusCode).toBe(404);
    const ags = await pa.get('/v1/onboarding/agreements');
    expect(ags.data.data.map((x: any) => x.id)).toEqual([a.agreement.id]);
    expect((await pa.get(`/v1/onboarding/agreements/${b.agreement.id}`)).statusCode).toBe(404);
    expect((await pa.get(`/v1/onboarding/agreements?partnerId=${b.partner.id}`)).data.data).toEqual([]);
    expect((await pa.get(`/v1/onboarding/partners/${a.partner.id}/rights`)).statusCode).toBe(200);
    expect((await pa.get(`/v1/onboarding/partners/${b.partner.id}/rights`)).statusCode).toBe(404);
    const chk = await pa.get(`/v1/onboarding/authorizations/check?partner=CF-B&product=WINE-1&territory=NJ`);
    expect(chk.statusCode).toBe(404);

    const mine = await pa.post('/v1/onboarding/cross-region-requests', {
      territoryId: cat.territories.nj.id,
      productLineId: cat.lines.tea.id,
      validFrom: '2026-01-01',
      validTo: '2026-02-01',
      reason: 'fair',
    });
    expect(mine.statusCode).toBe(201);
    expect(mine.data.partnerId).toBe(a.partner.id);
    const forOther = await pa.post('/v1/onboarding/cross-region-requests', {
      partnerId: b.partner.id,
      territoryId: cat.territories.hz.id,
      productLineId: cat.lines.wine.id,
      validFrom: '2026-01-01',
      validTo: '2026-02-01',
      reason: 'x',
    });
    expect(forOther.statusCode).toBe(404);
    const theirs = (
      await admin.post('/v1/onboarding/cross-region-requests', {
        partnerId: b.partner.id,
        territoryId: cat.territories.hz.id,
        productLineId: cat.lines.wine.id,
        validFrom: '2026-01-01',
        validTo: '2026-02-01',
        reason: 'y',
      })
    ).data;
    expect((await pa.get(`/v1/onboarding/cross-region-requests/${theirs.id}`)).statusCode).toBe(404);
    expect((await pa.get('/v1/onboarding/cross-region-requests')).data.data.map((x: any) => x.id)).toEqual([mine.data.id]);

    const refused: [string, string, unknown][] = [
      ['post', '/v1/onboarding/agreements', { partnerId: a.partner.id, startDate: '2026-01-01', endDate: '2026-12-31' }],
      ['post', `/v1/onboarding/agreements/${a.agreement.id}:terminate`, { reason: 'mutual' }],
      ['post', '/v1/onboarding/applications', app('PX-1')],
      ['get', '/v1/onboarding/applications', undefined],
      ['post', '/v1/onboarding/territories', { code: 'PX-T', name: 'Partner territory' }],
      ['post', `/v1/onboarding/cross-region-requests/${mine.data.id}:approve`, {}],
      ['post', `/v1/partners/${a.partner.id}:suspend`, {}],
    ];
    for (const [method, url, body] of refused) {
      const res = method === 'get' ? await pa.get(url) : await pa.post(url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    // the catalog is the tenant's master data: a partner reads it (a portal orders from it) but never writes it
    expect((await pa.get('/v1/onboarding/territories')).statusCode).toBe(200);
    expect((await admin.get(`/v1/onboarding/agreements/${a.agreement.id}`)).data.status).toBe('active');
    expect((await admin.get(`/v1/onboarding/cross-region-requests/${mine.data.id}`)).data.status).toBe('pending');
    const g = await pa.gql('{ agreements { nodes { id partner { code } } } partners { nodes { code } } }');
    expect(g.data.agreements.nodes).toEqual([{ id: a.agreement.id, partner: { code: 'CF-A' } }]);
    expect(g.data.partners.nodes).toEqual([{ code: 'CF-A' }]);
  });
});
