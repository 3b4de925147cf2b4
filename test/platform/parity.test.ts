/**
 * REST and GraphQL apply an update the same way: for every update operation that exists in both (PATCH/PUT and an
 * update* mutation), the same change is sent through each to two equal resources and the stored results, read
 * back through REST, must be equal. Each case also sets a nullable field to null: null clears (as REST PATCH
 * does), an absent field is left unchanged (src/platform/kernel/graphql-args.ts).
 *
 * Price policies (PATCH only) and API keys (no update) have no GraphQL update; manual values, application checks and
 * scores, checklist items and screening are PUT-only in REST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/app.js';
import { setupTestApp } from '../helpers/app.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token({ tenant: 'parity' }));
});
afterAll(async () => {
  await t?.close();
});

async function ok(p: Promise<{ statusCode: number; data: any; body: string }>): Promise<any> {
  const res = await p;
  if (res.statusCode >= 300) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
  return res.data;
}

/** fields that differ between two equal resources by construction */
const ALWAYS = ['id', 'createdAt', 'updatedAt', 'version', 'etag', 'submittedAt', 'publishedAt'];
function strip(v: unknown, omit: string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => strip(x, omit));
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k]) => !ALWAYS.includes(k) && !omit.includes(k))
        .map(([k, x]) => [k, strip(x, omit)]),
    );
  }
  return v;
}

interface Case {
  name: string;
  /** creates one resource, returns the id (n = 1, 2 for two distinct but equal resources) */
  make: (n: number) => Promise<string>;
  rest: (id: string, body: Record<string, unknown>) => Promise<unknown>;
  /** the GraphQL mutation, with $id and $input */
  mutation: string;
  read: (id: string) => Promise<any>;
  update: Record<string, unknown>;
  /** fields expected to be null after the update (the nullable ones set to null) */
  cleared: string[];
  /** fields that differ by construction (codes, numbers, periods...) */
  omit?: string[];
}

const uniq = (() => {
  let n = 0;
  return (p: string) => `${p}${++n}`;
})();

const KPIS_0 = {
  code: 'sat',
  name: 'Customer satisfaction',
  weight: '100',
  direction: 'higher',
  source: 'manual',
  scoring: { type: 'linear', floor: '60', target: '100' },
};
const KPIS = [KPIS_0];
const BANDS = [
  { grade: 'A', min: '90' },
  { grade: 'B', min: '0' },
];

