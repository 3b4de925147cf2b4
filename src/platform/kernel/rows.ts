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
