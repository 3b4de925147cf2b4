/**
 * Issue 16: GraphQL inputs are bounded as REST's are (the services' zod schemas for field bounds, the global input
 * caps for every string and list the operation carries), and an import report lists its errors by line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_MAX_ITEMS, INPUT_MAX_STRING } from '../../src/platform/validate.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

const CREATE = `mutation($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`;

describe('GraphQL input bounds', () => {
  it("a field over its schema's bound is refused in GraphQL as in REST, naming the field", async () => {
    const input = { code: 'B-1', legalName: 'x'.repeat(1000), type: 'distributor' };
    const rest = await admin.post('/v1/partners', input);
    expect(rest.statusCode).toBe(400);
    expect(rest.data.errors.map((e: { path: string }) => e.path)).toContain('body.legalName');
    const gql = await admin.gql(CREATE, { input });
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(gql.errors?.[0]?.extensions?.errors)).toContain('legalName');
    expect((await admin.get('/v1/partners?code=B-1')).data.data).toEqual([]);
  });

  it('every string and list argument is capped like a REST body, in variables and in literals', async () => {
    const long = 'y'.repeat(INPUT_MAX_STRING + 1);
    const v = await admin.gql(`query($s: String) { partners(first: 1, filter: { q: $s }) { edges { node { id } } } }`, { s: long });
    expect(v.status).toBe(400);
    expect(v.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: '$s', message: `must be at most ${INPUT_MAX_STRING} characters` }],
    });
    const lit = await admin.gql(`{ partners(first: 1, filter: { q: "${long}" }) { edges { node { id } } } }`);
    expect(lit.status).toBe(400);
    expect(lit.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'filter.q' }] });
    const many = await admin.gql(`query($types: [String!]) { events(types: $types) { __typename } }`, {
      types: Array.from({ length: INPUT_MAX_ITEMS + 1 }, () => 'a'),
    });
    expect(many.status).toBe(400);
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '$types' }] });
    // within the caps the same query runs
    const fine = await admin.gql(`query($s: String) { partners(first: 1, filter: { q: $s }) { edges { node { id } } } }`, { s: 'y'.repeat(50) });
    expect(fine.errors).toBeUndefined();
  });
});

describe('import report', () => {
  it('lists errors by line, whichever stage refused the row', async () => {
    // line 2 is refused by the writer (unknown parent, found when the batch is written), lines 3 and 5 by validation
    const body = 'code,name,parentCode,level\nS-1,One,NO-SUCH-PARENT,city\nS-2,,,region\nS-3,Three,,region\nS-4,,,region\n';
    const res = await admin.post('/v1/onboarding/territories:import', body, { 'content-type': 'text/csv' });
    expect(res.statusCode).toBe(200);
    const lines = res.data.errors.map((e: { line: number }) => e.line);
    expect(lines).toEqual([...lines].sort((a: number, b: number) => a - b));
    expect(new Set(lines)).toEqual(new Set([2, 3, 5]));
  });
});
