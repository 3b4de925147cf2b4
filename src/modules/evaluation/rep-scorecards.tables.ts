import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { GradeBand } from './evaluation.rules.js';
import type { RepKpiDef } from './rep-scorecards.schemas.js';

/**
 * The tenant's rep scorecard definition (issue 17, the direct channel's 销售人员考核): weighted KPIs over a sales rep's
 * attributed sell-through and target, and grade bands. One per tenant; absent: the documented default.
 */
export const repScorecardDefinitions = pgTable('rep_scorecard_definitions', {
  tenantId: text('tenant_id').primaryKey(),
  kpis: jsonb('kpis').$type<RepKpiDef[]>().notNull(),
  gradeBands: jsonb('grade_bands').$type<GradeBand[]>().notNull(),
  note: text('note'),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
