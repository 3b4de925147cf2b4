/**
 * The agreement sweep: active agreements past their end date become expired (audited, agreement.expired,
 * rights end with the term, history kept) and agreements ending soon are announced once with agreement.expiring.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/onboarding/onboarding.rules.js';
import { today } from '../../src/platform/kernel/index.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement, createLine, createPartner, createTerritory } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;

const events = async (type: string) => (await admin.get(`/v1/events?types=${type}&limit=500`)).data.data as { resourceId: string; payload: any }[];

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('agreement sweep', () => {
  it('announces an agreement ending within the notice period once, and not one ending later', async () => {
    const now = today();
    const soon = await createAgreement(admin, (await createPartner(admin, 'SW-SOON')).id, {
      startDate: addDays(now, -100),
      endDate: addDays(now, 10),
      activate: true,
    });
    const later = await createAgreement(admin, (await createPartner(admin, 'SW-LATER')).id, {
      startDate: addDays(now, -100),
      endDate: addDays(now, 90),
      activate: true,
    });
    const first = await admin.post('/v1/onboarding/agreements:sweep', { noticeDays: 30 });
    expect(first.statusCode).toBe(200);
    expect(first.data).toEqual({ expired: 0, expiring: 1, started: 0 });
    const again = await admin.post('/v1/onboarding/agreements:sweep', { noticeDays: 30 });
    expect(again.data).toEqual({ expired: 0, expiring: 0, started: 0 });
    const ev = await events('agreement.expiring');
    expect(ev.map((e) => e.resourceId)).toEqual([soon.id]);
    expect(ev[0]!.payload).toMatchObject({ number: soon.number, daysLeft: 10, endDate: addDays(now, 10) });
    expect(ev.some((e) => e.resourceId === later.id)).toBe(false);
    // a partner user may not run it
    const pu = t.client(await t.token({ scope: 'onboarding:write', partner: soon.partnerId }));
    expect((await pu.post('/v1/onboarding/agreements:sweep', {})).statusCode).toBe(403);
  });

  it('expires an agreement past its end date: status, audit, event, and its territory rights end', async () => {
    const hz = await createTerritory(admin, 'SW-HZ');
    const line = await createLine(admin, 'SW-LINE');
    const p = await createPartner(admin, 'SW-PAST');
    const a = await createAgreement(admin, p.id, {
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      territories: [{ territoryId: hz.id }],
      products: [{ productLineId: line.id }],
      activate: true,
    });
    expect((await admin.post(`/v1/partners/${p.id}:activate`, { reason: 'agreement active' })).statusCode).toBe(200);
    expect((await admin.get(`/v1/onboarding/agreements/${a.id}`)).data.status).toBe('active');
    expect((await t.database.rows(sql`select 1 from partner_territory_rights where partner_id = ${p.id}`)).length).toBeGreaterThan(0);
    // the scheduler's call, on the day after the term (the public endpoint always uses today)
    const r = await t.app.services.onboarding.agreements.sweep({ tenantId: 't1', today: '2027-01-01' });
    expect(r.expired).toBeGreaterThanOrEqual(1);
    const after = (await admin.get(`/v1/onboarding/agreements/${a.id}`)).data;
    expect(after).toMatchObject({ status: 'expired', endReason: 'expiry', endedOn: '2026-12-31' });
    expect((await events('agreement.expired')).map((e) => e.resourceId)).toContain(a.id);
    const audit = await t.database.rows<{ action: string; subject: string }>(
      sql`select action, subject from audit_log where resource_id = ${a.id} and action = 'expire'`,
    );
    expect(audit).toEqual([{ action: 'expire', subject: 'agreement-sweep' }]);
    // its rights end with its term; history is kept (issue 14): 2026 still answers, 2027 does not
    const rights = await t.database.rows(sql`select 1 from partner_territory_rights where partner_id = ${p.id} and valid_to >= '2027-01-01'`);
    expect(rights).toHaveLength(0);
    expect((await t.database.rows(sql`select 1 from partner_territory_rights where partner_id = ${p.id} and valid_to = '2026-12-31'`)).length).toBeGreaterThan(
      0,
    );
    // a second sweep finds nothing more to do for it
    expect((await t.app.services.onboarding.agreements.sweep({ tenantId: 't1', today: '2027-01-01' })).expired).toBe(0);
  });
});
