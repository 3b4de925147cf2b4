import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { Partner } from './partners.schemas.js';
import type { PartnerService } from './partners.service.js';

type Ctx = MercuriusContext;

export function partnerResolvers(partners: PartnerService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        partner: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(partners.get(ctx.actor, a.id)),
        partnerByCode: (_: unknown, a: { code: string }, ctx: Ctx) => orNull(partners.getByCode(ctx.actor, a.code)),
        partners: async (_: unknown, a: { first?: number; after?: string; filter?: Record<string, unknown> }, ctx: Ctx) => {
          const page = await partners.list(ctx.actor, { ...argsInput(a.filter), ...pageArgs(a) });
          return toConnection(page, (p) => [p.id]);
        },
      },
      Mutation: {
        createPartner: (_: unknown, a: { input: object }, ctx: Ctx) => partners.create(ctx.actor, argsInput(a.input)),
        updatePartner: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          partners.update(ctx.actor, a.id, patchInput({ ...a.input, version: a.version ?? undefined })),
        upsertPartnerByCode: async (_: unknown, a: { code: string; input: object }, ctx: Ctx) =>
          (await partners.upsertByCode(ctx.actor, a.code, patchInput(a.input))).partner,
      },
    },
    loaders: {
      Partner: {
        parent: async (queries: { obj: Partner }[], ctx: Ctx) => {
          const ids = queries.map((q) => q.obj.parentId);
          const found = await partners.getMany(
            ctx.actor,
            ids.filter((x): x is string => !!x),
          );
          const byId = new Map(found.filter((p): p is Partner => !!p).map((p) => [p.id, p]));
          return ids.map((id) => (id ? (byId.get(id) ?? null) : null));
        },
        children: async (queries: { obj: Partner }[], ctx: Ctx) =>
          partners.childrenOf(
            ctx.actor,
            queries.map((q) => q.obj.id),
          ),
      },
    },
  };
}
