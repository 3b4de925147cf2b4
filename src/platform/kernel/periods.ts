/**
 * Periods: `2026` (year), `2026-Q3` (quarter), `2026-07` (calendar month). Pure functions, no I/O.
 *
 * With a fiscal year starting in month F (1-12, default 1 = calendar year), year `Y` runs from Y-F-01 to the day
 * before (Y+1)-F-01: a fiscal year is named by the calendar year it STARTS in. Its quarters are consecutive
 * three-month blocks from that start (`2026-Q1` = April-June 2026 when F = 4). Months are always calendar months
 * (`2026-07` is July 2026 whatever F is), so every year and quarter is a whole number of months.
 */

export type PeriodKind = 'year' | 'quarter' | 'month';

export interface Period {
  kind: PeriodKind;
  /** canonical label: 2026, 2026-Q3, 2026-07 */
  label: string;
  year: number;
  /** quarter 1-4 or month 1-12; 0 for a year */
  index: number;
  /** first day, YYYY-MM-DD */
  start: string;
  /** last day (inclusive), YYYY-MM-DD */
  end: string;
  /** fiscal year start month the period was resolved with */
  fyStart: number;
}

export class PeriodError extends Error {}

const RE = /^(\d{4})(?:-(?:([Qq])([1-4])|(\d{2})))?$/;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** first day of a (year, month), month may overflow 1-12 */
function monthStart(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return `${y}-${pad2(m)}-01`;
}

/** day before a YYYY-MM-DD */
export function dayBefore(date: string): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** whole days from a to b (b - a) */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
}

function checkFy(fyStart: number) {
  if (!Number.isInteger(fyStart) || fyStart < 1 || fyStart > 12) throw new PeriodError('fiscal year start month must be 1-12');
}

/** Parses a period label; throws PeriodError with a message a client can read. */
export function parsePeriod(text: string, fyStart = 1): Period {
  checkFy(fyStart);
  const m = RE.exec(String(text ?? ''));
  if (!m) throw new PeriodError(`'${text}' is not a period: use YYYY, YYYY-Qn (n = 1-4) or YYYY-MM`);
  const year = Number(m[1]);
  if (year < 1900 || year > 9998) throw new PeriodError(`year ${year} is out of range (1900-9998)`);
  if (m[3]) return quarter(year, Number(m[3]), fyStart);
  if (m[4]) {
    const month = Number(m[4]);
    if (month < 1 || month > 12) throw new PeriodError(`month ${m[4]} is out of range (01-12)`);
    return monthPeriod(year, month, fyStart);
  }
  return yearPeriod(year, fyStart);
}

function yearPeriod(year: number, fyStart: number): Period {
  const start = monthStart(year, fyStart);
  return { kind: 'year', label: String(year), year, index: 0, start, end: dayBefore(monthStart(year, fyStart + 12)), fyStart };
}

function quarter(year: number, q: number, fyStart: number): Period {
  const first = fyStart + (q - 1) * 3;
  return {
    kind: 'quarter',
    label: `${year}-Q${q}`,
    year,
    index: q,
    start: monthStart(year, first),
    end: dayBefore(monthStart(year, first + 3)),
    fyStart,
  };
}

function monthPeriod(year: number, month: number, fyStart: number): Period {
  return {
    kind: 'month',
    label: `${year}-${pad2(month)}`,
    year,
    index: month,
    start: monthStart(year, month),
    end: dayBefore(monthStart(year, month + 1)),
    fyStart,
  };
}

/** Year -> its 4 quarters; quarter -> its 3 months; month -> []. With `into: 'month'` a year gives its 12 months. */
export function children(p: Period, into?: PeriodKind): Period[] {
  if (p.kind === 'month') return [];
  if (p.kind === 'year' && into !== 'month') return [1, 2, 3, 4].map((q) => quarter(p.year, q, p.fyStart));
  const months: Period[] = [];
  const [y, mo] = p.start.split('-').map(Number) as [number, number];
  const n = p.kind === 'year' ? 12 : 3;
  for (let i = 0; i < n; i++) {
    const s = monthStart(y, mo + i);
    months.push(monthPeriod(Number(s.slice(0, 4)), Number(s.slice(5, 7)), p.fyStart));
  }
  return months;
}

/** Whether `outer` covers every day of `inner`. */
export function contains(outer: Period, inner: Period): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** The same period one year earlier (2026-Q3 -> 2025-Q3, 2026-07 -> 2025-07). */
export function previousYear(p: Period): Period {
  if (p.kind === 'year') return yearPeriod(p.year - 1, p.fyStart);
  if (p.kind === 'quarter') return quarter(p.year - 1, p.index, p.fyStart);
  return monthPeriod(p.year - 1, p.index, p.fyStart);
}

/** Days in the period (inclusive). */
export function periodDays(p: Pick<Period, 'start' | 'end'>): number {
  return daysBetween(p.start, p.end) + 1;
}

/** Days of the period elapsed on `asOf` (inclusive of asOf), clamped to 0..periodDays. */
export function elapsedDays(p: Pick<Period, 'start' | 'end'>, asOf: string): number {
  if (asOf < p.start) return 0;
  if (asOf >= p.end) return periodDays(p);
  return daysBetween(p.start, asOf) + 1;
}

/** First days of the calendar months the period spans. */
export function monthsOf(p: Pick<Period, 'start' | 'end'>): string[] {
  const out: string[] = [];
  const [y, m0] = p.start.split('-').map(Number) as [number, number];
  let m = m0;
  for (;;) {
    const s = monthStart(y, m);
    if (s > p.end) break;
    out.push(s);
    m++;
  }
  return out;
}

/** The period of a given kind that contains a date. */
export function periodOf(date: string, kind: PeriodKind, fyStart = 1): Period {
  checkFy(fyStart);
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  if (kind === 'month') return monthPeriod(y, mo, fyStart);
  const fy = mo >= fyStart ? y : y - 1;
  if (kind === 'year') return yearPeriod(fy, fyStart);
  const offset = (mo - fyStart + 12) % 12;
  return quarter(fy, Math.floor(offset / 3) + 1, fyStart);
}
