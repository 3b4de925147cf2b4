import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { catalogFixture, makePartner, makePolicy, price } from '../helpers/policy.js';
import { importCsv } from '../helpers/target.js';

/**
 * The floor an imported sell-through line is marked against (policy's set-based `priceFloorsSql`, a second
 * implementation of the selection in SQL) is the one the explained resolution gives (`POST /v1/policy/prices:resolve`: the winner's minimum
 * resale price, lowered by an approved below-minimum deviation), on every (partner, product, date) of a grid that
 * crosses scopes (partner, tier, partner type, channel, default), partners on one channel and on both, product and
 * product-line prices, versions that replace each other, windows that end, a line without a minimum, a product
 * without a price, deviations (below the minimum, above the list, two overlapping, two starting the same day); every
 * precedence of the selection is decided somewhere in the grid (a tier over a type, a channel over the default, a
 * product over its line, the later of two versions, the later requested of two deviations).
 */
let t: TestApp;
let admin: Client;
let token: string;
const partners: { id: string; code: string }[] = [];
const PRODUCTS = ['F1', 'F2', 'F3', 'F4', 'F5'];
const DATES = ['2026-01-15', '2026-02-01', '2026-03-10', '2026-03-25', '2026-04-01', '2026-06-30', '2026-07-01'];

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  partners.push(await makePartner(admin, 'FL-GOLD', { tier: 'gold', type: 'dealer' }));
  partners.push(await makePartner(admin, 'FL-SILVER', { tier: 'silver' }));
  partners.push(await makePartner(admin, 'FL-PLAIN'));
  partners.push(await makePartner(admin, 'FL-WEB', { channel: 'online' }));
  // a partner selling on both channels matches channel scopes only when the sale's channel is given (a line has none)
  partners.push(await makePartner(admin, 'FL-BOTH', { channel: 'both' }));
  await catalogFixture(t, {
    lines: ['FLA', 'FLB'],
    products: [{ code: 'F1', line: 'FLA' }, { code: 'F2', line: 'FLA' }, { code: 'F3', line: 'FLB' }, { code: 'F4' }, { code: 'F5', line: 'FLB' }],
  });
  await t.database.db.execute(sql`insert into territories (tenant_id, id, code, name) values ('t1', '0190b5a6-0000-7000-8000-00000000f101', 'FLT', 'FLT')`);
  // default: line FLA 50.00, F1 70.00 (product before line), FLB without a minimum; replaced from April by a
  // version with FLA 60.00 and F3 (of FLB) 45.00
  const def = await makePolicy(admin, {
    code: 'FL-DEF',
    scope: { kind: 'default' },
    effectiveFrom: '2026-01-01',
    effectiveTo: '2026-03-31',
    lines: [
      { productLine: 'FLA', distributionPrice: '40.00', suggestedRetailPrice: '100.00', minResalePrice: '50.00' },
      price('F1', '50.00', '100.00', '70.00'),
      { productLine: 'FLB', distributionPrice: '40.00', suggestedRetailPrice: '100.00' },
      // F4 25.00 by default until March, where the online channel's 30.00 is more specific
      price('F4', '20.00', '60.00', '25.00'),
    ],
  });
  const v2 = await admin.post(`/v1/policy/price-policies/${def.policyId}/versions`, { effectiveFrom: '2026-04-01', effectiveTo: null });
  expect(v2.statusCode, v2.body).toBe(201);
  const l2 = await admin.post(`/v1/policy/versions/${v2.data.id}/lines`, {
    lines: [
      { productLine: 'FLA', distributionPrice: '45.00', suggestedRetailPrice: '100.00', minResalePrice: '60.00' },
      price('F3', '40.00', '100.00', '45.00'),
    ],
  });
  expect(l2.statusCode, l2.body).toBe(200);
  expect((await admin.post(`/v1/policy/versions/${v2.data.id}/publish`, {})).statusCode).toBe(200);
  // tier gold: F2 40.00 from February to the end of June
  await makePolicy(admin, {
    code: 'FL-GOLD',
    scope: { kind: 'tier', value: 'gold' },
    effectiveFrom: '2026-02-01',
    effectiveTo: '2026-06-30',
    lines: [price('F2', '30.00', '90.00', '40.00')],
  });
  // partner type dealer: line FLB 90.00, and F2 42.00, where FL-GOLD's tier (gold, 40.00 from February to June) is
  // more specific than its type (dealer)
  await makePolicy(admin, {
    code: 'FL-DEALER',
    scope: { kind: 'partner_type', value: 'dealer' },
    lines: [
      { productLine: 'FLB', distributionPrice: '60.00', suggestedRetailPrice: '120.00', minResalePrice: '90.00' },
      price('F2', '30.00', '90.00', '42.00'),
    ],
  });
  // the online channel: F4 30.00
  await makePolicy(admin, { code: 'FL-ONLINE', scope: { kind: 'channel', value: 'online' }, lines: [price('F4', '20.00', '60.00', '30.00')] });
  // FL-PLAIN's own price for F1, no minimum
  await makePolicy(admin, { code: 'FL-PLAIN', scope: { kind: 'partner', value: partners[2]!.id }, lines: [price('F1', '55.00', '100.00', null)] });
  // FL-SILVER may sell F1 at 65.00 in March (below the default's 70.00); FL-GOLD's deviation above the list lowers nothing
  for (const [partner, product, p, from, to] of [
    ['FL-SILVER', 'F1', '65.00', '2026-03-01', '2026-03-31'],
    ['FL-GOLD', 'F1', '120.00', '2026-01-01', '2026-12-31'],
    // two overlapping deviations of FL-PLAIN for F3 (45.00 from April): the later starting one wins where both apply
    ['FL-PLAIN', 'F3', '40.00', '2026-04-01', '2026-07-31'],
    ['FL-PLAIN', 'F3', '35.00', '2026-06-01', '2026-06-30'],
    // two of FL-SILVER for F2 starting the same day: the later requested wins
    ['FL-SILVER', 'F2', '38.00', '2026-02-01', '2026-12-31'],
    ['FL-SILVER', 'F2', '36.00', '2026-02-01', '2026-12-31'],
  ] as const) {
    const dev = await admin.post('/v1/policy/deviations', { partner, product, price: p, validFrom: from, validTo: to, reason: 'test' });
    expect(dev.statusCode, dev.body).toBe(201);
    expect((await admin.post(`/v1/policy/deviations/${dev.data.id}/approve`, {})).statusCode).toBe(200);
  }
});
afterAll(async () => t?.close());

