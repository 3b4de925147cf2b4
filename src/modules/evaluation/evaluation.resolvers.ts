import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { DomainError } from '../../platform/errors.js';
import { toConnection } from '../../platform/pagination.js';
import type { Partner } from '../onboarding/partners.schemas.js';
import type { EvaluationService } from './evaluation.service.js';
import type { WarningService } from './evaluation.warnings.js';
import type { ReportService } from './evaluation.reports.js';

type Ctx = MercuriusContext;

/** GraphQL sends explicit nulls for unset optional inputs; the zod schemas want them absent. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, clean(x)])) as T;
  return v;
}

const first = (n: number | null | undefined) => {
  const v = n ?? 50;
  if (!Number.isInteger(v) || v < 1 || v > 500) throw new DomainError('VALIDATION_FAILED', 'first must be 1-500', { errors: [{ path: 'first', message: 'must be 1-500' }] });
  return v;
};

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

export function evaluationResolvers(svc: EvaluationService, warnings: WarningService, reports: ReportService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  /** one query for every partner in the batch (grouped by the template argument) */
  const historyLoader = (latest: boolean) => async (queries: { obj: Partner; params: { template?: string | null } }[], ctx: Ctx) => {
    const groups = new Map<string, number[]>();
    queries.forEach((q, i) => {
      const k = q.params.template ?? '';
      groups.set(k, [...(groups.get(k) ?? []), i]);
    });
    const out: unknown[] = new Array(queries.length);
    for (const [template, idx] of groups) {
      const lists = await svc.historyOf(ctx.actor, idx.map((i) => queries[i]!.obj.id), { ...(template ? { template } : {}), ...(latest ? { limit: 1 } : {}) });
      idx.forEach((i, j) => (out[i] = latest ? (lists[j]![0] ?? null) : lists[j]));
    }
    return out;
  };
  return {
    resolvers: {
      Query: {
        scorecardTemplate: (_: unknown, a: { idOrCode: string }, ctx: Ctx) => orNull(svc.getTemplate(ctx.actor, a.idOrCode)),
        scorecardTemplates: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
          toConnection(await svc.listTemplates(ctx.actor, { limit: first(a.first), cursor: a.after ?? undefined }), (t) => [t.code]),
        evaluationRun: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(svc.getRun(ctx.actor, a.id)),
        evaluationRuns: async (_: unknown, a: { first?: number; after?: string; template?: string; period?: string; status?: string }, ctx: Ctx) =>
          toConnection(await svc.listRuns(ctx.actor, { ...clean({ template: a.template, period: a.period, status: a.status }), limit: first(a.first), cursor: a.after ?? undefined }), (r) => [r.id]),
        evaluationResults: async (_: unknown, a: { run: string; first?: number; after?: string; grade?: string; complete?: boolean | null }, ctx: Ctx) =>
          toConnection(
            await svc.listResults(ctx.actor, a.run, {
              ...clean({ grade: a.grade, complete: a.complete === null || a.complete === undefined ? undefined : String(a.complete) }),
              limit: first(a.first),
              cursor: a.after ?? undefined,
            }),
            (r) => [r.rank ?? 2147483647, r.partnerCode],
          ),
        evaluationActions: async (_: unknown, a: { first?: number; after?: string; run?: string; partnerId?: string; status?: string }, ctx: Ctx) =>
          toConnection(await svc.listActions(ctx.actor, { ...clean({ run: a.run, partnerId: a.partnerId, status: a.status }), limit: first(a.first), cursor: a.after ?? undefined }), (x) => [x.id]),
        evaluationKpiAverages: (_: unknown, a: { run: string; by: 'territory' | 'partner_type' }, ctx: Ctx) => svc.kpiAverages(ctx.actor, a.run, a.by),
        evaluationGradeDistribution: (_: unknown, a: { run: string }, ctx: Ctx) => svc.gradeDistribution(ctx.actor, a.run),
        programEffectiveness: (_: unknown, a: { period: string; segment?: string; include?: string }, ctx: Ctx) => reports.programEffectiveness(ctx.actor, clean(a)),
        earlyWarnings: async (_: unknown, a: { first?: number; after?: string; status?: string; partnerId?: string; period?: string }, ctx: Ctx) =>
          toConnection(await warnings.list(ctx.actor, { ...clean({ status: a.status, partnerId: a.partnerId, period: a.period }), limit: first(a.first), cursor: a.after ?? undefined }), (x) => [x.id]),
        simulateEvaluation: (_: unknown, a: { run: string; kpis?: unknown[]; gradeBands?: unknown[] }, ctx: Ctx) => svc.simulate(ctx.actor, clean(a)),
      },
      Mutation: {
        createScorecardTemplate: (_: unknown, a: { input: object }, ctx: Ctx) => svc.createTemplate(ctx.actor, clean(a.input)),
        updateScorecardTemplate: (_: unknown, a: { idOrCode: string; input: object; version?: number | null }, ctx: Ctx) =>
          svc.updateTemplate(ctx.actor, a.idOrCode, { ...clean(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        setManualKpiValues: async (_: unknown, a: { values: object[] }, ctx: Ctx) => (await svc.setManualValues(ctx.actor, { values: clean(a.values) })).written,
        startEvaluationRun: (_: unknown, a: { input: object }, ctx: Ctx) => svc.startRun(ctx.actor, clean(a.input)),
        finaliseEvaluationRun: (_: unknown, a: { id: string }, ctx: Ctx) => svc.finaliseRun(ctx.actor, a.id),
        acceptEvaluationAction: (_: unknown, a: { id: string; note?: string | null }, ctx: Ctx) => svc.decideAction(ctx.actor, a.id, 'accept', clean({ note: a.note })),
        checkEarlyWarnings: (_: unknown, a: { period?: string | null; asOf?: string | null }, ctx: Ctx) => warnings.check(ctx.actor, clean(a)),
        dismissEvaluationAction: (_: unknown, a: { id: string; note?: string | null }, ctx: Ctx) => svc.decideAction(ctx.actor, a.id, 'dismiss', clean({ note: a.note })),
      },
    },
    loaders: {
      Partner: {
        latestEvaluation: historyLoader(true) as never,
        evaluationHistory: historyLoader(false) as never,
      },
    },
  };
}
