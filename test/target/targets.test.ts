import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createAgreement } from '../helpers/onboarding.js';
import { createPartner } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let p1: { id: string }, p2: { id: string }, p3: { id: string }, parent: { id: string };

const count = async (where: string) => Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from targets where ${where}`)))[0]!.n);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  parent = await createPartner(admin, 'PARENT');
  p1 = await createPartner(admin, 'K1', { parentId: parent.id });
  p2 = await createPartner(admin, 'K2', { parentId: parent.id });
  p3 = await createPartner(admin, 'K3', { parentId: parent.id });
});
afterAll(async () => t?.close());

describe('targets over REST', () => {
  it('sets a target with an exact value, emits target.set, reads it back with an ETag', async () => {
    const ag = await createAgreement(admin, p1.id);
    const res = await admin.post('/v1/targets', { partnerId: p1.id, period: '2026-q3', metric: 'sales_amount', value: '1200000.50', agreementId: ag.id });
    expect(res.statusCode).toBe(201);
    expect(res.data).toMatchObject({
      period: '2026-Q3',
      periodStart: '2026-07-01',
      periodEnd: '2026-09-30',
      value: '1200000.5000',
      version: 1,
      agreementId: ag.id,
    });
    const got = await admin.get(`/v1/targets/${res.data.id}`);
    expect(got.headers.etag).toBe('W/"1"');
    expect(
      Number(
        (await t.database.rows<{ n: number }>(sql`select count(*)::int as n from events where type = 'target.set' and resource_id = ${res.data.id}`))[0]!.n,
      ),
    ).toBe(1);
    const dup = await admin.post('/v1/targets', { partnerId: p1.id, period: '2026-Q3', metric: 'sales_amount', value: '1' });
    expect(dup.statusCode).toBe(409);
    // the same key per product line is a different target
    const line = await admin.post('/v1/targets', { partnerId: p1.id, period: '2026-Q3', metric: 'quantity', value: '10' });
    expect(line.statusCode).toBe(201);
  });

  it('refuses bad input with field paths and writes nothing', async () => {
    const before = await count('true');
    const res = await admin.post('/v1/targets', { partnerId: p1.id, period: '2026-Q5', metric: 'profit', value: '-3' });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.metric', 'body.value']));
    const badPeriod = await admin.post('/v1/targets', { partnerId: p1.id, period: '2026-13', metric: 'quantity', value: '3' });
    expect(badPeriod.statusCode).toBe(400);
    expect(badPeriod.data.errors[0]).toMatchObject({ path: 'period' });
    const unknown = await admin.post('/v1/targets', { partnerId: '0190b5a6-0000-7000-8000-000000000000', period: '2026', metric: 'quantity', value: '3' });
    expect(unknown.statusCode).toBe(400);
    expect(await count('true')).toBe(before);
  });

  it('updates with If-Match; a stale one is 412 and a stale body version 409', async () => {
    const c = (await admin.post('/v1/targets', { partnerId: p2.id, period: '2026-08', metric: 'collection_amount', value: '500' })).data;
    const ok = await admin.patch(`/v1/targets/${c.id}`, { value: '600' }, { 'if-match': 'W/"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.data).toMatchObject({ value: '600.0000', version: 2 });
    expect((await admin.patch(`/v1/targets/${c.id}`, { value: '700' }, { 'if-match': 'W/"1"' })).statusCode).toBe(412);
    expect((await admin.patch(`/v1/targets/${c.id}`, { value: '700', version: 1 })).statusCode).toBe(409);
    // concurrent edits of the same version: exactly one wins
    const rs = await Promise.all([
      admin.patch(`/v1/targets/${c.id}`, { value: '1', version: 2 }),
      admin.patch(`/v1/targets/${c.id}`, { value: '2', version: 2 }),
    ]);
    expect(rs.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('a locked period refuses edits of overlapping targets and saves of decompositions; unlocking frees them', async () => {
    const y = (await admin.post('/v1/targets', { partnerId: p3.id, period: '2027', metric: 'sales_amount', value: '1000' })).data;
    const m = (await admin.post('/v1/targets', { partnerId: p3.id, period: '2027-05', metric: 'sales_amount', value: '80' })).data;
    const lock = await admin.post('/v1/targets/periods/2027-Q2:lock');
    expect(lock.statusCode).toBe(200);
    expect(lock.data).toMatchObject({ period: '2027-Q2', periodStart: '2027-04-01', periodEnd: '2027-06-30' });
    expect((await admin.post('/v1/targets/periods/2027-Q2:lock')).statusCode).toBe(200); // idempotent
    const r1 = await admin.patch(`/v1/targets/${m.id}`, { value: '90' });
    expect(r1.statusCode).toBe(409);
    expect(r1.data.lockedPeriods).toEqual(['2027-Q2']);
    expect((await admin.patch(`/v1/targets/${y.id}`, { value: '1100' })).statusCode).toBe(409);
    expect((await admin.post('/v1/targets', { partnerId: p3.id, period: '2027-06', metric: 'sales_amount', value: '1' })).statusCode).toBe(409);
    const save = await admin.post('/v1/targets/decompose', { partnerId: p3.id, period: '2027', metric: 'sales_amount', into: 'months', save: true });
    expect(save.statusCode).toBe(409);
    expect(await count(`partner_id = '${p3.id}'`)).toBe(2);
    expect((await admin.get(`/v1/targets/${m.id}`)).data.value).toBe('80.0000');
    // a month outside the lock is free
    expect((await admin.post('/v1/targets', { partnerId: p3.id, period: '2027-07', metric: 'sales_amount', value: '1' })).statusCode).toBe(201);
    expect((await admin.post('/v1/targets/periods/2027-Q2:unlock')).statusCode).toBe(204);
    expect((await admin.patch(`/v1/targets/${m.id}`, { value: '90' })).statusCode).toBe(200);
  });

  it('decomposes 100 into 3 months and 1200000.07 into quarters by seasonal weights, summing exactly, and saves', async () => {
    const q = await admin.post('/v1/targets/decompose', { partnerId: p1.id, period: '2026-Q4', metric: 'quantity', value: '100', into: 'months' });
    expect(q.statusCode).toBe(200);
    expect(q.data.parts).toEqual([
      { period: '2026-10', value: '34.0000' },
      { period: '2026-11', value: '33.0000' },
      { period: '2026-12', value: '33.0000' },
    ]);
    const cents = await admin.post('/v1/targets/decompose', { partnerId: p1.id, period: '2026-Q4', metric: 'sales_amount', value: '0.05', into: 'months' });
    expect(cents.data.parts.map((p: { value: string }) => p.value)).toEqual(['0.0200', '0.0200', '0.0100']);
    const y = await admin.post('/v1/targets/decompose', {
      partnerId: p1.id,
      period: '2026',
      metric: 'sales_amount',
      value: '1200000.07',
      weights: ['1', '1', '1.5', '2'],
      save: true,
    });
    expect(y.statusCode).toBe(200);
    // 1200000.07 = 120000007 cents; shares 21818183.09, 21818183.09, 32727274.64, 43636366.18: one cent left goes to the largest remainder (.64)
    expect(y.data.parts.map((p: { value: string }) => p.value)).toEqual(['218181.8300', '218181.8300', '327272.7500', '436363.6600']);
    // issue 14 #11: the preview shows a value exactly as the stored target answers it (one decimal rule)
    const saved = (await admin.get(`/v1/targets?partnerId=${p1.id}&period=2026-Q1&metric=sales_amount`)).data.data;
    expect(saved.map((x: { value: string }) => x.value)).toEqual(['218181.8300']);
    const stored = await t.database.rows<{ s: string }>(
      sql`select sum(value)::text as s from targets where partner_id = ${p1.id} and period like '2026-Q_' and metric = 'sales_amount'`,
    );
    expect(stored[0]!.s).toBe('1200000.0700');
    // saved parts updated in place on a second save (2026-Q3 existed with 1200000.5)
    expect(await count(`partner_id = '${p1.id}' and period = '2026-Q3' and metric = 'sales_amount'`)).toBe(1);
    const wrongWeights = await admin.post('/v1/targets/decompose', {
      partnerId: p1.id,
      period: '2026',
      metric: 'sales_amount',
      value: '10',
      weights: ['1', '2'],
    });
    expect(wrongWeights.statusCode).toBe(400);
    expect(wrongWeights.data.errors[0].path).toBe('weights');
  });

  it("allocates a parent partner's target across its children by weights, and a tenant-level target evenly", async () => {
    await admin.post('/v1/targets', { partnerId: parent.id, period: '2028', metric: 'quantity', value: '100' });
    const a = await admin.post('/v1/targets/allocate', { period: '2028', metric: 'quantity', parentPartnerId: parent.id, save: true });
    expect(a.statusCode).toBe(200);
    expect(a.data.parts.map((p: { value: string }) => p.value)).toEqual(['34.0000', '33.0000', '33.0000']);
    expect(a.data.parts.map((p: { partnerId: string }) => p.partnerId)).toEqual([p1.id, p2.id, p3.id]);
    const s = await t.database.rows<{ s: string }>(sql`select sum(value)::text as s from targets where period = '2028' and partner_id <> ${parent.id}`);
    expect(s[0]!.s).toBe('100.0000');
    const w = await admin.post('/v1/targets/allocate', {
      period: '2028-Q1',
      metric: 'sales_amount',
      value: '0.05',
      partners: [
        { partnerId: p1.id, weight: '1' },
        { partnerId: p2.id, weight: '1' },
        { partnerId: p3.id, weight: '1' },
      ],
    });
    expect(w.data.parts.map((p: { value: string }) => p.value)).toEqual(['0.0200', '0.0200', '0.0100']);
    expect(w.data.saved).toBe(false);
    const noValue = await admin.post('/v1/targets/allocate', { period: '2028', metric: 'quantity', partners: [{ partnerId: p1.id }] });
    expect(noValue.statusCode).toBe(400);
    const lastYear = await admin.post('/v1/targets/allocate', {
      period: '2028',
      metric: 'quantity',
      value: '10',
      basis: 'last_year',
      partners: [{ partnerId: p1.id }],
    });
    expect(lastYear.statusCode).toBe(422);
  });

  it('uses the tenant fiscal year for year and quarter periods', async () => {
    const tok = await t.token({ tenant: 'fy' });
    const c = t.client(tok);
    const fp = await createPartner(c, 'FY1');
    expect((await c.put('/v1/targets/settings', { fiscalYearStartMonth: 4 })).data).toMatchObject({ fiscalYearStartMonth: 4, salesBasis: 'sell_through' });
    const res = await c.post('/v1/targets', { partnerId: fp.id, period: '2026-Q4', metric: 'quantity', value: '9' });
    expect(res.data).toMatchObject({ periodStart: '2027-01-01', periodEnd: '2027-03-31' });
    const d = await c.post('/v1/targets/decompose', { partnerId: fp.id, period: '2026-Q4', metric: 'quantity', value: '9' });
    expect(d.data.parts.map((p: { period: string }) => p.period)).toEqual(['2027-01', '2027-02', '2027-03']);
    // cannot change the start while year/quarter targets exist
    expect((await c.put('/v1/targets/settings', { fiscalYearStartMonth: 1 })).statusCode).toBe(409);
  });

  it('enforces scopes; partner tokens read only their own targets', async () => {
    const ro = t.client(await t.token({ scope: 'targets:read' }));
    expect((await ro.post('/v1/targets', { partnerId: p1.id, period: '2029', metric: 'quantity', value: '1' })).statusCode).toBe(403);
    expect((await ro.get('/v1/targets')).statusCode).toBe(200);
    const none = t.client(await t.token({ scope: 'partners:read' }));
    expect((await none.get('/v1/targets')).statusCode).toBe(403);
    const mine = t.client(await t.token({ scope: 'targets:read', partner: p2.id }));
    const list = await mine.get('/v1/targets?limit=500');
    expect(list.data.data.length).toBeGreaterThan(0);
    expect(list.data.data.every((x: { partnerId: string }) => x.partnerId === p2.id)).toBe(true);
    const other = (await admin.get(`/v1/targets?partnerId=${p1.id}&limit=1`)).data.data[0];
    expect((await mine.get(`/v1/targets/${other.id}`)).statusCode).toBe(404);
    const partnerWrite = t.client(await t.token({ scope: 'targets:write', partner: p2.id }));
    expect((await partnerWrite.post('/v1/targets', { partnerId: p2.id, period: '2029', metric: 'quantity', value: '1' })).statusCode).toBe(403);
  });
});

describe('targets over GraphQL', () => {
  it('creates, lists and decomposes with the same validation', async () => {
    const created = await admin.gql(`mutation($i: CreateTargetInput!) { createTarget(input: $i) { id period value version } }`, {
      i: { partnerId: p2.id, period: '2030', metric: 'new_customers', value: '12' },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.createTarget).toMatchObject({ period: '2030', value: '12.0000', version: 1 });
    const bad = await admin.gql(`mutation($i: CreateTargetInput!) { createTarget(input: $i) { id } }`, {
      i: { partnerId: p2.id, period: '2030-Q9', metric: 'quantity', value: '1' },
    });
    expect(bad.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
    const split = await admin.gql(
      `mutation { decomposeTarget(input: { partnerId: "${p2.id}", period: "2030", metric: new_customers, into: months }) { total parts { period value } } }`,
    );
    expect(split.errors).toBeUndefined();
    expect(split.data.decomposeTarget.parts.map((p: { value: string }) => p.value)).toEqual(Array(12).fill('1.0000'));
    const list = await admin.gql(`{ targets(filter: { partnerId: "${p2.id}", period: "2030" }) { nodes { metric value } pageInfo { hasNextPage } } }`);
    expect(list.data.targets.nodes).toEqual([{ metric: 'new_customers', value: '12.0000' }]);
  });
});
