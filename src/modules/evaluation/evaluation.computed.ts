import { sql, type SQL } from 'drizzle-orm';
import type { KpiKind } from './evaluation.rules.js';
import type { ComputedSource } from './evaluation.sql.js';

/**
 * Computed KPIs, set-based over the other modules' data (read-only SQL over their contracts):
 * - target (actual_monthly_totals, targets, inventory_snapshots, sell_through_lines.cross_region, target_settings)
 * - policy (the price_violations view)
 * Each branch yields (partner_id, kind, value) for the partners of the CTE `p`; a partner without the data a
 * ratio needs (no target, nothing sold last year, no sell-in, no sell-through or no snapshot) gets no row, so its
 * value is missing and the result is incomplete, never a silent 0. Counts are 0 when nothing was recorded.
 *
 *   target_achievement       = sales actual / sales_amount target x 100 (actual on the tenant's sales basis,
 *                              sell-through by default; the partner-level target of the period label)
 *   growth_yoy               = (sales actual - same period a year earlier) / year-earlier actual x 100
 *   collection_rate          = collections in the period / sell-in amount invoiced in the period x 100
 *   inventory_days           = quantity on hand (latest snapshot of each product in the period, summed)
 *                              / (sell-through quantity of the period / days in the period)
 *   price_violations         = price observations flagged as violations in the period (policy)
 *   cross_region_violations  = sell-through lines marked cross-region in the period (target)
 * Values are rounded half-up to 4 decimals (the precision they are stored with).
 */
export const COMPUTED_KINDS: readonly KpiKind[] = ['target_achievement', 'growth_yoy', 'collection_rate', 'inventory_days', 'price_violations', 'cross_region_violations'];

export const computedSource: ComputedSource = ({ tenantId: t, period, start, end, kinds }) => {
  const s = sql`${start}::date`;
  const e = sql`${end}::date`;
  const basis = sql`coalesce((select sales_basis from target_settings where tenant_id = ${t}), 'sell_through')`;
  const totals = (stream: SQL, col: 'amount' | 'quantity', from: SQL, to: SQL) =>
    sql`select partner_id, sum(${sql.raw(col)}) as v from actual_monthly_totals
        where tenant_id = ${t} and stream = ${stream} and month between ${from} and ${to} and partner_id in (select id from p)
        group by partner_id`;
  const branches: SQL[] = [];
  for (const kind of kinds) {
    switch (kind) {
      case 'target_achievement':
        branches.push(sql`select p.id as partner_id, 'target_achievement'::text as kind, round(coalesce(a.v, 0) * 100 / tg.value, 4) as value
          from p join targets tg on tg.tenant_id = ${t} and tg.partner_id = p.id and tg.period = ${period} and tg.metric = 'sales_amount'
            and tg.product_line_id is null and tg.territory_id is null and tg.value > 0
          left join (${totals(basis, 'amount', s, e)}) a on a.partner_id = p.id`);
        break;
      case 'growth_yoy':
        branches.push(sql`select p.id, 'growth_yoy'::text, round((coalesce(cur.v, 0) - ly.v) * 100 / ly.v, 4)
          from p join (${totals(basis, 'amount', sql`(${s} - interval '1 year')::date`, sql`(${e} - interval '1 year')::date`)}) ly on ly.partner_id = p.id and ly.v > 0
          left join (${totals(basis, 'amount', s, e)}) cur on cur.partner_id = p.id`);
        break;
      case 'collection_rate':
        branches.push(sql`select p.id, 'collection_rate'::text, round(coalesce(col.v, 0) * 100 / si.v, 4)
          from p join (${totals(sql`'sell_in'`, 'amount', s, e)}) si on si.partner_id = p.id and si.v > 0
          left join (${totals(sql`'collection'`, 'amount', s, e)}) col on col.partner_id = p.id`);
        break;
      case 'inventory_days':
        branches.push(sql`select p.id, 'inventory_days'::text, round(inv.q * (${e} - ${s} + 1) / st.v, 4)
          from p join (${totals(sql`'sell_through'`, 'quantity', s, e)}) st on st.partner_id = p.id and st.v > 0
          join (
            select partner_id, sum(quantity_on_hand) as q from (
              select distinct on (partner_id, product_id) partner_id, quantity_on_hand
              from inventory_snapshots
              where tenant_id = ${t} and date between ${s} and ${e} and partner_id in (select id from p)
              order by partner_id, product_id, date desc
            ) latest group by partner_id
          ) inv on inv.partner_id = p.id`);
        break;
      case 'price_violations':
        branches.push(sql`select p.id, 'price_violations'::text, count(v.id)::numeric
          from p left join price_violations v on v.tenant_id = ${t} and v.partner_id = p.id and v.observed_on between ${s} and ${e}
          group by p.id`);
        break;
      case 'cross_region_violations':
        branches.push(sql`select p.id, 'cross_region_violations'::text, count(l.external_id)::numeric
          from p left join sell_through_lines l on l.tenant_id = ${t} and l.partner_id = p.id and l.cross_region and l.date between ${s} and ${e}
          group by p.id`);
        break;
      default:
        break;
    }
  }
  if (!branches.length) return null;
  return sql.join(branches, sql` union all `);
};