let lineId = '';
let partnerId = '';
const cases: Case[] = [
  {
    name: 'partners',
    make: async () =>
      (
        await ok(
          admin.post('/v1/partners', {
            code: uniq('PP-'),
            legalName: 'P Co.',
            type: 'distributor',
            tier: 'L1',
            contactName: 'Ann',
            contactEmail: 'a@x.test',
            regionCode: '310000',
          }),
        )
      ).id,
    rest: (id, b) => ok(admin.patch(`/v1/partners/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: UpdatePartnerInput!) { updatePartner(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/partners/${id}`)),
    update: { legalName: 'Renamed Co.', tier: null, contactEmail: null },
    cleared: ['tier', 'contactEmail'],
    omit: ['code'],
  },
  {
    name: 'product lines',
    make: async () => (await ok(admin.post('/v1/onboarding/product-lines', { code: uniq('PL-'), name: 'Line' }))).id,
    rest: (id, b) => ok(admin.patch(`/v1/onboarding/product-lines/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: ProductLineInput!) { updateProductLine(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/onboarding/product-lines/${id}`)),
    update: { name: 'Renamed line', active: false },
    cleared: [],
    omit: ['code'],
  },
  {
    name: 'products',
    make: async () => (await ok(admin.post('/v1/onboarding/products', { code: uniq('PR-'), name: 'Product', lineId, unit: 'box' }))).id,
    rest: (id, b) => ok(admin.patch(`/v1/onboarding/products/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/onboarding/products/${id}`)),
    update: { name: 'Renamed product', lineId: null },
    cleared: ['lineId'],
    omit: ['code'],
  },
  {
    name: 'territories',
    make: async () => {
      const parent = await ok(admin.post('/v1/onboarding/territories', { code: uniq('TP-'), name: 'Parent', level: 'country' }));
      return (await ok(admin.post('/v1/onboarding/territories', { code: uniq('TC-'), name: 'Child', parentId: parent.id, level: 'province' }))).id;
    },
    rest: (id, b) => ok(admin.patch(`/v1/onboarding/territories/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: TerritoryInput!) { updateTerritory(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/onboarding/territories/${id}`)),
    update: { name: 'Renamed territory', parentId: null },
    cleared: ['parentId'],
    omit: ['code', 'path'],
  },
  {
    name: 'applications',
    make: async () =>
      (
        await ok(
          admin.post('/v1/onboarding/applications', {
            partnerCode: uniq('AP-'),
            legalName: 'Applicant',
            partnerType: 'dealer',
            contactName: 'Bo',
            contactPhone: '123',
          }),
        )
      ).id,
    rest: (id, b) => ok(admin.patch(`/v1/onboarding/applications/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: ApplicationInput!) { updateApplication(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/onboarding/applications/${id}`)),
    update: { legalName: 'Applicant renamed', contactName: null },
    cleared: ['contactName'],
    omit: ['partnerCode', 'number'],
  },
  {
    name: 'agreements',
    make: async () =>
      (
        await ok(
          admin.post('/v1/onboarding/agreements', {
            partnerId,
            startDate: '2026-01-01',
            endDate: '2027-12-31',
            policyRef: 'P-1',
            note: 'n',
            territories: [],
            products: [],
          }),
        )
      ).id,
    rest: (id, b) => ok(admin.patch(`/v1/onboarding/agreements/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: AgreementInput!) { updateAgreement(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/onboarding/agreements/${id}`)),
    update: { endDate: '2028-06-30', note: null, policyRef: null },
    cleared: ['note', 'policyRef'],
    omit: ['number'],
  },
  {
    name: 'price versions',
    make: async () => {
      const p = await ok(
        admin.post('/v1/policy/price-policies', { code: uniq('PV-'), name: 'Prices', currency: 'CNY', scope: { kind: 'partner', value: partnerId } }),
      );
      return (await ok(admin.post(`/v1/policy/price-policies/${p.id}/versions`, { effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31', note: 'draft' }))).id;
    },
    rest: (id, b) => ok(admin.patch(`/v1/policy/versions/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: UpdatePriceVersionInput!) { updatePriceVersion(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/policy/versions/${id}`)),
    update: { effectiveFrom: '2026-02-01', effectiveTo: null, note: null },
    cleared: ['effectiveTo', 'note'],
    omit: ['policyId', 'policyCode'],
  },
  {
    name: 'channel terms',
    make: async (n) =>
      (
        await ok(
          admin.post('/v1/policy/terms', {
            name: `Terms ${n}`,
            scope: { kind: 'partner', value: partnerId },
            effectiveFrom: n === 1 ? '2026-01-01' : '2027-01-01',
            returnWindowDays: 7,
            returnConditions: 'unopened',
            paymentTermsDays: 30,
          }),
        )
      ).id,
    rest: (id, b) => ok(admin.patch(`/v1/policy/terms/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: ChannelTermsInput!) { updateChannelTerms(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/policy/terms/${id}`)),
    update: { name: 'Same terms', returnConditions: null, paymentTermsDays: 45 },
    cleared: ['returnConditions'],
    omit: ['effectiveFrom'],
  },
  {
    name: 'targets',
    make: async (n) => {
      const agreement = await ok(
        admin.post('/v1/onboarding/agreements', { partnerId, startDate: '2026-01-01', endDate: '2030-12-31', territories: [], products: [] }),
      );
      return (
        await ok(
          admin.post('/v1/targets', {
            partnerId,
            period: n === 1 ? '2026-01' : '2026-02',
            metric: 'sales_amount',
            value: '1000',
            agreementId: agreement.id,
            note: 'n',
          }),
        )
      ).id;
    },
    rest: (id, b) => ok(admin.patch(`/v1/targets/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: UpdateTargetInput!) { updateTarget(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/targets/${id}`)),
    update: { value: '1500.50', agreementId: null, note: null },
    cleared: ['agreementId', 'note'],
    omit: ['period', 'periodStart', 'periodEnd', 'start', 'end'],
  },
  {
    name: 'incentive programs',
    make: async () =>
      (
        await ok(
          admin.post('/v1/incentives/programs', {
            code: uniq('IP-'),
            name: 'Program',
            description: 'd',
            type: 'rebate',
            granularity: 'quarter',
            rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '1' }] },
          }),
        )
      ).id,
    rest: (id, b) => ok(admin.patch(`/v1/incentives/programs/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: UpdateIncentiveProgramInput!) { updateIncentiveProgram(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/incentives/programs/${id}`)),
    update: { name: 'Renamed program', description: null, granularity: 'month' },
    cleared: ['description'],
    omit: ['code'],
  },
  {
    name: 'scorecard templates',
    make: async () =>
      (await ok(admin.post('/v1/evaluations/templates', { code: uniq('ST-'), name: 'Scorecard', kpis: KPIS, gradeBands: BANDS, note: 'n' }))).id,
    rest: (id, b) => ok(admin.put(`/v1/evaluations/templates/${id}`, b)),
    mutation: 'mutation($id: String!, $input: UpdateScorecardTemplateInput!) { updateScorecardTemplate(idOrCode: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/evaluations/templates/${id}`)),
    // PUT replaces the definition (REST refuses note: null; an absent note is the same through both)
    update: { name: 'Renamed scorecard', kpis: [{ ...KPIS_0, name: 'Satisfaction' }], gradeBands: BANDS },
    cleared: [],
    omit: ['code'],
  },
  {
    name: 'webhooks',
    make: async () => (await ok(admin.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', description: 'd', eventTypes: ['partner.created'] }))).id,
    rest: (id, b) => ok(admin.patch(`/v1/webhooks/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/webhooks/${id}`)),
    update: { description: null, enabled: false, eventTypes: ['partner.updated'] },
    cleared: ['description'],
    omit: ['secretHint', 'secrets'],
  },
  {
    name: 'org units',
    make: async () => {
      const root = uniq('OU-ROOT-');
      await ok(admin.post('/v1/organisation/units', { code: root, name: 'Root', kind: 'region' }));
      return (await ok(admin.post('/v1/organisation/units', { code: uniq('OU-'), name: 'Unit', kind: 'team', parent: root }))).id;
    },
    rest: (id, b) => ok(admin.patch(`/v1/organisation/units/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: OrgUnitUpdateInput!) { updateOrgUnit(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/organisation/units/${id}`)),
    update: { name: 'Renamed unit', kind: 'region', parent: null },
    cleared: ['parentId'],
    omit: ['code'],
  },
  {
    name: 'staff members',
    make: async () =>
      (await ok(admin.post('/v1/organisation/staff', { code: uniq('SM-'), name: 'Staff', email: 'a@example.com', post: 'sales_rep', subjects: ['x'] }))).id,
    rest: (id, b) => ok(admin.patch(`/v1/organisation/staff/${id}`, b)),
    mutation: 'mutation($id: ID!, $input: StaffMemberUpdateInput!) { updateStaffMember(id: $id, input: $input) { id } }',
    read: (id) => ok(admin.get(`/v1/organisation/staff/${id}`)),
    update: { name: 'Renamed staff', email: null, post: 'account_manager', dataScope: 'portfolio', subjects: ['y', 'z'] },
    cleared: ['email'],
    omit: ['code'],
  },
  {
    name: 'credit accounts',
    make: async () => {
      const p = await ok(admin.post('/v1/partners', { code: uniq('CA-'), legalName: 'Credit Co.', type: 'dealer', status: 'approved' }));
      await ok(admin.put(`/v1/credit/partners/${p.id}/account`, { holdReason: 'to clear' }));
      return p.id;
    },
    rest: (id, b) => ok(admin.put(`/v1/credit/partners/${id}/account`, b)),
    mutation: 'mutation($id: String!, $input: CreditAccountUpdate!) { updateCreditAccount(partner: $id, input: $input) { partnerId } }',
    read: (id) => ok(admin.get(`/v1/credit/partners/${id}`)),
    update: { onHold: true, holdReason: null, overdueToleranceDays: 15 },
    cleared: ['holdReason'],
    omit: ['partnerId'],
  },
];

describe('REST and GraphQL updates store the same result', () => {
  beforeAll(async () => {
    lineId = (await ok(admin.post('/v1/onboarding/product-lines', { code: 'PARITY-LINE', name: 'Parity line' }))).id;
    partnerId = (await ok(admin.post('/v1/partners', { code: 'PARITY-P', legalName: 'Parity Co.', type: 'distributor', status: 'approved' }))).id;
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const viaRest = await c.make(1);
    const viaGql = await c.make(2);
    await c.rest(viaRest, c.update);
    const g = await admin.gql(c.mutation, { id: viaGql, input: c.update });
    expect(g.errors, JSON.stringify(g.errors)).toBeUndefined();
    const a = await c.read(viaRest);
    const b = await c.read(viaGql);
    for (const f of c.cleared) {
      expect(a[f], `REST ${f}`).toBeNull();
      expect(b[f], `GraphQL ${f}`).toBeNull();
    }
    expect(strip(b, c.omit ?? [])).toEqual(strip(a, c.omit ?? []));
  });

  it('target settings (one per tenant: two tenants)', async () => {
    const other = t.client(await t.token({ tenant: 'parity-2' }));
    const update = { fiscalYearStartMonth: 4, salesBasis: 'sell_in' };
    await ok(admin.put('/v1/targets/settings', update));
    const g = await other.gql('mutation($input: TargetSettingsInput!) { updateTargetSettings(input: $input) { fiscalYearStartMonth } }', { input: update });
    expect(g.errors, JSON.stringify(g.errors)).toBeUndefined();
    expect(strip(await ok(other.get('/v1/targets/settings')), [])).toEqual(strip(await ok(admin.get('/v1/targets/settings')), []));
  });
});
