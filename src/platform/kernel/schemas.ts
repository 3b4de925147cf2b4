import { z } from 'zod';

/** Common input schemas every module uses: one definition each. */

/** A tenant's own key: letters, digits and . _ - / (ERP codes). */
export const Code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/, 'letters, digits and . _ - / only, starting with a letter or digit');

/** Trimmed non-empty text of at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/** A period label: a year, a quarter or a month. */
export const PERIOD_RE = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
export const PeriodLabel = z.string().trim().regex(PERIOD_RE, 'must be a period: YYYY, YYYY-Qn or YYYY-MM').describe('2026, 2026-Q3 or 2026-07');

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_RE.test(s);

/** True for a real calendar date YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** ISO 8601 UTC timestamp of a database value (either driver), null stays null. */
export const iso = (d: Date | string | null | undefined): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString();

/** Today's date in UTC, YYYY-MM-DD. */
export const today = (): string => new Date().toISOString().slice(0, 10);
