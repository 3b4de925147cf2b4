import { describe, expect, it } from 'vitest';
import {
  computePartner,
  computeProgram,
  nextTier,
  prorateLargestRemainder,
  validateRuleSet,
  type ProgramSpec,
  type RuleSet,
} from '../../src/modules/incentive/incentive.rules.js';
import { Dec as Decimal, roundMoney } from '../../src/platform/kernel/index.js';

const rebate = (mode: 'whole' | 'marginal', extra: Partial<RuleSet> = {}): ProgramSpec => ({
  type: 'rebate',
  currency: 'CNY',
  rules: {
    basis: 'base',
    mode,
    tiers: [
      { threshold: '0', rate: '1' },
      { threshold: '100000', rate: '2' },
      { threshold: '200000', rate: '3' },
    ],
    ...extra,
  },
});

const amountOf = (spec: ProgramSpec, base: string, target?: string) => computePartner(spec, { partnerId: 'p', base, target }).amount;

describe('tiers: whole (全额累进) at and around every boundary', () => {
  it.each([
    ['0', '0.00', 0], //                0 x 1% = 0
    ['99999.99', '1000.00', 0], //      99999.99 x 1% = 999.9999 -> half-up 1000.00
    ['100000', '2000.00', 1], //        100000 x 2% = 2000
    ['100000.01', '2000.00', 1], //     100000.01 x 2% = 2000.0002 -> 2000.00
    ['199999.99', '4000.00', 1], //     199999.99 x 2% = 3999.9998 -> 4000.00
    ['200000', '6000.00', 2], //        200000 x 3% = 6000
    ['250000', '7500.00', 2], //        250000 x 3% = 7500
  ])('base %s -> %s (tier %i)', (base, expected, tier) => {
    const line = computePartner(rebate('whole'), { partnerId: 'p', base });
    expect(line.amount).toBe(expected);
    expect(line.explanation.tierReached).toBe(tier);
  });
});

describe('tiers: marginal (超额累进) at and around every boundary', () => {
  it.each([
    ['0', '0.00'], //                    0
    ['99999.99', '1000.00'], //          99999.99 x 1% = 999.9999 -> 1000.00
    ['100000', '1000.00'], //            100000 x 1% + 0 x 2% = 1000
    ['100000.01', '1000.00'], //         1000 + 0.01 x 2% = 1000.0002 -> 1000.00
    ['150000', '2000.00'], //            1000 + 50000 x 2% = 2000
    ['199999.99', '3000.00'], //         1000 + (199999.99 - 100000) x 2% = 1000 + 1999.9998 = 2999.9998 -> 3000.00
    ['200000', '3000.00'], //            1000 + 100000 x 2% = 3000
    ['250000', '4500.00'], //            1000 + 2000 + 50000 x 3% = 4500
  ])('base %s -> %s', (base, expected) => {
    expect(amountOf(rebate('marginal'), base)).toBe(expected);
  });

  it('explains the slices of a marginal amount', () => {
    const line = computePartner(rebate('marginal'), { partnerId: 'p', base: '250000', sourceRows: 7 });
    expect(line.explanation.slices).toEqual([
      { from: '0', to: '100000', rate: '1', amount: '1000.00' },
      { from: '100000', to: '200000', rate: '2', amount: '2000.00' },
      { from: '200000', to: null, rate: '3', amount: '1500.00' },
    ]);
    expect(line.explanation.formula).toBe('(100000 - 0) x 1% + (200000 - 100000) x 2% + (250000 - 200000) x 3% = 4500');
    expect(line.explanation.sourceRows).toBe(7);
  });

  it('pays nothing below a first threshold above zero', () => {
    const spec: ProgramSpec = { type: 'rebate', currency: 'CNY', rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '50000', rate: '2' }] } };
    const below = computePartner(spec, { partnerId: 'p', base: '49999.99' });
    expect(below.amount).toBe('0.00');
    expect(below.explanation.tierReached).toBeNull();
    expect(amountOf(spec, '50000')).toBe('1000.00'); // 50000 x 2% = 1000
  });
});

