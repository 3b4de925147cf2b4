import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

let t: TestApp;
let admin: Client;
let auth: { authorization: string };

beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  auth = { authorization: `Bearer ${token}` };
});
afterAll(async () => t?.close());

/** A POST exactly as `curl -X POST url -H "Authorization: ..."` sends it: no body, no content type. */
const bare = (url: string) => t.app.inject({ method: 'POST', url, headers: auth });

describe('documented POSTs whose body is optional accept a request without a body', () => {
  it('publishes a draft price version with a bodyless POST (docs/policy.md step 3)', async () => {
    const policy = await admin.post('/v1/policy/price-policies', { code: 'STD', name: 'Standard', currency: 'CNY', scope: { kind: 'default' } });
    expect(policy.statusCode).toBe(201);
    const version = await admin.post(`/v1/policy/price-policies/${policy.data.id}/versions`, { effectiveFrom: '2026-01-01' });
    expect(version.statusCode).toBe(201);
    expect((await admin.post('/v1/onboarding/product-lines', { code: 'TEA', name: 'Tea' })).statusCode).toBe(201);
    const line = await admin.post(`/v1/policy/versions/${version.data.id}/lines`, {
      lines: [{ productLine: 'TEA', distributionPrice: '8.00', suggestedRetailPrice: '12.00' }],
    });
    expect(line.statusCode).toBe(200);
    const res = await bare(`/v1/policy/versions/${version.data.id}/publish`);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: version.data.id, status: 'published', effectiveFrom: '2026-01-01' });
  });

  it.each([
    '/v1/policy/versions/00000000-0000-7000-8000-000000000000/publish',
    '/v1/policy/terms/00000000-0000-7000-8000-000000000000/publish',
    '/v1/policy/deviations/00000000-0000-7000-8000-000000000000/approve',
    '/v1/policy/deviations/00000000-0000-7000-8000-000000000000/reject',
    '/v1/incentives/statements/00000000-0000-7000-8000-000000000000/approve',
    '/v1/webhooks/00000000-0000-7000-8000-000000000000/rotate-secret',
  ])('POST %s without a body reaches the service (404 for an unknown id, not 400)', async (url) => {
    const res = await bare(url);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).code).toBe('NOT_FOUND');
  });

  it('still refuses a body that is present and wrong', async () => {
    const res = await admin.post('/v1/policy/versions/00000000-0000-7000-8000-000000000000/publish', { effectiveFrom: 'soon' });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors[0].path).toBe('body.effectiveFrom');
  });
});

describe('POST /v1/evaluations/warnings:check', () => {
  it('is a literal path (not a path parameter after "warnings") and runs without a body', async () => {
    const res = await bare('/v1/evaluations/warnings:check');
    expect(res.statusCode).toBe(200);
    expect((await bare('/v1/evaluations/warningsXYZ')).statusCode).toBe(404);
    const doc = (await admin.get('/docs/json')).data;
    expect(doc.paths['/v1/evaluations/warnings:check']?.post?.operationId).toBe('checkWarnings');
    expect(doc.paths['/v1/evaluations/warnings{check}']).toBeUndefined();
  });
});
