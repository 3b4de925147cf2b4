import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { catalogFixture, makePartner, makePolicy, price } from '../helpers/policy.js';

let t: TestApp;
let admin: Client;
let P: { id: string; code: string }; // tier gold, dealer, online

const SCOPES = ['partner', 'tier', 'partner_type', 'channel', 'default'] as const;
const count = async (q: string) => Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${q}`)))[0]!.n);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  P = await makePartner(admin, 'P-GOLD', { tier: 'gold', type: 'dealer', channel: 'online' });
  const subsets = Array.from({ length: 32 }, (_, m) => ({ code: `S${m}` }));
  await catalogFixture(t, {
    lines: ['L1', 'L2'],
    products: [
      ...subsets,
      { code: 'A', line: 'L1' },
      { code: 'B', line: 'L1' },
      { code: 'C', line: 'L2' },
      { code: 'D', line: 'L2' },
      ...['E', 'F', 'G1', 'G2', 'G3', 'H', 'I', 'J', 'K', 'M', 'N'].map((code) => ({ code })),
    ],
  });
});
afterAll(async () => t?.close());

describe('precedence', () => {
  it('for every subset of the five scopes having a price, the most specific scope wins (table-driven)', async () => {
    // scope i prices product S<mask> at (i+1)*10 when bit i of mask is set
    const values: Record<(typeof SCOPES)[number], string | null> = { partner: P.id, tier: 'gold', partner_type: 'dealer', channel: 'online', default: null };
    for (const [i, kind] of SCOPES.entries()) {
      const lines = [];
      for (let m = 1; m < 32; m++) if (m & (1 << i)) lines.push(price(`S${m}`, `${(i + 1) * 10}.00`, '100.00'));
      await makePolicy(admin, { code: `PREC-${kind}`, scope: { kind, value: values[kind] }, lines });
    }
    // scopes that do not apply to P: must never win, whatever the subset
    const other = await makePartner(admin, 'P-OTHER');
    const all = Array.from({ length: 32 }, (_, m) => price(`S${m}`, '99.00', '100.00'));
    for (const [kind, value] of [
      ['partner', other.id],
      ['tier', 'silver'],
      ['partner_type', 'retailer'],
      ['channel', 'offline'],
    ] as const) {
      await makePolicy(admin, { code: `NOISE-${kind}`, scope: { kind, value }, lines: all });
    }
    const res = await admin.post('/v1/policy/prices:resolve', {
      partner: P.code,
      date: '2026-05-01',
      lines: Array.from({ length: 32 }, (_, m) => ({ product: `S${m}` })),
    });
    expect(res.statusCode, res.body).toBe(200);
    for (let m = 0; m < 32; m++) {
      const line = res.data.lines[m];
      if (m === 0) {
        expect(line).toMatchObject({ product: 'S0', status: 'unpriced', distributionPrice: null, source: null });
        continue;
      }
      const winner = SCOPES.findIndex((_, i) => m & (1 << i));
      expect(line.status).toBe('priced');
      expect(line.source.scope.kind, `subset ${m}`).toBe(SCOPES[winner]);
      expect(line.distributionPrice).toBe(`${(winner + 1) * 10}.0000`);
      // every other scope of the subset is listed as passed over, in precedence order
      const losers = SCOPES.filter((_, i) => m & (1 << i) && i !== winner);
      expect(line.passedOver.map((c: { scope: { kind: string } }) => c.scope.kind)).toEqual(losers);
    }
    expect(res.data.lines[31].source.reason).toContain("scope 'partner'");
  });

  it('scope beats level, and within a scope a product price beats its line price', async () => {
    await makePolicy(admin, { code: 'LVL-default', scope: { kind: 'default' }, lines: [price('A', '50.00', '80.00'), price('C', '51.00', '80.00')] });
    await makePolicy(admin, {
      code: 'LVL-tier',
      scope: { kind: 'tier', value: 'gold' },
      lines: [
        { productLine: 'L1', distributionPrice: '40.00', suggestedRetailPrice: '80.00' },
        { productLine: 'L2', distributionPrice: '41.00', suggestedRetailPrice: '80.00' },
        price('C', '39.00', '80.00'),
      ],
    });
    const res = await admin.post('/v1/policy/prices:resolve', {
      partner: P.id,
      date: '2026-05-01',
      lines: [{ product: 'A' }, { product: 'B' }, { product: 'C' }, { product: 'D' }],
    });
    const [a, b, c, d] = res.data.lines;
    expect([a.distributionPrice, a.source.scope.kind, a.source.level]).toEqual(['40.0000', 'tier', 'product_line']); // tier line > default product
    expect([b.distributionPrice, b.source.level]).toEqual(['40.0000', 'product_line']);
    expect([c.distributionPrice, c.source.level]).toEqual(['39.0000', 'product']); // product > line in the same scope
    expect(c.passedOver.map((x: { level: string; scope: { kind: string } }) => `${x.scope.kind}/${x.level}`)).toEqual(['tier/product_line', 'default/product']);
    expect([d.distributionPrice, d.source.level]).toEqual(['41.0000', 'product_line']);
  });
});

describe('versions', () => {
  let v1: { policyId: string; versionId: string };
  it('effective dates are inclusive calendar dates: the first day, the last day, the day after', async () => {
    v1 = await makePolicy(admin, {
      code: 'DATES',
      scope: { kind: 'default' },
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-03-31',
      lines: [price('E', '10.00', '20.00'), price('F', '10.00', '20.00')],
    });
    const v2 = await admin.post(`/v1/policy/price-policies/${v1.policyId}/versions`, {
      copyFrom: v1.versionId,
      effectiveFrom: '2026-04-01',
      effectiveTo: null,
    });
    expect(v2.statusCode).toBe(201);
    expect(v2.data).toMatchObject({ number: 2, status: 'draft', lineCount: 2, copiedFromId: v1.versionId });
    await admin.post(`/v1/policy/versions/${v2.data.id}/lines`, { lines: [price('E', '11.00', '20.00')] });
    await admin.delete(
      `/v1/policy/versions/${v2.data.id}/lines/${(await admin.get(`/v1/policy/versions/${v2.data.id}/lines`)).data.data.find((l: { product: { code: string } }) => l.product.code === 'F').id}`,
    );
    expect((await admin.post(`/v1/policy/versions/${v2.data.id}/publish`, {})).statusCode).toBe(200);
    const at = async (date: string, product = 'E') => await admin.get(`/v1/policy/prices/resolve?partner=${P.code}&product=${product}&date=${date}`);
    expect((await at('2025-12-31')).statusCode).toBe(404);
    expect((await at('2026-01-01')).data).toMatchObject({ distributionPrice: '10.0000', source: { versionNumber: 1 } });
    expect((await at('2026-03-31')).data).toMatchObject({ distributionPrice: '10.0000', source: { versionNumber: 1 } });
    expect((await at('2026-04-01')).data).toMatchObject({
      distributionPrice: '11.0000',
      source: { versionNumber: 2, effectiveFrom: '2026-04-01', effectiveTo: null },
    });
    // F is not in version 2: priced on the last day of version 1, unpriced the day after
    expect((await at('2026-03-31', 'F')).statusCode).toBe(200);
    const after = await at('2026-04-01', 'F');
    expect(after.statusCode).toBe(404);
    expect(after.data.code).toBe('NOT_FOUND');
  });

  it('a published version refuses every edit with 409 and stays unchanged', async () => {
    const id = v1.versionId;
    const before = (await admin.get(`/v1/policy/versions/${id}`)).data;
    const lines = (await admin.get(`/v1/policy/versions/${id}/lines`)).data.data;
    const attempts = [
      await admin.patch(`/v1/policy/versions/${id}`, { effectiveTo: '2026-12-31' }),
      await admin.patch(`/v1/policy/versions/${id}`, { discountRules: [] }),
      await admin.post(`/v1/policy/versions/${id}/lines`, { lines: [price('E', '1.00', '20.00')] }),
      await admin.delete(`/v1/policy/versions/${id}/lines/${lines[0].id}`),
      await t.app
        .inject({
          method: 'POST',
          url: `/v1/policy/versions/${id}/lines:import`,
          headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
          payload: 'product,distributionPrice,suggestedRetailPrice\nE,1,2\n',
        })
        .then((r) => ({ statusCode: r.statusCode, data: JSON.parse(r.body) })),
    ];
    for (const r of attempts) {
      expect(r.statusCode, JSON.stringify(r.data)).toBe(409);
      expect(r.data.detail).toMatch(/Version 1 is published and can no longer be changed/);
    }
    expect((await admin.get(`/v1/policy/versions/${id}`)).data).toEqual(before);
    expect((await admin.get(`/v1/policy/versions/${id}/lines`)).data.data).toEqual(lines);
    const gql = await admin.gql(`mutation($id: ID!) { updatePriceVersion(id: $id, input: { note: "x" }) { id } }`, { id });
    expect(gql.errors?.[0]?.extensions.code).toBe('CONFLICT');
    // publishing again is an illegal transition
    expect((await admin.post(`/v1/policy/versions/${id}/publish`, {})).statusCode).toBe(409);
  });

  it('refuses a publication overlapping a published version of the same scope for the same product, naming both', async () => {
    const other = await makePolicy(admin, {
      code: 'DATES-2',
      scope: { kind: 'default' },
      effectiveFrom: '2026-06-01',
      effectiveTo: '2026-06-30',
      lines: [price('E', '9.00', '20.00')],
      publish: false,
    });
    const res = await admin.post(`/v1/policy/versions/${other.versionId}/publish`, {});
    expect(res.statusCode).toBe(409);
    expect(res.data.detail).toMatch(/Version 2 of policy 'DATES'.*product 'E'/);
    expect(res.data.conflicts[0]).toMatchObject({ policyCode: 'DATES', versionNumber: 2, product: 'E' });
    expect((await admin.get(`/v1/policy/versions/${other.versionId}`)).data.status).toBe('draft');
    // the same content in another scope, or on dates that do not overlap, is fine
    const elsewhere = await makePolicy(admin, {
      code: 'DATES-T',
      scope: { kind: 'tier', value: 'silver' },
      effectiveFrom: '2026-06-01',
      lines: [price('E', '9.00', '20.00')],
    });
    expect(elsewhere.versionId).toBeTruthy();
    const before = await makePolicy(admin, {
      code: 'DATES-3',
      scope: { kind: 'default' },
      effectiveFrom: '2025-01-01',
      effectiveTo: '2025-12-31',
      lines: [price('E', '9.00', '20.00')],
    });
    expect(before.versionId).toBeTruthy();
  });

  it('two concurrent publications that overlap: exactly one wins', async () => {
    for (const product of ['G1', 'G2', 'G3']) {
      const a = await makePolicy(admin, {
        code: `RACE-A-${product}`,
        scope: { kind: 'channel', value: 'offline' },
        lines: [price(product, '5.00', '9.00')],
        publish: false,
      });
      const b = await makePolicy(admin, {
        code: `RACE-B-${product}`,
        scope: { kind: 'channel', value: 'offline' },
        lines: [price(product, '6.00', '9.00')],
        publish: false,
      });
      const results = await Promise.all([a, b].map((x) => admin.post(`/v1/policy/versions/${x.versionId}/publish`, {})));
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const n = await count(
        `price_versions v join price_lines l on l.version_id = v.id join products p on p.id = l.product_id where v.status = 'published' and p.code = '${product}'`,
      );
      expect(n).toBe(1);
    }
  });

  it('retires a published version: it stops applying', async () => {
    const x = await makePolicy(admin, { code: 'RET', scope: { kind: 'partner', value: P.id }, lines: [price('N', '7.00', '9.00')] });
    expect((await admin.get(`/v1/policy/prices/resolve?partner=${P.id}&product=N&date=2026-02-01`)).data.distributionPrice).toBe('7.0000');
    const r = await admin.post(`/v1/policy/versions/${x.versionId}/retire`, {});
    expect(r.data.status).toBe('retired');
    expect((await admin.get(`/v1/policy/prices/resolve?partner=${P.id}&product=N&date=2026-02-01`)).statusCode).toBe(404);
    const events = await count(`events where type = 'policy.version_published' and resource_id = '${x.versionId}'`);
    expect(events).toBe(1);
  });

  it('validates prices: non-negative, at most 4 decimals, min resale <= retail; nothing written', async () => {
    const { versionId } = await makePolicy(admin, {
      code: 'VAL',
      scope: { kind: 'default' },
      lines: [price('M', '1.00', '2.00')],
      publish: false,
      effectiveFrom: '2030-01-01',
    });
    const bad = await admin.post(`/v1/policy/versions/${versionId}/lines`, {
      lines: [
        price('M', '-1', '2'),
        price('M', '1.00001', '2'),
        price('M', '1', '2', '3'),
        { productLine: 'L1', product: 'M', distributionPrice: '1', suggestedRetailPrice: '2' },
        price('M', '1', 2 as unknown as string),
      ],
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.data.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.lines.0.distributionPrice',
        'body.lines.1.distributionPrice',
        'body.lines.2.minResalePrice',
        'body.lines.3.product',
        'body.lines.4.suggestedRetailPrice',
      ]),
    );
    const unknown = await admin.post(`/v1/policy/versions/${versionId}/lines`, { lines: [price('NOPE', '1', '2')] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.data.errors[0].path).toBe('lines.0.product');
    expect((await admin.get(`/v1/policy/versions/${versionId}`)).data.lineCount).toBe(1);
    const cur = await admin.post('/v1/policy/price-policies', { code: 'BADCUR', name: 'x', currency: 'XYZ', scope: { kind: 'channel', value: 'both' } });
    expect(cur.statusCode).toBe(400);
    expect(cur.data.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.currency', 'body.scope.value']));
  });
});

describe('discounts and money', () => {
  const rules = [
    {
      kind: 'volume',
      basis: 'quantity',
      tiers: [
        { min: '100', ratePercent: '3' },
        { min: '500', ratePercent: '5' },
      ],
    },
    {
      kind: 'payment_term',
      tiers: [
        { withinDays: 10, ratePercent: '2' },
        { withinDays: 30, ratePercent: '1' },
      ],
    },
  ];
  beforeAll(async () => {
    await makePolicy(admin, { code: 'DISC', scope: { kind: 'partner_type', value: 'dealer' }, discountRules: rules, lines: [price('H', '10.00', '15.00')] });
    await makePolicy(admin, {
      code: 'MONEY',
      scope: { kind: 'partner', value: P.id },
      lines: [price('I', '33.3333', '50.00'), price('J', '0.1', '1'), price('K', '0.125', '1')],
    });
  });

  it.each([
    ['99', undefined, '990.00', [], '990.00'],
    ['100', undefined, '1000.00', [['volume_quantity', '3', '30.00']], '970.00'],
    ['499', undefined, '4990.00', [['volume_quantity', '3', '149.70']], '4840.30'],
    ['500', undefined, '5000.00', [['volume_quantity', '5', '250.00']], '4750.00'],
    [
      '100',
      10,
      '1000.00',
      [
        ['volume_quantity', '3', '30.00'],
        ['payment_term', '2', '19.40'],
      ],
      '950.60',
    ],
    [
      '100',
      11,
      '1000.00',
      [
        ['volume_quantity', '3', '30.00'],
        ['payment_term', '1', '9.70'],
      ],
      '960.30',
    ],
    [
      '100',
      30,
      '1000.00',
      [
        ['volume_quantity', '3', '30.00'],
        ['payment_term', '1', '9.70'],
      ],
      '960.30',
    ],
    ['100', 31, '1000.00', [['volume_quantity', '3', '30.00']], '970.00'],
  ] as const)('quantity %s, pay in %s days: gross %s, steps %j, net %s', async (qty, days, gross, steps, net) => {
    const res = await admin.get(
      `/v1/policy/prices/resolve?partner=${P.id}&product=H&date=2026-05-01&quantity=${qty}${days !== undefined ? `&paymentTermDays=${days}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.grossAmount).toBe(gross);
    expect(res.data.discounts.map((d: { rule: string; ratePercent: string; amount: string }) => [d.rule, d.ratePercent, d.amount])).toEqual(steps);
    expect(res.data.netAmount).toBe(net);
  });

  it('is exact to the cent: 3 x 33.3333, 0.1 x 3, half-up at .5 of a cent', async () => {
    const res = await admin.post('/v1/policy/prices:resolve', {
      partner: P.id,
      date: '2026-05-01',
      lines: [
        { product: 'I', quantity: '3' },
        { product: 'J', quantity: 3 },
        { product: 'K', quantity: '1' },
        { product: 'K', quantity: '3' },
      ],
    });
    const [i, j, k1, k3] = res.data.lines;
    expect([i.grossAmount, i.netAmount, i.netUnitPrice]).toEqual(['100.00', '100.00', '33.3333']); // 99.9999 -> 100.00
    expect(j.grossAmount).toBe('0.30'); // not 0.30000000000000004
    expect(k1.grossAmount).toBe('0.13'); // 0.125 half-up, not banker's 0.12
    expect(k3.grossAmount).toBe('0.38'); // 0.375 -> 0.38
    // the same through GraphQL
    const g = await admin.gql(
      `query($p: String!) { resolvePrices(input: { partner: $p, date: "2026-05-01", lines: [{ product: "I", quantity: "3" }, { product: "H", quantity: "500" }] }) { lines { product grossAmount netAmount discounts { rule ratePercent base amount } source { scope { kind } versionNumber reason } } } }`,
      { p: P.code },
    );
    expect(g.errors).toBeUndefined();
    expect(g.data.resolvePrices.lines[0]).toMatchObject({ grossAmount: '100.00', source: { scope: { kind: 'partner' } } });
    expect(g.data.resolvePrices.lines[1]).toMatchObject({
      netAmount: '4750.00',
      discounts: [{ rule: 'volume_quantity', ratePercent: '5', base: '5000.00', amount: '250.00' }],
    });
  });
});

describe('bulk', () => {
  it('imports a 1,000-row price list into a draft (dryRun, allOrNothing, row report) and resolves 1,000 lines in a bounded number of statements', async () => {
    const codes = Array.from({ length: 1000 }, (_, i) => `BULK-${String(i).padStart(4, '0')}`);
    await catalogFixture(t, { products: codes.map((code) => ({ code })) });
    const p = await admin.post('/v1/policy/price-policies', {
      code: 'BULK',
      name: 'Bulk',
      currency: 'CNY',
      scope: { kind: 'partner_type', value: 'distributor' },
    });
    const v = await admin.post(`/v1/policy/price-policies/${p.data.id}/versions`, {
      effectiveFrom: '2026-01-01',
      discountRules: [{ kind: 'volume', basis: 'amount', tiers: [{ min: '1000', ratePercent: '1.5' }] }],
    });
    const csv = (rows: string[]) => ['product,distributionPrice,suggestedRetailPrice,minResalePrice', ...rows].join('\n') + '\n';
    const good = codes.map((c, i) => `${c},${(i % 97) + 1}.25,${(i % 97) + 10},${(i % 97) + 2}`);
    const imp = async (body: string, q = '') =>
      t.app
        .inject({
          method: 'POST',
          url: `/v1/policy/versions/${v.data.id}/lines:import${q}`,
          headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'text/csv' },
          payload: body,
        })
        .then((r) => ({ statusCode: r.statusCode, data: JSON.parse(r.body) }));
    const bad = [...good, 'NO-SUCH,1,2,', `${codes[0]},5,2,`];
    const dry = await imp(csv(bad), '?dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.data).toMatchObject({ dryRun: true, committed: false, rowsRead: 1002, rejected: 2 });
    expect(dry.data.errors.map((e: { line: number }) => e.line).sort()).toEqual([1002, 1003]);
    const aon = await imp(csv(bad), '?allOrNothing=true');
    expect(aon.data).toMatchObject({ committed: false, accepted: 0, rejected: 2 });
    expect(await count(`price_lines where version_id = '${v.data.id}'`)).toBe(0);
    const ok = await imp(csv(good));
    expect(ok.data).toMatchObject({ committed: true, accepted: 1000, created: 1000, rejected: 0 });
    const again = await imp(csv([...good.slice(0, 999), `${codes[999]},1.00,10,2`]));
    expect(again.data).toMatchObject({ created: 0, updated: 1, unchanged: 999 });
    expect((await admin.post(`/v1/policy/versions/${v.data.id}/publish`, {})).statusCode).toBe(200);

    const D = await makePartner(admin, 'P-BULK', { type: 'distributor' });
    const body = { partner: D.id, date: '2026-07-01', paymentTermDays: 5, lines: codes.map((product, i) => ({ product, quantity: String((i % 50) + 1) })) };
    const before = t.database.statements;
    const res = await admin.post('/v1/policy/prices:resolve', body);
    const used = t.database.statements - before;
    expect(res.statusCode).toBe(200);
    expect(res.data.lines).toHaveLength(1000);
    expect(res.data.lines.every((l: { status: string }) => l.status === 'priced')).toBe(true);
    expect(used).toBeLessThanOrEqual(10);
    // line 7: price 8.25 x 8 = 66.00, no amount tier; line 999 was updated to 1.00 x 50 = 50.00
    expect(res.data.lines[7]).toMatchObject({ distributionPrice: '8.2500', grossAmount: '66.00', discounts: [], netAmount: '66.00' });
    expect(res.data.lines[999]).toMatchObject({ distributionPrice: '1.0000', grossAmount: '50.00' });
    // line 96: 97.25 x 47 = 4570.75 >= 1000: 1.5% = 68.56125 -> 68.56
    expect(res.data.lines[96]).toMatchObject({ grossAmount: '4570.75', discounts: [{ rule: 'volume_amount', amount: '68.56' }], netAmount: '4502.19' });
  });
});

describe('access', () => {
  it('partner tokens resolve only their own prices and cannot manage policies', async () => {
    const mine = t.client(await t.token({ scope: 'policy:read policy:write', partner: P.id }));
    expect((await mine.get(`/v1/policy/prices/resolve?partner=${P.id}&product=H&date=2026-05-01`)).statusCode).toBe(200);
    const other = await makePartner(admin, 'P-ELSE');
    expect((await mine.get(`/v1/policy/prices/resolve?partner=${other.id}&product=H&date=2026-05-01`)).statusCode).toBe(404);
    expect((await mine.post('/v1/policy/price-policies', { code: 'X', name: 'x', currency: 'CNY', scope: { kind: 'default' } })).statusCode).toBe(403);
    const none = t.client(await t.token({ scope: 'partners:read' }));
    expect((await none.get(`/v1/policy/prices/resolve?partner=${P.id}&product=H`)).statusCode).toBe(403);
  });

  it('GraphQL: create, publish and read a policy with its versions (batched)', async () => {
    const c = await admin.gql(
      `mutation { createPricePolicy(input: { code: "GQL", name: "G", currency: "usd", scope: { kind: default } }) { id currency scope { kind value } } }`,
    );
    expect(c.errors).toBeUndefined();
    expect(c.data.createPricePolicy).toMatchObject({ currency: 'USD', scope: { kind: 'default', value: null } });
    const v = await admin.gql(`mutation($p: ID!) { createPriceVersion(policyId: $p, input: { effectiveFrom: "2031-01-01" }) { id number status } }`, {
      p: c.data.createPricePolicy.id,
    });
    const vid = v.data.createPriceVersion.id;
    const l = await admin.gql(
      `mutation($v: ID!) { setPriceLines(versionId: $v, lines: [{ product: "M", distributionPrice: "1.5", suggestedRetailPrice: "3" }]) { created } }`,
      { v: vid },
    );
    expect(l.data.setPriceLines.created).toBe(1);
    const pub = await admin.gql(`mutation($v: ID!) { publishPriceVersion(id: $v) { status effectiveFrom } }`, { v: vid });
    expect(pub.data.publishPriceVersion).toEqual({ status: 'published', effectiveFrom: '2031-01-01' });
    const before = t.database.statements;
    const list = await admin.gql(`{ pricePolicies(first: 100) { nodes { code versions { number status lineCount } } } }`);
    expect(t.database.statements - before).toBeLessThanOrEqual(3);
    expect(list.data.pricePolicies.nodes.find((n: { code: string }) => n.code === 'GQL').versions).toEqual([{ number: 1, status: 'published', lineCount: 1 }]);
    const r = await admin.gql(
      `query($p: String!) { resolvePrice(partner: $p, product: "M", date: "2031-02-01") { distributionPrice currency source { policyCode } } }`,
      { p: P.code },
    );
    expect(r.data.resolvePrice).toEqual({ distributionPrice: '1.5000', currency: 'USD', source: { policyCode: 'GQL' } });
  });
});

describe('explanations that answer the next question (issue 14 #10)', () => {
  it('every losing candidate carries its price, scope, dates and why it lost, including a partner price outside its dates', async () => {
    await catalogFixture(t, { products: [{ code: 'X10' }, { code: 'X11' }] });
    await makePolicy(admin, {
      code: 'EXP-PARTNER',
      scope: { kind: 'partner', value: P.id },
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-03-31',
      lines: [price('X10', '70.00', '100.00'), price('X11', '71.00', '100.00')],
    });
    const t1 = await makePolicy(admin, {
      code: 'EXP-T1',
      scope: { kind: 'tier', value: 'gold' },
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-03-31',
      lines: [price('X10', '85.00', '100.00')],
    });
    // version 2 of the same tier policy from April supersedes version 1
    const v2 = await admin.post(`/v1/policy/price-policies/${t1.policyId}/versions`, { effectiveFrom: '2026-04-01' });
    expect(v2.statusCode, v2.body).toBe(201);
    expect((await admin.post(`/v1/policy/versions/${v2.data.id}/lines`, { lines: [price('X10', '84.00', '100.00')] })).statusCode).toBe(200);
    expect((await admin.post(`/v1/policy/versions/${v2.data.id}/publish`, {})).statusCode).toBe(200);
    await makePolicy(admin, { code: 'EXP-DEF', scope: { kind: 'default' }, lines: [price('X10', '90.00', '100.00')] });
    const res = await admin.post('/v1/policy/prices:resolve', { partner: P.code, date: '2026-05-01', lines: [{ product: 'X10' }, { product: 'X11' }] });
    expect(res.statusCode, res.body).toBe(200);
    const [x10, x11] = res.data.lines;
    expect([x10.distributionPrice, x10.source.policyCode, x10.source.versionNumber]).toEqual(['84.0000', 'EXP-T1', 2]);
    const brief = (c: any) => [c.policyCode, c.scope.kind, c.distributionPrice, c.effectiveFrom, c.effectiveTo, c.lost];
    expect(x10.passedOver.map(brief)).toEqual([
      ['EXP-DEF', 'default', '90.0000', '2026-01-01', null, 'less_specific'],
      ['EXP-PARTNER', 'partner', '70.0000', '2026-01-01', '2026-03-31', 'not_in_force'],
      ['EXP-T1', 'tier', '85.0000', '2026-01-01', '2026-03-31', 'superseded_version'],
    ]);
    expect(x10.source.reason).toContain('not in force on 2026-05-01');
    // no price in force at all: the partner price that lost on its dates is still listed
    expect(x11).toMatchObject({ status: 'unpriced', distributionPrice: null });
    expect(x11.passedOver.map(brief)).toEqual([['EXP-PARTNER', 'partner', '71.0000', '2026-01-01', '2026-03-31', 'not_in_force']]);
    // GraphQL answers the same
    const g = await admin.gql(
      `query($p: String!) { resolvePrices(input: {partner: $p, date: "2026-05-01", lines: [{product: "X10"}]}) { lines { passedOver { policyCode distributionPrice lost } } } }`,
      { p: P.code },
    );
    expect(
      g.data?.resolvePrices?.lines[0].passedOver.map((c: any) => c.lost),
      JSON.stringify(g),
    ).toEqual(['less_specific', 'not_in_force', 'superseded_version']);
  });
});

describe('discount rules with their own scope (issue 14 #7)', () => {
  it('a tenant-wide volume discount applies whichever price scope wins; a more specific scope beats it; a version rule overrides', async () => {
    await catalogFixture(t, { products: [{ code: 'X20' }, { code: 'X21' }] });
    await makePolicy(admin, { code: 'SD-TIER', scope: { kind: 'tier', value: 'gold' }, lines: [price('X20', '100.00', '150.00')] });
    await makePolicy(admin, {
      code: 'SD-OWN',
      scope: { kind: 'tier', value: 'gold' },
      discountRules: [{ kind: 'volume', basis: 'quantity', tiers: [{ min: '1', ratePercent: '1' }] }],
      lines: [price('X21', '100.00', '150.00')],
    });
    const terms = async (name: string, scope: Record<string, unknown>, ratePercent: string) => {
      const c = await admin.post('/v1/policy/terms', {
        name,
        scope,
        effectiveFrom: '2026-01-01',
        discountRules: [{ kind: 'volume', basis: 'quantity', tiers: [{ min: '10', ratePercent }] }],
      });
      expect(c.statusCode, c.body).toBe(201);
      expect(c.data.discountRules).toEqual([{ kind: 'volume', basis: 'quantity', tiers: [{ min: '10', ratePercent }] }]);
      expect((await admin.post(`/v1/policy/terms/${c.data.id}/publish`, {})).statusCode).toBe(200);
      return c.data.id as string;
    };
    const resolve = async () =>
      (
        await admin.post('/v1/policy/prices:resolve', {
          partner: P.code,
          date: '2026-05-01',
          lines: [
            { product: 'X20', quantity: '10' },
            { product: 'X21', quantity: '10' },
          ],
        })
      ).data.lines;
    const [before] = await resolve();
    expect(before).toMatchObject({ grossAmount: '1000.00', discounts: [], netAmount: '1000.00', discountSource: null });

    const tenantWide = await terms('tenant-wide volume', { kind: 'default' }, '5');
    let [x20, x21] = await resolve();
    // the tier price wins, the tenant-wide discount still applies: 1000.00 - 5% = 950.00
    expect(x20.source.scope.kind).toBe('tier');
    expect(x20).toMatchObject({ netAmount: '950.00', discounts: [{ rule: 'volume_quantity', ratePercent: '5', amount: '50.00' }] });
    expect(x20.discountSource).toEqual({ kind: 'channel_terms', termsId: tenantWide, scope: { kind: 'default', value: null } });
    // the winning version has its own rule: it overrides the scoped one (1% -> 990.00)
    expect(x21).toMatchObject({ netAmount: '990.00', discountSource: { kind: 'price_version', termsId: null } });

    const own = await terms('partner volume', { kind: 'partner', value: P.id }, '7');
    [x20, x21] = await resolve();
    expect(x20).toMatchObject({ netAmount: '930.00', discountSource: { kind: 'channel_terms', termsId: own, scope: { kind: 'partner', value: P.id } } });
    expect(x21.netAmount).toBe('990.00');
    // the terms resolution shows it too, and GraphQL answers the source
    const rt = await admin.get(`/v1/policy/terms/resolve?partner=${P.code}&date=2026-05-01`);
    expect(rt.data.discountRules).toMatchObject({ termsId: own, scope: { kind: 'partner' } });
    const g = await admin.gql(
      `query($p: String!) { resolvePrice(partner: $p, product: "X20", quantity: "10", date: "2026-05-01") { netAmount discountSource { kind termsId } } }`,
      {
        p: P.code,
      },
    );
    expect(g.data.resolvePrice).toEqual({ netAmount: '930.00', discountSource: { kind: 'channel_terms', termsId: own } });
  });
});
