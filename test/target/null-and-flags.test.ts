/**
 * The two bugs of issue 12, through the APIs:
 * - GraphQL `updateTarget(input: {agreementId: null})` unlinks the agreement, as REST `PATCH {agreementId: null}` does
 *   (null clears in update inputs; absent leaves unchanged).
 * - `?dryRun=yes` on an actuals import is a 400 naming `querystring.dryRun` (the API's name for a query parameter) and writes nothing, the same answer as the
 *   partners import; the other flags likewise accept only true/false.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement, createPartner } from '../helpers/onboarding.js';
import { seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
});
afterAll(async () => t?.close());

const UPDATE = `mutation($id: ID!, $input: UpdateTargetInput!) { updateTarget(id: $id, input: $input) { id agreementId note value } }`;

describe('target update: null unlinks through REST and GraphQL alike', () => {
  it('REST PATCH {agreementId: null} and GraphQL updateTarget(input: {agreementId: null}) store the same result', async () => {
    const p = await createPartner(admin, 'NL-A');
    const ag = await createAgreement(admin, p.id);
    const rest = await admin.post('/v1/targets', { partnerId: p.id, period: '2026', metric: 'sales_amount', value: '100', agreementId: ag.id, note: 'n' });
    const gql = await admin.post('/v1/targets', { partnerId: p.id, period: '2026', metric: 'quantity', value: '100', agreementId: ag.id, note: 'n' });
    expect([rest.statusCode, gql.statusCode]).toEqual([201, 201]);

    const patched = await admin.patch(`/v1/targets/${rest.data.id}`, { agreementId: null });
    expect(patched.statusCode, patched.body).toBe(200);
    const g = await admin.gql(UPDATE, { id: gql.data.id, input: { agreementId: null } });
    expect(g.errors).toBeUndefined();
    expect(g.data.updateTarget).toMatchObject({ agreementId: null, note: 'n', value: '100.0000' });

    const stored = await t.database.rows<{ id: string; agreement_id: string | null; note: string | null; value: string }>(
      sql`select id, agreement_id, note, value::text from targets where id in (${rest.data.id}, ${gql.data.id})`,
    );
    expect(stored).toHaveLength(2);
    for (const r of stored) expect(r).toMatchObject({ agreement_id: null, note: 'n' });

    // absent leaves unchanged
    const relink = await admin.gql(UPDATE, { id: gql.data.id, input: { agreementId: ag.id } });
    expect(relink.data.updateTarget.agreementId).toBe(ag.id);
    const untouched = await admin.gql(UPDATE, { id: gql.data.id, input: { note: 'm' } });
    expect(untouched.data.updateTarget).toMatchObject({ agreementId: ag.id, note: 'm' });
  });
});

describe('import flags accept only true/false', () => {
  const post = (url: string, payload: string) =>
    t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, payload });
  const count = async (table: 'sell_in_lines' | 'partners', tenant = 't1') =>
    (await t.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where tenant_id = ${tenant}`))[0]!.n;

  it('POST /v1/actuals/sell-in:import?dryRun=yes is a 400 naming querystring.dryRun and writes nothing, as the partners import', async () => {
    await createPartner(admin, 'FL-A');
    await seedCatalog(t, 't1', { products: [{ code: 'FL-SKU' }] });
    const facts = ['externalId,date,partnerCode,productCode,quantity,amount', 'FL-1,2026-03-01,FL-A,FL-SKU,1,10'].join('\n');
    const partnersCsv = ['code,legalName,type', 'FL-NEW,New Co.,distributor'].join('\n');
    const [factsBefore, partnersBefore] = [await count('sell_in_lines'), await count('partners')];

    const a = await post('/v1/actuals/sell-in:import?dryRun=yes', facts);
    const b = await post('/v1/partners:import?dryRun=yes', partnersCsv);
    for (const res of [a, b]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.parse(res.body).errors.map((e: { path: string }) => e.path)).toEqual(['querystring.dryRun']);
    }
    const strip = (body: string) => {
      const { instance: _i, requestId: _r, ...rest } = JSON.parse(body);
      return rest;
    };
    expect(strip(a.body)).toEqual(strip(b.body));
    expect(await count('sell_in_lines')).toBe(factsBefore);
    expect(await count('partners')).toBe(partnersBefore);

    for (const flag of ['allOrNothing', 'async']) {
      const r = await post(`/v1/actuals/sell-in:import?${flag}=1`, facts);
      expect(r.statusCode).toBe(400);
      expect(JSON.parse(r.body).errors[0].path).toBe(`querystring.${flag}`);
    }
    expect(await count('sell_in_lines')).toBe(factsBefore);

    // true/false still work
    const dry = await post('/v1/actuals/sell-in:import?dryRun=true', facts);
    expect(JSON.parse(dry.body)).toMatchObject({ dryRun: true, committed: false, accepted: 1 });
    expect(await count('sell_in_lines')).toBe(factsBefore);
    const real = await post('/v1/actuals/sell-in:import?dryRun=false', facts);
    expect(JSON.parse(real.body)).toMatchObject({ dryRun: false, committed: true, created: 1 });
    expect(await count('sell_in_lines')).toBe(factsBefore + 1);
  });
});
