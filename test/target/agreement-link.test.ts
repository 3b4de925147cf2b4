/** A target is an appendix of the partner's agreement: the link is checked (same partner) and kept by a foreign key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement, createPartner } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('target as an agreement appendix', () => {
  it("accepts the partner's own agreement, refuses another partner's or an unknown one, and lists the appendix", async () => {
    const a = await createPartner(admin, 'TA-A');
    const b = await createPartner(admin, 'TA-B');
    const agA = await createAgreement(admin, a.id);
    const agB = await createAgreement(admin, b.id);
    const ok = await admin.post('/v1/targets', { partnerId: a.id, period: '2026', metric: 'sales_amount', value: '1200000', agreementId: agA.id });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.data.agreementId).toBe(agA.id);
    const foreign = await admin.post('/v1/targets', { partnerId: a.id, period: '2026', metric: 'quantity', value: '100', agreementId: agB.id });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.data.errors).toEqual([{ path: 'agreementId', message: 'is an agreement of another partner' }]);
    const unknown = await admin.post('/v1/targets', {
      partnerId: a.id,
      period: '2026',
      metric: 'quantity',
      value: '100',
      agreementId: '0190b5a6-2222-7000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    const relink = await admin.patch(`/v1/targets/${ok.data.id}`, { agreementId: agB.id });
    expect(relink.statusCode).toBe(400);
    expect((await admin.get(`/v1/targets/${ok.data.id}`)).data.agreementId).toBe(agA.id);
  });
});
