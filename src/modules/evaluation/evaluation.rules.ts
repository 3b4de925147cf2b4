import { dec, Dec, formatFixed } from '../../platform/kernel/index.js';

/**
 * Pure evaluation rules: KPI scoring, weighting, grading, ranking, template validation and period ranges.
 * No I/O. The run computes the same arithmetic set-based in SQL (evaluation.sql.ts); these functions are the
 * reference (unit-tested at every boundary) and score simulations over stored KPI values.
 *
 * Arithmetic (documented in docs/evaluation.md):
 * - a KPI score is rounded half-up to 4 decimals; a weighted total is sum(score x weight / 100) of the rounded
 *   scores, rounded half-up to 2 decimals; the grade is taken from the rounded total.
 * - linear: score = clamp(100 x (value - floor) / (target - floor), 0, cap). For "higher is better" target >
 *   floor; for "lower is better" target < floor (the floor is the worst acceptable value), so one formula serves
 *   both. cap defaults to 100 (set it above 100 to reward over-achievement).
 * - banded: bands are thresholds with a score. Higher is better: the band with the greatest threshold <= value;
 *   lower is better: the band with the smallest threshold >= value; no band reached: `otherwise` (default 0).
 * - ranking: competition ranking ("1224") over complete results ordered by total descending; ties share the
 *   rank and are listed by partner code ascending. Incomplete results get no rank and no grade.
 */

export const KPI_KINDS = [
  'target_achievement',
  'growth_yoy',
  'collection_rate',
  'inventory_days',
  'price_violations',
  'cross_region_violations',
  'training_completion',
] as const;
export type KpiKind = (typeof KPI_KINDS)[number];