describe('rounding half-up to the minor unit', () => {
  it.each([
    ['250.5', 'CNY', '2.51'], //   250.5 x 1% = 2.505 -> half-up 2.51 (banker's would give 2.50)
    ['250.4999', 'CNY', '2.50'], // 2.504999 -> 2.50
    ['250.5', 'JPY', '3'], //     2.505 -> 0 decimals -> 3
    ['250.5', 'KWD', '2.505'], //  3 decimals: exact
  ])('base %s in %s -> %s', (base, currency, expected) => {
    const spec: ProgramSpec = { type: 'rebate', currency, rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '1' }] } };
    expect(amountOf(spec, base)).toBe(expected);
  });
  it('rounds negative amounts half away from zero', () => {
    expect(roundMoney(new Decimal('-2.505'), 'CNY')).toBe('-2.51');
  });
});

describe('target achievement tiers with fixed amounts (达标奖励)', () => {
  const spec = (mode: 'whole' | 'marginal'): ProgramSpec => ({
    type: 'target_bonus',
    currency: 'CNY',
    rules: {
      basis: 'achievement',
      mode,
      tiers: [
        { threshold: '100', amount: '5000' },
        { threshold: '120', amount: '8000' },
      ],
    },
  });
  it.each([
    ['whole', '99999.99', '0.00'], //   99.99999% < 100%
    ['whole', '100000', '5000.00'], //  exactly 100%
    ['whole', '119999.99', '5000.00'], // 119.99999%
    ['whole', '120000', '8000.00'], //  exactly 120%: the reached tier's amount
    ['marginal', '120000', '13000.00'], // step bonuses: 5000 + 8000
    ['marginal', '110000', '5000.00'],
  ] as const)('%s, base %s of target 100000 -> %s', (mode, base, expected) => {
    expect(amountOf(spec(mode), base, '100000')).toBe(expected);
  });
  it('without a target pays nothing and says why', () => {
    const line = computePartner(spec('whole'), { partnerId: 'p', base: '500000' });
    expect(line.amount).toBe('0.00');
    expect(line.explanation.note).toMatch(/no target/);
  });
  it('reports the achievement to 2 decimals, half-up (README "Decimals in JSON": percentages at 2)', () => {
    // 123456 / 100000 x 100 = 123.456% -> 123.46
    expect(computePartner(spec('whole'), { partnerId: 'p', base: '123456', target: '100000' }).explanation.achievementPercent).toBe('123.46');
  });
});

describe('accelerators above 100% achievement', () => {
  const whole: ProgramSpec = {
    type: 'rebate',
    currency: 'CNY',
    rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '2' }], accelerators: [{ aboveAchievement: '100', multiplier: '1.5' }] },
  };
  it.each([
    ['99000', '1980.00'], //   99000 x 2%, below target: no acceleration
    ['100000', '2000.00'], //  exactly the target: nothing above it
    ['100000.01', '2000.00'], // 2000.0002 + 0.0002 x 0.5 = 2000.0003 -> 2000.00
    ['120000', '2600.00'], //  2400 + (120000 - 100000) x 2% x (1.5 - 1) = 2400 + 200
  ])('whole, base %s, target 100000 -> %s', (base, expected) => {
    expect(amountOf(whole, base, '100000')).toBe(expected);
  });
  it('marginal: the amount earned above the target is multiplied', () => {
    const spec: ProgramSpec = {
      type: 'rebate',
      currency: 'CNY',
      rules: {
        basis: 'base',
        mode: 'marginal',
        tiers: [
          { threshold: '0', rate: '2' },
          { threshold: '110000', rate: '4' },
        ],
        accelerators: [{ aboveAchievement: '100', multiplier: '1.5' }],
      },
    };
    // A(120000) = 110000 x 2% + 10000 x 4% = 2200 + 400 = 2600; A(100000) = 2000; excess 600 x 0.5 = 300 -> 2900
    const line = computePartner(spec, { partnerId: 'p', base: '120000', target: '100000' });
    expect(line.amount).toBe('2900.00');
    expect(line.explanation.accelerators).toEqual([{ aboveAchievement: '100', multiplier: '1.5', excessAmount: '600.00', extra: '300.00' }]);
  });
  it('stacked accelerators apply each to its own slice', () => {
    const spec: ProgramSpec = {
      ...whole,
      rules: {
        ...whole.rules,
        accelerators: [
          { aboveAchievement: '100', multiplier: '1.5' },
          { aboveAchievement: '120', multiplier: '2' },
        ],
      },
    };
    // 130000 x 2% = 2600; slice 100k-120k: 400 x 0.5 = 200; slice 120k-130k: 200 x 1 = 200 -> 3000
    expect(amountOf(spec, '130000', '100000')).toBe('3000.00');
    // without a target no accelerator applies: 130000 x 2% = 2600
    expect(amountOf(spec, '130000')).toBe('2600.00');
  });
});

