import { DomainError } from '../../platform/errors.js';
/**
 * The incentive calculation engine: pure functions, no I/O. Decimal strings in, decimal strings out; every
 * intermediate value is a decimal.js Decimal (40 significant digits, half-up), never a JS number.
 *
 * Order of operations for one partner of one program (documented in docs/incentive.md):
 *   1. tier amount: thresholds on the base (or on achievement %, converted to base thresholds: target x t / 100),
 *      mode `whole` (全额累进: the reached tier's rate on the whole base) or `marginal` (超额累进: each slice at
 *      its own rate); fixed-amount tiers pay the reached tier's amount (whole) or the sum of every reached
 *      tier's amount (marginal, step bonuses);
 *   2. accelerators (rate tiers with a target only), each on its own slice of the base above
 *      target x aboveAchievement / 100: the rate form pays the slice at the accelerator's own rate instead of the
 *      tiers' (higher or lower), the multiplier form multiplies what the tiers earned on the slice;
 *   3. per-partner cap (amount = min(amount, cap));
 *   4. rounding half-up to the currency's minor unit (points: whole points after the conversion rate);
 *   5. program budget cap over all partners: when the rounded amounts exceed the budget, each is prorated by
 *      budget / total with the largest-remainder rule in minor units (floors first, then one minor unit each to
 *      the largest remainders, ties by partner id ascending), so the prorated lines sum exactly to the budget.
 */
import { canon, Dec, DECIMAL_RE, formatFixed, minorUnits, PERCENT_SCALE, roundMoney } from '../../platform/kernel/index.js';

/** The kernel's money functions; policy imports them from the kernel (this re-export goes once it does). */
export { minorUnits, roundMoney, DECIMAL_RE };

export const PROGRAM_TYPES = ['rebate', 'target_bonus', 'commission', 'points', 'recognition', 'penalty'] as const;
export type ProgramType = (typeof PROGRAM_TYPES)[number];
export const TIER_MODES = ['whole', 'marginal'] as const;
export type TierMode = (typeof TIER_MODES)[number];
export const TIER_BASES = ['base', 'achievement'] as const;
export type TierBasis = (typeof TIER_BASES)[number];
export const PENALTY_SOURCES = ['price_violation', 'cross_region'] as const;
export type PenaltySource = (typeof PENALTY_SOURCES)[number];

export interface Tier {
  /** lower bound, inclusive: base value, or achievement % when basis = achievement */
  threshold: string;
  /** % of the base (0-100) */
  rate?: string | undefined;
  /** fixed amount in the program currency */
  amount?: string | undefined;
}

export interface Accelerator {
  /** achievement % above which the accelerator applies (>= 100) */
  aboveAchievement: string;
  /** multiplier form: > 1, at most 10; the tiers' earnings on the slice are multiplied */
  multiplier?: string | undefined;
  /** rate form: % of the slice (0-100), paid instead of the tiers' rate on the slice (higher or lower) */
  rate?: string | undefined;
}

export interface PenaltyRule {
  sources: PenaltySource[];
  /** amount per violation */
  fixedPerViolation?: string | undefined;
  /** % of the violation value (cross-region: the line amount; price violation: shortfall x 1 unit) */
  ratePercent?: string | undefined;
}

export interface RuleSet {
  basis: TierBasis;
  mode: TierMode;
  tiers: Tier[];
  accelerators?: Accelerator[] | undefined;
  partnerCap?: string | undefined;
  budgetCap?: string | undefined;
  /** points programs: points per one unit of computed value */
  pointsPerUnit?: string | undefined;
  penalty?: PenaltyRule | undefined;
  /** recognition programs: how many top partners by base get the award */
  recognition?: { topN: number; title: string } | undefined;
}

export interface RuleError {
  path: string;
  message: string;
}

const d = (s: string | number | Dec) => new Dec(s);
const HUNDRED = d(100);

/**
 * Semantic checks a schema cannot express. Paths are relative to the rule set ("tiers.2.threshold").
 * Returns every problem at once, empty when valid.
 */
/** Throws VALIDATION_FAILED naming every problem of a rule set (paths under `rules.`), as a program create/update and a simulation answer. */
export function assertRuleSet(type: ProgramType, r: RuleSet): void {
  const errs = validateRuleSet(type, r);
  if (!errs.length) return;
  throw new DomainError(
    'VALIDATION_FAILED',
    errs
      .map((e) => `rules.${e.path}: ${e.message}`)
      .slice(0, 3)
      .join('; '),
    { errors: errs.map((e) => ({ path: `rules.${e.path}`, message: e.message })) },
  );
}

