/**
 * The incentive module's contract: the only file of this module another module may import (checked by the
 * boundary check).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor, Period } from '../../platform/kernel/index.js';

/**
 * Rebate use on orders (返利抵扣, the orders module): the facts a check needs (account, what an order holds, the
 * programs' per-order caps) and the reservation movements, each in the caller's transaction with the rebate account
 * row locked: reserve on submit, release on cancel, spend on invoice.
 */
export { rebateUseFacts, releaseRebate, reserveRebate, spendReservedRebate, type RebateCapProgram, type RebateUseFacts } from './rebate-reservations.js';

/**
 * A port incentive eligibility needs and the evaluation module provides (evaluation comes after incentive, so
 * incentive may not import it): the composition root wires `evaluationSql.latestGrades` here.
 */
export interface GradeSource {
  /** relation: tenant_id, partner_id, grade (the latest finalised grade, optionally of one template) */
  latestGrades(tenantId: string, templateId?: string): SQL;
}

/**
 * A port for the tenant's periods (fiscal year start month) the target module provides: the composition root wires
 * `target.targets` here (a service, not a contract: incentive does not import it).
 */
export interface PeriodSource {
  /** a period label resolved with the tenant's fiscal year; VALIDATION_FAILED naming `period` when it is not one */
  period(actor: Actor, label: string): Promise<Period>;
  settings(actor: Actor): Promise<{ fiscalYearStartMonth: number }>;
}

export const incentiveSql = {
  /**
   * Statement lines with their statement's status and unit and their program's type, currency and base: tenant_id,
   * line_id, statement_id, statement_status, unit, program_id, program_type, program_currency, program_base (jsonb),
   * partner_id, period, kind, amount.
   */
  statementLines: (tenantId: string): SQL =>
    sql`(select l.tenant_id, l.id as line_id, l.statement_id, st.status as statement_status, st.unit, l.program_id, pr.type as program_type,
               pr.currency as program_currency, pr.base as program_base, l.partner_id, l.period, l.kind, l.amount
          from incentive_statement_lines l
          join incentive_statements st on st.tenant_id = l.tenant_id and st.id = l.statement_id
          join incentive_programs pr on pr.tenant_id = l.tenant_id and pr.id = l.program_id
          where l.tenant_id = ${tenantId})`,
  /** Programs: tenant_id, id, code, name, type, currency, base (jsonb), status. */
  programs: (tenantId: string): SQL =>
    sql`(select tenant_id, id, code, name, type, currency, base, status from incentive_programs where tenant_id = ${tenantId})`,
};