describe('caps', () => {
  const spec: ProgramSpec = {
    type: 'rebate',
    currency: 'CNY',
    rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '10' }], partnerCap: '500' },
  };
  it.each([
    ['4999.99', '500.00', false], // 499.999 -> rounds to 500.00 but was below the cap
    ['5000', '500.00', false], //    500 = cap, not above it
    ['6000', '500.00', true], //     600 > 500 -> 500
  ])('partner cap 500, base %s -> %s (capped %s)', (base, expected, capped) => {
    const line = computePartner(spec, { partnerId: 'p', base });
    expect(line.amount).toBe(expected);
    expect(line.explanation.capped).toBe(capped);
  });

  it('budget not exceeded: lines unchanged', () => {
    const r = computeProgram({ ...spec, rules: { ...spec.rules, partnerCap: undefined, budgetCap: '100' } }, [
      { partnerId: 'a', base: '300' },
      { partnerId: 'b', base: '300' },
      { partnerId: 'c', base: '300' },
    ]);
    expect(r.lines.map((l) => l.amount)).toEqual(['30.00', '30.00', '30.00']); // 90 <= 100
    expect(r.prorated).toBe(false);
    expect(r.total).toBe('90.00');
  });

  it('budget shortfall: prorated by largest remainder, ties to the lower partner id, sums exactly to the budget', () => {
    const r = computeProgram({ ...spec, rules: { ...spec.rules, partnerCap: undefined, budgetCap: '100' } }, [
      { partnerId: 'c', base: '500' },
      { partnerId: 'a', base: '500' },
      { partnerId: 'b', base: '500' },
    ]);
    // 50 each, 150 > 100: 5000 x 10000 / 15000 = 3333 rem 5000 each; 9999 + 1 unit -> 'a' (tie, lowest id)
    expect(r.lines.map((l) => [l.partnerId, l.amount])).toEqual([
      ['a', '33.34'],
      ['b', '33.33'],
      ['c', '33.33'],
    ]);
    expect(r.total).toBe('100.00');
    expect(r.requested).toBe('150.00');
    expect(r.prorated).toBe(true);
  });

  it('largest remainders win the leftover units', () => {
    // minor units 1000, 2000, 7001 (sum 10001) into 5000:
    // 1000x5000 = 5000000 = 499 x 10001 + 9501; 2000x5000 = 999 x 10001 + 9001; 7001x5000 = 3500 x 10001 + 1500
    // floors 499 + 999 + 3500 = 4998, 2 left -> 9501 and 9001 -> 500, 1000, 3500
    expect(
      prorateLargestRemainder(
        [
          { key: 'a', minor: 1000n },
          { key: 'b', minor: 2000n },
          { key: 'c', minor: 7001n },
        ],
        5000n,
      ),
    ).toEqual([
      { key: 'a', minor: 500n },
      { key: 'b', minor: 1000n },
      { key: 'c', minor: 3500n },
    ]);
  });
});

