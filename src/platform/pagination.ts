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

/** Given limit+1 fetched rows, the page and its next cursor. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}

/** The REST envelope of a page. */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** Relay connection from a page (GraphQL). */
export function toConnection<T>(page: Page<T>, key: (row: T) => unknown[]) {
  return {
    edges: page.items.map((node) => ({ cursor: encodeCursor(key(node)), node })),
    nodes: page.items,
    pageInfo: {
      hasNextPage: page.nextCursor !== null,
      endCursor: page.items.length ? encodeCursor(key(page.items[page.items.length - 1]!)) : null,
    },
  };
}
