import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { PolicyServices } from './index.js';
import type { PricePolicy } from './policy.schemas.js';

type Ctx = MercuriusContext;
type Args = Record<string, any>;

export function policyResolvers(s: PolicyServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        pricePolicy: (_: unknown, a: Args, ctx: Ctx) => orNull(s.prices.getPolicy(ctx.actor, a.id)),
        pricePolicyByCode: (_: unknown, a: Args, ctx: Ctx) => orNull(s.prices.getPolicy(ctx.actor, a.code)),
        pricePolicies: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.prices.listPolicies(ctx.actor, { ...pageArgs(a), ...argsInput({ scopeKind: a.scopeKind }) }), (p) => [p.id]),
        priceVersion: (_: unknown, a: Args, ctx: Ctx) => orNull(s.prices.getVersion(ctx.actor, a.id)),
        resolvePrice: async (_: unknown, a: Args, ctx: Ctx) => {
          const r = await s.resolution.resolveBatch(ctx.actor, {
            ...argsInput({ partner: a.partner, date: a.date, paymentTermDays: a.paymentTermDays, channel: a.channel }),
            lines: [argsInput({ product: a.product, quantity: a.quantity })],
          });
          return r.lines[0];
        },
        resolvePrices: (_: unknown, a: Args, ctx: Ctx) =>
          s.resolution.resolveBatch(ctx.actor, {
            ...argsInput(a.input),
            lines: (a.input?.lines ?? []).map((l: Args) => argsInput({ product: l.product, quantity: l.quantity })),
          }),
        priceDeviation: (_: unknown, a: Args, ctx: Ctx) => orNull(s.deviations.get(ctx.actor, a.id)),
        priceDeviations: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.deviations.list(ctx.actor, { ...pageArgs(a), ...argsInput({ partner: a.partner, status: a.status }) }), (d) => [d.id]),
        channelTerms: (_: unknown, a: Args, ctx: Ctx) => orNull(s.terms.get(ctx.actor, a.id)),
        resolveTerms: (_: unknown, a: Args, ctx: Ctx) => s.terms.resolve(ctx.actor, argsInput({ partner: a.partner, date: a.date, channel: a.channel })),
        priceViolations: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.violations.listViolations(ctx.actor, { ...pageArgs(a), ...argsInput({ partner: a.partner, from: a.from, to: a.to }) }), (o) => [
            o.date,
            o.id,
          ]),
      },
      Mutation: {
        createPricePolicy: (_: unknown, a: Args, ctx: Ctx) => s.prices.createPolicy(ctx.actor, argsInput(a.input)),
        createPriceVersion: (_: unknown, a: Args, ctx: Ctx) => s.prices.createVersion(ctx.actor, a.policyId, patchInput(a.input)),
        updatePriceVersion: (_: unknown, a: Args, ctx: Ctx) => s.prices.updateVersion(ctx.actor, a.id, patchInput(a.input)),
        setPriceLines: (_: unknown, a: Args, ctx: Ctx) => s.prices.setLines(ctx.actor, a.versionId, { lines: argsInput<Args[]>(a.lines ?? []) }),
        publishPriceVersion: (_: unknown, a: Args, ctx: Ctx) =>
          s.prices.publish(ctx.actor, a.id, patchInput({ effectiveFrom: a.effectiveFrom ?? undefined, effectiveTo: a.effectiveTo })),
        retirePriceVersion: (_: unknown, a: Args, ctx: Ctx) => s.prices.retire(ctx.actor, a.id),
        requestPriceDeviation: (_: unknown, a: Args, ctx: Ctx) => s.deviations.create(ctx.actor, argsInput(a.input)),
        approvePriceDeviation: (_: unknown, a: Args, ctx: Ctx) => s.deviations.decide(ctx.actor, a.id, 'approved', argsInput({ note: a.note })),
        rejectPriceDeviation: (_: unknown, a: Args, ctx: Ctx) => s.deviations.decide(ctx.actor, a.id, 'rejected', argsInput({ note: a.note })),
        createChannelTerms: (_: unknown, a: Args, ctx: Ctx) => s.terms.create(ctx.actor, argsInput(a.input)),
        updateChannelTerms: (_: unknown, a: Args, ctx: Ctx) => s.terms.update(ctx.actor, a.id, patchInput(a.input)),
        publishChannelTerms: (_: unknown, a: Args, ctx: Ctx) =>
          s.terms.publish(ctx.actor, a.id, patchInput({ effectiveFrom: a.effectiveFrom ?? undefined, effectiveTo: a.effectiveTo })),
        recordPriceObservation: (_: unknown, a: Args, ctx: Ctx) => s.violations.record(ctx.actor, argsInput(a.input)),
      },
    },
    loaders: {
      PricePolicy: {
        versions: async (queries: { obj: PricePolicy }[], ctx: Ctx) =>
          s.prices.versionsOf(
            ctx.actor,
            queries.map((q) => q.obj.id),
          ),
      },
    },
  };
}