export function validateRuleSet(type: ProgramType, r: RuleSet): RuleError[] {
  const errs: RuleError[] = [];
  const needsTiers = type !== 'penalty' && type !== 'recognition';
  if (needsTiers && r.tiers.length === 0) errs.push({ path: 'tiers', message: `a ${type} program needs at least one tier` });
  let prev: Dec | undefined;
  const kinds = new Set<string>();
  r.tiers.forEach((t, i) => {
    const th = d(t.threshold);
    if (th.isNegative()) errs.push({ path: `tiers.${i}.threshold`, message: 'must be >= 0' });
    if (prev !== undefined) {
      if (th.eq(prev)) errs.push({ path: `tiers.${i}.threshold`, message: `duplicate threshold ${t.threshold}` });
      else if (th.lt(prev)) errs.push({ path: `tiers.${i}.threshold`, message: 'tiers must be in ascending order of threshold' });
    }
    prev = th;
    const hasRate = t.rate !== undefined;
    const hasAmount = t.amount !== undefined;
    if (hasRate === hasAmount) errs.push({ path: `tiers.${i}`, message: 'give exactly one of rate or amount' });
    if (hasRate) {
      kinds.add('rate');
      const rate = d(t.rate!);
      if (rate.isNegative() || rate.gt(HUNDRED)) errs.push({ path: `tiers.${i}.rate`, message: 'must be between 0 and 100 (a percentage of the base)' });
    }
    if (hasAmount) {
      kinds.add('amount');
      if (d(t.amount!).isNegative()) errs.push({ path: `tiers.${i}.amount`, message: 'must be >= 0 (penalties are penalty programs)' });
    }
  });
  if (kinds.size > 1) errs.push({ path: 'tiers', message: 'all tiers must use rate, or all must use amount' });
  if (r.accelerators?.length) {
    if (kinds.has('amount')) errs.push({ path: 'accelerators', message: 'accelerators apply to rate tiers only' });
    let prevA: Dec | undefined;
    r.accelerators.forEach((a, i) => {
      const above = d(a.aboveAchievement);
      if (above.lt(HUNDRED)) errs.push({ path: `accelerators.${i}.aboveAchievement`, message: 'must be >= 100 (an accelerator rewards exceeding the target)' });
      if (prevA !== undefined && !above.gt(prevA)) errs.push({ path: `accelerators.${i}.aboveAchievement`, message: 'must be ascending without duplicates' });
      prevA = above;
      if ((a.multiplier === undefined) === (a.rate === undefined)) {
        errs.push({ path: `accelerators.${i}`, message: 'give exactly one of rate (% paid on the slice) or multiplier' });
        return;
      }
      if (a.multiplier !== undefined) {
        const m = d(a.multiplier);
        if (m.lte(1) || m.gt(10)) errs.push({ path: `accelerators.${i}.multiplier`, message: 'must be > 1 and <= 10' });
      } else {
        const rt = d(a.rate!);
        if (rt.isNegative() || rt.gt(HUNDRED)) errs.push({ path: `accelerators.${i}.rate`, message: 'must be between 0 and 100 (a percentage of the slice)' });
      }
    });
  }
  for (const k of ['partnerCap', 'budgetCap'] as const) {
    if (r[k] !== undefined && !d(r[k]!).gt(0)) errs.push({ path: k, message: 'must be > 0' });
  }
  if (type === 'points') {
    if (r.pointsPerUnit === undefined) errs.push({ path: 'pointsPerUnit', message: 'a points program needs a conversion rate' });
    else if (!d(r.pointsPerUnit).gt(0)) errs.push({ path: 'pointsPerUnit', message: 'must be > 0' });
  } else if (r.pointsPerUnit !== undefined) errs.push({ path: 'pointsPerUnit', message: 'only points programs convert to points' });
  if (type === 'penalty') {
    if (!r.penalty) errs.push({ path: 'penalty', message: 'a penalty program needs a penalty rule' });
    else {
      if (r.penalty.fixedPerViolation === undefined && r.penalty.ratePercent === undefined)
        errs.push({ path: 'penalty', message: 'give fixedPerViolation, ratePercent or both' });
      if (r.penalty.fixedPerViolation !== undefined && d(r.penalty.fixedPerViolation).isNegative())
        errs.push({ path: 'penalty.fixedPerViolation', message: 'must be >= 0 (it is deducted)' });
      if (r.penalty.ratePercent !== undefined) {
        const rp = d(r.penalty.ratePercent);
        if (rp.isNegative() || rp.gt(HUNDRED)) errs.push({ path: 'penalty.ratePercent', message: 'must be between 0 and 100' });
      }
    }
    if (r.tiers.length) errs.push({ path: 'tiers', message: 'a penalty program has no tiers' });
  } else if (r.penalty) errs.push({ path: 'penalty', message: 'only penalty programs have a penalty rule' });
  if (type === 'recognition') {
    if (!r.recognition) errs.push({ path: 'recognition', message: 'a recognition program needs { topN, title }' });
  } else if (r.recognition) errs.push({ path: 'recognition', message: 'only recognition programs have a recognition rule' });
  if (r.basis === 'achievement' && type === 'penalty') errs.push({ path: 'basis', message: 'a penalty program has no tiers to put on achievement' });
  return errs;
}

