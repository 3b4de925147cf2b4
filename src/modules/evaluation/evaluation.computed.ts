import { sql, type SQL } from 'drizzle-orm';
import { ordersSql } from '../orders/contract.js';
import { policySql } from '../policy/contract.js';
import { targetSql } from '../target/contract.js';
import type { KpiKind } from './evaluation.rules.js';
import type { ComputedSource } from './evaluation.sql.js';

/**
 * Computed KPIs, set-based over the other modules' data, read only through their contracts:
 * - target (`targetSql`: period totals on the sales basis or a stream, partner targets, latest inventory, fact lines)
 * - policy (`policySql.violations`)
 * Each branch yields (partner_id, kind, value) for the partners of the CTE `p`; a partner without the data a
 * ratio needs (no target, nothing sold last year, no sell-in, no sell-through or no snapshot) gets no row, so its
 * value is missing and the result is incomplete, never a silent 0. Counts are 0 when nothing was recorded.
 *
 *   target_achievement       = sales actual / sales_amount target x 100 (actual on the tenant's sales basis,
 *                              sell-through by default; the partner-level target of the period label), rounded
 *                              like the target module's achievement (`targetSql.achievementPct`, 2 decimals)
 *   growth_yoy               = (sales actual - same period a year earlier) / year-earlier actual x 100
 *   collection_rate          = collections in the period / sell-in amount invoiced in the period x 100; for a
 *                              partner with orders' invoices issued in the period, the denominator is what those
 *                              invoices bill (orders' receivables: the payable, after rebate use)
 *   inventory_days           = quantity on hand (latest snapshot of each product in the period, summed)
 *                              / (sell-through quantity of the period / days in the period)
 *   price_violations         = price observations flagged as violations in the period (policy)
 *   cross_region_violations  = sell-through lines marked cross-region in the period (target)
 * Other values are rounded half-up to 4 decimals (the precision they are stored with).
 */
export const COMPUTED_KINDS: readonly KpiKind[] = [
  'target_achievement',
  'growth_yoy',
  'collection_rate',
  'inventory_days',
  'price_violations',
  'cross_region_violations',
];

/** The same date a year earlier; the last day of a month stays the last day (2024-02-29 -> 2023-02-28, 2025-02-28 -> 2024-02-29). */
function yearEarlier(date: string): string {
  const y = Number(date.slice(0, 4)) - 1;
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const last = (year: number) => new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${y}-${date.slice(5, 7)}-${String(d === last(y + 1) ? last(y) : Math.min(d, last(y))).padStart(2, '0')}`;
}

export const computedSource: ComputedSource = ({ tenantId: t, period, start, end, kinds }) => {
  const s = sql`${start}::date`;
  const e = sql`${end}::date`;
  // sales, sell-in, collections and sell-through of the period on the target module's one definition
  const totals = (stream: 'basis' | 'sell_in' | 'collection' | 'sell_through', from: string, to: string) => targetSql.periodTotals(t, stream, from, to);
  const branches: SQL[] = [];
  for (const kind of kinds) {
    switch (kind) {
      case 'target_achievement':
        branches.push(sql`select p.id as partner_id, 'target_achievement'::text as kind, ${targetSql.achievementPct(sql`coalesce(a.amount, 0)`, sql`tg.value`)} as value
          from p join ${targetSql.partnerTargets(t, period, 'sales_amount')} tg on tg.partner_id = p.id and tg.value > 0
          left join ${totals('basis', start, end)} a on a.partner_id = p.id`);
        break;
      case 'growth_yoy':
        branches.push(sql`select p.id, 'growth_yoy'::text, round((coalesce(cur.amount, 0) - ly.amount) * 100 / ly.amount, 4)
          from p join ${totals('basis', yearEarlier(start), yearEarlier(end))} ly on ly.partner_id = p.id and ly.amount > 0
          left join ${totals('basis', start, end)} cur on cur.partner_id = p.id`);
        break;
      case 'collection_rate':
        branches.push(sql`select p.id as partner_id, 'collection_rate'::text as kind, round(coalesce(col.amount, 0) * 100 / coalesce(inv.amount, si.amount), 4) as value
          from p left join ${totals('sell_in', start, end)} si on si.partner_id = p.id
          left join (select partner_id, sum(amount) as amount from ${ordersSql.receivables(t)} r where r.issued_on between ${s} and ${e} group by partner_id) inv
            on inv.partner_id = p.id
          left join ${totals('collection', start, end)} col on col.partner_id = p.id
          where coalesce(inv.amount, si.amount) > 0`);
        break;
      case 'inventory_days':
        branches.push(sql`select p.id, 'inventory_days'::text, round(inv.quantity_on_hand * (${e} - ${s} + 1) / st.quantity, 4)
          from p join ${totals('sell_through', start, end)} st on st.partner_id = p.id and st.quantity > 0
          join ${targetSql.latestInventory(t, start, end)} inv on inv.partner_id = p.id`);
        break;
      case 'price_violations':
        branches.push(sql`select p.id, 'price_violations'::text, count(v.partner_id)::numeric
          from p left join (select partner_id, observed_on as d from ${policySql.violations(t)} o
                            union all select partner_id, date as d from ${targetSql.priceViolationLines(t)} l) v
            on v.partner_id = p.id and v.d between ${s} and ${e}
          group by p.id`);
        break;
      case 'cross_region_violations':
        branches.push(sql`select p.id, 'cross_region_violations'::text, count(l.external_id)::numeric
          from p left join ${targetSql.factLines(t, 'sell_through')} l on l.partner_id = p.id and l.cross_region and l.date between ${s} and ${e}
          group by p.id`);
        break;
      default:
        break;
    }
  }
  if (!branches.length) return null;
  return sql.join(branches, sql` union all `);
};
