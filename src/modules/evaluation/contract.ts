/**
 * The evaluation module's contract: the only file of this module another module may import (checked by the
 * boundary check). Evaluation sits at the end of the dependency chain, so modules before it (incentive) reach
 * these through ports the composition root wires (see `GradeSource` in the incentive contract), never by import.
 */
import { sql, type SQL } from 'drizzle-orm';

export const evaluationSql = {
  /**
   * The latest finalised grade of each partner (optionally of one scorecard template): tenant_id, partner_id, grade,
   * period, finalised_at.
   */
  latestGrades: (tenantId: string, templateId?: string): SQL =>
    sql`(select distinct on (er.partner_id) er.tenant_id, er.partner_id, er.grade, ru.period, ru.finalised_at
          from evaluation_results er join evaluation_runs ru on ru.tenant_id = er.tenant_id and ru.id = er.run_id
          where er.tenant_id = ${tenantId} and ru.status = 'finalised' ${templateId ? sql`and ru.template_id = ${templateId}::uuid` : sql``}
          order by er.partner_id, ru.finalised_at desc, ru.id desc)`,
};
