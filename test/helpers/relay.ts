import { expect } from 'vitest';

type Gql = { gql: (query: string) => Promise<{ data?: any; errors?: unknown }> };

/**
 * Pages a GraphQL connection one node at a time forward (first/after) to its end, then backward (last/before) from
 * its end to its start, checking the page flags on the way; answers both lists of nodes (the backward one put back
 * in list order) so a test can compare them.
 */
export async function relayBothWays(client: Gql, field: string, args: string, select: string): Promise<{ forward: any[]; backward: any[] }> {
  const call = async (paging: string) => {
    const r = await client.gql(
      `{ ${field}(${args ? `${args}, ` : ''}${paging}) { nodes { ${select} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    expect(r.errors, `${field}(${paging})`).toBeUndefined();
    return r.data[field] as {
      nodes: any[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    };
  };
  const forward: any[] = [];
  let after: string | null = null;
  for (let i = 0; ; i++) {
    const c = await call(`first: 1${after ? `, after: "${after}"` : ''}`);
    forward.push(...c.nodes);
    expect(c.pageInfo.hasPreviousPage).toBe(i > 0);
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
    expect(i).toBeLessThan(100);
  }
  const backward: any[] = [];
  let before: string | null = null;
  for (let i = 0; ; i++) {
    const c = await call(`last: 1${before ? `, before: "${before}"` : ''}`);
    backward.unshift(...c.nodes);
    expect(c.pageInfo.hasNextPage).toBe(i > 0);
    if (!c.pageInfo.hasPreviousPage) break;
    before = c.pageInfo.startCursor;
    expect(i).toBeLessThan(100);
  }
  return { forward, backward };
}
