import { describe, expect, it } from 'vitest';
import { formatFixed, minorUnits, roundMoney } from '../../src/platform/kernel/index.js';
import {
  computeLine,
  mergeTerms,
  partnerScopes,
  pickDeviation,
  selectPrice,
  violationVerdict,
  windowsOverlap,
  type DeviationFacts,
  type PriceCandidate,
} from '../../src/modules/policy/policy.rules.js';

const partner = { id: 'p1', type: 'dealer', channel: 'online', tier: 'gold' };
const scopes = partnerScopes(partner);
const cand = (kind: PriceCandidate['scope']['kind'], value: string | null, over: Partial<PriceCandidate> = {}): PriceCandidate => ({
  policyId: 'pol',
  policyCode: `${kind}`,
  policyName: 'n',
  currency: 'CNY',
  versionId: `${kind}-${over.effectiveFrom ?? 'a'}`,
  versionNumber: 1,
  scope: { kind, value },
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  publishedAt: '2026-01-01T00:00:00Z',
  discountRules: [],
  priceLineId: 'pl',
  productId: 'x',
  lineId: null,
  distributionPrice: '1',
  suggestedRetailPrice: '2',
  minResalePrice: null,
  ...over,
});
const ALL = [cand('partner', 'p1'), cand('tier', 'gold'), cand('partner_type', 'dealer'), cand('channel', 'online'), cand('default', null)];

describe('scope precedence', () => {
  it('partner scopes in order; channel both matches channel scopes only with a sale channel', () => {
    expect(scopes.map((s) => s.kind)).toEqual(['partner', 'tier', 'partner_type', 'channel', 'default']);
    expect(partnerScopes({ ...partner, channel: 'both', tier: null }).map((s) => s.kind)).toEqual(['partner', 'partner_type', 'default']);
    expect(partnerScopes({ ...partner, channel: 'both' }, 'offline')[3]).toEqual({ kind: 'channel', value: 'offline' });
  });
  it.each(Array.from({ length: 31 }, (_, i) => i + 1))('subset %i: the most specific scope wins', (mask) => {
    const pool = ALL.filter((_, i) => mask & (1 << i));
    const sel = selectPrice(pool, { scopes, productId: 'x', lineId: null, date: '2026-02-01' });
    expect(sel.winner!.scope.kind).toBe(ALL[Math.log2(mask & -mask)]!.scope.kind);
    expect(sel.passedOver).toHaveLength(pool.length - 1);
  });
  it('ignores scopes of other partners, other dates; product before line; latest effective version within a scope', () => {
    const pool = [cand('tier', 'silver'), cand('partner', 'p2'), cand('default', null, { effectiveFrom: '2026-03-01' })];
    expect(selectPrice(pool, { scopes, productId: 'x', lineId: null, date: '2026-02-01' }).winner).toBeNull();
    const line = cand('tier', 'gold', { productId: null, lineId: 'L', distributionPrice: '5' });
    const prod = cand('tier', 'gold', { distributionPrice: '6', effectiveFrom: '2025-01-01' });
    expect(selectPrice([line, prod], { scopes, productId: 'x', lineId: 'L', date: '2026-02-01' }).level).toBe('product');
    const newer = cand('default', null, { effectiveFrom: '2026-02-01', distributionPrice: '9' });
    expect(selectPrice([cand('default', null), newer], { scopes, productId: 'x', lineId: null, date: '2026-02-01' }).winner!.distributionPrice).toBe('9');
  });
});

