import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { catalogFixture, makePartner, makePolicy, price } from '../helpers/policy.js';

let t: TestApp;
let admin: Client;
let A: { id: string; code: string };
let B: { id: string; code: string };
let partnerA: Client;

const count = async (q: string) => Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${q}`)))[0]!.n);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  A = await makePartner(admin, 'DEV-A');
  B = await makePartner(admin, 'DEV-B');
  partnerA = t.client(await t.token({ scope: 'policy:read policy:write', partner: A.id }));
  await catalogFixture(t, { products: [{ code: 'W1' }, { code: 'W2' }] });
  // min resale 80, retail 100 for everyone
  await makePolicy(admin, { code: 'BASE', scope: { kind: 'default' }, lines: [price('W1', '60.00', '100.00', '80.00'), price('W2', '60.00', '100.00')] });
});
afterAll(async () => t?.close());

describe('deviation requests', () => {
  let devId: string;
  it('a partner asks to sell below the minimum; a price inside the band needs none; other partners are invisible', async () => {
    const inside = await partnerA.post('/v1/policy/deviations', {
      product: 'W1',
      price: '85.00',
      validFrom: '2026-03-01',
      validTo: '2026-03-31',
      reason: 'promo',
    });
    expect(inside.statusCode).toBe(422);
    const res = await partnerA.post('/v1/policy/deviations', {
      product: 'W1',
      price: '70.00',
      validFrom: '2026-03-01',
      validTo: '2026-03-31',
      reason: 'clearance of old stock',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.data).toMatchObject({ partnerId: A.id, kind: 'below_min_resale', status: 'pending', price: '70.0000' });
    devId = res.data.id;
    const above = await admin.post('/v1/policy/deviations', {
      partner: B.code,
      product: 'W1',
      price: '120',
      validFrom: '2026-03-01',
      validTo: '2026-03-31',
      reason: 'premium bundle',
    });
    expect(above.data.kind).toBe('above_list');
    expect(
      (await partnerA.post('/v1/policy/deviations', { partner: B.id, product: 'W1', price: '70', validFrom: '2026-03-01', validTo: '2026-03-31', reason: 'x' }))
        .statusCode,
    ).toBe(404);
    expect((await partnerA.get(`/v1/policy/deviations/${above.data.id}`)).statusCode).toBe(404);
    const mine = await partnerA.get('/v1/policy/deviations');
    expect(mine.data.data.map((d: { id: string }) => d.id)).toEqual([devId]);
    // partners cannot decide
    expect((await partnerA.post(`/v1/policy/deviations/${devId}/approve`, {})).statusCode).toBe(403);
  });

  it('approval changes the answer only for that partner and period; decided requests cannot be decided again', async () => {
    const before = await admin.get(`/v1/policy/prices/resolve?partner=${A.id}&product=W1&date=2026-03-15`);
    expect(before.data.deviation).toBeNull();
    const ok = await admin.post(`/v1/policy/deviations/${devId}/approve`, { note: 'ok for March' });
    expect(ok.data).toMatchObject({ status: 'approved', decidedBy: 'tester', decisionNote: 'ok for March' });
    expect(await count(`events where type = 'policy.deviation_decided' and resource_id = '${devId}'`)).toBe(1);
    expect((await admin.post(`/v1/policy/deviations/${devId}/reject`, {})).statusCode).toBe(409);
    const at = async (p: string, date: string) => (await admin.get(`/v1/policy/prices/resolve?partner=${p}&product=W1&date=${date}`)).data.deviation;
    expect(await at(A.id, '2026-03-01')).toMatchObject({ id: devId, price: '70.0000', kind: 'below_min_resale' });
    expect(await at(A.id, '2026-03-31')).toMatchObject({ id: devId });
    expect(await at(A.id, '2026-02-28')).toBeNull();
    expect(await at(A.id, '2026-04-01')).toBeNull();
    expect(await at(B.id, '2026-03-15')).toBeNull();
    const g = await admin.gql(`query($p: String!) { resolvePrice(partner: $p, product: "W1", date: "2026-03-15") { deviation { id price } } }`, { p: A.code });
    expect(g.data.resolvePrice.deviation).toEqual({ id: devId, price: '70.0000' });
  });
});

describe('price observations and violations', () => {
  it('flags below-minimum prices without a covering deviation; not at or above the minimum; not within an approved deviation', async () => {
    const rec = (body: Record<string, unknown>) => admin.post('/v1/policy/price-observations', { source: 'market_check', ...body });
    const cases = [
      [A.code, 'W1', '2026-02-10', '79.99', true, '0.0100'], // below min 80, no deviation yet
      [A.code, 'W1', '2026-02-10', '80.00', false, null], // at the minimum
      [A.code, 'W1', '2026-03-10', '75.00', false, null], // covered by the approved deviation (70)
      [A.code, 'W1', '2026-03-10', '69.00', true, '1.0000'], // below even the deviation price
      [B.code, 'W1', '2026-03-10', '75.00', true, '5.0000'], // the deviation is A's, not B's
      [A.code, 'W2', '2026-03-10', '1.00', false, null], // no minimum resale price for W2
    ] as const;
    for (const [partner, product, date, p, violation, shortfall] of cases) {
      const r = await rec({ partner, product, date, price: p });
      expect(r.statusCode, r.body).toBe(201);
      expect([partner, p, r.data.isViolation, r.data.shortfall]).toEqual([partner, p, violation, shortfall]);
    }
    expect(await count(`events where type = 'policy.violation_recorded'`)).toBe(3);
    expect(await count(`price_violations`)).toBe(3);
    const list = await admin.get(`/v1/policy/violations?partner=${A.id}&from=2026-02-01&to=2026-03-31&limit=1`);
    expect(list.data.data).toHaveLength(1);
    expect(list.data.data[0]).toMatchObject({ date: '2026-02-10', price: '79.9900', minResalePrice: '80.0000' });
    const next = await admin.get(`/v1/policy/violations?partner=${A.id}&from=2026-02-01&to=2026-03-31&limit=1&cursor=${list.data.nextCursor}`);
    expect(next.data.data[0]).toMatchObject({ date: '2026-03-10', price: '69.0000' });
    expect(next.data.nextCursor).toBeNull();
    const g = await admin.gql(`{ priceViolations(first: 10, from: "2026-03-01", to: "2026-03-31") { nodes { partnerId price shortfall } } }`);
    expect(g.data.priceViolations.nodes).toHaveLength(2);
    const mine = await partnerA.get('/v1/policy/violations');
    expect(mine.data.data.every((o: { partnerId: string }) => o.partnerId === A.id)).toBe(true);
    expect(
      (await partnerA.post('/v1/policy/price-observations', { partner: A.id, product: 'W1', date: '2026-02-10', price: '1', source: 'x' })).statusCode,
    ).toBe(403);
    const counts = await t.app.services.policy.violations.countByPartner(
      { tenantId: 't1', subject: 's', scopes: new Set(['admin']), kind: 'system' },
      '2026-01-01',
      '2026-12-31',
    );
    expect(counts.get(A.id)).toEqual({ count: 2, totalShortfall: '1.0100' });
    expect(counts.get(B.id)).toEqual({ count: 1, totalShortfall: '5.0000' });
  });

  it('imports observations (kind policy.price-observations) with a row report; a repeated reference is skipped', async () => {
    const csv = [
      'partner,product,date,price,source,reference',
      `${B.code},W1,2026-05-01,50,erp,R1`,
      `${B.code},W1,2026-05-01,90,erp,R2`,
      `NOPE,W1,2026-05-01,90,erp,R3`,
      `${B.code},W1,not-a-date,90,erp,R4`,
    ].join('\n');
    const send = async () =>
      t.app
        .inject({
          method: 'POST',
          url: '/v1/policy/price-observations:import',
          headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
          payload: csv,
        })
        .then((r) => JSON.parse(r.body));
    const first = await send();
    expect(first).toMatchObject({ rowsRead: 4, accepted: 2, rejected: 2, created: 2 });
    expect(first.errors.map((e: { line: number; path?: string }) => [e.line, e.path]).sort()).toEqual([
      [4, 'partner'],
      [5, 'date'],
    ]);
    const second = await send();
    expect(second).toMatchObject({ created: 0, unchanged: 2 });
    expect(await count(`price_observations where source = 'erp'`)).toBe(2);
    expect(await count(`price_violations where source = 'erp'`)).toBe(1);
  });
});

describe('channel terms', () => {
  it('merges field by field from the most specific scope, versioned by dates; published terms are immutable; overlaps refused', async () => {
    const mk = async (body: Record<string, unknown>) => {
      const c = await admin.post('/v1/policy/terms', body);
      expect(c.statusCode, c.body).toBe(201);
      return c.data;
    };
    const base = await mk({
      name: 'Default',
      scope: { kind: 'default' },
      effectiveFrom: '2026-01-01',
      returnWindowDays: 7,
      returnConditions: 'unopened',
      creditLimit: '100000',
      creditCurrency: 'CNY',
      paymentTermsDays: 30,
      territoryExclusivity: false,
      crossRegionSelling: 'forbidden',
    });
    const mine = await mk({
      name: 'A special',
      scope: { kind: 'partner', value: A.id },
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-06-30',
      creditLimit: '250000.50',
      creditCurrency: 'CNY',
      territoryExclusivity: true,
    });
    expect((await admin.post(`/v1/policy/terms/${base.id}/publish`, {})).statusCode).toBe(200);
    expect((await admin.post(`/v1/policy/terms/${mine.id}/publish`, {})).statusCode).toBe(200);
    const r = await partnerA.get(`/v1/policy/terms/resolve?partner=${A.id}&date=2026-06-30`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.data.creditLimit).toEqual({ value: '250000.5000', scope: { kind: 'partner', value: A.id }, termsId: mine.id });
    expect(r.data.territoryExclusivity.value).toBe(true);
    expect(r.data.returnWindowDays).toEqual({ value: 7, scope: { kind: 'default', value: null }, termsId: base.id });
    expect(r.data.crossRegionSelling.value).toBe('forbidden');
    const later = await admin.get(`/v1/policy/terms/resolve?partner=${A.id}&date=2026-07-01`);
    expect(later.data.creditLimit.value).toBe('100000.0000');
    expect((await admin.patch(`/v1/policy/terms/${base.id}`, { returnWindowDays: 14 })).statusCode).toBe(409);
    const copy = await mk({ name: 'Default 2', scope: { kind: 'default' }, copyFrom: base.id, effectiveFrom: '2026-06-01', returnWindowDays: 14 });
    expect(copy).toMatchObject({ returnWindowDays: 14, returnConditions: 'unopened', status: 'draft' });
    const overlap = await admin.post(`/v1/policy/terms/${copy.id}/publish`, {});
    expect(overlap.statusCode).toBe(409);
    expect(overlap.data.detail).toContain(base.id);
    expect((await partnerA.get(`/v1/policy/terms/resolve?partner=${B.id}`)).statusCode).toBe(404);
    const g = await admin.gql(
      `query($p: String!) { resolveTerms(partner: $p, date: "2026-03-01") { creditLimit { value scope { kind } } paymentTermsDays { value } } }`,
      { p: A.code },
    );
    expect(g.data.resolveTerms).toEqual({ creditLimit: { value: '250000.5000', scope: { kind: 'partner' } }, paymentTermsDays: { value: 30 } });
  });
});
