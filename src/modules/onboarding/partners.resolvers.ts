import type { GraphQLResolveInfo } from 'graphql';
import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, patchInput, selectedFields, toConnection } from '../../platform/kernel/index.js';
import type { PartnerPick, PartnerService } from './partners.service.js';

type Ctx = MercuriusContext;
/** a loader's query (platform/graphql.ts hands every query its `info`; mercurius' type has none) */
type LoaderQuery = { obj: PartnerPick; params: unknown; info?: GraphQLResolveInfo };

/** The Partner fields a loader's batch asks for: the union over the distinct field nodes of its queries. */
function batchFields(queries: readonly LoaderQuery[]): Set<string> {
  const out = new Set<string>();
  const seen = new Set<readonly unknown[]>();
  for (const { info } of queries) {
    if (!info) return new Set(['*']);
    if (seen.has(info.fieldNodes)) continue;
    seen.add(info.fieldNodes);
    for (const f of selectedFields(info)) out.add(f);
  }
  return out;
}

export function partnerResolvers(partners: PartnerService): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        partner: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(partners.get(ctx.actor, a.id)),
        partnerByCode: (_: unknown, a: { code: string }, ctx: Ctx) => orNull(partners.getByCode(ctx.actor, a.code)),
        // only the columns the selection asks for, through prepared statements: no full Partner objects built
        partners: async (_: unknown, a: { first?: number; after?: string; filter?: Record<string, unknown> }, ctx: Ctx, info: GraphQLResolveInfo) => {
          const fields = selectedFields(info, [['nodes'], ['edges', 'node']]);
          // the nodes' parent and children come with the page (one statement), in the columns they ask for
          const related = (f: string) =>
            fields.has(f)
              ? [
                  ...selectedFields(info, [
                    ['nodes', f],
                    ['edges', 'node', f],
                  ]),
                ]
              : undefined;
          const page = await partners.pickList(ctx.actor, { ...argsInput(a.filter), ...pageArgs(a) }, fields, {
            parent: related('parent'),
            children: related('children'),
          });
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
      // each query has its `info`: the columns its selection asks for; the service dedupes ids
      Partner: {
        parent: async (queries: LoaderQuery[], ctx: Ctx) => {
          const ids = queries.map((q) => q.obj.parentId);
          const found = await partners.pickMany(
            ctx.actor,
            ids.filter((x): x is string => !!x),
            batchFields(queries),
          );
          const byId = new Map(found.filter((p): p is PartnerPick => !!p).map((p) => [p.id, p]));
          return ids.map((id) => (id ? (byId.get(id) ?? null) : null));
        },
        children: async (queries: LoaderQuery[], ctx: Ctx) =>
          partners.pickChildren(
            ctx.actor,
            queries.map((q) => q.obj.id),
            batchFields(queries),
          ),
      },
    },
  };
}