describe('points and penalties', () => {
  it('converts to whole points half-up', () => {
    const spec: ProgramSpec = {
      type: 'points',
      currency: 'CNY',
      rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '1' }], pointsPerUnit: '10' },
    };
    // 12345.67 x 1% = 123.4567 x 10 = 1234.567 -> 1235 points
    const line = computePartner(spec, { partnerId: 'p', base: '12345.67' });
    expect(line).toMatchObject({ unit: 'PTS', amount: '1235' });
  });
  it('penalties are negative: fixed per violation plus a % of the violation value, capped', () => {
    const spec: ProgramSpec = {
      type: 'penalty',
      currency: 'CNY',
      rules: { basis: 'base', mode: 'whole', tiers: [], penalty: { sources: ['price_violation', 'cross_region'], fixedPerViolation: '500', ratePercent: '1' } },
    };
    const violations = [
      { source: 'price_violation' as const, count: 2, value: '300' },
      { source: 'cross_region' as const, count: 1, value: '10000' },
    ];
    // -(2 x 500 + 300 x 1%) - (1 x 500 + 10000 x 1%) = -1003 - 600 = -1603
    expect(computePartner(spec, { partnerId: 'p', base: '0', violations }).amount).toBe('-1603.00');
    const capped = { ...spec, rules: { ...spec.rules, partnerCap: '1000' } };
    expect(computePartner(capped, { partnerId: 'p', base: '0', violations }).amount).toBe('-1000.00');
    const onlyCross = { ...spec, rules: { ...spec.rules, penalty: { ...spec.rules.penalty!, sources: ['cross_region' as const] } } };
    expect(computePartner(onlyCross, { partnerId: 'p', base: '0', violations }).amount).toBe('-600.00');
  });
});

describe('projection', () => {
  it('names the next tier, the gap and the amount there', () => {
    const n = nextTier(rebate('whole'), { partnerId: 'p', base: '150000' });
    // now 150000 x 2% = 3000; next tier 200000 at 3% = 6000, 50000 away
    expect(n).toMatchObject({ nextTierIndex: 2, nextThreshold: '200000', gap: '50000', amountAtNext: '6000.00' });
    expect(n.current.amount).toBe('3000.00');
    expect(nextTier(rebate('whole'), { partnerId: 'p', base: '250000' }).nextTierIndex).toBeNull();
  });
});

describe('rule set validation', () => {
  const base: RuleSet = { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '1' }] };
  it.each([
    [
      {
        tiers: [
          { threshold: '100', rate: '1' },
          { threshold: '50', rate: '2' },
        ],
      },
      'tiers.1.threshold',
      /ascending/,
    ],
    [
      {
        tiers: [
          { threshold: '100', rate: '1' },
          { threshold: '100', rate: '2' },
        ],
      },
      'tiers.1.threshold',
      /duplicate/,
    ],
    [{ tiers: [{ threshold: '0', rate: '100.5' }] }, 'tiers.0.rate', /between 0 and 100/],
    [{ tiers: [{ threshold: '0' }] }, 'tiers.0', /exactly one/],
    [
      {
        tiers: [
          { threshold: '0', rate: '1' },
          { threshold: '10', amount: '5' },
        ],
      },
      'tiers',
      /all tiers/,
    ],
    [{ tiers: [] }, 'tiers', /at least one/],
    [{ accelerators: [{ aboveAchievement: '90', multiplier: '2' }] }, 'accelerators.0.aboveAchievement', />= 100/],
    [{ accelerators: [{ aboveAchievement: '100', multiplier: '1' }] }, 'accelerators.0.multiplier', /> 1/],
    [{ partnerCap: '0' }, 'partnerCap', /> 0/],
    [{ pointsPerUnit: '2' }, 'pointsPerUnit', /only points/],
  ] as [Partial<RuleSet>, string, RegExp][])('%j -> %s', (patch, path, message) => {
    const errs = validateRuleSet('rebate', { ...base, ...patch });
    expect(errs.find((e) => e.path === path)?.message).toMatch(message);
  });
  it('accepts a valid set and demands type-specific parts', () => {
    expect(validateRuleSet('rebate', base)).toEqual([]);
    expect(validateRuleSet('points', base).map((e) => e.path)).toEqual(['pointsPerUnit']);
    expect(validateRuleSet('penalty', { ...base, tiers: [] }).map((e) => e.path)).toEqual(['penalty']);
    expect(validateRuleSet('recognition', { ...base, tiers: [] }).map((e) => e.path)).toEqual(['recognition']);
  });
});
