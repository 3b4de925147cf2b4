import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { DomainError } from '../../platform/errors.js';
import { toConnection } from '../../platform/pagination.js';
import type { PolicyServices } from './index.js';
import type { PricePolicy } from './policy.schemas.js';

type Ctx = MercuriusContext;
type Args = Record<string, any>;

/** GraphQL leaves unset input fields undefined and sends explicit nulls: keep both meanings. */
function clean<T extends object>(input: T | null | undefined): T {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined)) as T;
}

const first = (n: number | null | undefined) => {
  const v = n ?? 50;
  if (!Number.isInteger(v) || v < 1 || v > 500) throw new DomainError('VALIDATION_FAILED', 'first must be 1-500', { errors: [{ path: 'first', message: 'must be 1-500' }] });
  return v;
};

const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
};

const page = (a: Args) => ({ limit: first(a.first), cursor: a.after ?? undefined });

export function policyResolvers(s: PolicyServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        pricePolicy: (_: unknown, a: Args, ctx: Ctx) => orNull(s.prices.getPolicy(ctx.actor, a.id)),
        pricePolicies: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.prices.listPolicies(ctx.actor, { ...page(a), scopeKind: a.scopeKind ?? undefined }), (p) => [p.id]),
        priceVersion: (_: unknown, a: Args, ctx: Ctx) => orNull(s.prices.getVersion(ctx.actor, a.id)),
        resolvePrice: async (_: unknown, a: Args, ctx: Ctx) => {
          const r = await s.prices.resolveBatch(ctx.actor, {
            ...clean({ partner: a.partner, date: a.date ?? undefined, paymentTermDays: a.paymentTermDays ?? undefined, channel: a.channel ?? undefined }),
            lines: [clean({ product: a.product, quantity: a.quantity ?? undefined })],
          });
          return r.lines[0];
        },
        resolvePrices: (_: unknown, a: Args, ctx: Ctx) =>
          s.prices.resolveBatch(ctx.actor, { ...clean(a.input), lines: (a.input?.lines ?? []).map((l: Args) => clean({ product: l.product, quantity: l.quantity ?? undefined })) }),
        priceDeviation: (_: unknown, a: Args, ctx: Ctx) => orNull(s.deviations.get(ctx.actor, a.id)),
        priceDeviations: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.deviations.list(ctx.actor, { ...page(a), partner: a.partner ?? undefined, status: a.status ?? undefined }), (d) => [d.id]),
        channelTerms: (_: unknown, a: Args, ctx: Ctx) => orNull(s.terms.get(ctx.actor, a.id)),
        resolveTerms: (_: unknown, a: Args, ctx: Ctx) => s.terms.resolve(ctx.actor, clean({ partner: a.partner, date: a.date ?? undefined, channel: a.channel ?? undefined })),
        priceViolations: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(
            await s.violations.listViolations(ctx.actor, { ...page(a), partner: a.partner ?? undefined, from: a.from ?? undefined, to: a.to ?? undefined }),
            (o) => [o.date, o.id],
          ),
      },
      Mutation: {
        createPricePolicy: (_: unknown, a: Args, ctx: Ctx) => s.prices.createPolicy(ctx.actor, clean(a.input)),
        createPriceVersion: (_: unknown, a: Args, ctx: Ctx) => s.prices.createVersion(ctx.actor, a.policyId, clean(a.input)),
        updatePriceVersion: (_: unknown, a: Args, ctx: Ctx) => s.prices.updateVersion(ctx.actor, a.id, clean(a.input)),
        setPriceLines: (_: unknown, a: Args, ctx: Ctx) => s.prices.setLines(ctx.actor, a.versionId, { lines: (a.lines ?? []).map((l: Args) => clean(l)) }),
        publishPriceVersion: (_: unknown, a: Args, ctx: Ctx) =>
          s.prices.publish(ctx.actor, a.id, clean({ effectiveFrom: a.effectiveFrom ?? undefined, effectiveTo: a.effectiveTo })),
        retirePriceVersion: (_: unknown, a: Args, ctx: Ctx) => s.prices.retire(ctx.actor, a.id),
        requestPriceDeviation: (_: unknown, a: Args, ctx: Ctx) => s.deviations.create(ctx.actor, clean(a.input)),
        approvePriceDeviation: (_: unknown, a: Args, ctx: Ctx) => s.deviations.decide(ctx.actor, a.id, 'approved', clean({ note: a.note ?? undefined })),
        rejectPriceDeviation: (_: unknown, a: Args, ctx: Ctx) => s.deviations.decide(ctx.actor, a.id, 'rejected', clean({ note: a.note ?? undefined })),
        createChannelTerms: (_: unknown, a: Args, ctx: Ctx) => s.terms.create(ctx.actor, clean(a.input)),
        updateChannelTerms: (_: unknown, a: Args, ctx: Ctx) => s.terms.update(ctx.actor, a.id, clean(a.input)),
        publishChannelTerms: (_: unknown, a: Args, ctx: Ctx) =>
          s.terms.publish(ctx.actor, a.id, clean({ effectiveFrom: a.effectiveFrom ?? undefined, effectiveTo: a.effectiveTo })),
        recordPriceObservation: (_: unknown, a: Args, ctx: Ctx) => s.violations.record(ctx.actor, clean(a.input)),
      },
    },
    loaders: {
      PricePolicy: {
        versions: async (queries: { obj: PricePolicy }[], ctx: Ctx) => s.prices.versionsOf(ctx.actor, queries.map((q) => q.obj.id)),
      },
    },
  };
}