export interface Slice {
  from: string;
  to: string | null;
  rate: string;
  amount: string;
}

export interface TierResult {
  /** index of the highest tier reached, null when below the first threshold */
  tierIndex: number | null;
  amount: Dec;
  slices: Slice[];
  formula: string;
}

/**
 * Tier amount over `base` with thresholds already in base units (ascending).
 * Rate tiers: whole = base x rate(reached) / 100; marginal = sum over reached tiers of (min(base, next) - from) x rate / 100.
 * Amount tiers: whole = amount(reached); marginal = sum of amount(t) for every reached t.
 */
export function tierAmount(mode: TierMode, tiers: { from: Dec; rate?: Dec; amount?: Dec }[], base: Dec): TierResult {
  let reached: number | null = null;
  tiers.forEach((t, i) => {
    if (base.gte(t.from)) reached = i;
  });
  if (reached === null)
    return { tierIndex: null, amount: d(0), slices: [], formula: `${canon(base)} is below the first threshold ${canon(tiers[0]?.from ?? d(0))}: 0` };
  const r = reached as number;
  const top = tiers[r]!;
  if (top.amount !== undefined) {
    if (mode === 'whole') return { tierIndex: r, amount: top.amount, slices: [], formula: `tier ${r + 1} reached: fixed ${canon(top.amount)}` };
    const parts = tiers.slice(0, r + 1).map((t) => t.amount!);
    const sum = parts.reduce((a, b) => a.plus(b), d(0));
    return { tierIndex: r, amount: sum, slices: [], formula: `${parts.map(canon).join(' + ')} = ${canon(sum)}` };
  }
  if (mode === 'whole') {
    const amount = base.times(top.rate!).div(HUNDRED);
    return { tierIndex: r, amount, slices: [], formula: `${canon(base)} x ${canon(top.rate!)}% = ${canon(amount)}` };
  }
  const slices: Slice[] = [];
  let sum = d(0);
  for (let i = 0; i <= r; i++) {
    const t = tiers[i]!;
    const next = tiers[i + 1]?.from;
    const upper = next && base.gt(next) ? next : base;
    const width = upper.minus(t.from);
    const amount = width.times(t.rate!).div(HUNDRED);
    sum = sum.plus(amount);
    slices.push({ from: canon(t.from), to: next ? canon(next) : null, rate: canon(t.rate!), amount: canon(amount) });
  }
  const formula = slices.map((s) => `(${s.to !== null && d(s.to).lte(base) ? s.to : canon(base)} - ${s.from}) x ${s.rate}%`).join(' + ') + ` = ${canon(sum)}`;
  return { tierIndex: r, amount: sum, slices, formula };
}

export interface PartnerInput {
  partnerId: string;
  /** the base value (amount or quantity) for the period */
  base: string;
  /** the partner's target on the program's metric, when known */
  target?: string | null | undefined;
  /** fact rows that made the base */
  sourceRows?: number | undefined;
  /** penalty programs: violations in the period */
  violations?: { source: PenaltySource; count: number; value: string }[] | undefined;
}

