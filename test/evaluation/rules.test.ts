import { describe, expect, it } from 'vitest';
import {
  calendarPeriod,
  conditionMet,
  gradeFor,
  nextTier,
  rank,
  scoreKpi,
  scorePartner,
  validateTemplate,
  weightedTotal,
  type ScoringRule,
  type TemplateDef,
} from '../../src/modules/evaluation/evaluation.rules.js';

const linear = (floor: string, target: string, cap?: string): ScoringRule => ({ type: 'linear', floor, target, ...(cap ? { cap } : {}) });
const banded = (bands: [string, string][], otherwise?: string): ScoringRule => ({
  type: 'banded',
  bands: bands.map(([threshold, score]) => ({ threshold, score })),
  ...(otherwise ? { otherwise } : {}),
});

describe('linear scoring', () => {
  // higher is better, floor 60, target 100: score = 100 x (v - 60) / 40
  it.each([
    ['59.9999', '0.0000'], // below floor -> 0
    ['60', '0.0000'], // at floor
    ['60.0001', '0.0003'], // 100 x 0.0001 / 40 = 0.00025 -> half-up 0.0003
    ['80', '50.0000'], // 100 x 20 / 40
    ['99.99', '99.9750'], // 100 x 39.99 / 40 = 99.975
    ['100', '100.0000'], // at target
    ['130', '100.0000'], // beyond target, capped at 100
  ])('higher: value %s scores %s', (v, s) => expect(scoreKpi(v, 'higher', linear('60', '100')).toFixed(4)).toBe(s));

  // cap 120: beyond target keeps rising: 100 x (110 - 60) / 40 = 125 -> 120
  it.each([
    ['110', '120.0000'],
    ['104', '110.0000'], // 100 x 44 / 40
  ])('higher with cap 120: value %s scores %s', (v, s) => expect(scoreKpi(v, 'higher', linear('60', '100', '120')).toFixed(4)).toBe(s));

  // lower is better (inventory days): floor 90 (worst), target 30 (best): score = 100 x (v - 90) / (30 - 90)
  it.each([
    ['120', '0.0000'], // worse than floor
    ['90', '0.0000'], // at floor
    ['60', '50.0000'], // 100 x (-30) / (-60)
    ['45', '75.0000'], // 100 x (-45) / (-60)
    ['30', '100.0000'], // at target
    ['10', '100.0000'], // better than target, capped
    ['89', '1.6667'], // 100 x (-1)/(-60) = 1.66666.. -> 1.6667
  ])('lower: value %s scores %s', (v, s) => expect(scoreKpi(v, 'lower', linear('90', '30')).toFixed(4)).toBe(s));
});

describe('banded scoring', () => {
  const higher = banded([
    ['95', '100'],
    ['80', '70'],
    ['60', '40'],
  ]);
  it.each([
    ['100', '100'],
    ['95', '100'], // at the threshold: the band applies
    ['94.9999', '70'],
    ['80', '70'],
    ['79.9999', '40'],
    ['60', '40'],
    ['59.9999', '0'], // no band reached: otherwise (default 0)
  ])('higher: value %s scores %s', (v, s) => expect(scoreKpi(v, 'higher', higher).toFixed()).toBe(s));

  // lower is better (violations): 0 -> 100, <= 2 -> 60, <= 5 -> 20, otherwise 0... here otherwise 5
  const lower = banded(
    [
      ['0', '100'],
      ['2', '60'],
      ['5', '20'],
    ],
    '5',
  );
  it.each([
    ['0', '100'],
    ['1', '60'],
    ['2', '60'],
    ['3', '20'],
    ['5', '20'],
    ['6', '5'],
  ])('lower: value %s scores %s', (v, s) => expect(scoreKpi(v, 'lower', lower).toFixed()).toBe(s));
});

describe('weighting and grading', () => {
  it('sums score x weight / 100 and rounds half-up to 2 decimals', () => {
    // 33.3333 x 50 / 100 = 16.66665; 66.6667 x 50 / 100 = 33.33335; sum 50.00000 -> 50.00
    expect(
      weightedTotal([
        { score: '33.3333', weight: '50' },
        { score: '66.6667', weight: '50' },
      ]).toFixed(2),
    ).toBe('50.00');
    // 89.995 x 100 / 100 = 89.995 -> 90.00 (half-up)
    expect(weightedTotal([{ score: '89.995', weight: '100' }]).toFixed(2)).toBe('90.00');
    // 0.005 x 100/100 -> 0.01; 0.0049 -> 0.00
    expect(weightedTotal([{ score: '0.005', weight: '100' }]).toFixed(2)).toBe('0.01');
    expect(weightedTotal([{ score: '0.0049', weight: '100' }]).toFixed(2)).toBe('0.00');
  });

  const bands = [
    { grade: 'A', min: '90' },
    { grade: 'B', min: '75' },
    { grade: 'C', min: '60' },
    { grade: 'D', min: '0' },
  ];
  it.each([
    ['100', 'A'],
    ['90', 'A'],
    ['89.99', 'B'],
    ['75', 'B'],
    ['74.99', 'C'],
    ['60', 'C'],
    ['59.99', 'D'],
    ['0', 'D'],
  ])('total %s is grade %s', (t, g) => expect(gradeFor(t, bands)).toBe(g));
});

