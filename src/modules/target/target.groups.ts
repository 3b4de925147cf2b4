/**
 * Monthly totals per group (issue 17, analytics speed): `actual_monthly_group_totals` holds, per tenant, stream,
 * month and group, the sum of the per-partner monthly totals of the partners filed in the group, so network views
 * read O(months x groups) rows instead of O(partners x months). Groupings (`dim`):
 *   - `home`: the partner's home territory (region code, '' for none), with its partner type: the network total,
 *     by partner type, by home territory and the partnerType filter all read these rows;
 *   - `product_line` (sell-in, sell-through) and `sale_territory` (sell-through): the fact lines' dimensions,
 *     also per partner type.
 *
 * Partner attributes change (type, home territory). A partner's totals of a stream are filed under the attributes
 * recorded in `actual_group_partners` (its attributes when its first totals of the stream arrived); the invariant,
 * per stream, is: group row = sum of the per-partner rows of the partners filed under it. When a partner's type or
 * home territory changes through onboarding's API, its PartnerAttributesListener port (wired to
 * `ActualsService.regroupInWork`) moves the totals of the changed partners to their new groups in the same
 * transaction (set-based, under the streams' totals locks), so the filed attributes are always the current ones; a
 * change behind the API (bulk SQL) is repaired by `totals:rebuild` or `regroupPartners`
 * (`targetSql.groupTotalsCurrent` tells). Organisation ownership (org units, account managers) is dated and not
 * kept here: those views stay on the per-partner totals.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { rowsOf } from '../../platform/kernel/index.js';
import { onboardingSql } from '../onboarding/contract.js';

export type TotalsStream = 'sell_in' | 'sell_through' | 'collection';

/** the groupings a stream has: every stream `home`; product line for sell-in and sell-through; sale territory for sell-through */
const dimsOf = (stream: TotalsStream): ('home' | 'product_line' | 'sale_territory')[] =>
  stream === 'sell_through' ? ['home', 'product_line', 'sale_territory'] : stream === 'sell_in' ? ['home', 'product_line'] : ['home'];

const add = sql.raw('amount = g.amount + excluded.amount, quantity = g.quantity + excluded.quantity, lines = g.lines + excluded.lines');

/**
 * CTEs appended to the import statement after its `delta` CTE (partner_id, date, amount, quantity, n,
 * product_line_id, territory_id: new rows +, replaced rows -): files partners seen for the first time under their
 * current attributes and adds the deltas to their groups. The writers of a stream's totals serialise on the stream's
 * totals lock, so the filed attributes read here are those of the last committed apply or regroup.
 */
export function groupTotalsCtes(tenantId: string, stream: TotalsStream): SQL {
  const t = tenantId;
  const dims = dimsOf(stream);
  const keys = {
    home: sql`('home', coalesce(k.region_code, ''))`,
    product_line: sql`('product_line', coalesce(d.product_line_id::text, ''))`,
    sale_territory: sql`('sale_territory', coalesce(d.territory_id::text, ''))`,
  };
  return sql`, grp_keys as (
      select d.partner_id, k.partner_id is null as unfiled,
        case when k.partner_id is null then pa.type else k.partner_type end as partner_type,
        case when k.partner_id is null then pa.region_code else k.region_code end as region_code
      from (select distinct partner_id from delta) d
      left join actual_group_partners k on k.tenant_id = ${t} and k.stream = ${stream} and k.partner_id = d.partner_id
      left join ${onboardingSql.partners(t)} pa on pa.id = d.partner_id
    ), grp_file as (
      insert into actual_group_partners (tenant_id, stream, partner_id, partner_type, region_code)
      select ${t}, ${stream}, partner_id, partner_type, region_code from grp_keys where unfiled
      on conflict do nothing
      returning 1
    ), grp as (
      insert into actual_monthly_group_totals as g (tenant_id, stream, dim, month, partner_type, group_key, amount, quantity, lines)
      select ${t}, ${stream}, v.dim, date_trunc('month', d.date)::date, k.partner_type, v.group_key, sum(d.amount), sum(d.quantity), sum(d.n)
      from delta d join grp_keys k on k.partner_id = d.partner_id
      cross join lateral (values ${sql.join(
        dims.map((x) => keys[x]),
        sql`, `,
      )}) v(dim, group_key)
      group by v.dim, date_trunc('month', d.date)::date, k.partner_type, v.group_key
      on conflict (tenant_id, stream, dim, month, partner_type, group_key) do update set ${add}
      returning 1
    )`;
}

/**
 * Recomputes the group totals of a tenant from its per-partner totals (actual_monthly_totals and
 * actual_monthly_dim_totals, which the caller has just rebuilt or generated), filing every partner under its
 * current attributes. In the caller's transaction, which holds the streams' totals locks.
 */
