import type { IResolvers, MercuriusContext } from 'mercurius';
import { argsInput } from '../../platform/kernel/index.js';
import type { AnalyticsServices } from './index.js';

type Ctx = MercuriusContext;

/** Each query is one service call (one statement); nothing resolves per row. */
export function analyticsResolvers({ analytics }: AnalyticsServices): IResolvers {
  return {
    Query: {
      salesTrends: (_: unknown, a: object, ctx: Ctx) => analytics.trends(ctx.actor, argsInput(a)),
      territoryShare: (_: unknown, a: object, ctx: Ctx) => analytics.territoryShare(ctx.actor, argsInput(a)),
      salesForecast: (_: unknown, a: object, ctx: Ctx) => analytics.forecast(ctx.actor, argsInput(a)),
      analyticsRollup: (_: unknown, a: object, ctx: Ctx) => analytics.rollup(ctx.actor, argsInput(a)),
    },
  };
}
