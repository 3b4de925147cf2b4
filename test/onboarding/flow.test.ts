import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { seedCatalog } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
const count = async (table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await seedCatalog(admin);
  for (const [code, required] of [
    ['site_visit', true],
    ['credit_check', true],
    ['legal', true],
    ['customer_survey', false],
  ] as const) {
    expect((await admin.post('/v1/onboarding/checklist-items', { code, name: code, required })).statusCode).toBe(201);
  }
});
afterAll(async () => t?.close());

const application = (code: string) => ({
  partnerCode: code,
  legalName: `${code} Trading Co.`,
  partnerType: 'distributor',
  contactEmail: 'boss@example.cn',
  requestedTerritoryIds: [cat.territories.zj.id],
  requestedProductLineIds: [cat.lines.tea.id],
  capabilities: { teamSize: 25, warehouses: 2, annualRevenueBand: '10-50M CNY' },
  documents: [{ name: 'Business licence', kind: 'business_licence', storageKey: 'docs/lic.pdf', sha256: 'a'.repeat(64), expiresOn: '2030-01-01' }],
});

describe('screening criteria', () => {
  it('refuses weights that do not sum to 100, with a clear message', async () => {
    const bad = await admin.put('/v1/onboarding/screening', {
      criteria: [
        { code: 'coverage', name: 'Market coverage', weight: 40 },
        { code: 'reputation', name: 'Reputation', weight: 35 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.detail).toBe('weights must sum to 100; they sum to 75');
    expect(bad.data.errors[0].path).toBe('criteria');
    const ok = await admin.put('/v1/onboarding/screening', {
      criteria: [
        { code: 'coverage', name: 'Market coverage', weight: 40 },
        { code: 'reputation', name: 'Reputation', weight: 35 },
        { code: 'willingness', name: 'Willingness', weight: '25' },
      ],
      minScore: 75,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.data).toEqual({
      criteria: [
        { code: 'coverage', name: 'Market coverage', weight: '40' },
        { code: 'reputation', name: 'Reputation', weight: '35' },
        { code: 'willingness', name: 'Willingness', weight: '25' },
      ],
      minScore: '75',
    });
  });
});

describe('recruitment flow: application -> review -> score -> approve -> agreement -> activate', () => {
  it('runs end to end, refusing approval while items are missing/failed or the score is low', async () => {
    const portal = t.client(await t.token({ scope: 'applications:submit', sub: 'portal-1' }));
    const created = await portal.post('/v1/onboarding/applications', { ...application('NEW-01'), submit: true });
    expect(created.statusCode).toBe(201);
    const app = created.data;
    expect(app).toMatchObject({ status: 'submitted', submittedBy: 'portal-1', partnerId: null });
    expect(await count('events', `type = 'application.submitted' and resource_id = '${app.id}'`)).toBe(1);

    // approving before the review started is an illegal transition
    const early = await admin.post(`/v1/onboarding/applications/${app.id}:approve`, {});
    expect(early.statusCode).toBe(409);
    expect(early.data).toMatchObject({ code: 'ILLEGAL_TRANSITION', allowed: ['review', 'reject', 'withdraw'] });

    expect((await admin.post(`/v1/onboarding/applications/${app.id}:review`, {})).data.status).toBe('under_review');
    const checks = await admin.put(`/v1/onboarding/applications/${app.id}/checks`, {
      items: [
        { kind: 'site_visit', result: 'pass', note: 'warehouse seen', reviewedOn: '2026-03-01' },
        { kind: 'credit_check', result: 'fail', note: 'overdue debts' },
      ],
    });
    expect(checks.statusCode).toBe(200);
    expect(checks.data).toMatchObject({ missingItems: ['legal'], failedItems: ['credit_check'], approvable: false });

    const partnersBefore = await count('partners');
    const agreementsBefore = await count('agreements');
    const refused = await admin.post(`/v1/onboarding/applications/${app.id}:approve`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.data).toMatchObject({ code: 'UNPROCESSABLE', missingItems: ['legal'], failedItems: ['credit_check'] });
    expect(refused.data.detail).toContain('legal missing');
    expect(refused.data.detail).toContain('credit_check failed');
    expect(await count('partners')).toBe(partnersBefore);

    await admin.put(`/v1/onboarding/applications/${app.id}/checks`, {
      items: [
        { kind: 'credit_check', result: 'pass' },
        { kind: 'legal', result: 'na' },
      ],
    });
    // 40*80 + 35*70 + 25*60 = 3200 + 2450 + 1500 = 7150 / 100 = 71.5 < 75
    const low = await admin.put(`/v1/onboarding/applications/${app.id}/scores`, {
      scores: [
        { criterion: 'coverage', score: 80 },
        { criterion: 'reputation', score: 70 },
        { criterion: 'willingness', score: 60 },
      ],
    });
    expect(low.data.score).toMatchObject({ total: '71.50', minScore: '75', meetsMinimum: false });
    expect(low.data.score.breakdown).toEqual([
      { criterion: 'coverage', weight: '40', score: '80.0000', weighted: '32.0000' },
      { criterion: 'reputation', weight: '35', score: '70.0000', weighted: '24.5000' },
      { criterion: 'willingness', weight: '25', score: '60.0000', weighted: '15.0000' },
    ]);
    const lowRefused = await admin.post(`/v1/onboarding/applications/${app.id}:approve`, {});
    expect(lowRefused.statusCode).toBe(422);
    expect(lowRefused.data).toMatchObject({ score: '71.50', minScore: '75' });
    expect(lowRefused.data.detail).toBe('The screening score 71.50 is below the minimum 75');
    expect(await count('partners')).toBe(partnersBefore);
    expect(await count('agreements')).toBe(agreementsBefore);

    // 40*80 + 35*70 + 25*90 = 3200 + 2450 + 2250 = 79
    const good = await admin.put(`/v1/onboarding/applications/${app.id}/scores`, { scores: [{ criterion: 'willingness', score: 90 }] });
    expect(good.data).toMatchObject({ approvable: true, score: { total: '79.00', meetsMinimum: true } });

    const approved = await admin.post(`/v1/onboarding/applications/${app.id}:approve`, {
      reason: 'strong east-China coverage',
      agreement: { startDate: '2026-01-01', endDate: '2026-12-31', number: 'AG-NEW-01' },
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.data.application).toMatchObject({ status: 'approved', decidedBy: 'tester', decisionReason: 'strong east-China coverage' });
    const { partnerId, agreementId } = approved.data;
    const partner = (await admin.get(`/v1/partners/${partnerId}`)).data;
    expect(partner).toMatchObject({ code: 'NEW-01', status: 'approved', legalName: 'NEW-01 Trading Co.' });
    const ag = (await admin.get(`/v1/onboarding/agreements/${agreementId}`)).data;
    expect(ag).toMatchObject({
      number: 'AG-NEW-01',
      partnerId,
      status: 'draft',
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      applicationId: app.id,
      territories: [{ territoryId: cat.territories.zj.id, productLineId: null, exclusive: false }],
      products: [{ productId: null, productLineId: cat.lines.tea.id }],
    });
    expect(await count('events', `type = 'application.decided' and resource_id = '${app.id}'`)).toBe(1);

    // activate the agreement, then the partner
    const act = await admin.post(`/v1/onboarding/agreements/${agreementId}:activate`, {});
    expect(act.statusCode).toBe(200);
    expect(act.data.status).toBe('active');
    expect((await admin.post(`/v1/partners/${partnerId}:activate`, { reason: 'agreement signed' })).data.status).toBe('active');
    expect(await count('events', `type = 'agreement.activated' and resource_id = '${agreementId}'`)).toBe(1);

    // the check answers from the rights view: Hangzhou is inside Zhejiang; tea is authorised, wine is not
    const yes = await admin.get(`/v1/onboarding/authorizations/check?partner=NEW-01&product=TEA-1&territory=HZ&date=2026-06-01`);
    expect(yes.data).toMatchObject({ allowed: true, code: 'AGREEMENT' });
    const wine = await admin.get(`/v1/onboarding/authorizations/check?partner=NEW-01&product=WINE-1&territory=HZ&date=2026-06-01`);
    expect(wine.data).toMatchObject({ allowed: false, code: 'PRODUCT_NOT_AUTHORIZED' });
    const nj = await admin.get(`/v1/onboarding/authorizations/check?partner=${partnerId}&product=TEA-1&territory=NJ&date=2026-06-01`);
    expect(nj.data).toMatchObject({ allowed: false, code: 'TERRITORY_NOT_ASSIGNED' });
    const late = await admin.get(`/v1/onboarding/authorizations/check?partner=NEW-01&product=TEA-1&territory=HZ&date=2027-01-05`);
    expect(late.data).toMatchObject({ allowed: false, code: 'OUTSIDE_TERM' });

    // a cross-region request, approved, opens Nanjing for tea for a period
    const partnerUser = t.client(await t.token({ partner: partnerId, scope: 'onboarding:read partners:read', sub: 'p-user' }));
    const cr = await partnerUser.post('/v1/onboarding/cross-region-requests', {
      territoryId: cat.territories.nj.id,
      productLineId: cat.lines.tea.id,
      validFrom: '2026-05-01',
      validTo: '2026-07-31',
      reason: 'trade fair',
    });
    expect(cr.statusCode).toBe(201);
    expect(cr.data).toMatchObject({ partnerId, status: 'pending', requestedBy: 'p-user' });
    expect((await partnerUser.post(`/v1/onboarding/cross-region-requests/${cr.data.id}:approve`, {})).statusCode).toBe(403);
    expect((await admin.post(`/v1/onboarding/cross-region-requests/${cr.data.id}:approve`, { note: 'ok for the fair' })).data.status).toBe('approved');
    const nj2 = await partnerUser.get(`/v1/onboarding/authorizations/check?partner=${partnerId}&product=TEA-2&territory=NJ&date=2026-06-01`);
    expect(nj2.data).toMatchObject({ allowed: true, code: 'CROSS_REGION' });
    const rights = await partnerUser.get(`/v1/onboarding/partners/${partnerId}/rights?date=2026-06-01`);
    expect(rights.data.data.map((r: any) => `${r.territoryCode}/${r.productLineCode}/${r.source}`)).toEqual([
      'HZ/TEA/agreement',
      'NJ/TEA/cross_region',
      'ZJ/TEA/agreement',
    ]);

    // the submitter reads back its own application
    expect((await portal.get(`/v1/onboarding/applications/${app.id}`)).data.status).toBe('approved');
  });

  it('rejects with a reason and a withdrawn application cannot be reviewed', async () => {
    const a = (await admin.post('/v1/onboarding/applications', { ...application('REJ-01'), submit: true })).data;
    expect((await admin.post(`/v1/onboarding/applications/${a.id}:reject`, {})).statusCode).toBe(400);
    const r = await admin.post(`/v1/onboarding/applications/${a.id}:reject`, { reason: 'no warehouse' });
    expect(r.data).toMatchObject({ status: 'rejected', decisionReason: 'no warehouse' });
    const b = (await admin.post('/v1/onboarding/applications', application('WD-01'))).data;
    expect(b.status).toBe('draft');
    expect((await admin.post(`/v1/onboarding/applications/${b.id}:withdraw`, { reason: 'changed mind' })).data.status).toBe('withdrawn');
    const rev = await admin.post(`/v1/onboarding/applications/${b.id}:review`, {});
    expect(rev.statusCode).toBe(409);
    expect(rev.data.allowed).toEqual([]);
  });
});
