import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

/** Issue 14: every resource that has a code can be read by it (the last ones: checklist items, action and warning rules). */
let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('reads by code', () => {
  it('a checklist item kind by code, REST and GraphQL alike; an unknown code is 404 / null', async () => {
    const created = await admin.post('/v1/onboarding/checklist-items', { code: 'licence', name: 'Business licence', required: true });
    expect(created.statusCode).toBe(201);
    const got = await admin.get('/v1/onboarding/checklist-items/by-code/licence');
    expect(got.statusCode).toBe(200);
    expect(got.data).toEqual(created.data);
    expect((await admin.get('/v1/onboarding/checklist-items/by-code/nope')).statusCode).toBe(404);
    const g = await admin.gql(
      `{ a: checklistItemKindByCode(code: "licence") { id code name required active } b: checklistItemKindByCode(code: "nope") { id } }`,
    );
    expect(g.errors).toBeUndefined();
    expect(g.data.a).toEqual({ id: created.data.id, code: 'licence', name: 'Business licence', required: true, active: true });
    expect(g.data.b).toBeNull();
  });

  it('an action rule by code; an unknown code is 404', async () => {
    const created = await admin.post('/v1/evaluations/action-rules', {
      code: 'DOWN-D',
      name: 'Tier down on D',
      action: 'tier_down',
      condition: { grades: ['D'] },
      tierLadder: ['bronze', 'silver', 'gold'],
    });
    expect(created.statusCode).toBe(201);
    const got = await admin.get('/v1/evaluations/action-rules/by-code/DOWN-D');
    expect(got.statusCode).toBe(200);
    expect(got.data).toEqual(created.data);
    const missing = await admin.get('/v1/evaluations/action-rules/by-code/NOPE');
    expect(missing.statusCode).toBe(404);
    expect(missing.data.code).toBe('NOT_FOUND');
  });

  it('a warning rule by code; an unknown code is 404', async () => {
    const created = await admin.post('/v1/evaluations/warning-rules', {
      code: 'ACH',
      name: 'Behind run-rate',
      kind: 'achievement_behind_run_rate',
      threshold: 50,
    });
    expect(created.statusCode).toBe(201);
    const got = await admin.get('/v1/evaluations/warning-rules/by-code/ACH');
    expect(got.statusCode).toBe(200);
    expect(got.data).toEqual(created.data);
    expect((await admin.get('/v1/evaluations/warning-rules/by-code/NOPE')).statusCode).toBe(404);
  });
});
