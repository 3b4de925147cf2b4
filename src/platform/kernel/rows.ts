import type { SQL } from 'drizzle-orm';
import type { Db } from '../db.js';

/** Raw rows of a query on either driver (postgres.js answers an array, PGlite `{ rows }`). */
export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  return rowsFrom<T>(await db.execute(query));
}

/** The rows of an `execute` result on either driver. */
export function rowsFrom<T>(res: unknown): T[] {
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

/**
 * An array parameter as a PostgreSQL array literal (`${pgArray(codes)}::text[]`, `::uuid[]`), passed the same way by
 * both drivers: one parameter and one statement text whatever the number of values (an `in ($1, ..., $n)` list is a
 * new statement to parse, type and plan for every n, and n parameters to build and bind).
 */
export function pgArray(values: Iterable<string>): string {
  let out = '{';
  for (const v of values) out += (out.length > 1 ? ',"' : '"') + (v.includes('\\') || v.includes('"') ? v.replace(/[\\"]/g, '\\$&') : v) + '"';
  return out + '}';
}
