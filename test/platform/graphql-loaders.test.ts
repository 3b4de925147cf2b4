/**
 * The modules' GraphQL loaders run as resolvers batching through a DataLoader per request and field
 * (src/platform/graphql.ts batchingResolvers): one call of the loader per tick and field node with every query of
 * the request (its obj, params and info), the i-th query answered with the i-th answer, requests never mixed.
 */
import { describe, expect, it } from 'vitest';
import type { MercuriusContext, MercuriusLoaders } from 'mercurius';
import { batchingResolvers } from '../../src/platform/graphql.js';

type Q = { obj: { id: string }; params: unknown; info?: unknown };
type Resolver = (obj: unknown, params: unknown, ctx: MercuriusContext, info: unknown) => Promise<unknown>;

function setup(loaders: MercuriusLoaders) {
  const r = batchingResolvers(loaders) as unknown as Record<string, Record<string, Resolver>>;
  return (type: string, field: string) => r[type]![field]!;
}
const ctx = () => ({}) as MercuriusContext;

describe('GraphQL loaders (batchingResolvers)', () => {
  it("batches a request's queries of one field in one call, with their info, answers in order", async () => {
    const calls: Q[][] = [];
    const field = setup({
      Partner: {
        parent: async (queries: Q[]) => {
          calls.push(queries);
          return queries.map((q) => `parent of ${q.obj.id}`);
        },
      },
    })('Partner', 'parent');
    const c = ctx();
    const info = { fieldName: 'parent' };
    const got = await Promise.all(['a', 'b', 'a'].map((id) => field({ id }, { x: 1 }, c, info)));
    expect(got).toEqual(['parent of a', 'parent of b', 'parent of a']);
    expect(calls).toHaveLength(1);
    // duplicates are handed on (every loader answers per query), each with its params and info
    expect(calls[0]!.map((q) => [q.obj.id, q.params, q.info])).toEqual([
      ['a', { x: 1 }, info],
      ['b', { x: 1 }, info],
      ['a', { x: 1 }, info],
    ]);
    // a later tick is a new batch
    expect(await field({ id: 'c' }, {}, c, info)).toBe('parent of c');
    expect(calls).toHaveLength(2);
  });

  it('never mixes two requests (contexts) or two fields in one batch', async () => {
    const calls: string[] = [];
    const loaders = {
      Partner: {
        parent: async (qs: Q[], c: MercuriusContext) => qs.map((q) => (calls.push(`parent:${(c as unknown as { n: number }).n}:${q.obj.id}`), q.obj.id)),
        children: async (qs: Q[]) => qs.map((q) => (calls.push(`children:${q.obj.id}`), [q.obj.id])),
      },
    };
    const get = setup(loaders);
    const c1 = { n: 1 } as unknown as MercuriusContext;
    const c2 = { n: 2 } as unknown as MercuriusContext;
    await Promise.all([
      get('Partner', 'parent')({ id: 'a' }, {}, c1, {}),
      get('Partner', 'parent')({ id: 'b' }, {}, c2, {}),
      get('Partner', 'children')({ id: 'c' }, {}, c1, {}),
    ]);
    expect(calls.sort()).toEqual(['children:c', 'parent:1:a', 'parent:2:b']);
  });

  it('batches two aliases of a field (two field nodes) apart, each with its own arguments', async () => {
    const calls: unknown[][] = [];
    const field = setup({
      Partner: {
        orders: async (qs: Q[]) => {
          calls.push(qs.map((q) => q.params));
          const { status } = qs[0]!.params as { status: string };
          return qs.map((q) => `${status} orders of ${q.obj.id}`);
        },
      },
    })('Partner', 'orders');
    const c = ctx();
    const open = { fieldNodes: [{ alias: 'open' }] };
    const closed = { fieldNodes: [{ alias: 'closed' }] };
    const got = await Promise.all([
      field({ id: 'a' }, { status: 'OPEN' }, c, open),
      field({ id: 'a' }, { status: 'CLOSED' }, c, closed),
      field({ id: 'b' }, { status: 'OPEN' }, c, open),
      field({ id: 'b' }, { status: 'CLOSED' }, c, closed),
    ]);
    expect(got).toEqual(['OPEN orders of a', 'CLOSED orders of a', 'OPEN orders of b', 'CLOSED orders of b']);
    expect(calls).toHaveLength(2);
  });

  it("answers a short answer's missing queries with nothing (as mercurius did), fails a thrown loader's queries", async () => {
    const get = setup({
      T: {
        short: async (qs: Q[]) => qs.slice(1).map((q) => q.obj.id),
        broken: async () => {
          throw new Error('loader failed');
        },
      },
    });
    const c = ctx();
    expect(await Promise.all([get('T', 'short')({ id: 'a' }, {}, c, {}), get('T', 'short')({ id: 'b' }, {}, c, {})])).toEqual(['b', undefined]);
    const results = await Promise.allSettled([get('T', 'broken')({ id: 'a' }, {}, c, {}), get('T', 'broken')({ id: 'b' }, {}, c, {})]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it("splits a batch past the loader's maxBatchSize", async () => {
    const sizes: number[] = [];
    const field = setup({
      T: {
        f: {
          loader: async (qs: Q[]) => (sizes.push(qs.length), qs.map((q) => q.obj.id)),
          opts: { maxBatchSize: 2 } as never,
        },
      },
    })('T', 'f');
    const c = ctx();
    expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => field({ id }, {}, c, {})))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(sizes).toEqual([2, 2, 1]);
  });
});
