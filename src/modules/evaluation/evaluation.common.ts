import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { notFound, validationError } from '../../platform/errors.js';
import { formatFixed, isUuid, iso, type Actor, type Period } from '../../platform/kernel/index.js';
import type { Work } from '../../platform/store.js';
import type { Partner, PartnerAction } from '../onboarding/contract.js';
import { validateTemplate, type GradeBand, type KpiDef, type TemplateDef } from './evaluation.rules.js';
import type { Run, Template, TemplateVersion } from './evaluation.schemas.js';
import { evaluationRuns, scorecardTemplates, scorecardTemplateVersions } from './evaluation.tables.js';

/** What the evaluation services share: scopes, events, row mappers and the lookups of templates and runs. */

export const READ = 'evaluations:read';
export const WRITE = 'evaluations:write';

export const EVALUATION_EVENTS = {
  finalised: 'evaluation.finalised',
  actionAccepted: 'evaluation.action_accepted',
  actionApprovalRequested: 'evaluation.action_approval_requested',
  actionApprovalRejected: 'evaluation.action_approval_rejected',
  warningOpened: 'warning.opened',
  warningClosed: 'warning.closed',
} as const;

/**
 * Ports the composition root wires (services of modules before evaluation, reached without importing them):
 * `periods` resolves period labels with the tenant's fiscal year (target); `partners` is the onboarding
 * PartnerService, whose own audited writes accepted actions perform (tier change, lifecycle transition).
 */
export interface PeriodPort {
  period(actor: Actor, label: string, path?: string): Promise<Period>;
}
export interface PartnerPort {
  get(actor: Actor, id: string): Promise<Partner>;
  update(actor: Actor, id: string, input: unknown): Promise<Partner>;
  transition(actor: Actor, id: string, action: string, reason?: string): Promise<Partner>;
  /** the same audited update inside the caller's transaction (an approval chain's last decision applies a tier change) */
  updateInWork(w: Work, id: string, input: unknown): Promise<Partner>;
  /** the same audited lifecycle transition inside the caller's transaction (an approval chain's last decision) */
  transitionInWork(w: Work, id: string, action: PartnerAction, reason: string | null): Promise<Partner>;
}

export type VersionRow = typeof scorecardTemplateVersions.$inferSelect;
export type TemplateRow = typeof scorecardTemplates.$inferSelect;
export type RunRow = typeof evaluationRuns.$inferSelect;

/** Normalises a definition from input (numbers to strings, optional keys dropped). */
export function toDef(input: { kpis: KpiDef[]; gradeBands: GradeBand[] }): TemplateDef {
  return {
    kpis: input.kpis.map((k) => {
      const out: KpiDef = { code: k.code, name: k.name, weight: k.weight, direction: k.direction, source: k.source, scoring: k.scoring };
      if (k.kind) out.kind = k.kind;
      if (k.defaultValue !== undefined) out.defaultValue = k.defaultValue;
      if (k.scoring.type === 'linear') {
        out.scoring = { type: 'linear', floor: k.scoring.floor, target: k.scoring.target, ...(k.scoring.cap !== undefined ? { cap: k.scoring.cap } : {}) };
      } else {
        out.scoring = {
          type: 'banded',
          bands: k.scoring.bands.map((b) => ({ threshold: b.threshold, score: b.score })),
          ...(k.scoring.otherwise !== undefined ? { otherwise: k.scoring.otherwise } : {}),
        };
      }
      return out;
    }),
    gradeBands: input.gradeBands.map((b) => ({ grade: b.grade, min: b.min })),
  };
}

export function checkDef(def: TemplateDef) {
  const issues = validateTemplate(def);
  if (issues.length) throw validationError(issues);
}

export function toVersion(v: VersionRow): TemplateVersion {
  return { versionNo: v.versionNo, kpis: v.kpis, gradeBands: v.gradeBands, note: v.note, used: v.usedAt !== null, createdAt: iso(v.createdAt)! };
}

