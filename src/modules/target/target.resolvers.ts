import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { ActualsService } from './actuals.service.js';
import type { Achievement, Target } from './target.schemas.js';
import type { TargetService } from './target.service.js';

type Ctx = MercuriusContext;

/** Resolvers follow the kernel's rule for null: in `updateTarget` null clears (as REST PATCH), elsewhere null = absent. */
export function targetResolvers(targets: TargetService, actuals: ActualsService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        target: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(targets.get(ctx.actor, a.id)),
        targets: async (_: unknown, a: { first?: number | null; after?: string | null; filter?: Record<string, string> | null }, ctx: Ctx) => {
          const page = await targets.list(ctx.actor, { ...argsInput(a.filter), ...pageArgs(a) });
          return toConnection(page, (t: Target) => [t.id]);
        },
        targetSettings: (_: unknown, __: unknown, ctx: Ctx) => targets.getSettings(ctx.actor),
        networkAchievement: async (
          _: unknown,
          a: {
            period: string;
            metric?: string;
            asOf?: string;
            productLineId?: string | null;
            territoryId?: string | null;
            first?: number | null;
            after?: string | null;
            last?: number | null;
            before?: string | null;
          },
          ctx: Ctx,
        ) => {
          const page = await actuals.network(ctx.actor, {
            period: a.period,
            metric: (a.metric ?? 'sales_amount') as never,
            asOf: a.asOf ?? undefined,
            productLineId: a.productLineId ?? undefined,
            territoryId: a.territoryId ?? undefined,
            ...pageArgs(a),
          });
          return toConnection(page, (node) => [node.rank]);
        },
      },
      Mutation: {
        createTarget: (_: unknown, a: { input: object }, ctx: Ctx) => targets.create(ctx.actor, argsInput(a.input)),
        updateTarget: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          targets.update(ctx.actor, a.id, { ...patchInput(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        decomposeTarget: (_: unknown, a: { input: object }, ctx: Ctx) => targets.decompose(ctx.actor, argsInput(a.input)),
        allocateTarget: (_: unknown, a: { input: object }, ctx: Ctx) => targets.allocate(ctx.actor, argsInput(a.input)),
        lockTargetPeriod: (_: unknown, a: { period: string }, ctx: Ctx) => targets.lockPeriod(ctx.actor, a.period),
        updateTargetSettings: (_: unknown, a: { input: object }, ctx: Ctx) => targets.updateSettings(ctx.actor, patchInput(a.input)),
      },
    },
    loaders: {
      Partner: {
        // one statement per distinct (period, metric, asOf) in a result, whatever the number of partners
        achievement: async (
          queries: {
            obj: { id: string };
            params: { period: string; metric?: string; asOf?: string | null; productLineId?: string | null; territoryId?: string | null };
          }[],
          ctx: Ctx,
        ) => {
          const groups = new Map<string, number[]>();
          queries.forEach((q, i) => {
            const key = JSON.stringify([
              q.params.period,
              q.params.metric ?? 'sales_amount',
              q.params.asOf ?? null,
              q.params.productLineId ?? null,
              q.params.territoryId ?? null,
            ]);
            groups.set(key, [...(groups.get(key) ?? []), i]);
          });
          const out: (Achievement | null)[] = new Array(queries.length).fill(null);
          for (const [key, idx] of groups) {
            const [period, metric, asOf, productLineId, territoryId] = JSON.parse(key) as [string, string, string | null, string | null, string | null];
            const res = await actuals.forPartners(
              ctx.actor,
              idx.map((i) => queries[i]!.obj.id),
              {
                period,
                metric,
                ...(asOf ? { asOf } : {}),
                ...(productLineId ? { productLineId } : {}),
                ...(territoryId ? { territoryId } : {}),
              },
            );
            idx.forEach((qi, j) => (out[qi] = res[j] ?? null));
          }
          return out;
        },
      },
    },
  };
}
