import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { onboardingKeys } from '../onboarding/contract.js';
import type { ActionCondition, ActionType, GradeBand, KpiDef } from './evaluation.rules.js';

/** Scorecard templates: the stable identity; the definition lives in versions. */
export const scorecardTemplates = pgTable(
  'scorecard_templates',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    latestVersion: integer('latest_version').notNull().default(1),
    /** optimistic concurrency of the template as a whole */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('scorecard_templates_code_uq').on(t.tenantId, t.code)],
);

/** One definition of a template. A version a run has used (used_at set) is never changed again. */
export const scorecardTemplateVersions = pgTable(
  'scorecard_template_versions',
  {
    tenantId: text('tenant_id').notNull(),
    templateId: uuid('template_id').notNull(),
    versionNo: integer('version_no').notNull(),
    kpis: jsonb('kpis').$type<KpiDef[]>().notNull(),
    gradeBands: jsonb('grade_bands').$type<GradeBand[]>().notNull(),
    note: text('note'),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.templateId, t.versionNo] }),
    foreignKey({
      name: 'scorecard_versions_template_fk',
      columns: [t.tenantId, t.templateId],
      foreignColumns: [scorecardTemplates.tenantId, scorecardTemplates.id],
    }),
  ],
);

/** Manually entered KPI values (surveys, audits, training) per partner, period and KPI code. */
export const evaluationManualValues = pgTable(
  'evaluation_manual_values',
  {
    tenantId: text('tenant_id').notNull(),
    period: text('period').notNull(),
    kpiCode: text('kpi_code').notNull(),
    partnerId: uuid('partner_id').notNull(),
    value: numeric('value', { precision: 18, scale: 4 }).notNull(),
    note: text('note'),
    enteredBy: text('entered_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.period, t.kpiCode, t.partnerId] }),
    index('evaluation_manual_values_partner_idx').on(t.tenantId, t.partnerId, t.period),
    foreignKey({ name: 'evaluation_manual_values_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
  ],
);

/** An evaluation run of one template version over one period. draft -> finalised (then immutable). */
export const evaluationRuns = pgTable(
  'evaluation_runs',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    templateId: uuid('template_id').notNull(),
    templateVersion: integer('template_version').notNull(),
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    status: text('status').$type<'draft' | 'finalised'>().notNull().default('draft'),
    allowDefaults: boolean('allow_defaults').notNull().default(false),
    /** the partners asked for (null = every active partner) */
    partnerIds: jsonb('partner_ids').$type<string[] | null>(),
    partnerCount: integer('partner_count').notNull().default(0),
    completeCount: integer('complete_count').notNull().default(0),
    createdBy: text('created_by').notNull(),
    finalisedAt: timestamp('finalised_at', { withTimezone: true }),
    finalisedBy: text('finalised_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('evaluation_runs_template_idx').on(t.tenantId, t.templateId, t.period),
    // at most one finalised run per template and period
    uniqueIndex('evaluation_runs_finalised_uq')
      .on(t.tenantId, t.templateId, t.period)
      .where(sql`status = 'finalised'`),
    foreignKey({
      name: 'evaluation_runs_version_fk',
      columns: [t.tenantId, t.templateId, t.templateVersion],
      foreignColumns: [scorecardTemplateVersions.tenantId, scorecardTemplateVersions.templateId, scorecardTemplateVersions.versionNo],
    }),
    check('evaluation_runs_status_ck', sql`${t.status} in ('draft','finalised')`),
  ],
);

/** One partner's result in a run. */
export const evaluationResults = pgTable(
  'evaluation_results',
  {
    tenantId: text('tenant_id').notNull(),
    runId: uuid('run_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    partnerCode: text('partner_code').notNull(),
    complete: boolean('complete').notNull(),
    missing: jsonb('missing').$type<string[]>().notNull(),
    total: numeric('total', { precision: 9, scale: 2 }),
    grade: text('grade'),
    rank: integer('rank'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.runId, t.partnerId] }),
    index('evaluation_results_partner_idx').on(t.tenantId, t.partnerId),
    index('evaluation_results_rank_idx').on(t.tenantId, t.runId, t.rank, t.partnerCode),
    foreignKey({ name: 'evaluation_results_run_fk', columns: [t.tenantId, t.runId], foreignColumns: [evaluationRuns.tenantId, evaluationRuns.id] }),
  ],
);

/** One KPI of one partner's result: value, score, weighted contribution. */
export const evaluationResultKpis = pgTable(
  'evaluation_result_kpis',
  {
    tenantId: text('tenant_id').notNull(),
    runId: uuid('run_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    kpiCode: text('kpi_code').notNull(),
    position: integer('position').notNull(),
    value: numeric('value', { precision: 18, scale: 4 }),
    score: numeric('score', { precision: 9, scale: 4 }),
    weight: numeric('weight', { precision: 9, scale: 4 }).notNull(),
    weighted: numeric('weighted'),
    defaulted: boolean('defaulted').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.runId, t.partnerId, t.kpiCode] }),
    foreignKey({ name: 'evaluation_result_kpis_run_fk', columns: [t.tenantId, t.runId], foreignColumns: [evaluationRuns.tenantId, evaluationRuns.id] }),
  ],
);

