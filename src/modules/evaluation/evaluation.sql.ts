import { sql, type SQL } from 'drizzle-orm';
import { onboardingSql } from '../onboarding/contract.js';
import type { GradeBand, KpiDef, KpiKind } from './evaluation.rules.js';

/**
 * The set-based run: every partner x KPI value, score and weighted contribution in one INSERT ... SELECT, then
 * every partner's total, grade and rank in a second. Same arithmetic as evaluation.rules.ts (see there).
 */

/** KPI definitions flattened for jsonb_to_recordset. */
export function kpiRecords(kpis: KpiDef[]) {
  return kpis.map((k, i) => ({
    pos: i,
    code: k.code,
    weight: k.weight,
    direction: k.direction,
    source: k.source,
    kind: k.kind ?? null,
    rule: k.scoring.type,
    floor: k.scoring.type === 'linear' ? k.scoring.floor : null,
    target: k.scoring.type === 'linear' ? k.scoring.target : null,
    cap: k.scoring.type === 'linear' ? (k.scoring.cap ?? '100') : null,
    bands: k.scoring.type === 'banded' ? k.scoring.bands : null,
    otherwise: k.scoring.type === 'banded' ? (k.scoring.otherwise ?? '0') : null,
    dflt: k.defaultValue ?? null,
  }));
}

/**
 * Computed KPI values: a query yielding (partner_id uuid, kind text, value numeric) for the partners in `p`
 * (a CTE named p with column id) over [start, end]. Kinds whose data is not on this server are absent.
 */
export type ComputedSource = (ctx: { tenantId: string; period: string; start: string; end: string; kinds: KpiKind[] }) => SQL | null;

export interface RunSqlInput {
  tenantId: string;
  runId: string;
  period: string;
  start: string;
  end: string;
  kpis: KpiDef[];
  /** explicit partner ids, or null for every active partner */
  partnerIds: string[] | null;
  allowDefaults: boolean;
  computed: SQL | null;
}

export function insertResultKpisSql(i: RunSqlInput): SQL {
  const kpiJson = JSON.stringify(kpiRecords(i.kpis));
  const partnerFilter = i.partnerIds ? sql`id in (select (jsonb_array_elements_text(${JSON.stringify(i.partnerIds)}::jsonb))::uuid)` : sql`status = 'active'`;
  const computed = i.computed ?? sql`select null::uuid as partner_id, null::text as kind, null::numeric as value where false`;
  return sql`
    insert into evaluation_result_kpis (tenant_id, run_id, partner_id, kpi_code, position, value, score, weight, weighted, defaulted)
    with k as (
      select * from jsonb_to_recordset(${kpiJson}::jsonb) as x(
        pos int, code text, weight numeric, direction text, source text, kind text, rule text,
        floor numeric, target numeric, cap numeric, bands jsonb, otherwise numeric, dflt numeric)
    ),
    p as (select id from ${onboardingSql.partners(i.tenantId)} pa where ${partnerFilter}),
    c as (${computed}),
    raw as (
      select p.id as partner_id, k.*,
        case when k.source = 'manual' or k.kind = 'training_completion' then mv.value else c.value end as raw_value
      from p cross join k
      left join evaluation_manual_values mv
        on mv.tenant_id = ${i.tenantId} and mv.period = ${i.period} and mv.kpi_code = k.code and mv.partner_id = p.id
      left join c on c.partner_id = p.id and c.kind = k.kind and k.source = 'computed'
    ),
    v as (
      select raw.*,
        case when raw_value is null and ${i.allowDefaults}::boolean then dflt else raw_value end as val,
        (raw_value is null and ${i.allowDefaults}::boolean and dflt is not null) as defaulted
      from raw
    ),
    s as (
      select v.*,
        case
          when val is null then null
          when rule = 'linear' then round(least(greatest(100 * (val - floor) / (target - floor), 0), cap), 4)
          else round(coalesce((
            select (b->>'score')::numeric from jsonb_array_elements(bands) b
            where case when direction = 'higher' then val >= (b->>'threshold')::numeric else val <= (b->>'threshold')::numeric end
            order by case when direction = 'higher' then (b->>'threshold')::numeric end desc,
                     case when direction = 'lower' then (b->>'threshold')::numeric end asc
            limit 1), otherwise), 4)
        end as score
      from v
    )
    select ${i.tenantId}, ${i.runId}::uuid, partner_id, code, pos, val, score, weight, score * weight / 100, defaulted from s`;
}

/** Totals, grades and competition ranks ("1224", ties by partner code) from the KPI rows of the run. */
export function insertResultsSql(tenantId: string, runId: string, bands: GradeBand[]): SQL {
  const bandJson = JSON.stringify(bands);
  return sql`
    insert into evaluation_results (tenant_id, run_id, partner_id, partner_code, complete, missing, total, grade, rank)
    with agg as (
      select partner_id,
        bool_and(value is not null) as complete,
        coalesce(jsonb_agg(kpi_code order by position) filter (where value is null), '[]'::jsonb) as missing,
        round(sum(score * weight) / 100, 2) as total
      from evaluation_result_kpis where tenant_id = ${tenantId} and run_id = ${runId}::uuid
      group by partner_id
    ),
    g as (
      select agg.partner_id, agg.complete, agg.missing, case when agg.complete then agg.total end as total
      from agg
    )
    select ${tenantId}, ${runId}::uuid, g.partner_id, p.code, g.complete, g.missing, g.total,
      case when g.complete then (
        select b->>'grade' from jsonb_array_elements(${bandJson}::jsonb) b
        where g.total >= (b->>'min')::numeric order by (b->>'min')::numeric desc limit 1) end,
      case when g.complete then rank() over (partition by g.complete order by g.total desc) end
    from g join ${onboardingSql.partners(tenantId)} p on p.id = g.partner_id`;
}
