import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement, createPartner, seedCatalog } from '../helpers/onboarding.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
const count = async (table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);

const constraintOf = (e: any) => e?.cause?.constraint_name ?? e?.cause?.constraint ?? e?.constraint_name ?? String(e);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  cat = await seedCatalog(admin);
});
afterAll(async () => t?.close());

describe('agreements: at most one active per partner', () => {
  it('refuses a second active agreement, also when both are activated at once (exactly one wins)', async () => {
    const p = await createPartner(admin, 'ONE-1');
    const a1 = await createAgreement(admin, p.id, { activate: true });
    expect(a1.status).toBe('active');
    const a2 = await createAgreement(admin, p.id);
    const second = await admin.post(`/v1/onboarding/agreements/${a2.id}:activate`, {});
    expect(second.statusCode).toBe(409);
    expect(second.data.detail).toContain(a1.number);
    expect(await count('agreements', `partner_id = '${p.id}' and status = 'active'`)).toBe(1);

    const q = await createPartner(admin, 'ONE-2');
    const drafts = await Promise.all([1, 2, 3, 4].map(() => createAgreement(admin, q.id)));
    const res = await Promise.all(drafts.map((d) => admin.post(`/v1/onboarding/agreements/${d.id}:activate`, {})));
    expect(res.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409]);
    expect(await count('agreements', `partner_id = '${q.id}' and status = 'active'`)).toBe(1);
  });

  it('the database itself refuses a second active agreement (partial unique index)', async () => {
    const p = await createPartner(admin, 'ONE-3');
    const a = await createAgreement(admin, p.id, { activate: true });
    const b = await createAgreement(admin, p.id);
    const err = await t.database.rows(sql`update agreements set status = 'active' where id = ${b.id}`).catch((e) => e);
    expect(constraintOf(err)).toBe('agreements_one_active_per_partner_uq');
    expect(a.status).toBe('active');
  });

  it('terminates with a reason (breach -> terminated, expiry -> expired) and renews into a linked agreement', async () => {
    const p = await createPartner(admin, 'END-1');
    const a = await createAgreement(admin, p.id, {
      territories: [{ territoryId: cat.territories.hz.id }],
      products: [{ productLineId: cat.lines.tea.id }],
      activate: true,
      endDate: '2026-12-31',
    });
    const bad = await admin.post(`/v1/onboarding/agreements/${a.id}:terminate`, { reason: 'boredom' });
    expect(bad.statusCode).toBe(400);
    const renewal = await admin.post(`/v1/onboarding/agreements/${a.id}:renew`, { endDate: '2027-12-31' });
    expect(renewal.statusCode).toBe(201);
    expect(renewal.data).toMatchObject({
      renewalOfId: a.id,
      status: 'draft',
      startDate: '2027-01-01',
      territories: [{ territoryId: cat.territories.hz.id }],
      products: [{ productLineId: cat.lines.tea.id }],
    });
    const act = await admin.post(`/v1/onboarding/agreements/${renewal.data.id}:activate`, {});
    expect(act.statusCode).toBe(200);
    // activated before its term: the renewal waits (scheduled) and the current agreement runs to its end (issue 14)
    expect(act.data.status).toBe('scheduled');
    const old = (await admin.get(`/v1/onboarding/agreements/${a.id}`)).data;
    expect(old).toMatchObject({ status: 'active', endReason: null, endedOn: null });
    const term = await admin.post(`/v1/onboarding/agreements/${renewal.data.id}:terminate`, {
      reason: 'breach',
      date: '2027-03-01',
      note: 'cross-region selling',
    });
    expect(term.data).toMatchObject({ status: 'terminated', endReason: 'breach', endedOn: '2027-03-01', endNote: 'cross-region selling' });
    expect(await count('events', `type = 'agreement.terminated' and resource_id = '${renewal.data.id}'`)).toBe(1);
    const again = await admin.post(`/v1/onboarding/agreements/${renewal.data.id}:terminate`, { reason: 'mutual' });
    expect(again.statusCode).toBe(409);
    expect(again.data.code).toBe('ILLEGAL_TRANSITION');
    const end = await admin.post(`/v1/onboarding/agreements/${a.id}:terminate`, { reason: 'expiry', date: '2026-06-30' });
    expect(end.data).toMatchObject({ status: 'expired', endReason: 'expiry', endedOn: '2026-06-30' });
  });

  it('lists active agreements expiring within N days', async () => {
    const today = new Date();
    const plus = (n: number) => new Date(today.getTime() + n * 86400000).toISOString().slice(0, 10);
    const p1 = await createPartner(admin, 'EXP-1');
    const p2 = await createPartner(admin, 'EXP-2');
    const soon = await createAgreement(admin, p1.id, { startDate: '2025-01-01', endDate: plus(10), activate: true });
    await createAgreement(admin, p2.id, { startDate: '2025-01-01', endDate: plus(100), activate: true });
    const res = await admin.get('/v1/onboarding/agreements?expiringWithinDays=30&limit=500');
    const ids = res.data.data.map((a: any) => a.partnerId);
    expect(ids).toContain(p1.id);
    expect(ids).not.toContain(p2.id);
    expect(res.data.data.find((a: any) => a.partnerId === p1.id).id).toBe(soon.id);
  });
});

