/**
 * The modules' GraphQL loaders run as resolvers batching through a DataLoader per request and field
 * (src/platform/graphql.ts batchingResolvers): one call of the loader per tick and field node with every query of
 * the request (its obj, params and info), the i-th query answered with the i-th answer, requests never mixed.
 */
import { describe, expect, it } from 'vitest';
import type { MercuriusContext, MercuriusLoaders } from 'mercurius';
import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { batchingResolvers } from '../../src/platform/graphql.js';
import { prefetchedKey, selectedFields } from '../../src/platform/kernel/index.js';

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

describe('values fetched with their parent object (kernel prefetchedKey)', () => {
  it('answers an own carried value without calling the loader, and calls it for arguments or an inherited value', async () => {
    const calls: Q[][] = [];
    const field = setup({
      Partner: {
        parent: async (queries: Q[]) => {
          calls.push(queries);
          return queries.map((q) => `loaded ${q.obj.id}`);
        },
      },
    })('Partner', 'parent');
    const c = ctx();
    const key = prefetchedKey('parent');
    expect(await field({ id: 'a', [key]: null }, {}, c, {})).toBeNull();
    expect(await field({ id: 'b', [key]: { id: 'p' } }, {}, c, {})).toEqual({ id: 'p' });
    expect(calls).toHaveLength(0);
    // a field given arguments, or a value the object only inherits, goes to the loader
    expect(await field({ id: 'c', [key]: { id: 'p' } }, { first: 1 }, c, {})).toBe('loaded c');
    expect(await field(Object.create({ [key]: { id: 'p' } }, { id: { value: 'd', enumerable: true } }), {}, c, {})).toBe('loaded d');
    expect(calls.flat().map((q) => q.obj.id)).toEqual(['c', 'd']);
  });
});

describe('selectedFields', () => {
  const infoOf = (query: string, variableValues?: Record<string, unknown>) => {
    const doc = parse(query);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    const fragments = Object.fromEntries(doc.definitions.filter((d) => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]));
    const root = op.selectionSet.selections[0] as FieldNode;
    return { fieldNodes: [root], fragments, ...(variableValues ? { variableValues } : {}) } as Parameters<typeof selectedFields>[0];
  };

  it('leaves out what @skip and @include leave out, literal or variable, fragments included', () => {
    const q = `query($yes: Boolean!, $no: Boolean!, $maybe: Boolean) { partners { nodes {
      code legalName @include(if: false) tier @skip(if: true) status @include(if: $yes) type @include(if: $no)
      channel @skip(if: $maybe) ...F @skip(if: $yes) ... @include(if: $yes) { version } } } }
      fragment F on Partner { address }`;
    expect([...selectedFields(infoOf(q, { yes: true, no: false }), [['nodes']])].sort()).toEqual(['channel', 'code', 'status', 'version']);
    // a variable's value unknown (no variableValues): the selection counts
    expect([...selectedFields(infoOf(q), [['nodes']])].sort()).toEqual(['address', 'channel', 'code', 'status', 'type', 'version']);
  });
});
