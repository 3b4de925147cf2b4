import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { canon, pgArray, type Period } from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { onboardingSql } from '../onboarding/contract.js';
import { policySql } from '../policy/contract.js';
import { targetSql } from '../target/contract.js';
import type { GradeSource } from './contract.js';
import type { PartnerInput, RuleSet } from './incentive.rules.js';
import type { ProgramRow } from './incentive.tables.js';

/** Stable JSON (sorted keys) for hashing. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(stable).join(',') + ']';
  if (v && typeof v === 'object') {
    return (
      '{' +
      Object.keys(v)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => JSON.stringify(k) + ':' + stable((v as Record<string, unknown>)[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v);
}

const canonDec = (s: string | null) => (s === null ? null : canon(s));

type ProgramInputs = { type: string; base: ProgramRow['base']; eligibility: ProgramRow['eligibility'] };

/**
 * The inputs of a calculation run, read through the other modules' contracts only: partners and territory rights
 * (onboarding), fact lines and partner targets (target), price violations (policy), and the latest finalised
 * evaluation grade through the `GradeSource` port (evaluation comes after incentive, so it is wired, not imported).
 */
export class RunInputs {
  constructor(
    private readonly store: Store,
    private readonly grades: GradeSource,
  ) {}

  /**
   * The one set-based query: per eligible partner, base value and source row count over the period (restricted
   * to the program's product lines), the partner's target on the matching metric, and for penalty programs
   * the violations (price violations from policy, cross-region sell-through lines from target).
   */
  sql(tenantId: string, program: ProgramInputs, p: Period): SQL {
    const e = program.eligibility;
    const m = program.base.metric;
    const lines = program.base.productLineIds?.length ? program.base.productLineIds : null;
    const fact =
      m === 'collection_amount'
        ? sql`select partner_id, sum(amount) as base, count(*)::int as n from ${targetSql.factLines(tenantId, 'collection')} c
              where c.date between ${p.start} and ${p.end} group by partner_id`
        : sql`select partner_id, sum(${sql.raw(m.endsWith('quantity') ? 'quantity' : 'amount')}) as base, count(*)::int as n
              from ${targetSql.factLines(tenantId, m.startsWith('sell_in') ? 'sell_in' : 'sell_through')} f
              where f.date between ${p.start} and ${p.end}
              ${lines ? sql`and f.product_line_id = any(${pgArray(lines)}::uuid[])` : sql``}
              group by partner_id`;
    const targetMetric = m === 'collection_amount' ? 'collection_amount' : m.endsWith('quantity') ? 'quantity' : 'sales_amount';
    const penalty = program.type === 'penalty';
    return sql`
      with elig as (
        select p.id from ${onboardingSql.partners(tenantId)} p
        where p.status = 'active'
        ${e.partnerTypes?.length ? sql`and p.type = any(${pgArray(e.partnerTypes)}::text[])` : sql``}
        ${e.tiers?.length ? sql`and p.tier = any(${pgArray(e.tiers)}::text[])` : sql``}
        ${e.regionCodes?.length ? sql`and p.region_code = any(${pgArray(e.regionCodes)}::text[])` : sql``}
        ${
          e.productLineIds?.length
            ? sql`and exists (select 1 from ${onboardingSql.territoryRights(tenantId)} r where r.partner_id = p.id
                    and (r.product_line_id is null or r.product_line_id = any(${pgArray(e.productLineIds)}::uuid[]))
                    and (r.valid_from is null or r.valid_from <= ${p.end}) and (r.valid_to is null or r.valid_to >= ${p.start}))`
            : sql``
        }
        ${
          // the latest finalised evaluation grade of the partner (of one template when named)
          e.evaluationGrades?.length
            ? sql`and p.id in (select g.partner_id from ${this.grades.latestGrades(tenantId, e.evaluationTemplateId)} g
                    where g.grade = any(${pgArray(e.evaluationGrades)}::text[]))`
            : sql``
        }
      ),
      f as (${fact}),
      tg as (select partner_id, value from ${targetSql.partnerTargets(tenantId, p.label, targetMetric)} t)
      ${
        penalty
          ? sql`, pv as (select partner_id, count(*)::int as n, coalesce(sum(shortfall), 0) as v from (
                         select partner_id, shortfall from ${policySql.violations(tenantId)} v where v.observed_on between ${p.start} and ${p.end}
                         union all
                         select partner_id, shortfall from ${targetSql.priceViolationLines(tenantId)} l where l.date between ${p.start} and ${p.end}) x
                       group by partner_id),
               cr as (select partner_id, count(*)::int as n, sum(amount) as v from ${targetSql.factLines(tenantId, 'sell_through')} l
                       where l.cross_region and l.date between ${p.start} and ${p.end} group by partner_id)`
          : sql``
      }
      select elig.id as partner_id, coalesce(f.base, 0)::text as base, coalesce(f.n, 0) as n, tg.value::text as target
      ${penalty ? sql`, coalesce(pv.n, 0) as pv_n, coalesce(pv.v, 0)::text as pv_v, coalesce(cr.n, 0) as cr_n, coalesce(cr.v, 0)::text as cr_v` : sql``}
      from elig left join f on f.partner_id = elig.id left join tg on tg.partner_id = elig.id
      ${penalty ? sql`left join pv on pv.partner_id = elig.id left join cr on cr.partner_id = elig.id` : sql``}
      order by elig.id`;
  }

  /** Every eligible partner's inputs (ordered by partner id). */
  async read(tenantId: string, program: ProgramRow, p: Period, db?: Db): Promise<PartnerInput[]> {
    const rows = await this.store.database.rows<{
      partner_id: string;
      base: string;
      n: number;
      target: string | null;
      pv_n?: number;
      pv_v?: string;
      cr_n?: number;
      cr_v?: string;
    }>(this.sql(tenantId, program, p), db);
    return rows.map((r) => ({
      partnerId: r.partner_id,
      base: canonDec(r.base)!,
      target: canonDec(r.target),
      sourceRows: Number(r.n),
      ...(program.type === 'penalty'
        ? {
            violations: [
              { source: 'price_violation' as const, count: Number(r.pv_n ?? 0), value: canonDec(r.pv_v ?? '0')! },
              { source: 'cross_region' as const, count: Number(r.cr_n ?? 0), value: canonDec(r.cr_v ?? '0')! },
            ],
          }
        : {}),
    }));
  }

  /** The hash of everything a run's result depends on: program, rules, period and inputs. */
  hash(program: ProgramRow, rules: RuleSet, p: Period, inputs: PartnerInput[]): string {
    return createHash('sha256')
      .update(
        stable({
          program: { id: program.id, type: program.type, currency: program.currency, base: program.base, eligibility: program.eligibility },
          rules,
          period: { label: p.label, start: p.start, end: p.end },
          inputs,
        }),
      )
      .digest('hex');
  }
}
