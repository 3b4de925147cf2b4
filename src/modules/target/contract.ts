/**
 * The target module's contract: the only file of this module another module may import (checked by the boundary
 * check). "Sales of a partner in a period on the tenant's sales basis" is defined here once; evaluation, incentive
 * and reports compose these relations in their own set-based SQL instead of naming the fact tables.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db.js';
import { PERCENT_SCALE } from '../../platform/kernel/money.js';
import type { Period } from '../../platform/kernel/periods.js';
import { onboardingSql } from '../onboarding/contract.js';

export { periodOf, parsePeriod, type Period } from '../../platform/kernel/periods.js';
/** Sell-in facts recorded by another module (orders' shipments) in its transaction, through the import's upsert. */
export { recordSellInFacts, type SellInFact } from './target.ingest.js';
/** Collection facts recorded by another module (orders' collections) in its transaction, through the import's upsert. */
export { recordCollectionFacts, type CollectionFact } from './target.ingest.js';

/** The streams of facts: sell-in, sell-through, collections. */
export type FactStream = 'sell_in' | 'sell_through' | 'collection';
/** A stream, or `basis`: the tenant's sales basis (target settings; sell-through unless set to sell-in). */
export type StreamOrBasis = FactStream | 'basis';

/**
 * What other modules may call on the target module's services (the composition root hands them `services.target`,
 * which has this shape): a period label resolved under the tenant's fiscal year, and the target settings.
 */
export interface TargetPort {
  targets: {
    period(actor: Actor, label: string, path?: string): Promise<Period>;
    settings(actor: Actor): Promise<{ fiscalYearStartMonth: number; salesBasis: 'sell_through' | 'sell_in' }>;
  };
}

/**
 * Port (issue 14 #8): the minimum resale price in force for each sell-through line, after any approved below-minimum
 * deviation. Implemented by policy (`priceFloorsSql`, `anyResaleFloor` in policy/contract.ts) and wired in
 * src/services.ts; sell-through ingestion marks lines sold below it.
 */
export interface PriceFloorSource {
  /**
   * SQL: for each row of `lines` (a relation with columns `line` (unique), `partner_id` and `product_id` (uuids) and
   * `d` (the sale's date)), a row (line, floor) where a floor is in force (numeric); none where there is none or the
   * partner or product is unknown. One statement whatever the number of lines, in the caller's transaction.
   */
  floorsSql(tenantId: string, lines: SQL): SQL;
  /**
   * Whether the tenant has any minimum resale price published at all, in one statement: false means every floor is
   * null (an import of a brand without a price list skips the check).
   */
  anyFloor(db: Db, tenantId: string): Promise<boolean>;
}

/** Achievement percentages (actual / target x 100) are rounded half-up to this many decimals everywhere. */
export const ACHIEVEMENT_SCALE = PERCENT_SCALE;

const isMonthStart = (d: string) => d.endsWith('-01');
const isMonthEnd = (d: string) => {
  const x = new Date(d + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + 1);
  return x.getUTCDate() === 1;
};

/** A month as a count (year x 12 + month - 1), and back to its first day. */
const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
const monthDay = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;

/**
 * Whole months [from, to] split into the calendar quarters wholly inside (first days of the first and last quarter)
 * and the month ranges before and after them (first days); without a whole quarter, the one month range.
 */
export function splitQuarters(from: string, to: string): { months: [string, string][]; quarters: [string, string] | null } {
  const f = monthIndex(from);
  const l = monthIndex(to);
  const qs = Math.ceil(f / 3) * 3; // first month of the first quarter starting at or after from
  const qe = Math.floor((l + 1) / 3) * 3 - 1; // last month of the last quarter ending at or before to
  if (qs + 2 > qe) return { months: [[monthDay(f), monthDay(l)]], quarters: null };
  const months: [string, string][] = [];
  if (f < qs) months.push([monthDay(f), monthDay(qs - 1)]);
  if (qe < l) months.push([monthDay(qe + 1), monthDay(l)]);
  return { months, quarters: [monthDay(qs), monthDay(qe - 2)] };
}