describe('agreements: exclusive territories', () => {
  it('refuses an overlapping exclusive assignment: same territory and line, a city inside an exclusive province, all lines against one', async () => {
    const a = await createPartner(admin, 'EX-A');
    const b = await createPartner(admin, 'EX-B');
    const c = await createPartner(admin, 'EX-C');
    await createAgreement(admin, a.id, {
      territories: [{ territoryId: cat.territories.zj.id, productLineId: cat.lines.tea.id, exclusive: true }],
      activate: true,
    });
    const same = await createAgreement(admin, b.id, {
      territories: [{ territoryId: cat.territories.zj.id, productLineId: cat.lines.tea.id, exclusive: true }],
    });
    const r1 = await admin.post(`/v1/onboarding/agreements/${same.id}:activate`, {});
    expect(r1.statusCode).toBe(409);
    const city = await createAgreement(admin, b.id, { territories: [{ territoryId: cat.territories.hz.id, productLineId: cat.lines.tea.id }] });
    const r2 = await admin.post(`/v1/onboarding/agreements/${city.id}:activate`, {});
    expect(r2.statusCode).toBe(409);
    expect(r2.data.detail).toContain('HZ clashes with ZJ');
    const allLines = await createAgreement(admin, b.id, { territories: [{ territoryId: cat.territories.cn.id, exclusive: true }] });
    expect((await admin.post(`/v1/onboarding/agreements/${allLines.id}:activate`, {})).statusCode).toBe(409);
    // another line in the same province is fine, and so is a non-exclusive assignment elsewhere
    const wine = await createAgreement(admin, c.id, {
      territories: [{ territoryId: cat.territories.zj.id, productLineId: cat.lines.wine.id, exclusive: true }, { territoryId: cat.territories.nj.id }],
    });
    expect((await admin.post(`/v1/onboarding/agreements/${wine.id}:activate`, {})).statusCode).toBe(200);
    expect(await count('agreements', `partner_id = '${b.id}' and status = 'active'`)).toBe(0);
  });

  it('concurrent activations of the same exclusive territory and line: exactly one wins', async () => {
    const sh = (await admin.post('/v1/onboarding/territories', { code: 'SH', name: 'Shanghai', parentId: cat.territories.cn.id })).data;
    const parts = await Promise.all(['CC-1', 'CC-2', 'CC-3', 'CC-4', 'CC-5'].map((code) => createPartner(admin, code)));
    const drafts = await Promise.all(
      parts.map((p) => createAgreement(admin, p.id, { territories: [{ territoryId: sh.id, productLineId: cat.lines.tea.id, exclusive: true }] })),
    );
    const res = await Promise.all(drafts.map((d) => admin.post(`/v1/onboarding/agreements/${d.id}:activate`, {})));
    expect(res.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const r of res.filter((x) => x.statusCode === 409)) expect(r.data.code).toBe('CONFLICT');
    expect(await count('agreement_territories', `territory_id = '${sh.id}' and exclusive and active`)).toBe(1);
    expect(await count('agreements', `status = 'active' and partner_id in (${parts.map((p) => `'${p.id}'`).join(',')})`)).toBe(1);
    // the database refuses it on its own too
    const loser = drafts[res.findIndex((r) => r.statusCode === 409)]!;
    const err = await t.database.rows(sql`update agreement_territories set active = true where agreement_id = ${loser.id}`).catch((e) => e);
    expect(constraintOf(err)).toBe('agreement_territories_exclusive_uq');
  });
});
