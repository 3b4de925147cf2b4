import { Decimal } from 'decimal.js';
import { z } from 'zod';

/**
 * Money and exact decimals, one configuration for every module: 40 significant digits, half-up rounding (away from
 * zero at .5). Amounts travel as strings in JSON and as numeric in SQL; never as a JS number.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;
export { Decimal };

export const dec = (v: Decimal.Value): Decimal => new Dec(v);

/** Canonical decimal string: no exponent, no trailing zeros ("150000.0000" -> "150000"). */
export const canon = (v: Decimal.Value): string => new Dec(v).toFixed();

/**
 * Minor units per currency (ISO 4217 exponent) for every code whose exponent is not 2; PTS (points) are whole.
 * Intl's display digits are not ISO (IDR, HUF, COP would lose their cents, IQD two decimals), so the table is ours.
 */
const MINOR: Record<string, number> = {
  ...Object.fromEntries(
    ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF', 'PTS'].map((c) => [c, 0]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

/** Decimals of the currency's minor unit: CNY 2, JPY 0, KWD 3 (default 2). */
export function minorUnits(currency: string): number {
  return MINOR[currency.toUpperCase()] ?? 2;
}

/** Half-up to the currency's minor unit; a fixed-point string ("12.35", "-3.00", "7"). */
export function roundMoney(v: Decimal.Value, currency: string): string {
  const n = minorUnits(currency);
  if (typeof v === 'string' && isFixedForm(v, n)) return v;
  return new Dec(v).toDecimalPlaces(n, Decimal.ROUND_HALF_UP).toFixed(n);
}

const FIXED_FORMS: RegExp[] = [];
/**
 * Whether a string is already what `new Dec(v).toDecimalPlaces(scale).toFixed(scale)` answers for it (no sign but a
 * minus of a non-zero value, no leading zero, exactly `scale` decimals): rounding it again gives it back unchanged,
 * so the formatters skip the decimal work (a 1,000-line order formats each amount several times).
 */
function isFixedForm(v: string, scale: number): boolean {
  const re = (FIXED_FORMS[scale] ??= new RegExp(`^-?(?:0|[1-9][0-9]*)${scale > 0 ? `\\.[0-9]{${scale}}` : ''}$`));
  return re.test(v) && (v.charCodeAt(0) !== 45 || /[1-9]/.test(v));
}

/** What numeric(18,4) stores: at most 14 digits before the point and 4 after. */
export const DECIMAL_RE = /^-?\d{1,14}(\.\d{1,4})?$/;

/** A decimal amount as a string ("1234.50"), as stored in numeric(18,4). */
export const DecimalString = z.string().trim().regex(DECIMAL_RE, 'must be a decimal string with up to 14 integer digits and 4 decimals, e.g. "1234.50"');

/** A decimal given as a string or (for compatibility) a JSON number; kept as a string. */
export const DecimalInput = z
  .union([DecimalString, z.number().finite()])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .pipe(z.string().regex(DECIMAL_RE, 'must be a decimal number with at most 14 digits before and 4 after the point'));

/** ISO 4217 currency code. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
  .describe('ISO 4217');

/** An amount with its currency. */
export const Money = z.object({ amount: DecimalString, currency: Currency }); // no registry id: importing the kernel must not add a component to openapi.yaml
export type Money = z.infer<typeof Money>;

/**
 * The one decimal rule for JSON (issue 14 #11; docs/conventions in README "Decimals in JSON"):
 * - money with a currency: the currency's minor units, `formatMoney` ("400000.01" CNY, "1200" JPY, "1.250" KWD);
 * - unit prices and measures without a currency (targets, quantities, sales sums, KPI values): the storage
 *   scale, 4 decimals, `formatFixed` ("85.0000"); rates of a rule (discount %, tier and accelerator rates) are
 *   definitions and echo what was written, canonical;
 * - KPI values, KPI scores and weighted scores: 4 decimals (`formatFixed`), the scale a score is computed at;
 * - percentages computed from data (achievement, shares of a total, year-on-year change) and scorecard totals:
 *   2 decimals, `PERCENT_SCALE` (`formatFixed(v, PERCENT_SCALE)`, "105.00").
 */
export const FIXED_SCALE = 4;

/** Percentages computed from data (achievement, shares of a total, change over a period) and scorecard totals. */
export const PERCENT_SCALE = 2;

/** Money at its currency's minor units (same as `roundMoney`). */
export const formatMoney = (v: Decimal.Value, currency: string): string => roundMoney(v, currency);

/** A unit price, rate or currency-less measure at the fixed scale (half-up). */
export const formatFixed = (v: Decimal.Value, scale: number = FIXED_SCALE): string =>
  typeof v === 'string' && isFixedForm(v, scale) ? v : new Dec(v).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP).toFixed(scale);
