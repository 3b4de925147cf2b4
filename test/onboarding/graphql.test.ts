import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement, createPartner, seedCatalog } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof seedCatalog>>;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await seedCatalog(admin);
});
afterAll(async () => t?.close());

const LIST = `query($first: Int) {
  agreements(first: $first) {
    nodes {
      number status
      partner { code status }
      territories { exclusive territory { code parent { code } } productLine { code } }
      products { product { code line { code } } productLine { code } }
    }
    pageInfo { hasNextPage }
  }
}`;

describe('GraphQL', () => {
  it('lists agreements with partner, territories and products in a bounded number of SQL statements (no N+1)', async () => {
    const terr = [cat.territories.hz, cat.territories.nj, cat.territories.zj];
    for (let i = 0; i < 3; i++) {
      const p = await createPartner(admin, `GQ-${i}`);
      await createAgreement(admin, p.id, {
        number: `AG-GQ-${i}`,
        territories: [{ territoryId: terr[i]!.id, productLineId: cat.lines.tea.id }],
        products: [{ productId: cat.products.tea1.id }, { productLineId: cat.lines.wine.id }],
      });
    }
    const before = t.database.statements;
    const small = await admin.gql(LIST, { first: 3 });
    const smallCount = t.database.statements - before;
    expect(small.errors).toBeUndefined();
    expect(small.data.agreements.nodes[0]).toEqual({
      number: 'AG-GQ-0',
      status: 'draft',
      partner: { code: 'GQ-0', status: 'approved' },
      territories: [{ exclusive: false, territory: { code: 'HZ', parent: { code: 'ZJ' } }, productLine: { code: 'TEA' } }],
      products: [
        { product: { code: 'TEA-1', line: { code: 'TEA' } }, productLine: null },
        { product: null, productLine: { code: 'WINE' } },
      ],
    });
    for (let i = 3; i < 12; i++) {
      const p = await createPartner(admin, `GQ-${i}`);
      await createAgreement(admin, p.id, { territories: [{ territoryId: terr[i % 3]!.id }], products: [{ productId: cat.products.tea2.id }] });
    }
    const mid = t.database.statements;
    const big = await admin.gql(LIST, { first: 12 });
    const bigCount = t.database.statements - mid;
    expect(big.data.agreements.nodes).toHaveLength(12);
    // one list query + one per loader field (9 fields): a per-row query would cost at least 12 per field here.
    // (a loader level may be split into two batches when its parents resolve in different ticks)
    expect(bigCount).toBeLessThanOrEqual(15);
    expect(bigCount - smallCount).toBeLessThanOrEqual(2);
  });

  it('runs the recruitment flow through mutations', async () => {
    await admin.gql(`mutation { createChecklistItemKind(code: "site_visit", name: "Site visit") { id } }`);
    const s = await admin.gql(
      `mutation { setScreening(criteria: [{code: "coverage", name: "Coverage", weight: "60"}, {code: "will", name: "Willingness", weight: "30"}]) { minScore } }`,
    );
    expect(s.errors![0].extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(s.errors![0].message).toBe('weights must sum to 100; they sum to 90');
    await admin.gql(
      `mutation { setScreening(criteria: [{code: "coverage", name: "Coverage", weight: "60"}, {code: "will", name: "Willingness", weight: "40"}], minScore: "70") { minScore } }`,
    );
    const created = await admin.gql(
      `mutation($t: [ID!]) { createApplication(input: {partnerCode: "GQL-NEW", legalName: "GraphQL Co", partnerType: dealer, requestedTerritoryIds: $t}, submit: true) { id status } }`,
      { t: [cat.territories.hz.id] },
    );
    const id = created.data.createApplication.id;
    await admin.gql(`mutation($id: ID!) { startApplicationReview(id: $id) { status } }`, { id });
    const missing = await admin.gql(`mutation($id: ID!) { approveApplication(id: $id) { partner { id } } }`, { id });
    expect(missing.errors![0].extensions).toMatchObject({ code: 'UNPROCESSABLE', missingItems: ['site_visit'] });
    await admin.gql(`mutation($id: ID!) { recordApplicationChecks(id: $id, items: [{kind: "site_visit", result: pass}]) { approvable } }`, { id });
    // 60*75 + 40*60 = 4500 + 2400 = 6900 / 100 = 69 < 70
    const sc = await admin.gql(
      `mutation($id: ID!) { recordApplicationScores(id: $id, scores: [{criterion: "coverage", score: "75"}, {criterion: "will", score: "60"}]) { score { total meetsMinimum breakdown { criterion weighted } } } }`,
      { id },
    );
    expect(sc.data.recordApplicationScores.score).toEqual({
      total: '69.00',
      meetsMinimum: false,
      breakdown: [
        { criterion: 'coverage', weighted: '45.0000' },
        { criterion: 'will', weighted: '24.0000' },
      ],
    });
    const low = await admin.gql(`mutation($id: ID!) { approveApplication(id: $id) { partner { id } } }`, { id });
    expect(low.errors![0].extensions).toMatchObject({ code: 'UNPROCESSABLE', score: '69.00', minScore: '70' });
    await admin.gql(`mutation($id: ID!) { recordApplicationScores(id: $id, scores: [{criterion: "will", score: "65"}]) { approvable } }`, { id });
    const ok = await admin.gql(
      `mutation($id: ID!) { approveApplication(id: $id, reason: "good") { application { status } partner { code status } agreement { id status territories { territory { code } } } } }`,
      { id },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data.approveApplication).toMatchObject({
      application: { status: 'approved' },
      partner: { code: 'GQL-NEW', status: 'approved' },
      agreement: { status: 'draft', territories: [{ territory: { code: 'HZ' } }] },
    });
    const agId = ok.data.approveApplication.agreement.id;
    const act = await admin.gql(`mutation($id: ID!) { activateAgreement(id: $id) { status partner { code } } }`, { id: agId });
    expect(act.data.activateAgreement).toEqual({ status: 'active', partner: { code: 'GQL-NEW' } });
  });
});
