import { and, eq, inArray, sql } from 'drizzle-orm';
import { DomainError, invalid } from '../../platform/errors.js';
import { productLines } from './catalog.tables.js';
import { rowsOf } from '../../platform/kernel/index.js';
import type { Work } from '../../platform/store.js';

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

/** Every product line id must exist in the tenant (VALIDATION_FAILED naming `<path>.productLineId` otherwise). */
export async function assertProductLines(w: Work, ids: string[], path: string): Promise<void> {
  if (!ids.length) return;
  const found = new Set(
    (
      await w.tx
        .select({ id: productLines.id })
        .from(productLines)
        .where(and(eq(productLines.tenantId, w.tenantId), inArray(productLines.id, ids)))
    ).map((r) => r.id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw invalid(`${path}.productLineId`, `no product line '${missing[0]}'`);
}
