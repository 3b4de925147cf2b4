import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { Dec, requireTenantUser, type Actor } from '../../platform/kernel/index.js';
import { incentiveSql } from '../incentive/contract.js';
import { onboardingSql } from '../onboarding/contract.js';
import { targetSql } from '../target/contract.js';
import type { PeriodRange } from './evaluation.rules.js';
import { ProgramEffectivenessQuery, type ProgramEffectiveness } from './evaluation.schemas.js';

/** The same label a year earlier: 2026-Q1 -> 2025-Q1, 2026-07 -> 2025-07, 2026 -> 2025. */
export const priorYearLabel = (label: string) => `${Number(label.slice(0, 4)) - 1}${label.slice(4)}`;

/**
 * Program effectiveness (分销政策评估): per incentive program and partner segment, what was paid (statement lines
 * of the program for the period on paid — or approved — statements in the program's currency) against the
 * sales it covered (the amount of the program's base stream — sell-in, sell-through or collections, restricted to
 * its product lines when it has any — of the partners it paid, in the period), the cost-to-sales ratio, and the
 * same a year earlier. Points and recognition programs pay no money and are left out. One statement.
 */
function sideSql(t: string, p: PeriodRange, statuses: string[], segment: SQL): SQL {
  const s = sql`${p.start}::date`;
  const e = sql`${p.end}::date`;
  const lineIds = sql`(select (jsonb_array_elements_text(ln.program_base->'productLineIds'))::uuid)`;
  return sql`
    select ln.program_id, ${segment} as seg, count(*)::int as partners, sum(ln.paid) as paid, sum(ln.sales) as sales
    from (
      select ln.program_id, ln.partner_id, sum(ln.paid) as paid,
        (select case
           when jsonb_array_length(coalesce(ln.program_base->'productLineIds', '[]'::jsonb)) = 0 then
             (select coalesce(sum(m.amount), 0) from ${targetSql.monthlyTotals(t)} m
              where m.partner_id = ln.partner_id and m.month between ${s} and ${e}
                and m.stream = case when ln.program_base->>'metric' like 'sell_in%' then 'sell_in' when ln.program_base->>'metric' like 'sell_through%' then 'sell_through' else 'collection' end)
           when ln.program_base->>'metric' like 'sell_in%' then
             (select coalesce(sum(f.amount), 0) from ${targetSql.factLines(t, 'sell_in')} f where f.partner_id = ln.partner_id and f.date between ${s} and ${e} and f.product_line_id in ${lineIds})
           when ln.program_base->>'metric' like 'sell_through%' then
             (select coalesce(sum(f.amount), 0) from ${targetSql.factLines(t, 'sell_through')} f where f.partner_id = ln.partner_id and f.date between ${s} and ${e} and f.product_line_id in ${lineIds})
           else (select coalesce(sum(c.amount), 0) from ${targetSql.factLines(t, 'collection')} c where c.partner_id = ln.partner_id and c.date between ${s} and ${e})
         end) as sales
      from (
        select l.program_id, l.partner_id, l.program_base, l.amount as paid from ${incentiveSql.statementLines(t)} l
        where l.unit = l.program_currency and l.period = ${p.label} and l.program_type not in ('points', 'recognition')
          and l.statement_status in (select jsonb_array_elements_text(${JSON.stringify(statuses)}::jsonb))
      ) ln
      group by ln.program_id, ln.partner_id, ln.program_base
    ) ln
    join ${onboardingSql.partners(t)} pa on pa.id = ln.partner_id
    group by 1, 2`;
}

export class ReportService {
  constructor(
    private readonly store: Store,
    private readonly period: (actor: Actor, label: string) => Promise<PeriodRange>,
  ) {}

  async programEffectiveness(actor: Actor, input: unknown): Promise<ProgramEffectiveness[]> {
    requireTenantUser(actor, 'evaluations:read');
    const q = parseInput(ProgramEffectivenessQuery, input);
    const cur = await this.period(actor, q.period);
    const prior = await this.period(actor, priorYearLabel(q.period));
    const statuses = q.include === 'paid' ? ['paid'] : ['approved', 'paid'];
    const segment = q.segment === 'partner_type' ? sql`pa.type` : q.segment === 'tier' ? sql`pa.tier` : sql`pa.region_code`;
    const t = actor.tenantId;
    const rows = await this.store.database.rows<{
      program_id: string;
      code: string;
      name: string;
      currency: string;
      seg: string | null;
      c_partners: number | null;
      c_paid: string | null;
      c_sales: string | null;
      p_partners: number | null;
      p_paid: string | null;
      p_sales: string | null;
    }>(sql`
      with cur as (${sideSql(t, cur, statuses, segment)}), prior as (${sideSql(t, prior, statuses, segment)})
      select pr.id as program_id, pr.code, pr.name, pr.currency, coalesce(cur.seg, prior.seg) as seg,
        cur.partners as c_partners, cur.paid::text as c_paid, cur.sales::text as c_sales,
        prior.partners as p_partners, prior.paid::text as p_paid, prior.sales::text as p_sales
      from cur full join prior on prior.program_id = cur.program_id and prior.seg is not distinct from cur.seg
      join ${incentiveSql.programs(t)} pr on pr.id = coalesce(cur.program_id, prior.program_id)
      order by pr.code, 5 nulls last`);
    const ratio = (paid: string, sales: string) => (new Dec(sales).gt(0) ? new Dec(paid).times(100).div(sales).toDecimalPlaces(4).toFixed() : null);
    const side = (n: number | null, paid: string | null, sales: string | null) => {
      const pd = new Dec(paid ?? 0).toFixed();
      const sl = new Dec(sales ?? 0).toFixed();
      return { partners: Number(n ?? 0), paid: pd, coveredSales: sl, costToSalesPct: ratio(pd, sl) };
    };
    return rows.map((r) => {
      const c = side(r.c_partners, r.c_paid, r.c_sales);
      const p = side(r.p_partners, r.p_paid, r.p_sales);
      return {
        programId: r.program_id,
        programCode: r.code,
        programName: r.name,
        currency: r.currency,
        segment: r.seg,
        current: c,
        priorYear: p,
        change: {
          paid: new Dec(c.paid).minus(p.paid).toFixed(),
          coveredSales: new Dec(c.coveredSales).minus(p.coveredSales).toFixed(),
          costToSalesPoints: c.costToSalesPct !== null && p.costToSalesPct !== null ? new Dec(c.costToSalesPct).minus(p.costToSalesPct).toFixed() : null,
        },
      };
    });
  }
}
