import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeProgram } from '../helpers/incentive.js';
import { catalogFixture, makePartner, makePolicy, price } from '../helpers/policy.js';

/** Issue 14: every resource with a code can be read by it; GraphQL ApiKey shows its partner binding. */
let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await catalogFixture(t, { products: [{ code: 'BC1' }] });
});
afterAll(async () => t?.close());

describe('reads by code', () => {
  it('price policies and incentive programs answer GET .../by-code/{code} (REST) and ...ByCode (GraphQL)', async () => {
    const pol = await makePolicy(admin, { code: 'BC-POL', scope: { kind: 'default' }, lines: [price('BC1', '1.00', '2.00')] });
    const byId = await admin.get(`/v1/policy/price-policies/${pol.policyId}`);
    const byCode = await admin.get('/v1/policy/price-policies/by-code/BC-POL');
    expect(byCode.statusCode, byCode.body).toBe(200);
    expect(byCode.data).toEqual(byId.data);
    expect(byCode.headers.etag).toBe(byId.headers.etag);
    expect((await admin.get('/v1/policy/price-policies/by-code/NOPE')).statusCode).toBe(404);

    const prog = await makeProgram(admin, 'BC-PROG');
    const p = await admin.get('/v1/incentives/programs/by-code/BC-PROG');
    expect(p.statusCode, p.body).toBe(200);
    expect(p.data).toEqual((await admin.get(`/v1/incentives/programs/${prog.id}`)).data);
    expect((await admin.get('/v1/incentives/programs/by-code/NOPE')).statusCode).toBe(404);

    const g = await admin.gql(
      `{ pricePolicyByCode(code: "BC-POL") { id code } incentiveProgramByCode(code: "BC-PROG") { id code } nope: pricePolicyByCode(code: "NOPE") { id } }`,
    );
    expect(g.data).toEqual({ pricePolicyByCode: { id: pol.policyId, code: 'BC-POL' }, incentiveProgramByCode: { id: prog.id, code: 'BC-PROG' }, nope: null });
  });

  it('GraphQL ApiKey exposes partnerId and partnerScope', async () => {
    const partner = await makePartner(admin, 'BC-PARTNER');
    const g = await admin.gql(
      `mutation($p: ID!) { createApiKey(input: {name: "portal", scopes: ["partner-portal"], partnerId: $p, partnerScope: "subtree"}) { apiKey { partnerId partnerScope } } }`,
      { p: partner.id },
    );
    expect(g.data?.createApiKey, JSON.stringify(g)).toEqual({ apiKey: { partnerId: partner.id, partnerScope: 'subtree' } });
    const list = await admin.gql(`{ apiKeys { name partnerId partnerScope } }`);
    expect(list.data.apiKeys).toContainEqual({ name: 'portal', partnerId: partner.id, partnerScope: 'subtree' });
  });
});