export interface Explanation {
  programType: ProgramType;
  basis: TierBasis;
  mode: TierMode;
  base: string;
  target: string | null;
  achievementPercent: string | null;
  tierReached: number | null;
  tierThreshold: string | null;
  rate: string | null;
  fixedAmount: string | null;
  slices: Slice[];
  /** multiplier form: extra = excessAmount x (multiplier - 1); rate form: extra = slice x rate% - excessAmount (negative for a lower rate) */
  accelerators: { aboveAchievement: string; multiplier?: string; rate?: string; slice?: string; excessAmount: string; extra: string }[];
  formula: string;
  beforeCap: string;
  partnerCap: string | null;
  capped: boolean;
  rounded: string;
  points: { perUnit: string; points: string } | null;
  penalty: { source: PenaltySource; count: number; value: string; amount: string }[] | null;
  budget: { cap: string; requested: string; prorated: boolean } | null;
  sourceRows: number | null;
  note: string | null;
}

export interface Line {
  partnerId: string;
  /** currency code, or PTS for points */
  unit: string;
  amount: string;
  explanation: Explanation;
}

export interface ProgramSpec {
  type: ProgramType;
  currency: string;
  rules: RuleSet;
}

const achievementOf = (base: Dec, target: Dec | null) => (target && target.gt(0) ? formatFixed(base.div(target).times(HUNDRED), PERCENT_SCALE) : null);

