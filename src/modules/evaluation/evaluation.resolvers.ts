import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, boolParam, orNull, pageArgs, toConnection } from '../../platform/kernel/index.js';
import type { Partner } from '../onboarding/contract.js';
import type { EvaluationServices } from './index.js';

type Ctx = MercuriusContext;

/**
 * Arguments and create inputs follow the kernel rule (null = not given). `updateScorecardTemplate` is a
 * replacement (REST PUT), not a patch: it takes the whole definition, so it is read the same way.
 */
export function evaluationResolvers({ templates, manualValues, runs, results, actions, warnings, reports }: EvaluationServices): {
  resolvers: IResolvers;
  loaders: MercuriusLoaders;
} {
  /** one query for every partner in the batch (grouped by the template argument) */
  const historyLoader = (latest: boolean) => async (queries: { obj: Partner; params: { template?: string | null } }[], ctx: Ctx) => {
    const groups = new Map<string, number[]>();
    queries.forEach((q, i) => {
      const k = q.params.template ?? '';
      groups.set(k, [...(groups.get(k) ?? []), i]);
    });
    const out: unknown[] = new Array(queries.length);
    for (const [template, idx] of groups) {
      const lists = await results.historyOf(
        ctx.actor,
        idx.map((i) => queries[i]!.obj.id),
        { ...(template ? { template } : {}), ...(latest ? { limit: 1 } : {}) },
      );
      idx.forEach((i, j) => (out[i] = latest ? (lists[j]![0] ?? null) : lists[j]));
    }
    return out;
  };
  return {
    resolvers: {
      Query: {
        scorecardTemplate: (_: unknown, a: { idOrCode: string }, ctx: Ctx) => orNull(templates.getTemplate(ctx.actor, a.idOrCode)),
        scorecardTemplates: async (_: unknown, a: { first?: number; after?: string }, ctx: Ctx) =>
          toConnection(await templates.listTemplates(ctx.actor, { ...pageArgs(a) }), (t) => [t.code]),
        evaluationRun: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(runs.getRun(ctx.actor, a.id)),
        evaluationRuns: async (_: unknown, a: { first?: number; after?: string; template?: string; period?: string; status?: string }, ctx: Ctx) =>
          toConnection(await runs.listRuns(ctx.actor, { ...argsInput({ template: a.template, period: a.period, status: a.status }), ...pageArgs(a) }), (r) => [
            r.id,
          ]),
        evaluationResults: async (_: unknown, a: { run: string; first?: number; after?: string; grade?: string; complete?: boolean | null }, ctx: Ctx) =>
          toConnection(
            await results.listResults(ctx.actor, a.run, {
              ...argsInput({ grade: a.grade, complete: boolParam(a.complete) }),
              ...pageArgs(a),
            }),
            (r) => [r.rank ?? 2147483647, r.partnerCode],
          ),
        evaluationActions: async (_: unknown, a: { first?: number; after?: string; run?: string; partnerId?: string; status?: string }, ctx: Ctx) =>
          toConnection(
            await actions.listActions(ctx.actor, { ...argsInput({ run: a.run, partnerId: a.partnerId, status: a.status }), ...pageArgs(a) }),
            (x) => [x.id],
          ),
        evaluationKpiAverages: (_: unknown, a: { run: string; by: 'territory' | 'partner_type' }, ctx: Ctx) => results.kpiAverages(ctx.actor, a.run, a.by),
        evaluationGradeDistribution: (_: unknown, a: { run: string }, ctx: Ctx) => results.gradeDistribution(ctx.actor, a.run),
        programEffectiveness: (_: unknown, a: { period: string; segment?: string; include?: string }, ctx: Ctx) =>
          reports.programEffectiveness(ctx.actor, argsInput(a)),
        earlyWarnings: async (_: unknown, a: { first?: number; after?: string; status?: string; partnerId?: string; period?: string }, ctx: Ctx) =>
          toConnection(
            await warnings.list(ctx.actor, { ...argsInput({ status: a.status, partnerId: a.partnerId, period: a.period }), ...pageArgs(a) }),
            (x) => [x.id],
          ),
        simulateEvaluation: (_: unknown, a: { run: string; kpis?: unknown[]; gradeBands?: unknown[] }, ctx: Ctx) => results.simulate(ctx.actor, argsInput(a)),
      },
      Mutation: {
        createScorecardTemplate: (_: unknown, a: { input: object }, ctx: Ctx) => templates.createTemplate(ctx.actor, argsInput(a.input)),
        updateScorecardTemplate: (_: unknown, a: { idOrCode: string; input: object; version?: number | null }, ctx: Ctx) =>
          templates.updateTemplate(ctx.actor, a.idOrCode, { ...argsInput(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        setManualKpiValues: async (_: unknown, a: { values: object[] }, ctx: Ctx) =>
          (await manualValues.setManualValues(ctx.actor, { values: argsInput(a.values) })).written,
        startEvaluationRun: (_: unknown, a: { input: object }, ctx: Ctx) => runs.startRun(ctx.actor, argsInput(a.input)),
        finaliseEvaluationRun: (_: unknown, a: { id: string }, ctx: Ctx) => runs.finaliseRun(ctx.actor, a.id),
        acceptEvaluationAction: (_: unknown, a: { id: string; note?: string | null }, ctx: Ctx) =>
          actions.decideAction(ctx.actor, a.id, 'accept', argsInput({ note: a.note })),
        checkEarlyWarnings: (_: unknown, a: { period?: string | null; asOf?: string | null }, ctx: Ctx) => warnings.check(ctx.actor, argsInput(a)),
        dismissEvaluationAction: (_: unknown, a: { id: string; note?: string | null }, ctx: Ctx) =>
          actions.decideAction(ctx.actor, a.id, 'dismiss', argsInput({ note: a.note })),
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
