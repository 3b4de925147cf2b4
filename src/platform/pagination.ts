import { and, asc, desc, eq, gt, is, lt, or, SQL, type AnyColumn } from 'drizzle-orm';
import { z } from 'zod';
import { invalid } from './errors.js';

/** Query parameters every list endpoint accepts. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size (1-500, default 50)'),
  cursor: z.string().min(1).max(500).optional().describe('The nextCursor of the previous page'),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Relay's PageInfo when known (set by `toPage` given a `PageInput`); else derived from `nextCursor` */
  hasPreviousPage?: boolean;
  hasNextPage?: boolean;
}

/**
 * The paging input of a list: forward from `cursor` (REST `limit`/`cursor`, GraphQL `first`/`after`), or, with
 * `backward`, the `limit` rows just before `cursor` (GraphQL `last`/`before`; without a cursor: the last rows).
 */
export interface PageInput {
  limit: number;
  cursor?: string | undefined;
  backward?: boolean | undefined;
}

type KeyCol = AnyColumn | SQL;
/** One column (or expression) of a list's sort key; ascending unless `desc`. */
export type KeyPart = KeyCol | { col: KeyCol; desc: true };

/**
 * The keyset pieces of one page, set-based in both directions: `where` (rows after the cursor in the paging
 * direction; undefined without a cursor), `orderBy` (the list's order, reversed when paging backward) and `limit`
 * (one more row than the page, to learn whether there are more). Feed the rows to `toPage(rows, input, key)`, which
 * puts a backward page back in the list's order. `cursor` is the decoded key (`decodeUuidCursor`, `decodeCursorOf`).
 */
export function keyset(
  input: PageInput,
  parts: readonly KeyPart[],
  cursor: readonly unknown[] | string | undefined,
): { where: SQL | undefined; orderBy: SQL[]; limit: number } {
  const cols = parts.map((p) =>
    typeof p === 'object' && p !== null && 'desc' in p && 'col' in p
      ? { col: p.col, desc: p.desc !== input.backward }
      : { col: p as KeyCol, desc: !!input.backward },
  );
  const orderBy = cols.map((c) => (c.desc ? desc(c.col) : asc(c.col)));
  const values = typeof cursor === 'string' ? [cursor] : cursor;
  let where: SQL | undefined;
  if (values !== undefined) {
    // (c1 > v1) or (c1 = v1 and c2 > v2) or ... ; > becomes < for a descending part
    const cmp = (op: typeof eq, col: KeyCol, v: unknown) => (is(col, SQL) ? op(col, v) : op(col as AnyColumn, v));
    const alternatives = cols.map((c, i) => and(...cols.slice(0, i).map((p, j) => cmp(eq, p.col, values[j])), cmp(c.desc ? lt : gt, c.col, values[i])));
    where = alternatives.length === 1 ? alternatives[0] : or(...alternatives);
  }
  return { where, orderBy, limit: input.limit + 1 };
}

/** Opaque cursor: base64url of the JSON sort key of the last row. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity = 1): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === arity) return v;
  } catch {
    /* fall through */
  }
  throw invalid('cursor', 'is not a cursor this endpoint issued');
}

