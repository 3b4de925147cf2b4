import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { OrdersServices } from './index.js';

type Ctx = MercuriusContext;
type Args = Record<string, any>;

const orderInput = (i: Args) => ({
  ...argsInput(i),
  ...(i?.rebate ? { rebate: argsInput(i.rebate) } : {}),
  lines: (i?.lines ?? []).map((l: Args) => argsInput(l)),
});

export function ordersResolvers(s: OrdersServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        order: (_: unknown, a: Args, ctx: Ctx) => orNull(s.orders.get(ctx.actor, a.id)),
        orders: async (_: unknown, a: Args, ctx: Ctx) =>
          toConnection(await s.orders.list(ctx.actor, { ...pageArgs(a), ...argsInput({ partner: a.partner, status: a.status }) }), (o) => [o.id]),
        checkOrder: (_: unknown, a: Args, ctx: Ctx) => s.orders.checkInput(ctx.actor, orderInput(a.input)),
        partnerCredit: (_: unknown, a: Args, ctx: Ctx) => orNull(s.credit.status(ctx.actor, a.partner, a.date ?? undefined)),
        creditAging: (_: unknown, a: Args, ctx: Ctx) => s.credit.aging(ctx.actor, argsInput({ date: a.date, partner: a.partner })),
      },
      Mutation: {
        createOrder: async (_: unknown, a: Args, ctx: Ctx) => (await s.orders.create(ctx.actor, orderInput(a.input))).order,
        submitOrder: (_: unknown, a: Args, ctx: Ctx) => s.orders.submit(ctx.actor, a.id),
        overrideOrder: (_: unknown, a: Args, ctx: Ctx) => s.orders.override(ctx.actor, a.id, { reason: a.reason }),
        cancelOrder: (_: unknown, a: Args, ctx: Ctx) => s.orders.cancel(ctx.actor, a.id, argsInput({ reason: a.reason })),
        shipOrder: async (_: unknown, a: Args, ctx: Ctx) =>
          (await s.fulfilment.ship(ctx.actor, a.id, { ...argsInput(a.input), lines: (a.input?.lines ?? []).map((l: Args) => argsInput(l)) })).shipment,
        invoiceOrder: (_: unknown, a: Args, ctx: Ctx) => s.fulfilment.invoice(ctx.actor, a.id, argsInput(a.input)),
        setCreditLimit: (_: unknown, a: Args, ctx: Ctx) => s.credit.addLimit(ctx.actor, a.partner, 'limit', argsInput(a.input)),
        addTemporaryCreditIncrease: (_: unknown, a: Args, ctx: Ctx) => s.credit.addLimit(ctx.actor, a.partner, 'temporary', argsInput(a.input)),
        updateCreditAccount: (_: unknown, a: Args, ctx: Ctx) => s.credit.updateAccount(ctx.actor, a.partner, patchInput(a.input)),
        runCreditSweep: (_: unknown, a: Args, ctx: Ctx) => s.creditSweep.runNow(ctx.actor, argsInput({ date: a.date })),
        recordCollection: async (_: unknown, a: Args, ctx: Ctx) => (await s.credit.collect(ctx.actor, argsInput(a.input))).collection,
      },
    },
    loaders: {
      Partner: {
        orders: async (queries: { obj: { id: string }; params: { status?: string | null; first?: number | null } }[], ctx: Ctx) => {
          const status = queries[0]?.params.status ?? null;
          const first = Math.min(queries[0]?.params.first ?? 20, 500);
          const map = await s.orders.ofPartners(
            ctx.actor,
            queries.map((q) => q.obj.id),
            status,
            first,
          );
          return queries.map((q) => map.get(q.obj.id) ?? []);
        },
        credit: async (queries: { obj: { id: string }; params: { date?: string | null } }[], ctx: Ctx) => {
          const map = await s.credit.statusOf(
            ctx.actor,
            queries.map((q) => q.obj.id),
            queries[0]?.params.date ?? undefined,
          );
          return queries.map((q) => map.get(q.obj.id) ?? null);
        },
      },
    },
  };
}
