import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, offsetConnection, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { RepAchievement, RepMetric, RepTarget } from './rep-targets.schemas.js';
import type { RepTargetService } from './rep-targets.service.js';

type Ctx = MercuriusContext;

export function repTargetResolvers(reps: RepTargetService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        repTarget: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(reps.get(ctx.actor, a.id)),
        repTargets: async (
          _: unknown,
          a: { first?: number | null; after?: string | null; rep?: string | null; period?: string | null; metric?: RepMetric | null },
          ctx: Ctx,
        ) => {
          const page = await reps.list(ctx.actor, { rep: a.rep ?? undefined, period: a.period ?? undefined, metric: a.metric ?? undefined, ...pageArgs(a) });
          return toConnection(page, (t: RepTarget) => [t.id]);
        },
        repAchievement: (_: unknown, a: { rep: string; period: string; metric?: RepMetric | null }, ctx: Ctx) =>
          orNull(reps.forRep(ctx.actor, a.rep, { period: a.period, metric: a.metric ?? 'sales_amount' })),
        repAchievements: async (_: unknown, a: { period: string; metric?: RepMetric | null; first?: number | null; after?: string | null }, ctx: Ctx) => {
          const { limit, cursor, backward } = pageArgs(a);
          const page = await reps.ranking(ctx.actor, { period: a.period, metric: a.metric ?? 'sales_amount', limit, cursor, backward });
          return offsetConnection(page, cursor);
        },
      },
      Mutation: {
        createRepTarget: (_: unknown, a: { input: object }, ctx: Ctx) => reps.create(ctx.actor, argsInput(a.input)),
        updateRepTarget: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          reps.update(ctx.actor, a.id, { ...patchInput(a.input), ...(a.version != null ? { version: a.version } : {}) }),
      },
    },
    loaders: {
      StaffMember: {
        // one statement per distinct (period, metric) in a result, whatever the number of staff members
        repAchievement: async (queries: { obj: { id: string }; params: { period: string; metric?: RepMetric | null } }[], ctx: Ctx) => {
          const groups = new Map<string, number[]>();
          queries.forEach((q, i) => {
            const key = JSON.stringify([q.params.period, q.params.metric ?? 'sales_amount']);
            groups.set(key, [...(groups.get(key) ?? []), i]);
          });
          const out: (RepAchievement | null)[] = new Array(queries.length).fill(null);
          for (const [key, idx] of groups) {
            const [period, metric] = JSON.parse(key) as [string, RepMetric];
            const res = await reps.forReps(
              ctx.actor,
              idx.map((i) => queries[i]!.obj.id),
              { period, metric },
            );
            idx.forEach((qi, j) => (out[qi] = res[j] ?? null));
          }
          return out;
        },
      },
    },
  };
}