/** One partner's amount before the budget cap. */
export function computePartner(spec: ProgramSpec, p: PartnerInput): Line {
  const r = spec.rules;
  const base = d(p.base);
  const target = p.target !== undefined && p.target !== null ? d(p.target) : null;
  const unit = spec.type === 'points' ? 'PTS' : spec.currency.toUpperCase();
  /** the currency of amounts before any points conversion */
  const cur = spec.currency.toUpperCase();
  const ex: Explanation = {
    programType: spec.type,
    basis: r.basis,
    mode: r.mode,
    // the decimal rule: base and target are measures (4 decimals); amounts within the computation at the
    // currency's minor units; formula and beforeCap stay exact (unrounded), `rounded` is the amount
    base: formatFixed(base),
    target: target ? formatFixed(target) : null,
    achievementPercent: achievementOf(base, target),
    tierReached: null,
    tierThreshold: null,
    rate: null,
    fixedAmount: null,
    slices: [],
    accelerators: [],
    formula: '',
    beforeCap: '0',
    partnerCap: r.partnerCap ?? null,
    capped: false,
    rounded: '0',
    points: null,
    penalty: null,
    budget: null,
    sourceRows: p.sourceRows ?? null,
    note: null,
  };

  if (spec.type === 'penalty') {
    const rule = r.penalty!;
    const parts: NonNullable<Explanation['penalty']> = [];
    let total = d(0);
    for (const v of p.violations ?? []) {
      if (!rule.sources.includes(v.source) || v.count <= 0) continue;
      let amt = d(0);
      if (rule.fixedPerViolation !== undefined) amt = amt.plus(d(rule.fixedPerViolation).times(v.count));
      if (rule.ratePercent !== undefined) amt = amt.plus(d(v.value).times(rule.ratePercent).div(HUNDRED));
      total = total.plus(amt);
      parts.push({ source: v.source, count: v.count, value: v.value, amount: roundMoney(amt.negated(), cur) });
    }
    ex.penalty = parts;
    ex.formula = parts.length
      ? parts.map((x) => `-(${x.count} x ${rule.fixedPerViolation ?? 0} + ${x.value} x ${rule.ratePercent ?? 0}%)`).join(' ') + ` = ${canon(total.negated())}`
      : 'no violations: 0';
    ex.beforeCap = canon(total.negated());
    if (r.partnerCap && total.gt(r.partnerCap)) {
      total = d(r.partnerCap);
      ex.capped = true;
    }
    const rounded = roundMoney(total.negated(), unit);
    ex.rounded = rounded;
    return { partnerId: p.partnerId, unit, amount: rounded, explanation: ex };
  }

  // thresholds in base units
  if (r.basis === 'achievement' && !(target && target.gt(0))) {
    ex.note = 'no target for the period: achievement tiers cannot be reached';
    ex.formula = 'no target: 0';
    const zero = roundMoney(d(0), unit);
    ex.rounded = zero;
    return { partnerId: p.partnerId, unit, amount: zero, explanation: ex };
  }
  const tiers = r.tiers.map((t) => ({
    from: r.basis === 'achievement' ? target!.times(t.threshold).div(HUNDRED) : d(t.threshold),
    ...(t.rate !== undefined ? { rate: d(t.rate) } : {}),
    ...(t.amount !== undefined ? { amount: d(t.amount) } : {}),
  }));
  const tr = tierAmount(r.mode, tiers, base);
  let amount = tr.amount;
  ex.tierReached = tr.tierIndex;
  if (tr.tierIndex !== null) {
    const t = r.tiers[tr.tierIndex]!;
    ex.tierThreshold = t.threshold;
    ex.rate = t.rate ?? null;
    ex.fixedAmount = t.amount ?? null;
  }
  ex.slices = tr.slices.map((s) => ({ ...s, amount: roundMoney(s.amount, cur) }));
  let formula = tr.formula;

  // accelerators, each on its own slice of the base above target x above / 100: the multiplier form adds
  // (multiplier - 1) x what the tiers earned on the slice; the rate form replaces it by slice x rate% (exact)
  if (r.accelerators?.length && target && target.gt(0) && tr.tierIndex !== null && tiers[0]!.rate !== undefined) {
    const accs = r.accelerators.map((a) => ({ above: d(a.aboveAchievement), src: a }));
    accs.forEach((a, j) => {
      const lo = target.times(a.above).div(HUNDRED);
      const nextAbove = accs[j + 1]?.above;
      const hi = nextAbove ? Dec.min(base, target.times(nextAbove).div(HUNDRED)) : base;
      if (!hi.gt(lo)) return;
      const excess =
        r.mode === 'whole'
          ? hi.minus(lo).times(tiers[tr.tierIndex!]!.rate!).div(HUNDRED)
          : tierAmount('marginal', tiers, hi).amount.minus(tierAmount('marginal', tiers, lo).amount);
      if (a.src.rate !== undefined) {
        const slice = hi.minus(lo);
        const extra = slice.times(a.src.rate).div(HUNDRED).minus(excess);
        amount = amount.plus(extra);
        ex.accelerators.push({
          aboveAchievement: a.src.aboveAchievement,
          rate: a.src.rate,
          slice: formatFixed(slice),
          excessAmount: roundMoney(excess, cur),
          extra: roundMoney(extra, cur),
        });
        formula += ` + ${canon(slice)} x ${a.src.rate}% - ${canon(excess)} [above ${a.src.aboveAchievement}% of target at ${a.src.rate}%]`;
        return;
      }
      const extra = excess.times(d(a.src.multiplier!).minus(1));
      amount = amount.plus(extra);
      ex.accelerators.push({
        aboveAchievement: a.src.aboveAchievement,
        multiplier: a.src.multiplier!,
        excessAmount: roundMoney(excess, cur),
        extra: roundMoney(extra, cur),
      });
      formula += ` + ${canon(excess)} x (${a.src.multiplier} - 1) [above ${a.src.aboveAchievement}% of target]`;
    });
    if (ex.accelerators.length) formula += ` = ${canon(amount)}`;
  }
  ex.beforeCap = canon(amount);
  if (r.partnerCap !== undefined && amount.gt(r.partnerCap)) {
    amount = d(r.partnerCap);
    ex.capped = true;
    formula += ` -> capped at ${r.partnerCap}`;
  }
  if (spec.type === 'points') {
    const pts = amount.times(r.pointsPerUnit!).toDecimalPlaces(0, Dec.ROUND_HALF_UP);
    ex.points = { perUnit: r.pointsPerUnit!, points: pts.toFixed(0) };
    formula += ` -> x ${r.pointsPerUnit} points per unit = ${pts.toFixed(0)} points`;
    amount = pts;
  }
  ex.formula = formula;
  const rounded = roundMoney(amount, unit);
  ex.rounded = rounded;
  return { partnerId: p.partnerId, unit, amount: rounded, explanation: ex };
}

/**
 * Largest-remainder proration in integer minor units. `amounts` are non-negative minor-unit integers; when
 * their sum exceeds `budget`, each gets floor(a x budget / sum) and the leftover units go one each to the
 * largest remainders (ties: lower key first). The result sums exactly to the budget. Otherwise unchanged.
 */
