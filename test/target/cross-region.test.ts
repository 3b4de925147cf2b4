/**
 * Cross-region marking (窜货) end to end across modules: rights come from onboarding (active agreement
 * territories and approved cross-region requests, through the partner_territory_rights view); the target
 * module's sell-through import marks lines outside them, and a recheck follows later approvals.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { activePartnerWithAgreement, seedCatalog } from '../helpers/onboarding.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
let partnerId: string;

const marked = async () =>
  Object.fromEntries(
    (
      await t.database.rows<{ external_id: string; cross_region: boolean }>(
        sql`select external_id, cross_region from sell_through_lines where tenant_id = 't1' order by external_id`,
      )
    ).map((r) => [r.external_id, r.cross_region]),
  );

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  cat = await seedCatalog(admin);
  // the partner may sell line TEA in ZJ (which includes the city HZ), from 2026-01-01 on
  const { partner } = await activePartnerWithAgreement(admin, 'XR-P', [cat.territories.zj.id], [cat.lines.tea.id]);
  partnerId = partner.id;
});
afterAll(async () => t?.close());

describe('cross-region marking with real territory rights', () => {
  it('marks only the lines outside the partner’s territories or authorised lines', async () => {
    const csv = [
      'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode',
      'X-1,2026-07-05,XR-P,TEA-1,1,100,C1,HZ', // TEA in a city of ZJ: allowed
      'X-2,2026-07-05,XR-P,TEA-2,1,100,C1,ZJ', // TEA in ZJ itself: allowed
      'X-3,2026-07-05,XR-P,WINE-1,1,100,C1,HZ', // WINE is not authorised: cross-region
      'X-4,2026-07-05,XR-P,TEA-1,1,100,C2,NJ', // NJ is outside ZJ: cross-region
      'X-5,2025-12-31,XR-P,TEA-1,1,100,C2,HZ', // before the agreement starts: cross-region
    ].join('\n');
    const r = await importCsv(t, token, 'sell-through', csv);
    expect(r.data).toMatchObject({ accepted: 5, rejected: 0 });
    expect(await marked()).toEqual({ 'X-1': false, 'X-2': false, 'X-3': true, 'X-4': true, 'X-5': true });
    const v = await admin.get(`/v1/actuals/cross-region-violations?partner=${partnerId}`);
    expect(v.data.data.map((x: { externalId: string }) => x.externalId).sort()).toEqual(['X-3', 'X-4', 'X-5']);
  });

  it('an approved cross-region request makes the check say yes and a recheck unmarks the covered lines', async () => {
    const req = await admin.post('/v1/onboarding/cross-region-requests', {
      partnerId,
      territoryId: cat.territories.js.id,
      productLineId: cat.lines.tea.id,
      validFrom: '2026-07-01',
      validTo: '2026-07-31',
      reason: 'trade fair in Nanjing',
    });
    expect(req.statusCode).toBe(201);
    const check = (date: string) =>
      admin.get(`/v1/onboarding/authorizations/check?partner=${partnerId}&product=${cat.products.tea1.id}&territory=${cat.territories.nj.id}&date=${date}`);
    expect((await check('2026-07-05')).data.allowed).toBe(false);
    expect((await admin.post(`/v1/onboarding/cross-region-requests/${req.data.id}:approve`, { note: 'ok' })).statusCode).toBe(200);
    expect((await check('2026-07-05')).data.allowed).toBe(true);
    expect((await check('2026-08-05')).data.allowed).toBe(false);
    const re = await admin.post('/v1/actuals/cross-region-violations:recheck', { from: '2026-01-01', to: '2026-12-31' });
    expect(re.data).toEqual({ changed: 1 });
    expect(await marked()).toEqual({ 'X-1': false, 'X-2': false, 'X-3': true, 'X-4': false, 'X-5': true });
  });
});