describe('money and discounts', () => {
  it.each([
    ['CNY', '0.125', '0.13'],
    ['CNY', '0.135', '0.14'],
    ['CNY', '2.675', '2.68'],
    ['JPY', '100.5', '101'],
    ['KWD', '1.0005', '1.001'],
    ['CNY', '99.9999', '100.00'],
  ])('%s %s rounds half-up to %s', (cur, v, out) => expect(roundMoney(v, cur)).toBe(out));
  it('minor units from ISO 4217', () => expect([minorUnits('CNY'), minorUnits('JPY'), minorUnits('BHD')]).toEqual([2, 0, 3]));
  // a string already in the fixed form is handed back as it is: whatever the form, the answer is the decimal rounding's
  it.each([
    ['CNY', '12.30', '12.30'],
    ['CNY', '-12.30', '-12.30'],
    ['CNY', '-0.00', '0.00'],
    ['CNY', '-0.01', '-0.01'],
    ['CNY', '007.50', '7.50'],
    ['CNY', '0.00', '0.00'],
    ['CNY', '1e2', '100.00'],
    ['CNY', '+1.50', '1.50'],
    ['CNY', '.50', '0.50'],
    ['CNY', '12.3', '12.30'],
    ['CNY', '12.305', '12.31'],
    ['JPY', '12', '12'],
    ['JPY', '-0', '0'],
    ['JPY', '012', '12'],
    ['JPY', '12.', '12'],
    ['KWD', '1.250', '1.250'],
  ])('%s %s formats as %s', (cur, v, out) => expect(roundMoney(v, cur)).toBe(out));
  it.each([
    ['12.3400', '12.3400'],
    ['-0.0000', '0.0000'],
    ['-0.0001', '-0.0001'],
    ['00.1000', '0.1000'],
    ['12.34', '12.3400'],
    ['12.34565', '12.3457'],
    ['5', '5.0000'],
  ])('formatFixed %s is %s', (v, out) => expect(formatFixed(v)).toBe(out));
  const rules = [
    {
      kind: 'volume' as const,
      basis: 'quantity' as const,
      tiers: [
        { min: '100', ratePercent: '3' },
        { min: '500', ratePercent: '5' },
      ],
    },
  ];
  it.each([
    ['99', null],
    ['100', '3'],
    ['499', '3'],
    ['500', '5'],
    ['10000', '5'],
  ])('quantity %s reaches tier %s', (q, rate) => {
    const r = computeLine({ unitPrice: '1', quantity: q, currency: 'CNY', rules });
    expect(r.discounts[0]?.ratePercent ?? null).toBe(rate);
  });
  it('sums exactly: 0.1 + 0.2 style and 3 x 33.3333', () => {
    expect(computeLine({ unitPrice: '0.1', quantity: '3', currency: 'CNY', rules: [] }).grossAmount).toBe('0.30');
    expect(computeLine({ unitPrice: '33.3333', quantity: '3', currency: 'CNY', rules: [] })).toMatchObject({ grossAmount: '100.00', netUnitPrice: '33.3333' });
  });
  it('payment term compounds on the amount after the volume discount', () => {
    const r = computeLine({
      unitPrice: '10',
      quantity: '100',
      currency: 'CNY',
      paymentTermDays: 0,
      rules: [...rules, { kind: 'payment_term', tiers: [{ withinDays: 10, ratePercent: '2' }] }],
    });
    expect(r.discounts.map((d) => [d.base, d.amount])).toEqual([
      ['1000.00', '30.00'],
      ['970.00', '19.40'],
    ]);
    expect(r.netAmount).toBe('950.60');
  });
});

describe('violations, terms, windows', () => {
  const dev = { id: 'd', partnerId: 'p1', productId: 'x', kind: 'below_min_resale' as const, price: '70', validFrom: '2026-03-01', validTo: '2026-03-31' };
  it.each([
    ['79.99', '80', null, true],
    ['80', '80', null, false],
    ['75', '80', dev, false],
    ['69.99', '80', dev, true],
    ['1', null, null, false],
  ] as const)('observed %s, min %s, deviation %j -> violation %s', (obs, min, d, v) => expect(violationVerdict(obs, min, d).isViolation).toBe(v));
  it('windows overlap inclusively', () => {
    expect(windowsOverlap('2026-01-01', '2026-03-31', '2026-03-31', null)).toBe(true);
    expect(windowsOverlap('2026-01-01', '2026-03-31', '2026-04-01', null)).toBe(false);
  });
  it('terms merge field by field', () => {
    const m = mergeTerms(
      [
        {
          id: 'd',
          scope: { kind: 'default', value: null },
          effectiveFrom: '2026-01-01',
          effectiveTo: null,
          fields: { returnWindowDays: 7, paymentTermsDays: 30 },
        },
        {
          id: 'p',
          scope: { kind: 'partner', value: 'p1' },
          effectiveFrom: '2026-01-01',
          effectiveTo: null,
          fields: { returnWindowDays: 14, paymentTermsDays: null },
        },
      ],
      scopes,
      '2026-02-01',
      ['returnWindowDays', 'paymentTermsDays'],
    );
    expect([m.returnWindowDays.termsId, m.paymentTermsDays.termsId]).toEqual(['p', 'd']);
  });
});

describe('deviations', () => {
  const dev = (
    id: string,
    kind: DeviationFacts['kind'],
    price: string,
    validFrom: string,
    validTo: string,
    over: Partial<DeviationFacts> = {},
  ): DeviationFacts => ({
    id,
    partnerId: 'p1',
    productId: 'x1',
    kind,
    price,
    validFrom,
    validTo,
    ...over,
  });
  it('takes the latest starting deviation in force; on the same start the latest requested, in any order', () => {
    const a = dev('0190b5a6-0000-7000-8000-000000000001', 'below_min_resale', '70', '2026-03-01', '2026-03-31');
    const b = dev('0190b5a6-0000-7000-8000-000000000002', 'above_list', '120', '2026-03-01', '2026-03-31');
    const c = dev('0190b5a6-0000-7000-8000-000000000003', 'below_min_resale', '60', '2026-03-10', '2026-03-20');
    const other = dev('0190b5a6-0000-7000-8000-000000000004', 'below_min_resale', '1', '2026-03-15', '2026-03-31', { productId: 'x2' });
    for (const devs of [
      [a, b, c, other],
      [other, c, b, a],
    ]) {
      expect(pickDeviation(devs, 'p1', 'x1', '2026-03-05')).toBe(b);
      expect(pickDeviation(devs, 'p1', 'x1', '2026-03-15')).toBe(c);
      expect(pickDeviation(devs, 'p1', 'x1', '2026-03-25')).toBe(b);
      expect(pickDeviation(devs, 'p1', 'x1', '2026-04-01')).toBeNull();
      expect(pickDeviation(devs, 'p2', 'x1', '2026-03-15')).toBeNull();
    }
  });
});