export async function rebuildGroupTotals(db: Db, tenantId: string): Promise<void> {
  const t = tenantId;
  await db.execute(sql`delete from actual_monthly_group_totals where tenant_id = ${t}`);
  await db.execute(sql`delete from actual_group_partners where tenant_id = ${t}`);
  await db.execute(sql`insert into actual_group_partners (tenant_id, stream, partner_id, partner_type, region_code)
    select ${t}, m.stream, m.partner_id, pa.type, pa.region_code
    from (select distinct stream, partner_id from actual_monthly_totals where tenant_id = ${t}) m
    join ${onboardingSql.partners(t)} pa on pa.id = m.partner_id`);
  await db.execute(sql`insert into actual_monthly_group_totals (tenant_id, stream, dim, month, partner_type, group_key, amount, quantity, lines)
    select ${t}, m.stream, 'home', m.month, k.partner_type, coalesce(k.region_code, ''), sum(m.amount), sum(m.quantity), sum(m.lines)
    from actual_monthly_totals m join actual_group_partners k on k.tenant_id = ${t} and k.stream = m.stream and k.partner_id = m.partner_id
    where m.tenant_id = ${t}
    group by m.stream, m.month, k.partner_type, k.region_code
    union all
    select ${t}, d.stream, v.dim, d.month, k.partner_type, v.group_key, sum(d.amount), sum(d.quantity), sum(d.lines)
    from actual_monthly_dim_totals d join actual_group_partners k on k.tenant_id = ${t} and k.stream = d.stream and k.partner_id = d.partner_id
    cross join lateral (values ('product_line', coalesce(d.product_line_id::text, '')), ('sale_territory', coalesce(d.territory_id::text, ''))) v(dim, group_key)
    where d.tenant_id = ${t} and d.stream in ('sell_in', 'sell_through') and (v.dim = 'product_line' or d.stream = 'sell_through')
    group by d.stream, v.dim, d.month, k.partner_type, v.group_key`);
}

/**
 * Moves the totals of partners whose type or home territory changed since they were filed to their new groups and
 * files them anew; one statement, set-based. A change of home territory moves the `home` rows (read from the
 * per-partner totals by partner: index); a change of type also the product-line and sale-territory rows (read from
 * the per-line totals of the tenant). The caller holds the streams' totals locks. Answers how many (stream, partner) moved.
 */
export async function regroupChangedPartners(db: Db, tenantId: string, partnerIds?: readonly string[]): Promise<number> {
  const t = tenantId;
  // only the given partners (the filing's key, then the partner's primary key): proportional to the partners named
  const only = partnerIds === undefined ? sql`` : sql`and k.partner_id = any(${`{${partnerIds.join(',')}}`}::uuid[])`;
  const [r] = await rowsOf<{ n: number }>(
    db,
    sql`with dr as materialized (
      select k.stream, k.partner_id, k.partner_type as old_type, k.region_code as old_region, pa.type as new_type, pa.region_code as new_region
      from actual_group_partners k join ${onboardingSql.partners(t)} pa on pa.id = k.partner_id
      where k.tenant_id = ${t} ${only} and (k.partner_type, k.region_code) is distinct from (pa.type, pa.region_code)
    ), mv as (
      -- per changed partner (lateral: the partner index of the per-partner totals, never a scan of the tenant's)
      select m.stream, 'home' as dim, m.month, x.partner_type, x.group_key, x.sign * m.amount as amount, x.sign * m.quantity as quantity, x.sign * m.lines as lines
      from dr cross join lateral (
        select m.stream, m.month, m.amount, m.quantity, m.lines from actual_monthly_totals m
        where m.tenant_id = ${t} and m.partner_id = dr.partner_id and m.stream = dr.stream) m
      cross join lateral (values (-1, dr.old_type, coalesce(dr.old_region, '')), (1, dr.new_type, coalesce(dr.new_region, ''))) x(sign, partner_type, group_key)
      union all
      -- a type change also moves the product-line and sale-territory rows (read by tenant and stream: no partner index)
      select d.stream, v.dim, d.month, x.partner_type, v.group_key, x.sign * d.amount, x.sign * d.quantity, x.sign * d.lines
      from (select * from dr where dr.old_type <> dr.new_type and dr.stream in ('sell_in', 'sell_through')) c
      cross join lateral (
        select d.stream, d.month, d.product_line_id, d.territory_id, d.amount, d.quantity, d.lines from actual_monthly_dim_totals d
        where d.tenant_id = ${t} and d.stream = c.stream and d.partner_id = c.partner_id) d
      cross join lateral (values (-1, c.old_type), (1, c.new_type)) x(sign, partner_type)
      cross join lateral (values ('product_line', coalesce(d.product_line_id::text, '')), ('sale_territory', coalesce(d.territory_id::text, ''))) v(dim, group_key)
      where v.dim = 'product_line' or d.stream = 'sell_through'
    ), moved as (
      insert into actual_monthly_group_totals as g (tenant_id, stream, dim, month, partner_type, group_key, amount, quantity, lines)
      select ${t}, stream, dim, month, partner_type, group_key, sum(amount), sum(quantity), sum(lines) from mv
      group by stream, dim, month, partner_type, group_key
      on conflict (tenant_id, stream, dim, month, partner_type, group_key) do update set ${add}
      returning 1
    ), refiled as (
      update actual_group_partners k set partner_type = dr.new_type, region_code = dr.new_region
      from dr where k.tenant_id = ${t} and k.stream = dr.stream and k.partner_id = dr.partner_id
      returning 1
    )
    select (select count(*) from refiled)::int as n`,
  );
  return Number(r?.n ?? 0);
}
