/**
 * Pure rules of the policy module: scope precedence, price selection, discount steps, money rounding, terms merge
 * and the price-violation verdict. No I/O: the services load candidates set-based and call these.
 */
import { canon, Dec, dec, minorUnits } from '../../platform/kernel/index.js';
import type { DiscountRule, ScopeKind, TermField } from './policy.schemas.js';

export interface ScopeRef {
  kind: ScopeKind;
  value: string | null;
}

export interface PartnerFacts {
  id: string;
  type: string;
  channel: string;
  tier: string | null;
}

/**
 * The scopes that apply to a partner, most specific first. A partner whose channel is 'both' matches channel
 * scopes only when the sale channel is given.
 */
export function partnerScopes(p: PartnerFacts, saleChannel?: 'online' | 'offline'): ScopeRef[] {
  const out: ScopeRef[] = [{ kind: 'partner', value: p.id }];
  if (p.tier) out.push({ kind: 'tier', value: p.tier });
  out.push({ kind: 'partner_type', value: p.type });
  const ch = saleChannel ?? (p.channel === 'online' || p.channel === 'offline' ? p.channel : undefined);
  if (ch) out.push({ kind: 'channel', value: ch });
  out.push({ kind: 'default', value: null });
  return out;
}

export const scopeKey = (s: ScopeRef) => `${s.kind}:${s.value ?? ''}`;

const RANKS = new WeakMap<readonly ScopeRef[], ReadonlyMap<string, number>>();
/** Precedence of each scope (by scopeKey, 0 = most specific), computed once per scopes array. */
function rankOf(scopes: readonly ScopeRef[]): ReadonlyMap<string, number> {
  let rank = RANKS.get(scopes);
  if (!rank) RANKS.set(scopes, (rank = new Map(scopes.map((s, i) => [scopeKey(s), i]))));
  return rank;
}

/** Inclusive calendar-date window; ISO dates compare as strings. */
export function effectiveOn(from: string | null, to: string | null, date: string): boolean {
  return from !== null && from <= date && (to === null || to >= date);
}

/** Whether two inclusive windows (null end = open) share a day. */
export function windowsOverlap(aFrom: string, aTo: string | null, bFrom: string, bTo: string | null): boolean {
  return (bTo === null || aFrom <= bTo) && (aTo === null || bFrom <= aTo);
}

// ---- price selection -------------------------------------------------------------------------------------------

export interface PriceCandidate {
  policyId: string;
  policyCode: string;
  policyName: string;
  currency: string;
  versionId: string;
  versionNumber: number;
  scope: ScopeRef;
  effectiveFrom: string;
  effectiveTo: string | null;
  publishedAt: string;
  discountRules: DiscountRule[];
  priceLineId: string;
  productId: string | null;
  lineId: string | null;
  distributionPrice: string;
  suggestedRetailPrice: string;
  minResalePrice: string | null;
}

export type LossReason = 'less_specific' | 'superseded_version' | 'not_in_force';

export interface Selection {
  winner: PriceCandidate | null;
  level: 'product' | 'product_line' | null;
  /**
   * every other candidate of the partner's scopes for the product or its line, each with why it lost: first the
   * ones in force on the date in precedence order (`less_specific`: a less specific scope, or the line's price
   * where the product has one; `superseded_version`: same scope and level, an earlier effective or published
   * version), then the ones not in force on the date, latest effective first, then by policy code and latest
   * version (`superseded_version` when a later version of the same policy is in force, else `not_in_force`)
   */
  passedOver: { c: PriceCandidate; level: 'product' | 'product_line'; lost: LossReason }[];
  reason: string;
}

/**
 * Picks the one price for a product on a date among published candidates: only candidates of the partner's
 * scopes, effective on the date, pricing the product or its line. Order: scope precedence (partner > tier >
 * partner type > channel > default), then product before product line, then the latest effective version
 * (latest effectiveFrom, then latest publication).
 */
