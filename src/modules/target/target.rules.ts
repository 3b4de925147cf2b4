/**
 * Pure target arithmetic: splitting a whole into parts that sum to it exactly (largest remainder method).
 * Decimal strings in, decimal strings out; never a JS number for a value.
 */
import { Dec } from '../../platform/kernel/index.js';

/** the kernel's Decimal (40 significant digits, half-up): enough for numeric(18,4) totals times weights */
export const Decimal = Dec;
export type Decimal = Dec;

export const METRICS = ['sales_amount', 'quantity', 'new_customers', 'collection_amount'] as const;
export type Metric = (typeof METRICS)[number];

/** The smallest unit a metric's target is split into: cents for amounts, whole units for counts. */
export function defaultUnit(metric: Metric): string {
  return metric === 'sales_amount' || metric === 'collection_amount' ? '0.01' : '1';
}

export class SplitError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** canonical decimal string with up to 4 decimals and no trailing zeros beyond the unit's scale */
export function fmt(d: Decimal, unit?: Decimal): string {
  const dp = unit ? Math.max(unit.decimalPlaces(), 0) : 4;
  return d.toFixed(dp);
}

/**
 * Splits `total` into parts proportional to `weights`, each a multiple of `unit`, summing exactly to `total`.
 * Each part first gets floor(share / unit) units; the units left over go one each to the parts with the largest
 * fractional remainders (ties: the earlier part). `total` must itself be a multiple of `unit`.
 */
export function splitExact(total: string, weights: readonly string[], unit: string): string[] {
  let T: Decimal, U: Decimal;
  try {
    T = new Decimal(total);
  } catch {
    throw new SplitError('value', 'must be a decimal number');
  }
  try {
    U = new Decimal(unit);
  } catch {
    throw new SplitError('unit', 'must be a decimal number');
  }
  if (!U.isFinite() || U.lte(0)) throw new SplitError('unit', 'must be greater than 0');
  if (!T.isFinite() || T.isNeg()) throw new SplitError('value', 'must be zero or more');
  if (!T.mod(U).isZero()) throw new SplitError('value', `must be a multiple of the unit ${unit}`);
  if (!weights.length) throw new SplitError('weights', 'need at least one weight');
  const W = weights.map((w, i) => {
    let d: Decimal;
    try {
      d = new Decimal(w);
    } catch {
      throw new SplitError(`weights.${i}`, 'must be a decimal number');
    }
    if (!d.isFinite() || d.isNeg()) throw new SplitError(`weights.${i}`, 'must be zero or more');
    return d;
  });
  const sumW = W.reduce((a, b) => a.plus(b), new Decimal(0));
  if (sumW.isZero()) throw new SplitError('weights', 'must not all be zero');
  const totalUnits = T.div(U); // an integer
  const shares = W.map((w) => totalUnits.times(w).div(sumW)); // exact enough: decimal.js precision 20 digits
  const floors = shares.map((s) => s.floor());
  let left = totalUnits.minus(floors.reduce((a, b) => a.plus(b), new Decimal(0))).toNumber();
  const order = shares.map((s, i) => ({ i, frac: s.minus(floors[i]!) })).sort((a, b) => b.frac.comparedTo(a.frac) || a.i - b.i);
  const units = [...floors];
  for (const { i } of order) {
    if (left <= 0) break;
    if (W[i]!.isZero()) continue;
    units[i] = units[i]!.plus(1);
    left--;
  }
  return units.map((u) => fmt(u.times(U), U));
}

/** Weights for n parts, validated: given ones must have length n; absent -> evenly. */
export function weightsFor(n: number, weights?: readonly string[]): string[] {
  if (!weights) return Array.from({ length: n }, () => '1');
  if (weights.length !== n) throw new SplitError('weights', `need exactly ${n} weights, got ${weights.length}`);
  return [...weights];
}
