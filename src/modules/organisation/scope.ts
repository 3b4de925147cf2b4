import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { rowsOf, today, type Actor } from '../../platform/kernel/index.js';

const scopeKey = (actor: Pick<Actor, 'tenantId' | 'subject' | 'kind' | 'tokenId'>) =>
  `${actor.tenantId}\u0000${actor.subject}\u0000${actor.kind === 'api_key' ? (actor.tokenId ?? '') : ''}`;

/**
 * Resolved data scopes per (tenant, subject), kept `ttlMs` (default 10 s) so that a credential's repeat requests cost
 * no statement. Organisation writes in this process clear their tenant's entries at commit; another instance sees a
 * change of staff or ownership within ttlMs. A scope read before a clear and answered after it is not kept: it may be
 * the scope before the write (`cleared` counts the clears).
 */
export class DataScopeCache {
  private readonly entries = new Map<string, { ids: readonly string[] | undefined; exp: number }>();
  private cleared = 0;
  constructor(private readonly ttlMs = 10_000) {}

  /** The cached scope (`{ ids }`) while it is fresh, or undefined: no statement, no promise (the auth hook's fast path). */
  cached(actor: Pick<Actor, 'tenantId' | 'subject' | 'kind' | 'tokenId'>): { ids: readonly string[] | undefined } | undefined {
    const hit = this.entries.get(scopeKey(actor));
    return hit && hit.exp > Date.now() ? hit : undefined;
  }

  async resolve(db: Db, actor: Pick<Actor, 'tenantId' | 'subject' | 'kind' | 'tokenId'>): Promise<readonly string[] | undefined> {
    const key = scopeKey(actor);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.exp > now) return hit.ids;
    const clears = this.cleared;
    const ids = await dataScopeOf(db, actor);
    if (clears !== this.cleared) return ids; // an organisation write committed meanwhile: this answer may predate it
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(key, { ids, exp: now + this.ttlMs });
    return ids;
  }

  clearTenant(tenantId: string): void {
    this.cleared++;
    for (const k of this.entries.keys()) if (k.startsWith(`${tenantId}\u0000`)) this.entries.delete(k);
  }
}

/**
 * A tenant credential's data scope: the partners the staff member it signs in as may see, or undefined when it is
 * not limited (no linked staff member, or one with data scope `all`). `org_subtree`: partners currently owned by
 * an org unit in the member's unit and below (none without a unit); `portfolio`: partners the member currently owns
 * as account manager. One statement per request (the auth hook calls it once).
 */
export async function dataScopeOf(db: Db, actor: Pick<Actor, 'tenantId' | 'subject' | 'kind' | 'tokenId'>): Promise<readonly string[] | undefined> {
  const subjects = [actor.subject, ...(actor.kind === 'api_key' && actor.tokenId ? [actor.tokenId] : [])];
  const day = today();
  const [row] = await rowsOf<{ data_scope: string; ids: string[] }>(
    db,
    sql`with recursive st as (
          select id, org_unit_id, data_scope from staff_members
           where tenant_id = ${actor.tenantId} and active and subjects && ${`{${subjects.map((s) => JSON.stringify(s)).join(',')}}`}::text[]
           order by (data_scope = 'all') desc, id limit 1),
        sub(id) as (
          select org_unit_id from st where data_scope = 'org_subtree' and org_unit_id is not null
          union select u.id from org_units u join sub on u.tenant_id = ${actor.tenantId} and u.parent_id = sub.id)
        select st.data_scope,
               coalesce((select array_agg(distinct o.partner_id::text) from partner_ownership o
                          where o.tenant_id = ${actor.tenantId} and o.valid_from <= ${day}::date and (o.valid_to is null or o.valid_to > ${day}::date)
                            and ((st.data_scope = 'portfolio' and o.account_manager_id = st.id)
                              or (st.data_scope = 'org_subtree' and o.org_unit_id in (select id from sub)))), '{}'::text[]) as ids
          from st`,
  );
  if (!row || row.data_scope === 'all') return undefined;
  return row.ids;
}