export function selectPrice(
  candidates: readonly PriceCandidate[],
  q: { scopes: readonly ScopeRef[]; productId: string; lineId: string | null; date: string },
): Selection {
  const rank = rankOf(q.scopes);
  const applicable: { c: PriceCandidate; level: 'product' | 'product_line'; r: number }[] = [];
  const outOfDate: { c: PriceCandidate; level: 'product' | 'product_line'; lost: LossReason }[] = [];
  for (const c of candidates) {
    const r = rank.get(scopeKey(c.scope));
    if (r === undefined) continue;
    const level =
      c.productId !== null && c.productId === q.productId ? 'product' : c.lineId !== null && q.lineId !== null && c.lineId === q.lineId ? 'product_line' : null;
    if (!level) continue;
    if (!effectiveOn(c.effectiveFrom, c.effectiveTo, q.date)) outOfDate.push({ c, level, lost: 'not_in_force' });
    else applicable.push({ c, level, r });
  }
  // latest effective first; on a tie by policy code, latest version, product before line, price line (the candidates
  // come in no set order: the same resolution listed them in different orders, REST and GraphQL, a flaky test)
  outOfDate.sort(
    (a, b) =>
      (a.c.effectiveFrom < b.c.effectiveFrom ? 1 : a.c.effectiveFrom > b.c.effectiveFrom ? -1 : 0) ||
      (a.c.policyCode < b.c.policyCode ? -1 : a.c.policyCode > b.c.policyCode ? 1 : 0) ||
      b.c.versionNumber - a.c.versionNumber ||
      (a.level === b.level ? 0 : a.level === 'product' ? -1 : 1) ||
      (a.c.priceLineId < b.c.priceLineId ? -1 : a.c.priceLineId > b.c.priceLineId ? 1 : 0),
  );
  // a version not in force whose own policy has a later version in force on the date was superseded by it
  for (const o of outOfDate) if (applicable.some((a) => a.c.policyId === o.c.policyId && a.c.versionNumber > o.c.versionNumber)) o.lost = 'superseded_version';
  applicable.sort(
    (a, b) =>
      a.r - b.r ||
      (a.level === b.level ? 0 : a.level === 'product' ? -1 : 1) ||
      (a.c.effectiveFrom < b.c.effectiveFrom ? 1 : a.c.effectiveFrom > b.c.effectiveFrom ? -1 : 0) ||
      (a.c.publishedAt < b.c.publishedAt ? 1 : a.c.publishedAt > b.c.publishedAt ? -1 : 0),
  );
  const [first, ...rest] = applicable;
  if (!first) {
    return {
      winner: null,
      level: null,
      passedOver: outOfDate,
      reason: `no published price for this product or its line in any of the partner's scopes (${q.scopes.map((s) => s.kind).join(' > ')}) on ${q.date}`,
    };
  }
  const w = first.c;
  const parts = [
    `scope '${w.scope.kind}'${w.scope.value ? ` (${w.scope.value})` : ''} is the most specific of the partner's scopes with a price on ${q.date}`,
    first.level === 'product' ? 'a product price' : "the product line's price (no product price in this scope)",
    `version ${w.versionNumber} of policy '${w.policyCode}', effective ${w.effectiveFrom}..${w.effectiveTo ?? 'open'}`,
  ];
  const sameScopeLosers = rest.filter((x) => x.r === first.r);
  if (sameScopeLosers.length)
    parts.push(`beats ${sameScopeLosers.length} other price(s) in the same scope (product before line, then the latest effective version)`);
  if (rest.length > sameScopeLosers.length) parts.push(`beats ${rest.length - sameScopeLosers.length} price(s) of less specific scopes`);
  if (outOfDate.length) parts.push(`${outOfDate.length} price(s) of the partner's scopes are not in force on ${q.date}`);
  const lost = (x: { r: number; level: string }): LossReason => (x.r === first.r && x.level === first.level ? 'superseded_version' : 'less_specific');
  return {
    winner: w,
    level: first.level,
    passedOver: [...rest.map((x) => ({ c: x.c, level: x.level, lost: lost(x) })), ...outOfDate],
    reason: parts.join('; '),
  };
}

// ---- discounts -------------------------------------------------------------------------------------------------

export interface DiscountStepOut {
  rule: 'volume_quantity' | 'volume_amount' | 'payment_term';
  basis: string;
  ratePercent: string;
  base: string;
  amount: string;
}

export interface PriceComputation {
  grossAmount: string;
  discounts: DiscountStepOut[];
  netAmount: string;
  netUnitPrice: string;
}

/**
 * Applies a version's discount rules to one line, in this order:
 *  1. gross = distribution price x quantity, rounded half-up to the minor unit;
 *  2. volume tier: the highest tier whose `min` the line reached (quantity, or gross amount), rate x gross;
 *  3. payment term: among tiers with withinDays >= paymentTermDays, the highest rate, applied to the amount
 *     left after step 2 (discounts compound, they do not add up on the gross);
 * each step's amount rounded half-up to the minor unit; net = gross - steps (so the chain adds up exactly).
 */
