import { describe, expect, it } from 'vitest';
import { children, contains, elapsedDays, monthsOf, parsePeriod, periodDays, periodOf, previousYear } from '../../src/platform/kernel/periods.js';
import { splitExact } from '../../src/modules/target/target.rules.js';

describe('periods', () => {
  it.each([
    ['2026', 1, 'year', '2026-01-01', '2026-12-31'],
    ['2026-Q1', 1, 'quarter', '2026-01-01', '2026-03-31'],
    ['2026-Q3', 1, 'quarter', '2026-07-01', '2026-09-30'],
    ['2026-q4', 1, 'quarter', '2026-10-01', '2026-12-31'],
    ['2026-07', 1, 'month', '2026-07-01', '2026-07-31'],
    ['2024-02', 1, 'month', '2024-02-01', '2024-02-29'],
    ['2026-02', 1, 'month', '2026-02-01', '2026-02-28'],
    ['2026-12', 1, 'month', '2026-12-01', '2026-12-31'],
    ['2026', 4, 'year', '2026-04-01', '2027-03-31'],
    ['2026-Q1', 4, 'quarter', '2026-04-01', '2026-06-30'],
    ['2026-Q4', 4, 'quarter', '2027-01-01', '2027-03-31'],
    ['2026-07', 4, 'month', '2026-07-01', '2026-07-31'],
    ['2026', 12, 'year', '2026-12-01', '2027-11-30'],
    ['2026-Q2', 12, 'quarter', '2027-03-01', '2027-05-31'],
  ] as const)('%s (fiscal start %i) is a %s from %s to %s', (label, fy, kind, start, end) => {
    const p = parsePeriod(label, fy);
    expect([p.kind, p.start, p.end]).toEqual([kind, start, end]);
  });

  it('normalises the label', () => {
    expect(parsePeriod('2026-q3').label).toBe('2026-Q3');
  });

  it.each(['', '26', '2026-Q0', '2026-Q5', '2026-00', '2026-13', '2026-7', '2026-W01', ' 2026', '2026-', '2026-Q', '1899', '2026-07-01', 'abcd'])(
    'refuses %j',
    (label) => {
      expect(() => parsePeriod(label)).toThrow();
    },
  );

  it('refuses a fiscal start month out of 1-12', () => {
    expect(() => parsePeriod('2026', 0)).toThrow();
    expect(() => parsePeriod('2026', 13)).toThrow();
  });

  it('gives children, containment and the previous year', () => {
    const y = parsePeriod('2026', 4);
    expect(children(y).map((p) => p.label)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(children(y, 'month').map((p) => p.label)).toEqual([
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
    ]);
    expect(children(parsePeriod('2026-Q4', 4)).map((p) => p.label)).toEqual(['2027-01', '2027-02', '2027-03']);
    expect(children(parsePeriod('2026-07'))).toEqual([]);
    expect(contains(y, parsePeriod('2027-02', 4))).toBe(true);
    expect(contains(y, parsePeriod('2026-02', 4))).toBe(false);
    expect(contains(parsePeriod('2026-Q3'), parsePeriod('2026-09'))).toBe(true);
    expect(contains(parsePeriod('2026-07'), parsePeriod('2026-Q3'))).toBe(false);
    expect(previousYear(parsePeriod('2026-Q3')).label).toBe('2025-Q3');
    expect(previousYear(parsePeriod('2024-02')).end).toBe('2023-02-28');
    expect(previousYear(parsePeriod('2026', 4))).toMatchObject({ start: '2025-04-01', end: '2026-03-31' });
  });

  it('counts days and months and finds the period of a date', () => {
    const q = parsePeriod('2026-Q3');
    expect(periodDays(q)).toBe(92);
    expect(elapsedDays(q, '2026-06-30')).toBe(0);
    expect(elapsedDays(q, '2026-07-01')).toBe(1);
    expect(elapsedDays(q, '2026-08-15')).toBe(46);
    expect(elapsedDays(q, '2027-01-01')).toBe(92);
    expect(monthsOf(q)).toEqual(['2026-07-01', '2026-08-01', '2026-09-01']);
    expect(periodOf('2027-02-10', 'year', 4).label).toBe('2026');
    expect(periodOf('2027-02-10', 'quarter', 4).label).toBe('2026-Q4');
    expect(periodOf('2026-05-10', 'quarter').label).toBe('2026-Q2');
  });
});

describe('exact splits (largest remainder)', () => {
  const sum = (xs: string[]) => xs.reduce((a, b) => a + Math.round(Number(b) * 10000), 0) / 10000;
  it.each([
    ['100', ['1', '1', '1'], '0.01', ['33.34', '33.33', '33.33']],
    ['100', ['1', '1', '1'], '1', ['34', '33', '33']],
    ['0.05', ['1', '1', '1'], '0.01', ['0.02', '0.02', '0.01']],
    ['10', ['1', '2', '3', '4'], '1', ['1', '2', '3', '4']],
    ['1', ['1', '1', '1', '1', '1', '1', '1'], '0.01', ['0.15', '0.15', '0.14', '0.14', '0.14', '0.14', '0.14']],
    ['1000', ['0.1', '0.2', '0.3', '0.4'], '0.01', ['100.00', '200.00', '300.00', '400.00']],
    ['7', ['1', '0', '1'], '1', ['4', '0', '3']],
    ['0', ['1', '1'], '1', ['0', '0']],
    ['1200000', ['0.8', '0.9', '1.1', '1.2'], '0.01', ['240000.00', '270000.00', '330000.00', '360000.00']],
  ])('%s by %j in units of %s -> %j', (total, weights, unit, parts) => {
    const got = splitExact(total, weights, unit);
    expect(got).toEqual(parts);
    expect(sum(got)).toBe(Number(total));
  });

  it('sums exactly for 12 uneven months of an awkward amount', () => {
    const got = splitExact('1000000.07', ['3', '2', '5', '7', '7', '11', '13', '9', '4', '6', '8', '10'], '0.01');
    expect(got).toHaveLength(12);
    const cents = got.reduce((a, b) => a + BigInt(b.replace('.', '')), 0n);
    expect(cents).toBe(100000007n);
  });

  it('refuses bad input naming the field', () => {
    expect(() => splitExact('100.005', ['1'], '0.01')).toThrow(/multiple of the unit/);
    expect(() => splitExact('100', ['0', '0'], '1')).toThrow(/not all be zero/);
    expect(() => splitExact('100', ['-1', '2'], '1')).toThrow(/zero or more/);
    expect(() => splitExact('100', [], '1')).toThrow(/at least one/);
  });
});
