import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { DomainError } from '../../platform/errors.js';
import { toConnection } from '../../platform/pagination.js';
import type { Partner } from './partners.schemas.js';
import type { PartnerService } from './partners.service.js';

type Ctx = MercuriusContext;

/** GraphQL omits unset input fields as undefined and sends explicit nulls: keep both meanings. */
function clean<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as T;
}

const first = (n: number | null | undefined) => {
  const v = n ?? 50;
  if (!Number.isInteger(v) || v < 1 || v > 500) {
    throw new DomainError('VALIDATION_FAILED', 'first must be 1-500', { errors: [{ path: 'first', message: 'must be 1-500' }] });
  }
  return v;
};

export function partnerResolvers(partners: PartnerService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  const notFoundToNull = async (p: Promise<Partner>) => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  };
  return {
    resolvers: {
      Query: {
        partner: (_: unknown, a: { id: string }, ctx: Ctx) => notFoundToNull(partners.get(ctx.actor, a.id)),
        partnerByCode: (_: unknown, a: { code: string }, ctx: Ctx) => notFoundToNull(partners.getByCode(ctx.actor, a.code)),
        partners: async (_: unknown, a: { first?: number; after?: string; filter?: Record<string, unknown> }, ctx: Ctx) => {
          const page = await partners.list(ctx.actor, { ...clean(a.filter ?? {}), limit: first(a.first), cursor: a.after ?? undefined });
          return toConnection(page, (p) => [p.id]);
        },
      },
      Mutation: {
        createPartner: (_: unknown, a: { input: object }, ctx: Ctx) => partners.create(ctx.actor, clean(a.input)),
        updatePartner: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          partners.update(ctx.actor, a.id, { ...clean(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        upsertPartnerByCode: async (_: unknown, a: { code: string; input: object }, ctx: Ctx) =>
          (await partners.upsertByCode(ctx.actor, a.code, clean(a.input))).partner,
      },
    },
    loaders: {
      Partner: {
        parent: async (queries: { obj: Partner }[], ctx: Ctx) => {
          const ids = queries.map((q) => q.obj.parentId);
          const found = await partners.getMany(ctx.actor, ids.filter((x): x is string => !!x));
          const byId = new Map(found.filter((p): p is Partner => !!p).map((p) => [p.id, p]));
          return ids.map((id) => (id ? (byId.get(id) ?? null) : null));
        },
        children: async (queries: { obj: Partner }[], ctx: Ctx) =>
          partners.childrenOf(ctx.actor, queries.map((q) => q.obj.id)),
      },
    },
  };
}
