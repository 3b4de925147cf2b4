import { Dec, formatFixed, PERCENT_SCALE } from '../../platform/kernel/index.js';
import type { PartnerStatus } from './partners.schemas.js';

/**
 * Pure onboarding rules: lifecycle state machines, checklist and scorecard evaluation. No I/O.
 */

// ---------------------------------------------------------------- partner lifecycle

export const PARTNER_ACTIONS = ['review', 'approve', 'reject', 'activate', 'suspend', 'reinstate', 'terminate'] as const;
export type PartnerAction = (typeof PARTNER_ACTIONS)[number];
/** The actions exposed as REST/GraphQL lifecycle endpoints; the others are taken by the application flow. */
export const PUBLIC_PARTNER_ACTIONS = ['activate', 'suspend', 'reinstate', 'terminate'] as const;

const PARTNER_MACHINE: Record<PartnerAction, { from: readonly PartnerStatus[]; to: PartnerStatus }> = {
  review: { from: ['applicant'], to: 'under_review' },
  approve: { from: ['applicant', 'under_review'], to: 'approved' },
  reject: { from: ['applicant', 'under_review'], to: 'rejected' },
  activate: { from: ['approved'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'active' },
  terminate: { from: ['approved', 'active', 'suspended'], to: 'terminated' },
};

/** Actions allowed from a status (in PARTNER_ACTIONS order). */
export function allowedPartnerActions(from: PartnerStatus): PartnerAction[] {
  return PARTNER_ACTIONS.filter((a) => PARTNER_MACHINE[a].from.includes(from));
}

export type TransitionResult<S, A> = { ok: true; to: S } | { ok: false; allowed: A[] };

export function partnerTransition(from: PartnerStatus, action: PartnerAction): TransitionResult<PartnerStatus, PartnerAction> {
  const rule = PARTNER_MACHINE[action];
  if (rule && rule.from.includes(from)) return { ok: true, to: rule.to };
  return { ok: false, allowed: allowedPartnerActions(from) };
}

// ---------------------------------------------------------------- applications

export const APPLICATION_STATUSES = ['draft', 'submitted', 'under_review', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const APPLICATION_ACTIONS = ['submit', 'review', 'approve', 'reject', 'withdraw'] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

const APPLICATION_MACHINE: Record<ApplicationAction, { from: readonly ApplicationStatus[]; to: ApplicationStatus }> = {
  submit: { from: ['draft'], to: 'submitted' },
  review: { from: ['submitted'], to: 'under_review' },
  approve: { from: ['under_review'], to: 'approved' },
  reject: { from: ['submitted', 'under_review'], to: 'rejected' },
  withdraw: { from: ['draft', 'submitted', 'under_review'], to: 'withdrawn' },
};

export function applicationTransition(from: ApplicationStatus, action: ApplicationAction): TransitionResult<ApplicationStatus, ApplicationAction> {
  const rule = APPLICATION_MACHINE[action];
  if (rule.from.includes(from)) return { ok: true, to: rule.to };
  return { ok: false, allowed: APPLICATION_ACTIONS.filter((a) => APPLICATION_MACHINE[a].from.includes(from)) };
}

// ---------------------------------------------------------------- agreements

/** `scheduled`: a renewal activated before its term starts; the sweep makes it active on its start date. */
export const AGREEMENT_STATUSES = ['draft', 'scheduled', 'active', 'expired', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export const AGREEMENT_END_REASONS = ['expiry', 'breach', 'mutual'] as const;
export type AgreementEndReason = (typeof AGREEMENT_END_REASONS)[number];

/** Ending an agreement: by expiry it becomes `expired`, by breach or mutual consent `terminated`. */
export function agreementEnd(from: AgreementStatus, reason: AgreementEndReason): TransitionResult<AgreementStatus, string> {
  if (from === 'scheduled') return reason === 'expiry' ? { ok: false, allowed: ['terminate'] } : { ok: true, to: 'terminated' };
  if (from !== 'active') return { ok: false, allowed: from === 'draft' ? ['activate'] : [] };
  return { ok: true, to: reason === 'expiry' ? 'expired' : 'terminated' };
}

export function agreementActivation(from: AgreementStatus): TransitionResult<AgreementStatus, string> {
  if (from === 'draft') return { ok: true, to: 'active' };
  return { ok: false, allowed: from === 'active' || from === 'scheduled' ? ['terminate'] : [] };
}

// ---------------------------------------------------------------- qualification checklist

export interface ChecklistKind {
  code: string;
  name: string;
  required: boolean;
}
export interface ChecklistResult {
  code: string;
  result: 'pass' | 'fail' | 'na';
}

/** Required items without a result, and required items that failed ('na' counts as satisfied). */
export function evaluateChecklist(kinds: ChecklistKind[], results: ChecklistResult[]): { missing: string[]; failed: string[]; complete: boolean } {
  const byCode = new Map(results.map((r) => [r.code, r.result]));
  const missing: string[] = [];
  const failed: string[] = [];
  for (const k of kinds) {
    if (!k.required) continue;
    const r = byCode.get(k.code);
    if (r === undefined) missing.push(k.code);
    else if (r === 'fail') failed.push(k.code);
  }
  return { missing, failed, complete: missing.length === 0 && failed.length === 0 };
}

// ---------------------------------------------------------------- screening scorecard

export interface Criterion {
  code: string;
  weight: string;
}

/** Weights must be positive and sum to exactly 100. Returns the error message, or null when valid. */
export function checkWeights(criteria: Criterion[]): string | null {
  if (!criteria.length) return null;
  const sum = criteria.reduce((s, c) => s.plus(new Dec(c.weight)), new Dec(0));
  if (!sum.equals(100)) return `weights must sum to 100; they sum to ${sum.toString()}`;
  return null;
}

export interface ScoreLine {
  criterion: string;
  weight: string;
  score: string | null;
  /** weight * score / 100, 4 decimals half-up; null when unscored */
  weighted: string | null;
}

/**
 * Weighted score and the breakdown; `missing` names unscored criteria. README "Decimals in JSON": scores and weighted
 * scores at 4 decimals, the total at 2 (half-up, and it is that rounded total which is compared with the minimum, as
 * an evaluation total is graded).
 */
export function weightedScore(criteria: Criterion[], scores: Record<string, string>): { total: string | null; breakdown: ScoreLine[]; missing: string[] } {
  const breakdown: ScoreLine[] = [];
  const missing: string[] = [];
  let total = new Dec(0);
  for (const c of criteria) {
    const s = scores[c.code];
    if (s === undefined) {
      missing.push(c.code);
      breakdown.push({ criterion: c.code, weight: new Dec(c.weight).toFixed(), score: null, weighted: null });
      continue;
    }
    const w = new Dec(c.weight).times(new Dec(s)).dividedBy(100);
    total = total.plus(w);
    breakdown.push({ criterion: c.code, weight: new Dec(c.weight).toFixed(), score: formatFixed(s), weighted: formatFixed(w) });
  }
  return { total: criteria.length && !missing.length ? formatFixed(total, PERCENT_SCALE) : null, breakdown, missing };
}

/** Whether a score reaches the tenant minimum (no minimum: always). */
export function meetsMinimum(total: string | null, minScore: string | null): boolean {
  if (minScore === null) return true;
  if (total === null) return false;
  return new Dec(total).greaterThanOrEqualTo(new Dec(minScore));
}

/** YYYY-MM-DD plus n days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
