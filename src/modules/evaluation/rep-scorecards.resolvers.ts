import type { IResolvers, MercuriusContext } from 'mercurius';
import { argsInput, offsetConnection, orNull, pageArgs } from '../../platform/kernel/index.js';
import type { RepScorecardService } from './rep-scorecards.service.js';

type Ctx = MercuriusContext;

export function repScorecardResolvers(reps: RepScorecardService): IResolvers {
  return {
    Query: {
      repScorecardDefinition: (_: unknown, __: unknown, ctx: Ctx) => reps.getDefinition(ctx.actor),
      repScorecards: async (_: unknown, a: { period: string; first?: number | null; after?: string | null }, ctx: Ctx) => {
        const { limit, cursor, backward } = pageArgs(a);
        const page = await reps.list(ctx.actor, { period: a.period, limit, cursor, backward });
        return offsetConnection(page, cursor);
      },
      repScorecard: (_: unknown, a: { rep: string; period: string }, ctx: Ctx) => orNull(reps.forRep(ctx.actor, a.rep, { period: a.period })),
    },
    Mutation: {
      putRepScorecardDefinition: (_: unknown, a: { input: object; version?: number | null }, ctx: Ctx) =>
        reps.putDefinition(ctx.actor, { ...argsInput(a.input), ...(a.version != null ? { version: a.version } : {}) }),
    },
  };
}