type CursorPart = 'uuid' | 'string' | 'number' | 'date';
const CURSOR_CHECKS: Record<CursorPart, (v: unknown) => boolean> = {
  uuid: (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  date: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};
type CursorValue<P extends CursorPart> = P extends 'number' ? number : string;

/**
 * A cursor decoded and checked part by part (`decodeCursorOf(c, ['date', 'uuid'])`): a forged or foreign cursor is
 * a 400 naming `cursor`, never a database error.
 */
export function decodeCursorOf<const P extends readonly CursorPart[]>(cursor: string | undefined, parts: P): { [K in keyof P]: CursorValue<P[K]> } | undefined {
  const v = decodeCursor(cursor, parts.length);
  if (v === undefined) return undefined;
  parts.forEach((p, i) => {
    if (!CURSOR_CHECKS[p](v[i])) throw invalid('cursor', 'is not a cursor this endpoint issued');
  });
  return v as { [K in keyof P]: CursorValue<P[K]> };
}

/** The id of a one-part uuid cursor (the common keyset on a UUIDv7 primary key). */
export function decodeUuidCursor(cursor: string | undefined): string | undefined {
  return decodeCursorOf(cursor, ['uuid'] as const)?.[0];
}

/**
 * Given limit+1 fetched rows, the page and its next cursor. Given the `PageInput` (instead of its limit), also
 * Relay's hasPreviousPage / hasNextPage; a backward page (rows fetched in reverse by `keyset`) is put back in order.
 * Paging forward after a cursor, there is a previous page (the cursor's row); paging backward before a cursor, a
 * next one. The other flag is exact: the extra row fetched.
 */
export function toPage<T>(rows: T[], limitOrInput: number | PageInput, key: (row: T) => unknown[]): Page<T> {
  const input = typeof limitOrInput === 'number' ? { limit: limitOrInput } : limitOrInput;
  const more = rows.length > input.limit;
  const items = more ? rows.slice(0, input.limit) : rows;
  if (input.backward) {
    items.reverse();
    const last = items[items.length - 1];
    const hasNextPage = input.cursor !== undefined;
    return { items, nextCursor: hasNextPage && last !== undefined ? encodeCursor(key(last)) : null, hasPreviousPage: more, hasNextPage };
  }
  const last = items[items.length - 1];
  const nextCursor = more && last !== undefined ? encodeCursor(key(last)) : null;
  return typeof limitOrInput === 'number' ? { items, nextCursor } : { items, nextCursor, hasPreviousPage: input.cursor !== undefined, hasNextPage: more };
}

/** The REST envelope of a page. */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/**
 * A Relay connection of a page (GraphQL). A class, so that `edges` is a getter of its prototype: made only when the
 * selection asks for edges (a cursor per item is most of a `nodes` page's own work), and defined once. An object
 * literal with `get edges()` gave every connection an accessor of its own, and V8 allocates accessors (AccessorPair)
 * in the old generation: each page's getter, and through its closure the page and its rows, stayed reachable from an
 * old object until a full collection, so every GraphQL page of partners promoted its rows (~8 KB for 50 rows with no
 * field selected, ~25 KB with parent and children) out of the young generation (issue 15; bench/promotion READ=graphql).
 */
class Connection<T> {
  readonly nodes: T[];
  readonly pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
  readonly #key: (row: T) => unknown[];

  constructor(page: Page<T>, key: (row: T) => unknown[]) {
    const first = page.items[0];
    const last = page.items[page.items.length - 1];
    this.nodes = page.items;
    this.#key = key;
    this.pageInfo = {
      hasPreviousPage: page.hasPreviousPage ?? false,
      hasNextPage: page.hasNextPage ?? page.nextCursor !== null,
      startCursor: first !== undefined ? encodeCursor(key(first)) : null,
      endCursor: last !== undefined ? encodeCursor(key(last)) : null,
    };
  }

  get edges(): { cursor: string; node: T }[] {
    const key = this.#key;
    return this.nodes.map((node) => ({ cursor: encodeCursor(key(node)), node }));
  }
}

/** Relay connection from a page (GraphQL). */
export function toConnection<T>(page: Page<T>, key: (row: T) => unknown[]): Connection<T> {
  return new Connection(page, key);
}

/**
 * A page of a ranking computed on read, whose cursors are positions: the cursor of the item at index i is `[i + 1]`
 * (the position after it), so any item's cursor works as `after` (the items from i + 1) and as `before` (the items
 * up to i - 1). `all` is the whole ranking (staff-scale lists), `offset` the decoded cursor.
 */
export function offsetPage<T>(all: readonly T[], input: PageInput, offset: number): Page<T> & { start: number } {
  if (input.backward) {
    const end = input.cursor !== undefined ? Math.min(Math.max(offset - 1, 0), all.length) : all.length;
    const start = Math.max(0, end - input.limit);
    return { items: all.slice(start, end), nextCursor: null, hasPreviousPage: start > 0, hasNextPage: end < all.length, start };
  }
  const items = all.slice(offset, offset + input.limit);
  const more = all.length > offset + input.limit;
  return { items, nextCursor: more ? encodeCursor([offset + input.limit]) : null, hasPreviousPage: offset > 0, hasNextPage: more, start: offset };
}

/**
 * The Relay connection of such a page (`offsetPage`, or a page of `limit + 1` rows from `offset` as `start`): each
 * edge's cursor is the position after it, usable as `after` and as `before`.
 */
export function offsetConnection<T>(page: Page<T> & { start?: number }, cursor: string | undefined) {
  const start = page.start ?? decodeCursorOf(cursor, ['number'] as const)?.[0] ?? 0;
  const edges = page.items.map((node, i) => ({ cursor: encodeCursor([start + i + 1]), node }));
  return {
    edges,
    nodes: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage ?? page.nextCursor !== null,
      hasPreviousPage: page.hasPreviousPage ?? start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
