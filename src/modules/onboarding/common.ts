import { sql, type SQL } from 'drizzle-orm';
import { requireScope, type Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid } from '../../platform/errors.js';
import type { Work } from '../../platform/store.js';

/** Tenant-side operations: partner users (claim `partner`) are refused whatever their scopes. */
export function requireTenantUser(actor: Actor, ...scopes: string[]): void {
  if (actor.partnerId) throw new DomainError('FORBIDDEN', 'Partner users cannot use this operation');
  if (scopes.length) requireScope(actor, ...scopes);
}

/** Raw rows of a query on either driver. */
export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown;
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

export const iso = (d: Date | string | null | undefined): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString();

export function uuidCursor(after: unknown[] | undefined): string | undefined {
  if (!after) return undefined;
  if (typeof after[0] !== 'string' || !/^[0-9a-f-]{36}$/i.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
  return after[0];
}

export interface UpsertColumn {
  /** database column */
  db: string;
  /** key in the JSON rows */
  key: string;
  /** PostgreSQL type */
  type: string;
}

/**
 * Set-based upsert by (tenant_id, code) of many rows in ONE statement: rows travel as one JSON parameter
 * (jsonb_to_recordset), unchanged rows are left alone (no version bump), and the answer says which rows were
 * inserted and which updated. Column names are constants of the caller, never input.
 */
export async function upsertByCode(
  w: Work,
  table: string,
  cols: UpsertColumn[],
  rows: Record<string, unknown>[],
): Promise<{ id: string; code: string; inserted: boolean }[]> {
  if (!rows.length) return [];
  const def = ['"id" uuid', '"code" text', ...cols.map((c) => `"${c.key}" ${c.type}`)].join(', ');
  const dbCols = cols.map((c) => `"${c.db}"`).join(', ');
  const sel = cols.map((c) => `x."${c.key}"`).join(', ');
  const set = cols.map((c) => `"${c.db}" = excluded."${c.db}"`).join(', ');
  const cmpOld = cols.map((c) => `t."${c.db}"`).join(', ');
  const cmpNew = cols.map((c) => `excluded."${c.db}"`).join(', ');
  const q = sql`insert into ${sql.raw(`"${table}"`)} as t (tenant_id, id, code, ${sql.raw(dbCols)})
    select ${w.tenantId}, x.id, x.code, ${sql.raw(sel)} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${sql.raw(def)})
    on conflict (tenant_id, code) do update set ${sql.raw(set)}, version = t.version + 1, updated_at = now()
    where (${sql.raw(cmpOld)}) is distinct from (${sql.raw(cmpNew)})
    returning t.id::text as id, t.code as code, (t.xmax = 0) as inserted`;
  return rowsOf(w.tx, q);
}

/**
 * Sets parent_id from a parent code for the given codes (one statement), refusing a cycle. Returns the codes whose
 * parent changed.
 */
export async function setParentsByCode(w: Work, table: string, pairs: { code: string; parentCode: string | null }[]): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const t = sql.raw(`"${table}"`);
  const changed = await rowsOf<{ code: string }>(
    w.tx,
    sql`update ${t} as t set parent_id = p.id, version = t.version + 1, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x(code text, "parentCode" text)
      left join ${t} p on p.tenant_id = ${w.tenantId} and p.code = x."parentCode"
      where t.tenant_id = ${w.tenantId} and t.code = x.code and t.parent_id is distinct from p.id
      returning t.code`,
  );
  if (!changed.length) return new Set();
  const codes = changed.map((c) => c.code);
  const cycles = await rowsOf<{ code: string }>(
    w.tx,
    sql`with recursive up(start, code, id, parent_id, depth) as (
        select t.id, t.code, t.id, t.parent_id, 0 from ${t} t where t.tenant_id = ${w.tenantId} and t.code in (select jsonb_array_elements_text(${JSON.stringify(codes)}::jsonb))
        union all
        select up.start, up.code, p.id, p.parent_id, up.depth + 1 from up join ${t} p on p.tenant_id = ${w.tenantId} and p.id = up.parent_id
        where up.depth < 64 and p.id <> up.start
      )
      select distinct up.code from up where up.parent_id = up.start`,
  );
  if (cycles.length) {
    throw new DomainError('VALIDATION_FAILED', `parentCode would create a cycle for ${cycles.map((c) => `'${c.code}'`).join(', ')}`, {
      errors: cycles.map((c) => ({ path: 'parentCode', message: `would make '${c.code}' its own ancestor` })),
    });
  }
  return new Set(codes);
}
