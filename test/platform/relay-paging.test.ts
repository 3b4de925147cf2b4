import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastStatements, setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartners } from '../helpers/evaluation.js';

/** Relay cursor connections both ways (first/after and last/before) through the shared keyset helper. */
let t: TestApp;
let admin: Client;
const CODES = ['RP-1', 'RP-2', 'RP-3', 'RP-4', 'RP-5', 'RP-6', 'RP-7'];

type Conn = {
  nodes: { code: string }[];
  edges: { cursor: string; node: { code: string } }[];
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
};

const PARTNERS = `query($first: Int, $after: String, $last: Int, $before: String) {
  partners(first: $first, after: $after, last: $last, before: $before, filter: { q: "RP-" }) {
    nodes { code } edges { cursor node { code } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}`;
// the unfiltered list: forward pages take the prepared statements, backward ones the general query
const ALL = PARTNERS.replace(', filter: { q: "RP-" }', '');

async function page(query: string, vars: Record<string, unknown>): Promise<Conn> {
  const res = await admin.gql(query, vars);
  expect(res.errors).toBeUndefined();
  return res.data.partners as Conn;
}

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await makePartners(admin, CODES);
});
afterAll(async () => t?.close());

describe('GraphQL connections page both ways', () => {
  for (const [name, query] of [
    ['filtered', PARTNERS],
    ['unfiltered', ALL],
  ] as const) {
    it(`${name}: forward with first/after, then backward from the end with last/before, same rows in the same order`, async () => {
      const forward: string[] = [];
      const fwdInfo: Conn['pageInfo'][] = [];
      let after: string | null = null;
      for (;;) {
        const p: Conn = await page(query, { first: 3, ...(after ? { after } : {}) });
        forward.push(...p.nodes.map((n) => n.code));
        fwdInfo.push(p.pageInfo);
        expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
        expect(p.pageInfo.endCursor).toBe(p.edges[p.edges.length - 1]?.cursor ?? null);
        if (!p.pageInfo.hasNextPage) break;
        after = p.pageInfo.endCursor;
      }
      const mine = forward.filter((c) => c.startsWith('RP-'));
      expect(mine).toEqual(CODES);
      expect(fwdInfo[0]).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      expect(fwdInfo[fwdInfo.length - 1]).toMatchObject({ hasPreviousPage: true, hasNextPage: false });

      const pages: string[][] = [];
      const backInfo: Conn['pageInfo'][] = [];
      let before: string | null = null;
      for (;;) {
        const p: Conn = await page(query, { last: 3, ...(before ? { before } : {}) });
        pages.unshift(p.nodes.map((n) => n.code));
        backInfo.push(p.pageInfo);
        if (!p.pageInfo.hasPreviousPage) break;
        before = p.pageInfo.startCursor;
      }
      // the same rows in the same order, each backward page in list order
      expect(pages.flat()).toEqual(forward);
      // from the end: nothing after the last page; at the start: nothing before the first
      expect(backInfo[0]).toMatchObject({ hasNextPage: false, hasPreviousPage: forward.length > 3 });
      expect(backInfo[backInfo.length - 1]).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      // the last page backward holds the last rows
      expect(pages[pages.length - 1]).toEqual(forward.slice(-3));
    });
  }

  it('a backward page is one list statement, like a forward one', async () => {
    const count = (vars: Record<string, unknown>) => leastStatements(t, () => page(PARTNERS, vars));
    const first = await page(PARTNERS, { first: 2 });
    const forward = await count({ first: 2, after: first.pageInfo.endCursor });
    const backward = await count({ last: 2, before: first.pageInfo.endCursor });
    const fromEnd = await count({ last: 2 });
    expect(backward).toBe(forward);
    expect(fromEnd).toBe(forward);
    expect(forward).toBeLessThanOrEqual(2); // the list itself (+ at most the row-security setting of the read)
  });

  it('pages backward on a list newest first (audit entries) and on a two-part key (evaluation-free: price violations empty)', async () => {
    const q = `query($first: Int, $after: String, $last: Int, $before: String) {
      auditEntries(first: $first, after: $after, last: $last, before: $before, filter: { resourceType: "partner" }) {
        nodes { id resourceId } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } }`;
    const all = (await admin.gql(q, { first: 100 })).data.auditEntries;
    expect(all.nodes.length).toBe(CODES.length);
    const tail = (await admin.gql(q, { last: 2 })).data.auditEntries;
    expect(tail.nodes).toEqual(all.nodes.slice(-2));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const prev = (await admin.gql(q, { last: 2, before: tail.pageInfo.startCursor })).data.auditEntries;
    expect(prev.nodes).toEqual(all.nodes.slice(-4, -2));
    const empty = await admin.gql(`{ priceViolations(last: 5) { nodes { id } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } }`);
    expect(empty.data.priceViolations).toEqual({ nodes: [], pageInfo: { hasPreviousPage: false, hasNextPage: false, startCursor: null, endCursor: null } });
  });

  it('first with last (or after with before) is a validation error naming the argument', async () => {
    const both = await admin.gql(PARTNERS, { first: 2, last: 2 });
    expect(both.errors![0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'first' }] });
    const mixed = await admin.gql(PARTNERS, { last: 2, after: 'x' });
    expect(mixed.errors![0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'after' }] });
    const bad = await admin.gql(PARTNERS, { last: 0 });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'last' }] });
  });
});