describe('the floor marked at ingestion is the explained resolution', () => {
  it('agrees on every (partner, product, date) of a mixed grid', async () => {
    const rows = ['externalId,date,partnerCode,productCode,quantity,amount,territoryCode'];
    for (const p of partners) for (const pr of PRODUCTS) for (const d of DATES) rows.push(`FL|${p.code}|${pr}|${d},${d},${p.code},${pr},1,55.00,FLT`);
    const res = await importCsv(t, token, 'sell-through', rows.join('\n') + '\n');
    expect(res.data).toMatchObject({ created: partners.length * PRODUCTS.length * DATES.length, rejected: 0 });
    const stored = new Map(
      (
        await t.database.rows<{ external_id: string; price_violation: boolean; floor: string | null }>(
          sql`select external_id, price_violation, min_resale_price::text as floor from sell_through_lines where external_id like 'FL|%'`,
        )
      ).map((r) => [r.external_id, { floor: r.floor, violation: r.price_violation }]),
    );
    const expected = new Map<string, { floor: string | null; violation: boolean }>();
    for (const p of partners)
      for (const d of DATES) {
        const r = await admin.post('/v1/policy/prices:resolve', { partner: p.code, date: d, lines: PRODUCTS.map((product) => ({ product })) });
        expect(r.statusCode, r.body).toBe(200);
        r.data.lines.forEach((l: { product: string; minResalePrice: string | null; deviation: { kind: string; price: string } | null }) => {
          let floor = l.minResalePrice === null ? null : Number(l.minResalePrice);
          if (floor !== null && l.deviation?.kind === 'below_min_resale' && Number(l.deviation.price) < floor) floor = Number(l.deviation.price);
          expected.set(`FL|${p.code}|${l.product}|${d}`, { floor: floor === null ? null : floor.toFixed(4), violation: floor !== null && 55 < floor });
        });
      }
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(expected));
    // the grid reaches every case: no floor, a product price, a line price, a tier price, a type's line price, a
    // replacing version, a channel's price, a deviation, overlapping deviations
    const floors = new Set([...expected.values()].map((e) => e.floor));
    expect(floors).toEqual(
      new Set([null, '70.0000', '50.0000', '40.0000', '42.0000', '90.0000', '60.0000', '45.0000', '65.0000', '30.0000', '25.0000', '35.0000', '36.0000']),
    );
    expect(expected.get('FL|FL-WEB|F4|2026-03-10')?.floor).toBe('30.0000');
    expect(expected.get('FL|FL-PLAIN|F4|2026-03-10')?.floor).toBe('25.0000');
    expect(['2026-01-15', '2026-03-10', '2026-07-01'].map((d) => expected.get(`FL|FL-GOLD|F2|${d}`)?.floor)).toEqual(['42.0000', '40.0000', '42.0000']);
    expect(expected.get('FL|FL-SILVER|F2|2026-03-10')?.floor).toBe('36.0000');
    expect(expected.get('FL|FL-BOTH|F4|2026-03-10')?.floor).toBe('25.0000'); // the default's, not the online channel's
    expect(['2026-04-01', '2026-06-30', '2026-07-01'].map((d) => expected.get(`FL|FL-PLAIN|F3|${d}`)?.floor)).toEqual(['40.0000', '35.0000', '40.0000']);
    expect([...expected.values()].filter((e) => e.violation).length).toBeGreaterThan(0);
  });
});