export function prorateLargestRemainder(items: { key: string; minor: bigint }[], budget: bigint): { key: string; minor: bigint }[] {
  const total = items.reduce((a, b) => a + b.minor, 0n);
  if (total <= budget) return items.map((i) => ({ ...i }));
  if (items.some((i) => i.minor < 0n)) throw new RangeError('proration needs non-negative amounts');
  const parts = items.map((i, idx) => {
    const share = i.minor * budget;
    return { key: i.key, idx, floor: share / total, rem: share % total };
  });
  let left = budget - parts.reduce((a, p) => a + p.floor, 0n);
  const order = [...parts].sort((a, b) => (a.rem === b.rem ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.rem > b.rem ? -1 : 1));
  for (const p of order) {
    if (left <= 0n) break;
    p.floor += 1n;
    left -= 1n;
  }
  return parts.map((p) => ({ key: p.key, minor: p.floor }));
}

const toMinor = (amount: string, unit: string) =>
  BigInt(
    d(amount)
      .times(d(10).pow(minorUnits(unit)))
      .toFixed(0),
  );
const fromMinor = (minor: bigint, unit: string) =>
  d(minor.toString())
    .div(d(10).pow(minorUnits(unit)))
    .toFixed(minorUnits(unit));

export interface ProgramResult {
  lines: Line[];
  unit: string;
  total: string;
  requested: string;
  budgetCap: string | null;
  prorated: boolean;
}

/**
 * Every partner of one program for one period: per-partner amounts, then the budget cap. Lines come back
 * sorted by partner id (deterministic). Zero lines are kept (they explain why nothing was earned).
 */
export function computeProgram(spec: ProgramSpec, inputs: PartnerInput[]): ProgramResult {
  const sorted = [...inputs].sort((a, b) => (a.partnerId < b.partnerId ? -1 : a.partnerId > b.partnerId ? 1 : 0));
  const lines = sorted.map((p) => computePartner(spec, p));
  const unit = spec.type === 'points' ? 'PTS' : spec.currency.toUpperCase();
  const requestedMinor = lines.reduce((a, l) => a + toMinor(l.amount, unit), 0n);
  const requested = fromMinor(requestedMinor, unit);
  const cap = spec.rules.budgetCap;
  let prorated = false;
  if (cap !== undefined && spec.type !== 'penalty') {
    const budgetMinor = toMinor(roundMoney(d(cap), unit), unit);
    prorated = requestedMinor > budgetMinor;
    const out = prorateLargestRemainder(
      lines.map((l) => ({ key: l.partnerId, minor: toMinor(l.amount, unit) })),
      budgetMinor,
    );
    lines.forEach((l, i) => {
      l.explanation.budget = { cap, requested, prorated };
      if (prorated) {
        const before = l.amount;
        l.amount = fromMinor(out[i]!.minor, unit);
        l.explanation.formula += ` -> budget ${cap} < requested ${requested}: ${before} x ${cap} / ${requested} (largest remainder) = ${l.amount}`;
        l.explanation.rounded = l.amount;
      }
    });
  }
  const total = fromMinor(
    lines.reduce((a, l) => a + toMinor(l.amount, unit), 0n),
    unit,
  );
  return { lines, unit, total, requested, budgetCap: cap ?? null, prorated };
}

/** What a partner needs to reach the next tier and what it would earn there (projection). */
export function nextTier(
  spec: ProgramSpec,
  p: PartnerInput,
): {
  current: Line;
  nextTierIndex: number | null;
  nextThreshold: string | null;
  /** base still missing to reach the next tier (in base units) */
  gap: string | null;
  /** the amount at exactly the next threshold */
  amountAtNext: string | null;
} {
  const current = computePartner(spec, p);
  const r = spec.rules;
  if (spec.type === 'penalty' || spec.type === 'recognition' || !r.tiers.length) {
    return { current, nextTierIndex: null, nextThreshold: null, gap: null, amountAtNext: null };
  }
  const target = p.target ? d(p.target) : null;
  if (r.basis === 'achievement' && !(target && target.gt(0))) return { current, nextTierIndex: null, nextThreshold: null, gap: null, amountAtNext: null };
  const idx = current.explanation.tierReached === null ? 0 : current.explanation.tierReached + 1;
  const t = r.tiers[idx];
  if (!t) return { current, nextTierIndex: null, nextThreshold: null, gap: null, amountAtNext: null };
  const nextBase = r.basis === 'achievement' ? target!.times(t.threshold).div(HUNDRED) : d(t.threshold);
  const at = computePartner(spec, { ...p, base: canon(nextBase) });
  return { current, nextTierIndex: idx, nextThreshold: t.threshold, gap: canon(nextBase.minus(p.base)), amountAtNext: at.amount };
}