/** Rules mapping grades or KPI conditions to recommended actions. */
export const evaluationActionRules = pgTable(
  'evaluation_action_rules',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** null = applies to runs of every template */
    templateId: uuid('template_id'),
    action: text('action').$type<ActionType>().notNull(),
    condition: jsonb('condition').$type<ActionCondition>().notNull(),
    /** tier ladder lowest first, or a fixed target tier (tier_up / tier_down) */
    tierLadder: jsonb('tier_ladder').$type<string[] | null>(),
    targetTier: text('target_tier'),
    /** termination_review: the lifecycle action (onboarding) accepting it performs */
    lifecycleAction: text('lifecycle_action').$type<'suspend' | 'terminate'>(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('evaluation_action_rules_code_uq').on(t.tenantId, t.code)],
);

/** A recommended action for a partner from a finalised run; accepted (performed) or dismissed. */
export const evaluationActions = pgTable(
  'evaluation_actions',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    runId: uuid('run_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    action: text('action').$type<ActionType>().notNull(),
    status: text('status').$type<'recommended' | 'pending_approval' | 'accepted' | 'dismissed'>().notNull().default('recommended'),
    grade: text('grade'),
    gradeHistory: jsonb('grade_history').$type<{ period: string; grade: string | null }[]>().notNull(),
    fromTier: text('from_tier'),
    toTier: text('to_tier'),
    lifecycleAction: text('lifecycle_action').$type<'suspend' | 'terminate'>(),
    reason: text('reason').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('evaluation_actions_uq').on(t.tenantId, t.runId, t.partnerId, t.ruleId),
    index('evaluation_actions_partner_idx').on(t.tenantId, t.partnerId),
    foreignKey({ name: 'evaluation_actions_run_fk', columns: [t.tenantId, t.runId], foreignColumns: [evaluationRuns.tenantId, evaluationRuns.id] }),
    foreignKey({
      name: 'evaluation_actions_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [evaluationActionRules.tenantId, evaluationActionRules.id],
    }),
    check('evaluation_actions_status_ck', sql`${t.status} in ('recommended','pending_approval','accepted','dismissed')`),
  ],
);

export const WARNING_KINDS = ['achievement_behind_run_rate', 'collections_overdue', 'inventory_days_above', 'new_violation'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

/** Early-warning rules (风险预警): a threshold over live data during a period. */
export const evaluationWarningRules = pgTable(
  'evaluation_warning_rules',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<WarningKind>().notNull(),
    threshold: numeric('threshold', { precision: 18, scale: 4 }).notNull(),
    /** achievement_behind_run_rate: share of the period that must have elapsed (%) before it is checked */
    minElapsedPct: numeric('min_elapsed_pct', { precision: 9, scale: 4 }).notNull().default('50'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('evaluation_warning_rules_code_uq').on(t.tenantId, t.code),
    check('evaluation_warning_rules_kind_ck', sql`${t.kind} in ('achievement_behind_run_rate','collections_overdue','inventory_days_above','new_violation')`),
  ],
);

/** An alert raised by a rule for a partner and period: opened once, closed when the condition clears. */
export const evaluationWarnings = pgTable(
  'evaluation_warnings',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    period: text('period').notNull(),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    value: numeric('value', { precision: 18, scale: 4 }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    openedAsOf: date('opened_as_of', { mode: 'string' }).notNull(),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedAsOf: date('closed_as_of', { mode: 'string' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // at most one open alert per rule, partner and period: a check never opens a second one
    uniqueIndex('evaluation_warnings_open_uq')
      .on(t.tenantId, t.ruleId, t.partnerId, t.period)
      .where(sql`status = 'open'`),
    index('evaluation_warnings_partner_idx').on(t.tenantId, t.partnerId, t.status),
    foreignKey({
      name: 'evaluation_warnings_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [evaluationWarningRules.tenantId, evaluationWarningRules.id],
    }),
    foreignKey({ name: 'evaluation_warnings_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('evaluation_warnings_status_ck', sql`${t.status} in ('open','closed')`),
  ],
);
