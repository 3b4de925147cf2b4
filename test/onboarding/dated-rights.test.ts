/**
 * Issue 14, findings 1 and 2: rights on a date and the two-level network's exclusivity.
 * - An early renewal waits as `scheduled`; the current agreement runs to its end; checks, ingestion and rechecks
 *   answer from the agreement in force on the sale's date; a legitimate line is never re-marked.
 * - Exclusivity guards against rivals, not against the holder's own descendants.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/onboarding/onboarding.rules.js';
import { today } from '../../src/platform/kernel/index.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement, createPartner, seedCatalog } from '../helpers/onboarding.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let cat: Awaited<ReturnType<typeof seedCatalog>>;

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  cat = await seedCatalog(admin);
});
afterAll(async () => t?.close());

const now = today();
// the current term ends in 30 days; the renewal starts the day after
const curStart = addDays(now, -335);
const curEnd = addDays(now, 30);
const renStart = addDays(curEnd, 1);
const renEnd = addDays(renStart, 364);

describe('rights on a date: an early renewal does not erase the current term', () => {
  let partnerId: string;
  let current: { id: string };
  let renewalId: string;
  const check = (date: string) => admin.get(`/v1/onboarding/authorizations/check?partner=DR-P&product=TEA-1&territory=HZ&date=${date}`).then((r) => r.data);

  beforeAll(async () => {
    const p = await createPartner(admin, 'DR-P');
    partnerId = p.id;
    current = await createAgreement(admin, p.id, {
      startDate: curStart,
      endDate: curEnd,
      territories: [{ territoryId: cat.territories.zj.id }],
      products: [{ productLineId: cat.lines.tea.id }],
      activate: true,
    });
    expect((await admin.post(`/v1/partners/${p.id}:activate`, { reason: 'signed' })).statusCode).toBe(200);
    // twelve legitimate sales of the current term (one every 28 days back from today)
    const lines = Array.from({ length: 12 }, (_, i) => `DR-${i},${addDays(now, -28 * i)},DR-P,TEA-1,1,100,C1,HZ`);
    const r = await importCsv(
      t,
      token,
      'sell-through',
      ['externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode', ...lines].join('\n'),
    );
    expect(r.data).toMatchObject({ accepted: 12, rejected: 0 });
  });

  it('activating the renewal before its term schedules it and keeps the current agreement active to its end', async () => {
    const renewal = await admin.post(`/v1/onboarding/agreements/${current.id}:renew`, { endDate: renEnd });
    expect(renewal.statusCode).toBe(201);
    expect(renewal.data.startDate).toBe(renStart);
    renewalId = renewal.data.id;
    const act = await admin.post(`/v1/onboarding/agreements/${renewalId}:activate`, {});
    expect(act.statusCode).toBe(200);
    expect(act.data.status).toBe('scheduled');
    expect((await admin.get(`/v1/onboarding/agreements/${current.id}`)).data).toMatchObject({ status: 'active', endedOn: null, endDate: curEnd });
    // a second scheduled agreement for the partner is refused
    const other = await createAgreement(admin, partnerId, { startDate: renStart, endDate: renEnd });
    const again = await admin.post(`/v1/onboarding/agreements/${other.id}:renew`, { endDate: renEnd });
    expect(again.statusCode).toBe(409); // a draft cannot be renewed
  });

  it('answers the check from the agreement in force on the date asked, on either side of the renewal', async () => {
    expect(await check(addDays(now, 14))).toMatchObject({ allowed: true, code: 'AGREEMENT' });
    expect(await check(addDays(renStart, 10))).toMatchObject({ allowed: true, code: 'AGREEMENT' });
    expect(await check(addDays(curStart, -1))).toMatchObject({ allowed: false, code: 'OUTSIDE_TERM' });
    expect(await check(addDays(renEnd, 1))).toMatchObject({ allowed: false, code: 'OUTSIDE_TERM' });
  });

  it('a recheck re-marks none of the legitimate lines, and ingestion marks by the sale date', async () => {
    const re = await admin.post('/v1/actuals/cross-region-violations:recheck', { from: addDays(now, -400), to: addDays(now, 400) });
    expect(re.statusCode).toBe(200);
    expect(re.data).toEqual({ changed: 0 });
    const r = await importCsv(
      t,
      token,
      'sell-through',
      [
        'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode',
        `DR-NEXT,${addDays(renStart, 5)},DR-P,TEA-1,1,100,C1,HZ`, // in the renewal's term
        `DR-LATE,${addDays(renEnd, 5)},DR-P,TEA-1,1,100,C1,HZ`, // after every term
      ].join('\n'),
    );
    expect(r.data).toMatchObject({ accepted: 2, rejected: 0 });
    const marked = await t.database.rows<{ external_id: string }>(
      sql`select external_id from sell_through_lines where tenant_id = 't1' and external_id like 'DR-%' and cross_region order by 1`,
    );
    expect(marked.map((m) => m.external_id)).toEqual(['DR-LATE']);
  });

  it('the sweep expires the current agreement at its end and starts the renewal on its start date; history is kept', async () => {
    // before the renewal's start nothing changes
    const early = await t.app.services.onboarding.agreements.sweep({ tenantId: 't1', today: curEnd });
    expect(early.started).toBe(0);
    expect((await admin.get(`/v1/onboarding/agreements/${renewalId}`)).data.status).toBe('scheduled');
    const r = await t.app.services.onboarding.agreements.sweep({ tenantId: 't1', today: renStart });
    expect(r.started).toBe(1);
    expect((await admin.get(`/v1/onboarding/agreements/${current.id}`)).data).toMatchObject({ status: 'expired', endReason: 'expiry', endedOn: curEnd });
    expect((await admin.get(`/v1/onboarding/agreements/${renewalId}`)).data.status).toBe('active');
    const audit = await t.database.rows<{ action: string }>(sql`select action from audit_log where resource_id = ${renewalId} order by id`);
    expect(audit.map((a) => a.action)).toContain('start');
    // the expired agreement still answers for its own term
    expect(await check(addDays(now, 14))).toMatchObject({ allowed: true, code: 'AGREEMENT' });
    const rights = await admin.get(`/v1/onboarding/partners/${partnerId}/rights?date=${addDays(now, -10)}`);
    expect(rights.data.data.length).toBeGreaterThan(0);
    const re = await admin.post('/v1/actuals/cross-region-violations:recheck', { from: addDays(now, -400), to: addDays(now, 400) });
    expect(re.data).toEqual({ changed: 0 });
  });

  it('a scheduled renewal can be terminated before it starts (not expired)', async () => {
    const p = await createPartner(admin, 'DR-Q');
    const a = await createAgreement(admin, p.id, { startDate: curStart, endDate: curEnd, activate: true });
    const ren = (await admin.post(`/v1/onboarding/agreements/${a.id}:renew`, { endDate: renEnd })).data;
    expect((await admin.post(`/v1/onboarding/agreements/${ren.id}:activate`, {})).data.status).toBe('scheduled');
    const bad = await admin.post(`/v1/onboarding/agreements/${ren.id}:terminate`, { reason: 'expiry' });
    expect(bad.statusCode).toBe(409);
    const ok = await admin.post(`/v1/onboarding/agreements/${ren.id}:terminate`, { reason: 'mutual', date: now });
    expect(ok.data).toMatchObject({ status: 'terminated' });
    expect((await admin.get(`/v1/onboarding/agreements/${a.id}`)).data.status).toBe('active');
  });
});

describe('exclusivity guards against rivals, not the holder’s own network', () => {
  it('a sub-dealer may hold a city inside its parent’s exclusive province; a rival may not', async () => {
    const parent = await createPartner(admin, 'EXN-PARENT');
    const child = await createPartner(admin, 'EXN-CHILD', 'approved', { parentId: parent.id });
    const grandchild = await createPartner(admin, 'EXN-GRAND', 'approved', { parentId: child.id });
    const rival = await createPartner(admin, 'EXN-RIVAL');
    const line = cat.lines.wine.id;
    await createAgreement(admin, parent.id, {
      territories: [{ territoryId: cat.territories.js.id, productLineId: line, exclusive: true }],
      products: [{ productLineId: line }],
      activate: true,
    });
    const mk = async (partnerId: string) =>
      (
        await admin.post('/v1/onboarding/agreements', {
          partnerId,
          startDate: '2026-01-01',
          endDate: '2030-12-31',
          territories: [{ territoryId: cat.territories.nj.id, productLineId: line }],
          products: [{ productLineId: line }],
        })
      ).data.id as string;
    const childAct = await admin.post(`/v1/onboarding/agreements/${await mk(child.id)}:activate`, {});
    expect(childAct.statusCode).toBe(200);
    expect(childAct.data.status).toBe('active');
    expect((await admin.post(`/v1/onboarding/agreements/${await mk(grandchild.id)}:activate`, {})).statusCode).toBe(200);
    const rivalId = await mk(rival.id);
    const rivalAct = await admin.post(`/v1/onboarding/agreements/${rivalId}:activate`, {});
    expect(rivalAct.statusCode).toBe(409);
    expect(rivalAct.data.detail).toContain('Exclusive territory overlap');
    expect((await admin.get(`/v1/onboarding/agreements/${rivalId}`)).data.status).toBe('draft');
  });
});