export function computeLine(input: {
  unitPrice: string;
  quantity: string;
  currency: string;
  rules: readonly DiscountRule[];
  paymentTermDays?: number | null;
}): PriceComputation {
  // each amount is rounded once, kept as a decimal and written once (the same values as rounding its string again)
  const n = minorUnits(input.currency);
  const qty = dec(input.quantity);
  const gross = dec(input.unitPrice).mul(qty).toDecimalPlaces(n, Dec.ROUND_HALF_UP);
  const grossText = gross.toFixed(n);
  const steps: DiscountStepOut[] = [];
  let running = gross;
  const volume = input.rules.find((r) => r.kind === 'volume');
  if (volume && volume.kind === 'volume') {
    const basisValue = volume.basis === 'quantity' ? qty : gross;
    let best: { min: string; ratePercent: string } | undefined;
    for (const t of volume.tiers) if (basisValue.gte(t.min) && (!best || dec(t.min).gt(best.min))) best = t;
    if (best && dec(best.ratePercent).gt(0)) {
      const amount = gross.mul(best.ratePercent).div(100).toDecimalPlaces(n, Dec.ROUND_HALF_UP);
      steps.push({
        rule: volume.basis === 'quantity' ? 'volume_quantity' : 'volume_amount',
        basis: `${volume.basis} ${volume.basis === 'quantity' ? canon(qty) : grossText} >= ${canon(best.min)}`,
        ratePercent: canon(best.ratePercent),
        base: grossText,
        amount: amount.toFixed(n),
      });
      running = running.minus(amount);
    }
  }
  const term = input.rules.find((r) => r.kind === 'payment_term');
  if (term && term.kind === 'payment_term' && input.paymentTermDays != null) {
    let best: { withinDays: number; ratePercent: string } | undefined;
    for (const t of term.tiers) {
      if (input.paymentTermDays <= t.withinDays && (!best || dec(t.ratePercent).gt(best.ratePercent))) best = t;
    }
    if (best && dec(best.ratePercent).gt(0)) {
      const amount = running.mul(best.ratePercent).div(100).toDecimalPlaces(n, Dec.ROUND_HALF_UP);
      steps.push({
        rule: 'payment_term',
        basis: `paid within ${input.paymentTermDays} days <= ${best.withinDays}`,
        ratePercent: canon(best.ratePercent),
        base: running.toFixed(n),
        amount: amount.toFixed(n),
      });
      running = running.minus(amount);
    }
  }
  return {
    grossAmount: grossText,
    discounts: steps,
    netAmount: running.toFixed(n),
    netUnitPrice: running.div(qty).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed(4),
  };
}

// ---- deviations and violations ---------------------------------------------------------------------------------

export interface DeviationFacts {
  id: string;
  partnerId: string;
  productId: string;
  kind: 'below_min_resale' | 'above_list';
  price: string;
  validFrom: string;
  validTo: string;
}

/**
 * The approved deviation that applies on a date: the latest starting one if several; of several starting the same
 * day, the latest requested (ids are uuidv7, in creation order), whatever order the database returned them in.
 */
export function pickDeviation(devs: readonly DeviationFacts[], partnerId: string, productId: string, date: string): DeviationFacts | null {
  let best: DeviationFacts | null = null;
  for (const d of devs) {
    if (d.partnerId !== partnerId || d.productId !== productId || !effectiveOn(d.validFrom, d.validTo, date)) continue;
    if (!best || d.validFrom > best.validFrom || (d.validFrom === best.validFrom && d.id > best.id)) best = d;
  }
  return best;
}

/** How a deviation price relates to the resolved prices: which kind of deviation it is, or why none is needed. */
export function deviationKind(price: string, minResale: string | null, retail: string): 'below_min_resale' | 'above_list' | null {
  if (minResale !== null && dec(price).lt(minResale)) return 'below_min_resale';
  if (dec(price).gt(retail)) return 'above_list';
  return null;
}

/**
 * An observed resale price breaks the policy when it is below the floor: the resolved minimum resale price, or
 * the price of an approved below-minimum deviation covering the date for that partner, whichever is lower.
 */
export function violationVerdict(
  observed: string,
  minResale: string | null,
  deviation: DeviationFacts | null,
): { isViolation: boolean; floor: string | null; shortfall: string | null } {
  if (minResale === null) return { isViolation: false, floor: null, shortfall: null };
  let floor = dec(minResale);
  if (deviation && deviation.kind === 'below_min_resale' && dec(deviation.price).lt(floor)) floor = dec(deviation.price);
  const obs = dec(observed);
  if (obs.gte(floor)) return { isViolation: false, floor: floor.toFixed(4), shortfall: null };
  return { isViolation: true, floor: floor.toFixed(4), shortfall: floor.minus(obs).toFixed(4) };
}

// ---- channel terms ---------------------------------------------------------------------------------------------

export interface TermsCandidate {
  id: string;
  scope: ScopeRef;
  effectiveFrom: string;
  effectiveTo: string | null;
  fields: Partial<Record<TermField, unknown>>;
}

/** Field by field, the value of the most specific scope whose effective terms set it (null fields inherit). */
export function mergeTerms(cands: readonly TermsCandidate[], scopes: readonly ScopeRef[], date: string, fields: readonly TermField[]) {
  const rank = new Map(scopes.map((s, i) => [scopeKey(s), i]));
  const live = cands
    .filter((c) => rank.has(scopeKey(c.scope)) && effectiveOn(c.effectiveFrom, c.effectiveTo, date))
    .sort((a, b) => rank.get(scopeKey(a.scope))! - rank.get(scopeKey(b.scope))! || (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  const out = {} as Record<TermField, { value: unknown; scope: ScopeRef | null; termsId: string | null }>;
  for (const f of fields) {
    const hit = live.find((c) => c.fields[f] !== null && c.fields[f] !== undefined);
    out[f] = hit ? { value: hit.fields[f], scope: hit.scope, termsId: hit.id } : { value: null, scope: null, termsId: null };
  }
  return out;
}