export const ACTION_TYPES = ['tier_up', 'tier_down', 'warning', 'renewal_recommended', 'termination_review', 'incentive_eligibility'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export type Direction = 'higher' | 'lower';

export interface Band {
  threshold: string;
  score: string;
}

export type ScoringRule =
  { type: 'linear'; floor: string; target: string; cap?: string | undefined } | { type: 'banded'; bands: Band[]; otherwise?: string | undefined };

export interface KpiDef {
  code: string;
  name: string;
  weight: string;
  direction: Direction;
  source: 'computed' | 'manual';
  kind?: KpiKind | undefined;
  scoring: ScoringRule;
  /** value used for a missing manual value when a run allows defaults */
  defaultValue?: string | undefined;
}

export interface GradeBand {
  grade: string;
  min: string;
}

export interface TemplateDef {
  kpis: KpiDef[];
  gradeBands: GradeBand[];
}

export interface RuleIssue {
  path: string;
  message: string;
}

/** Score of one value under a rule (4 decimals, half-up). */
export function scoreKpi(value: string | Dec, direction: Direction, rule: ScoringRule): Dec {
  const v = dec(value);
  if (rule.type === 'linear') {
    const floor = dec(rule.floor);
    const target = dec(rule.target);
    const cap = dec(rule.cap ?? '100');
    const raw = v.minus(floor).times(100).div(target.minus(floor));
    return Dec.min(Dec.max(raw, 0), cap).toDecimalPlaces(4);
  }
  let best: Band | undefined;
  for (const b of rule.bands) {
    const t = dec(b.threshold);
    if (direction === 'higher' ? v.gte(t) : v.lte(t)) {
      if (!best || (direction === 'higher' ? t.gt(dec(best.threshold)) : t.lt(dec(best.threshold)))) best = b;
    }
  }
  return dec(best ? best.score : (rule.otherwise ?? '0')).toDecimalPlaces(4);
}

/** Weighted total of (rounded) scores: sum(score x weight / 100), 2 decimals half-up. */
export function weightedTotal(parts: { score: string | Dec; weight: string | Dec }[]): Dec {
  let sum = new Dec(0);
  for (const p of parts) sum = sum.plus(dec(p.score).times(dec(p.weight)).div(100));
  return sum.toDecimalPlaces(2);
}

/** weight x score / 100, unrounded (shown per KPI). */
export function weighted(score: string | Dec, weight: string | Dec): Dec {
  return dec(score).times(dec(weight)).div(100);
}

/** The first band (highest min first) whose min the total reaches. Bands are validated to end at 0. */
export function gradeFor(total: string | Dec, bands: GradeBand[]): string | null {
  const t = dec(total);
  const sorted = [...bands].sort((a, b) => dec(b.min).cmp(dec(a.min)));
  for (const b of sorted) if (t.gte(dec(b.min))) return b.grade;
  return null;
}

/**
 * Competition ranking ("1224"): ordered by total descending, ties share a rank, the next rank skips; rows of equal
 * total are listed by code ascending. Rows with a null total (incomplete) come last with rank null.
 */
export function rank<T extends { code: string; total: string | Dec | null }>(rows: T[]): (T & { rank: number | null })[] {
  const complete = rows.filter((r) => r.total !== null);
  const incomplete = rows.filter((r) => r.total === null).sort((a, b) => cmpCode(a.code, b.code));
  complete.sort((a, b) => dec(b.total!).cmp(dec(a.total!)) || cmpCode(a.code, b.code));
  const out: (T & { rank: number | null })[] = [];
  let prev: Dec | undefined;
  let prevRank = 0;
  complete.forEach((r, i) => {
    const t = dec(r.total!);
    const rk = prev && t.eq(prev) ? prevRank : i + 1;
    prev = t;
    prevRank = rk;
    out.push({ ...r, rank: rk });
  });
  for (const r of incomplete) out.push({ ...r, rank: null });
  return out;
}

/** Byte order (what PostgreSQL's "C" collation gives); used for ties in SQL too (`order by code collate "C"`). */
function cmpCode(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ScoredKpi {
  code: string;
  value: string | null;
  score: string | null;
  weight: string;
  weighted: string | null;
  defaulted: boolean;
}

export interface PartnerScore {
  complete: boolean;
  missing: string[];
  kpis: ScoredKpi[];
  total: string | null;
  grade: string | null;
}

/** Scores one partner's KPI values under a template (simulation uses it over stored values). */
export function scorePartner(def: TemplateDef, values: Record<string, string | null | undefined>, allowDefaults = false): PartnerScore {
  const kpis: ScoredKpi[] = [];
  const missing: string[] = [];
  for (const k of def.kpis) {
    let v = values[k.code] ?? null;
    let defaulted = false;
    if (v === null && allowDefaults && k.defaultValue !== undefined) {
      v = k.defaultValue;
      defaulted = true;
    }
    if (v === null) {
      missing.push(k.code);
      kpis.push({ code: k.code, value: null, score: null, weight: k.weight, weighted: null, defaulted });
      continue;
    }
    const s = scoreKpi(v, k.direction, k.scoring);
    kpis.push({ code: k.code, value: formatFixed(v), score: formatFixed(s), weight: k.weight, weighted: formatFixed(weighted(s, k.weight)), defaulted });
  }
  if (missing.length) return { complete: false, missing, kpis, total: null, grade: null };
  const total = weightedTotal(kpis.map((k) => ({ score: k.score!, weight: k.weight })));
  return { complete: true, missing, kpis, total: total.toFixed(2), grade: gradeFor(total, def.gradeBands) };
}

/** Everything wrong with a template definition (weights, directions, rules, bands); empty when valid. */
/** The largest score numeric(9,4) stores; a template must not be able to produce more. */
const MAX_SCORE = '99999.9999';

export function validateTemplate(def: TemplateDef): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const codes = new Set<string>();
  let sum = new Dec(0);
  def.kpis.forEach((k, i) => {
    const p = `kpis.${i}`;
    if (codes.has(k.code)) issues.push({ path: `${p}.code`, message: `duplicate KPI code '${k.code}'` });
    codes.add(k.code);
    const w = dec(k.weight);
    if (w.lte(0)) issues.push({ path: `${p}.weight`, message: 'must be greater than 0' });
    sum = sum.plus(w);
    if (k.source === 'computed' && !k.kind) issues.push({ path: `${p}.kind`, message: `a computed KPI needs a kind (${KPI_KINDS.join(', ')})` });
    if (k.source === 'manual' && k.kind && k.kind !== 'training_completion') {
      issues.push({ path: `${p}.kind`, message: `a manual KPI takes no kind other than training_completion` });
    }
    const r = k.scoring;
    if (r.type === 'linear') {
      const floor = dec(r.floor);
      const target = dec(r.target);
      if (k.direction === 'higher' && !target.gt(floor))
        issues.push({ path: `${p}.scoring.target`, message: 'higher is better: target must be greater than floor' });
      if (k.direction === 'lower' && !target.lt(floor))
        issues.push({ path: `${p}.scoring.target`, message: 'lower is better: target must be less than floor (the floor is the worst acceptable value)' });
      if (r.cap !== undefined && dec(r.cap).lt(100)) issues.push({ path: `${p}.scoring.cap`, message: 'must be at least 100' });
      if (r.cap !== undefined && dec(r.cap).gt(MAX_SCORE))
        issues.push({ path: `${p}.scoring.cap`, message: `must be at most ${MAX_SCORE} (scores are stored as numeric(9,4))` });
    } else {
      if (!r.bands.length) issues.push({ path: `${p}.scoring.bands`, message: 'needs at least one band' });
      const seen = new Set<string>();
      r.bands.forEach((b, j) => {
        const key = dec(b.threshold).toFixed();
        if (seen.has(key)) issues.push({ path: `${p}.scoring.bands.${j}.threshold`, message: `duplicate threshold ${key}` });
        seen.add(key);
        if (dec(b.score).lt(0)) issues.push({ path: `${p}.scoring.bands.${j}.score`, message: 'must not be negative' });
        if (dec(b.score).gt(MAX_SCORE))
          issues.push({ path: `${p}.scoring.bands.${j}.score`, message: `must be at most ${MAX_SCORE} (scores are stored as numeric(9,4))` });
      });
      if (r.otherwise !== undefined && dec(r.otherwise).abs().gt(MAX_SCORE))
        issues.push({ path: `${p}.scoring.otherwise`, message: `must be between -${MAX_SCORE} and ${MAX_SCORE} (scores are stored as numeric(9,4))` });
      // the better the threshold, the higher (or equal) its score
      const ordered = [...r.bands].sort((a, b) => dec(a.threshold).cmp(dec(b.threshold)));
      if (k.direction === 'lower') ordered.reverse();
      for (let j = 1; j < ordered.length; j++) {
        if (dec(ordered[j]!.score).lt(dec(ordered[j - 1]!.score))) {
          issues.push({ path: `${p}.scoring.bands`, message: 'a better threshold must not score less than a worse one' });
          break;
        }
      }
    }
  });
  if (!def.kpis.length) issues.push({ path: 'kpis', message: 'needs at least one KPI' });
  if (def.kpis.length && !sum.eq(100)) issues.push({ path: 'kpis', message: `weights must sum to 100; they sum to ${sum.toFixed()}` });
  const grades = new Set<string>();
  const mins = new Set<string>();
  let hasZero = false;
  def.gradeBands.forEach((b, i) => {
    if (grades.has(b.grade)) issues.push({ path: `gradeBands.${i}.grade`, message: `duplicate grade '${b.grade}'` });
    grades.add(b.grade);
    const m = dec(b.min);
    if (m.lt(0)) issues.push({ path: `gradeBands.${i}.min`, message: 'must not be negative' });
    if (mins.has(m.toFixed())) issues.push({ path: `gradeBands.${i}.min`, message: `two grades start at ${m.toFixed()}` });
    mins.add(m.toFixed());
    if (m.eq(0)) hasZero = true;
  });
  if (!def.gradeBands.length) issues.push({ path: 'gradeBands', message: 'needs at least one grade' });
  else if (!hasZero) issues.push({ path: 'gradeBands', message: 'the lowest grade must start at 0 so that every total gets a grade' });
  return issues;
}

// ------------------------------------------------------------------ periods
// The target module owns the period parser (fiscal years); until it is merged, calendar periods are parsed here.

export interface PeriodRange {
  label: string;
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** `2026`, `2026-Q3`, `2026-07` -> first and last day; null when not a period. */
export function calendarPeriod(text: string): PeriodRange | null {
  const m = /^(\d{4})(?:-Q([1-4])|-(\d{2}))?$/.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  if (y < 1900 || y > 9998) return null;
  if (m[2]) {
    const q = Number(m[2]);
    const sm = (q - 1) * 3 + 1;
    return { label: text, start: `${y}-${pad(sm)}-01`, end: `${y}-${pad(sm + 2)}-${pad(lastDay(y, sm + 2))}` };
  }
  if (m[3]) {
    const mo = Number(m[3]);
    if (mo < 1 || mo > 12) return null;
    return { label: text, start: `${y}-${pad(mo)}-01`, end: `${y}-${pad(mo)}-${pad(lastDay(y, mo))}` };
  }
  return { label: text, start: `${y}-01-01`, end: `${y}-12-31` };
}

// ------------------------------------------------------------------ actions

export interface ActionCondition {
  /** the run's grade is one of these */
  grades?: string[] | undefined;
  /** ... in this many consecutive finalised runs of the template, the current one included (default 1) */
  consecutive?: number | undefined;
  /** a KPI value condition */
  kpi?: { code: string; op: 'lt' | 'lte' | 'gt' | 'gte' | 'eq'; value: string } | undefined;
}

/** Whether a result meets a rule's condition; history is the partner's earlier grades, newest first. */
export function conditionMet(
  cond: ActionCondition,
  result: { grade: string | null; kpis: { code: string; value: string | null }[] },
  history: (string | null)[],
): boolean {
  if (cond.grades) {
    const n = cond.consecutive ?? 1;
    const seq = [result.grade, ...history].slice(0, n);
    if (seq.length < n || !seq.every((g) => g !== null && cond.grades!.includes(g))) return false;
  }
  if (cond.kpi) {
    const v = result.kpis.find((k) => k.code === cond.kpi!.code)?.value;
    if (v === null || v === undefined) return false;
    const c = dec(v).cmp(dec(cond.kpi.value));
    const ok = { lt: c < 0, lte: c <= 0, gt: c > 0, gte: c >= 0, eq: c === 0 }[cond.kpi.op];
    if (!ok) return false;
  }
  return !!(cond.grades || cond.kpi);
}

/** The tier one step up or down a ladder (lowest first); null when there is none. */
export function nextTier(ladder: string[], current: string | null, action: 'tier_up' | 'tier_down'): string | null {
  if (current === null) return null;
  const i = ladder.indexOf(current);
  if (i < 0) return null;
  const j = action === 'tier_up' ? i + 1 : i - 1;
  return j >= 0 && j < ladder.length ? ladder[j]! : null;
}
