import { describe, expect, it } from 'vitest';
import { splitQuarters } from '../../src/modules/target/contract.js';

// how a period of whole months is read: its whole calendar quarters from the quarterly totals, the rest month by month
describe('splitQuarters', () => {
  it('a quarter, a year and a fiscal year starting on a quarter are quarters only', () => {
    expect(splitQuarters('2026-04-01', '2026-06-30')).toEqual({ months: [], quarters: ['2026-04-01', '2026-04-01'] });
    expect(splitQuarters('2026-01-01', '2026-12-31')).toEqual({ months: [], quarters: ['2026-01-01', '2026-10-01'] });
    expect(splitQuarters('2026-04-01', '2027-03-31')).toEqual({ months: [], quarters: ['2026-04-01', '2027-01-01'] });
  });

  it('months before and after the whole quarters are read by month', () => {
    expect(splitQuarters('2026-02-01', '2026-07-31')).toEqual({
      months: [
        ['2026-02-01', '2026-03-01'],
        ['2026-07-01', '2026-07-01'],
      ],
      quarters: ['2026-04-01', '2026-04-01'],
    });
    // a fiscal year from February: January of the next year is the tail
    expect(splitQuarters('2026-02-01', '2027-01-31')).toEqual({
      months: [
        ['2026-02-01', '2026-03-01'],
        ['2027-01-01', '2027-01-01'],
      ],
      quarters: ['2026-04-01', '2026-10-01'],
    });
  });

  it('without a whole quarter inside, one range of months', () => {
    expect(splitQuarters('2026-03-01', '2026-03-31')).toEqual({ months: [['2026-03-01', '2026-03-01']], quarters: null });
    expect(splitQuarters('2026-02-01', '2026-05-31')).toEqual({ months: [['2026-02-01', '2026-05-01']], quarters: null });
    expect(splitQuarters('2026-11-01', '2027-02-28')).toEqual({ months: [['2026-11-01', '2027-02-01']], quarters: null });
  });
});
