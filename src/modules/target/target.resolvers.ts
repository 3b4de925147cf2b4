import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { DomainError } from '../../platform/errors.js';
import { toConnection } from '../../platform/pagination.js';
import type { ActualsService } from './actuals.service.js';
import type { Achievement, Target } from './target.schemas.js';
import type { TargetService } from './target.service.js';

type Ctx = MercuriusContext;

function clean<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined && v !== null)) as T;
}

const first = (n: number | null | undefined) => {
  const v = n ?? 50;
  if (!Number.isInteger(v) || v < 1 || v > 500) throw new DomainError('VALIDATION_FAILED', 'first must be 1-500', { errors: [{ path: 'first', message: 'must be 1-500' }] });
  return v;
};

export function targetResolvers(targets: TargetService, actuals: ActualsService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        target: async (_: unknown, a: { id: string }, ctx: Ctx) => {
          try {
            return await targets.get(ctx.actor, a.id);
          } catch (e) {
            if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
            throw e;
          }
        },
        targets: async (_: unknown, a: { first?: number; after?: string; filter?: Record<string, string> }, ctx: Ctx) => {
          const page = await targets.list(ctx.actor, { ...clean(a.filter ?? {}), limit: first(a.first), cursor: a.after ?? undefined });
          return toConnection(page, (t: Target) => [t.id]);
        },
        targetSettings: (_: unknown, __: unknown, ctx: Ctx) => targets.getSettings(ctx.actor),
        networkAchievement: async (_: unknown, a: { period: string; metric?: string; asOf?: string; productLineId?: string | null; territoryId?: string | null; first?: number; after?: string }, ctx: Ctx) => {
          const limit = first(a.first);
          const page = await actuals.network(ctx.actor, {
            period: a.period,
            metric: (a.metric ?? 'sales_amount') as never,
            asOf: a.asOf ?? undefined,
            productLineId: a.productLineId ?? undefined,
            territoryId: a.territoryId ?? undefined,
            limit,
            cursor: a.after ?? undefined,
          });
          return {
            edges: page.items.map((node) => ({ cursor: Buffer.from(JSON.stringify([node.rank])).toString('base64url'), node })),
            nodes: page.items,
            pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
          };
        },
      },
      Mutation: {
        createTarget: (_: unknown, a: { input: object }, ctx: Ctx) => targets.create(ctx.actor, clean(a.input)),
        updateTarget: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          targets.update(ctx.actor, a.id, { ...clean(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        decomposeTarget: (_: unknown, a: { input: object }, ctx: Ctx) => targets.decompose(ctx.actor, clean(a.input)),
        allocateTarget: (_: unknown, a: { input: { partners?: object[] } }, ctx: Ctx) =>
          targets.allocate(ctx.actor, { ...clean(a.input), ...(a.input.partners ? { partners: a.input.partners.map((p) => clean(p)) } : {}) }),
        lockTargetPeriod: (_: unknown, a: { period: string }, ctx: Ctx) => targets.lockPeriod(ctx.actor, a.period),
        updateTargetSettings: (_: unknown, a: { input: object }, ctx: Ctx) => targets.updateSettings(ctx.actor, clean(a.input)),
      },
    },
    loaders: {
      Partner: {
        // one statement per distinct (period, metric, asOf) in a result, whatever the number of partners
        achievement: async (
          queries: { obj: { id: string }; params: { period: string; metric?: string; asOf?: string | null; productLineId?: string | null; territoryId?: string | null } }[],
          ctx: Ctx,
        ) => {
          const groups = new Map<string, number[]>();
          queries.forEach((q, i) => {
            const key = JSON.stringify([q.params.period, q.params.metric ?? 'sales_amount', q.params.asOf ?? null, q.params.productLineId ?? null, q.params.territoryId ?? null]);
            groups.set(key, [...(groups.get(key) ?? []), i]);
          });
          const out: (Achievement | null)[] = new Array(queries.length).fill(null);
          for (const [key, idx] of groups) {
            const [period, metric, asOf, productLineId, territoryId] = JSON.parse(key) as [string, string, string | null, string | null, string | null];
            const res = await actuals.forPartners(ctx.actor, idx.map((i) => queries[i]!.obj.id), {
              period,
              metric,
              ...(asOf ? { asOf } : {}),
              ...(productLineId ? { productLineId } : {}),
              ...(territoryId ? { territoryId } : {}),
            });
            idx.forEach((qi, j) => (out[qi] = res[j] ?? null));
          }
          return out;
        },
      },
    },
  };
}