export function toTemplate(t: TemplateRow, v: VersionRow): Template {
  return {
    id: t.id,
    code: t.code,
    name: t.name,
    latestVersion: t.latestVersion,
    version: t.version,
    current: toVersion(v),
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}

export function toRun(r: RunRow, templateCode: string): Run {
  return {
    id: r.id,
    templateId: r.templateId,
    templateCode,
    templateVersion: r.templateVersion,
    period: r.period,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    status: r.status,
    allowDefaults: r.allowDefaults,
    partnerCount: r.partnerCount,
    completeCount: r.completeCount,
    incompleteCount: r.partnerCount - r.completeCount,
    createdBy: r.createdBy,
    createdAt: iso(r.createdAt)!,
    finalisedAt: iso(r.finalisedAt),
    finalisedBy: r.finalisedBy,
    version: r.version,
  };
}

/** "12.5000" -> "12.5", "3.0000" -> "3" (numeric text as stored, trailing zeros dropped). */
/** A computed KPI value, score or weighted score at the fixed scale (4 decimals; README "Decimals in JSON"). */
export const fixedOrNull = (v: string | null): string | null => (v === null ? null : formatFixed(v));

export function trimDec(v: string | null): string | null {
  if (v === null) return null;
  if (!v.includes('.')) return v;
  return v.replace(/0+$/, '').replace(/\.$/, '');
}

const templateCond = (idOrCode: string) => (isUuid(idOrCode) ? eq(scorecardTemplates.id, idOrCode) : eq(scorecardTemplates.code, idOrCode));

export async function findTemplate(db: Db, tenantId: string, idOrCode: string): Promise<TemplateRow> {
  const [t] = await db
    .select()
    .from(scorecardTemplates)
    .where(and(eq(scorecardTemplates.tenantId, tenantId), templateCond(idOrCode)));
  if (!t) throw notFound('scorecard template', idOrCode);
  return t;
}

export async function lockTemplate(w: Work, idOrCode: string): Promise<TemplateRow> {
  const [t] = await w.tx
    .select()
    .from(scorecardTemplates)
    .where(and(eq(scorecardTemplates.tenantId, w.tenantId), templateCond(idOrCode)))
    .for('update');
  if (!t) throw notFound('scorecard template', idOrCode);
  return t;
}

/** A template's version, or undefined; `lock` holds it for the rest of the transaction. */
export async function versionRow(db: Db, tenantId: string, templateId: string, versionNo: number, lock = false): Promise<VersionRow | undefined> {
  const q = db
    .select()
    .from(scorecardTemplateVersions)
    .where(
      and(
        eq(scorecardTemplateVersions.tenantId, tenantId),
        eq(scorecardTemplateVersions.templateId, templateId),
        eq(scorecardTemplateVersions.versionNo, versionNo),
      ),
    );
  const [v] = lock ? await q.for('update') : await q;
  return v;
}

export async function findVersion(db: Db, tenantId: string, templateId: string, versionNo: number): Promise<VersionRow> {
  const v = await versionRow(db, tenantId, templateId, versionNo);
  if (!v) throw notFound('scorecard template version', String(versionNo));
  return v;
}

/** A run with its template's code, optionally locked. */
export async function runRow(db: Db, tenantId: string, id: string, lock = false): Promise<{ run: RunRow; code: string }> {
  if (!isUuid(id)) throw notFound('evaluation run', id);
  const q = db
    .select({ run: evaluationRuns, code: scorecardTemplates.code })
    .from(evaluationRuns)
    .innerJoin(scorecardTemplates, and(eq(scorecardTemplates.tenantId, evaluationRuns.tenantId), eq(scorecardTemplates.id, evaluationRuns.templateId)))
    .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, id)));
  const [r] = lock ? await q.for('update', { of: evaluationRuns }) : await q;
  if (!r) throw notFound('evaluation run', id);
  return r;
}