export const targetSql = {
  /**
   * Sell-through lines sold below the minimum resale price in force on their date (乱价 from data, marked at
   * ingestion): tenant_id, external_id, partner_id, product_id, date, quantity, amount, unit_price, min_resale_price,
   * shortfall (per unit).
   */
  priceViolationLines: (tenantId: string): SQL =>
    sql`(select tenant_id, external_id, partner_id, product_id, date, quantity, amount, round(amount / quantity, 4) as unit_price, min_resale_price,
          min_resale_price - round(amount / quantity, 4) as shortfall
        from sell_through_lines where tenant_id = ${tenantId} and price_violation)`,

  /** Scalar: the tenant's sales basis, 'sell_through' or 'sell_in'. */
  salesBasis: (tenantId: string): SQL => sql`coalesce((select sales_basis from target_settings where tenant_id = ${tenantId}), 'sell_through')`,

  /** `actual x 100 / target`, rounded to ACHIEVEMENT_SCALE; null when the target is not positive. */
  achievementPct: (actual: SQL, target: SQL): SQL =>
    sql`case when ${target} > 0 then round(${actual} * 100 / ${target}, ${sql.raw(String(ACHIEVEMENT_SCALE))}) end`,

  /**
   * Monthly totals per partner (maintained at ingestion): tenant_id, stream, partner_id, month (first day), amount,
   * quantity, lines.
   */
  monthlyTotals: (tenantId: string): SQL =>
    sql`(select tenant_id, stream, partner_id, month, amount, quantity, lines from actual_monthly_totals where tenant_id = ${tenantId})`,

  /**
   * Monthly totals per partner, product line and territory of the sale (maintained at ingestion with the monthly
   * totals): tenant_id, stream, partner_id, month, product_line_id (null: collections, or a product without a line),
   * territory_id (sell-through only; null otherwise), amount, quantity, lines.
   */
  monthlyDimTotals: (tenantId: string): SQL =>
    sql`(select tenant_id, stream, partner_id, month, product_line_id, territory_id, amount, quantity, lines from actual_monthly_dim_totals where tenant_id = ${tenantId})`,

  /**
   * Monthly totals per group (maintained at ingestion with the per-partner totals, target.groups.ts): tenant_id,
   * stream, dim, month, partner_type, group_key, amount, quantity, lines. `dim` `home`: group_key is the partners'
   * home territory code ('' for none); `product_line` (sell-in, sell-through): the product line id ('' for none);
   * `sale_territory` (sell-through): the territory id of the sale. Every row is also per partner type, so the
   * network total and the totals by partner type are sums of the `home` rows. Each row is exactly the sum of the
   * per-partner totals of the partners filed under it, under the partner's current type and home territory: a
   * change through onboarding's API moves the partner's totals in the same transaction (onboarding's
   * PartnerAttributesListener port); partners changed behind the API (bulk SQL) need `totals:rebuild` (or the
   * regroup), which `groupTotalsCurrent` tells. A group-month whose lines all moved away stays with zeros (lines 0).
   */
  monthlyGroupTotals: (tenantId: string): SQL =>
    sql`(select tenant_id, stream, dim, month, partner_type, group_key, amount, quantity, lines from actual_monthly_group_totals where tenant_id = ${tenantId})`,

  /**
   * Scalar boolean: the group totals of a stream can stand for the per-partner ones grouped by the partners' current
   * type and home territory (no partner filed under another type or territory than its current one). Reads every
   * partner: a check for repairs and tests, not for a hot path.
   */
  groupTotalsCurrent: (tenantId: string, stream: FactStream): SQL =>
    sql`not exists (select 1 from actual_group_partners k left join ${onboardingSql.partners(tenantId)} pa on pa.id = k.partner_id
          where k.tenant_id = ${tenantId} and k.stream = ${stream}
            and (pa.id is null or k.partner_type is distinct from pa.type or k.region_code is distinct from pa.region_code))`,

  /**
   * Totals per partner of a stream (or the sales basis) over [from, to] (dates, inclusive): partner_id, amount,
   * quantity, lines. Whole months are read from the maintained totals (the whole calendar quarters from the
   * quarterly ones, the other months from the monthly ones); other ranges from the fact lines. `partners`, a relation
   * of partner ids, limits the rows read to those partners (inside every read, where a filter around the grouped
   * result could not reach).
   */
  periodTotals: (tenantId: string, stream: StreamOrBasis, from: string, to: string, partners?: SQL): SQL => {
    const only = partners ? sql` and partner_id in ${partners}` : sql``;
    if (isMonthStart(from) && isMonthEnd(to)) {
      // the calendar quarters wholly inside from the quarterly totals, the months before and after them from the monthly
      const { months, quarters } = splitQuarters(from, to);
      // the sales basis as one branch per stream, each behind a one-time test of the basis: the stream stays a
      // constant (an index condition; under the tenant wall a subquery in the predicate is not one)
      const b = targetSql.salesBasis(tenantId);
      const streams: [string, SQL][] =
        stream === 'basis'
          ? [
              ['sell_through', sql` and ${b} = 'sell_through'`],
              ['sell_in', sql` and ${b} = 'sell_in'`],
            ]
          : [[stream, sql``]];
      const parts = streams.flatMap(([st, gate]) => [
        ...months.map(
          ([a, z]) => sql`select partner_id, amount, quantity, lines from actual_monthly_totals
            where tenant_id = ${tenantId} and stream = ${st} and month between ${a}::date and ${z}::date${only}${gate}`,
        ),
        ...(quarters
          ? [
              sql`select partner_id, amount, quantity, lines from actual_quarterly_totals
            where tenant_id = ${tenantId} and stream = ${st} and quarter between ${quarters[0]}::date and ${quarters[1]}::date${only}${gate}`,
            ]
          : []),
      ]);
      // one month or one quarter: a row per partner already (no aggregate: its per-group state is most of the cost)
      const single = months.length + (quarters ? 1 : 0) === 1 && (quarters ? quarters[0] === quarters[1] : months[0]![0] === months[0]![1]);
      if (single) return sql`(${sql.join(parts, sql` union all `)})`;
      return sql`(select partner_id, sum(amount) as amount, sum(quantity) as quantity, sum(lines)::int as lines
        from (${sql.join(parts, sql` union all `)}) x group by partner_id)`;
    }
    return sql`(select partner_id, sum(amount) as amount, sum(quantity) as quantity, count(*)::int as lines from ${targetSql.factLines(tenantId, stream)} f
      where f.date between ${from}::date and ${to}::date${only} group by partner_id)`;
  },

  /**
   * Fact lines of a stream (or the sales basis): tenant_id, external_id, partner_id, product_id, product_line_id,
   * territory_id, date, quantity, amount, cross_region, customer_id, invoice_ref. Columns a stream does not have are
   * null (collections have no product; quantity 0); cross_region is false outside sell-through.
   */
  factLines: (tenantId: string, stream: StreamOrBasis): SQL => {
    const st = sql`select tenant_id, external_id, partner_id, product_id, product_line_id, territory_id, date, quantity, amount, cross_region, customer_id, null::text as invoice_ref
      from sell_through_lines where tenant_id = ${tenantId}`;
    const si = sql`select tenant_id, external_id, partner_id, product_id, product_line_id, null::uuid as territory_id, date, quantity, amount,
        false as cross_region, null::text as customer_id, null::text as invoice_ref
      from sell_in_lines where tenant_id = ${tenantId}`;
    const co = sql`select tenant_id, external_id, partner_id, null::uuid as product_id, null::uuid as product_line_id, null::uuid as territory_id, date,
        0::numeric as quantity, amount, false as cross_region, null::text as customer_id, invoice_ref
      from collections where tenant_id = ${tenantId}`;
    if (stream === 'sell_through') return sql`(${st})`;
    if (stream === 'sell_in') return sql`(${si})`;
    if (stream === 'collection') return sql`(${co})`;
    const b = targetSql.salesBasis(tenantId);
    return sql`(${st} and ${b} = 'sell_through' union all ${si} and ${b} = 'sell_in')`;
  },

  /**
   * Quantity on hand per partner: the latest snapshot of each product within [from, to], summed: partner_id,
   * quantity_on_hand.
   */
  latestInventory: (tenantId: string, from: string, to: string): SQL =>
    sql`(select partner_id, sum(quantity_on_hand) as quantity_on_hand from (
          select distinct on (partner_id, product_id) partner_id, quantity_on_hand from inventory_snapshots
          where tenant_id = ${tenantId} and date between ${from}::date and ${to}::date
          order by partner_id, product_id, date desc) latest group by partner_id)`,

  /**
   * Inventory snapshots reported by partners (the stock on hand at the end of their day): tenant_id, external_id,
   * partner_id, product_id, product_line_id, date, quantity_on_hand.
   */
  inventorySnapshots: (tenantId: string): SQL =>
    sql`(select tenant_id, external_id, partner_id, product_id, product_line_id, date, quantity_on_hand from inventory_snapshots where tenant_id = ${tenantId})`,

  /**
   * Sell-through attributed to sales reps (issue 17) over whole months [from, to] (the first and last day of the
   * period), from the maintained per-rep monthly totals: rep_id, amount, quantity, lines, partners (the distinct
   * partners the rep sold through in the range). Only reps with attributed lines in the range appear.
   */
  repPeriodTotals: (tenantId: string, from: string, to: string): SQL =>
    sql`(select rep_id, sum(amount) as amount, sum(quantity) as quantity, sum(lines)::int as lines, (count(*) filter (where lines <> 0))::int as partners
        from (select rep_id, partner_id, sum(amount) as amount, sum(quantity) as quantity, sum(lines) as lines from rep_monthly_totals
              where tenant_id = ${tenantId} and month between date_trunc('month', ${from}::date)::date and ${to}::date group by rep_id, partner_id) rp
        group by rep_id)`,

  /** Per-rep monthly totals (maintained at ingestion): tenant_id, rep_id, month, partner_id, amount, quantity, lines. */
  repMonthlyTotals: (tenantId: string): SQL =>
    sql`(select tenant_id, rep_id, month, partner_id, amount, quantity, lines from rep_monthly_totals where tenant_id = ${tenantId})`,

  /** Sales reps' targets of a period label and metric (`sales_amount` or `quantity`): rep_id, value. */
  repTargets: (tenantId: string, period: string, metric: 'sales_amount' | 'quantity'): SQL =>
    sql`(select rep_id, value from rep_targets where tenant_id = ${tenantId} and period = ${period} and metric = ${metric})`,

  /** Partner-level targets (no product line, no territory) of a period label and metric: partner_id, value. */
  partnerTargets: (tenantId: string, period: string, metric: string): SQL =>
    sql`(select partner_id, value from targets where tenant_id = ${tenantId} and period = ${period} and metric = ${metric}
          and product_line_id is null and territory_id is null)`,
};