describe('ranking', () => {
  it('is competition ranking 1,2,2,4 by total desc, ties by code, incomplete last without rank', () => {
    const out = rank([
      { code: 'P-D', total: '70.00' },
      { code: 'P-C', total: '80.00' },
      { code: 'P-X', total: null },
      { code: 'P-B', total: '80' },
      { code: 'P-A', total: '95.50' },
      { code: 'P-E', total: '70.00' },
    ]);
    expect(out.map((r) => [r.code, r.rank])).toEqual([
      ['P-A', 1],
      ['P-B', 2],
      ['P-C', 2],
      ['P-D', 4],
      ['P-E', 4],
      ['P-X', null],
    ]);
  });
  it('orders tie codes by byte order (uppercase before lowercase, like collate "C")', () => {
    expect(
      rank([
        { code: 'b', total: '1' },
        { code: 'B', total: '1' },
        { code: 'a', total: '1' },
      ]).map((r) => r.code),
    ).toEqual(['B', 'a', 'b']);
  });
});

describe('template validation', () => {
  const kpi = (code: string, weight: string, extra: Record<string, unknown> = {}) => ({
    code,
    name: code,
    weight,
    direction: 'higher' as const,
    source: 'manual' as const,
    scoring: linear('0', '100'),
    ...extra,
  });
  const grades = [
    { grade: 'A', min: '90' },
    { grade: 'D', min: '0' },
  ];
  it('refuses weights that do not sum to 100 and names the sum', () => {
    const issues = validateTemplate({ kpis: [kpi('a', '40'), kpi('b', '40.5')], gradeBands: grades } as TemplateDef);
    expect(issues).toContainEqual({ path: 'kpis', message: 'weights must sum to 100; they sum to 80.5' });
  });
  it('accepts weights summing exactly to 100 with decimals', () => {
    expect(validateTemplate({ kpis: [kpi('a', '33.3333'), kpi('b', '33.3333'), kpi('c', '33.3334')], gradeBands: grades } as TemplateDef)).toEqual([]);
  });
  it('refuses a linear rule pointing the wrong way, a computed KPI without kind, duplicate codes and grade bands without 0', () => {
    const issues = validateTemplate({
      kpis: [
        kpi('a', '50', { direction: 'lower', scoring: linear('0', '100') }),
        kpi('a', '25', { source: 'computed' }),
        kpi('c', '25', {
          scoring: banded([
            ['10', '50'],
            ['20', '40'],
          ]),
        }),
      ],
      gradeBands: [
        { grade: 'A', min: '90' },
        { grade: 'A', min: '50' },
      ],
    } as TemplateDef);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['kpis.0.scoring.target', 'kpis.1.code', 'kpis.1.kind', 'kpis.2.scoring.bands', 'gradeBands.1.grade', 'gradeBands']),
    );
  });
});

describe('scorePartner', () => {
  const def: TemplateDef = {
    kpis: [
      { code: 'sat', name: 'Satisfaction', weight: '60', direction: 'higher', source: 'manual', scoring: linear('50', '100'), defaultValue: '50' },
      {
        code: 'audit',
        name: 'Audit',
        weight: '40',
        direction: 'higher',
        source: 'manual',
        scoring: banded([
          ['90', '100'],
          ['70', '50'],
        ]),
      },
    ],
    gradeBands: [
      { grade: 'A', min: '80' },
      { grade: 'B', min: '0' },
    ],
  };
  it('scores and grades a complete partner', () => {
    // sat 90 -> 100 x 40 / 50 = 80; audit 75 -> 50; total 80 x .6 + 50 x .4 = 48 + 20 = 68 -> B
    const s = scorePartner(def, { sat: '90', audit: '75' });
    expect(s).toMatchObject({ complete: true, total: '68.00', grade: 'B' });
  });
  it('reports a missing value as incomplete, or uses the default when allowed', () => {
    expect(scorePartner(def, { audit: '95' })).toMatchObject({ complete: false, missing: ['sat'], total: null, grade: null });
    // sat defaulted to 50 -> 0; audit 95 -> 100; total 0 + 40 = 40
    expect(scorePartner(def, { audit: '95' }, true)).toMatchObject({ complete: true, total: '40.00', grade: 'B' });
  });
});

describe('actions and periods', () => {
  it('checks grade conditions over consecutive periods and KPI conditions', () => {
    const r = { grade: 'D', kpis: [{ code: 'sat', value: '40' }] };
    expect(conditionMet({ grades: ['D'] }, r, [])).toBe(true);
    expect(conditionMet({ grades: ['D'], consecutive: 2 }, r, ['C'])).toBe(false);
    expect(conditionMet({ grades: ['D'], consecutive: 2 }, r, ['D', 'A'])).toBe(true);
    expect(conditionMet({ grades: ['D'], consecutive: 2 }, r, [])).toBe(false);
    expect(conditionMet({ kpi: { code: 'sat', op: 'lt', value: '40' } }, r, [])).toBe(false);
    expect(conditionMet({ kpi: { code: 'sat', op: 'lte', value: '40' } }, r, [])).toBe(true);
  });
  it('moves one step on a tier ladder', () => {
    expect(nextTier(['bronze', 'silver', 'gold'], 'silver', 'tier_down')).toBe('bronze');
    expect(nextTier(['bronze', 'silver', 'gold'], 'gold', 'tier_up')).toBe(null);
    expect(nextTier(['bronze', 'silver', 'gold'], 'platinum', 'tier_up')).toBe(null);
  });
  it('parses calendar periods', () => {
    expect(calendarPeriod('2024-Q1')).toEqual({ label: '2024-Q1', start: '2024-01-01', end: '2024-03-31' });
    expect(calendarPeriod('2024-02')).toEqual({ label: '2024-02', start: '2024-02-01', end: '2024-02-29' });
    expect(calendarPeriod('2026')).toEqual({ label: '2026', start: '2026-01-01', end: '2026-12-31' });
    expect(calendarPeriod('2026-13')).toBeNull();
    expect(calendarPeriod('2026-Q5')).toBeNull();
  });
});
