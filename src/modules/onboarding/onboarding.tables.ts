import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { productLines, products, territories } from './catalog.tables.js';
import { partners } from './partners.tables.js';

const ts = (name: string) => timestamp(name, { withTimezone: true }).notNull().defaultNow();

/** Every lifecycle transition of a partner: who, when, from, to, why. Append-only. */
export const partnerStatusHistory = pgTable(
  'partner_status_history',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason'),
    subject: text('subject').notNull(),
    at: ts('at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('partner_status_history_partner_idx').on(t.tenantId, t.partnerId, t.id),
    foreignKey({ name: 'partner_status_history_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [partners.tenantId, partners.id] }),
  ],
);

/** Qualification checklist item kinds (资格审查项), tenant-defined. */
export const checklistItemKinds = pgTable(
  'checklist_item_kinds',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    required: boolean('required').notNull().default(true),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('checklist_item_kinds_code_uq').on(t.tenantId, t.code)],
);

/** Screening criteria (weights of the active set sum to 100) and the tenant's minimum score. */
export const screeningCriteria = pgTable(
  'screening_criteria',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    weight: numeric('weight', { precision: 7, scale: 4 }).notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('screening_criteria_code_uq').on(t.tenantId, t.code),
    check('screening_criteria_weight_ck', sql`${t.weight} > 0 and ${t.weight} <= 100`),
  ],
);

export const onboardingSettings = pgTable('onboarding_settings', {
  tenantId: text('tenant_id').primaryKey(),
  minScore: numeric('min_score', { precision: 7, scale: 4 }),
  updatedAt: ts('updated_at'),
});

export interface ApplicationDocument {
  name: string;
  kind: string;
  url?: string | undefined;
  storageKey?: string | undefined;
  sha256?: string | undefined;
  expiresOn?: string | undefined;
}

/** Applications (分销商申请表). */
export const applications = pgTable(
  'applications',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    status: text('status').notNull().default('draft'),
    partnerCode: text('partner_code').notNull(),
    legalName: text('legal_name').notNull(),
    partnerType: text('partner_type').notNull(),
    channel: text('channel').notNull().default('offline'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    address: jsonb('address').$type<Record<string, unknown>>(),
    requestedTerritoryIds: jsonb('requested_territory_ids').$type<string[]>().notNull().default([]),
    requestedProductLineIds: jsonb('requested_product_line_ids').$type<string[]>().notNull().default([]),
    capabilities: jsonb('capabilities').$type<Record<string, unknown>>().notNull().default({}),
    documents: jsonb('documents').$type<ApplicationDocument[]>().notNull().default([]),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    partnerId: uuid('partner_id'),
    agreementId: uuid('agreement_id'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('applications_status_idx').on(t.tenantId, t.status, t.id),
    index('applications_submitter_idx').on(t.tenantId, t.submittedBy, t.id),
    foreignKey({ name: 'applications_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [partners.tenantId, partners.id] }),
    check('applications_status_ck', sql`${t.status} in ('draft','submitted','under_review','approved','rejected','withdrawn')`),
  ],
);

/** Review results per checklist item of an application. */
export const applicationChecks = pgTable(
  'application_checks',
  {
    tenantId: text('tenant_id').notNull(),
    applicationId: uuid('application_id').notNull(),
    kindId: uuid('kind_id').notNull(),
    result: text('result').notNull(),
    note: text('note'),
    reviewer: text('reviewer').notNull(),
    reviewedOn: date('reviewed_on', { mode: 'string' }).notNull(),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.applicationId, t.kindId] }),
    foreignKey({ name: 'application_checks_app_fk', columns: [t.tenantId, t.applicationId], foreignColumns: [applications.tenantId, applications.id] }),
    foreignKey({ name: 'application_checks_kind_fk', columns: [t.tenantId, t.kindId], foreignColumns: [checklistItemKinds.tenantId, checklistItemKinds.id] }),
    check('application_checks_result_ck', sql`${t.result} in ('pass','fail','na')`),
  ],
);

/** Scores 0-100 per screening criterion of an application. */
export const applicationScores = pgTable(
  'application_scores',
  {
    tenantId: text('tenant_id').notNull(),
    applicationId: uuid('application_id').notNull(),
    criterionId: uuid('criterion_id').notNull(),
    score: numeric('score', { precision: 7, scale: 4 }).notNull(),
    note: text('note'),
    reviewer: text('reviewer').notNull(),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.applicationId, t.criterionId] }),
    foreignKey({ name: 'application_scores_app_fk', columns: [t.tenantId, t.applicationId], foreignColumns: [applications.tenantId, applications.id] }),
    foreignKey({
      name: 'application_scores_criterion_fk',
      columns: [t.tenantId, t.criterionId],
      foreignColumns: [screeningCriteria.tenantId, screeningCriteria.id],
    }),
    check('application_scores_range_ck', sql`${t.score} >= 0 and ${t.score} <= 100`),
  ],
);

/** Agreements (分销合作协议). At most one active per partner (partial unique index). */
export const agreements = pgTable(
  'agreements',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: text('number').notNull(),
    partnerId: uuid('partner_id').notNull(),
    status: text('status').notNull().default('draft'),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    policyRef: text('policy_ref'),
    note: text('note'),
    applicationId: uuid('application_id'),
    renewalOfId: uuid('renewal_of_id'),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    endReason: text('end_reason'),
    endedOn: date('ended_on', { mode: 'string' }),
    endNote: text('end_note'),
    /** when `agreement.expiring` was announced (once per agreement) */
    expiringNotifiedAt: timestamp('expiring_notified_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('agreements_number_uq').on(t.tenantId, t.number),
    uniqueIndex('agreements_one_active_per_partner_uq')
      .on(t.tenantId, t.partnerId)
      .where(sql`status = 'active'`),
    /** a renewal activated before its term waits as `scheduled` (one per partner) until the sweep starts it */
    uniqueIndex('agreements_one_scheduled_per_partner_uq')
      .on(t.tenantId, t.partnerId)
      .where(sql`status = 'scheduled'`),
    index('agreements_partner_idx').on(t.tenantId, t.partnerId, t.id),
    index('agreements_end_idx').on(t.tenantId, t.status, t.endDate),
    foreignKey({ name: 'agreements_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [partners.tenantId, partners.id] }),
    foreignKey({ name: 'agreements_renewal_fk', columns: [t.tenantId, t.renewalOfId], foreignColumns: [t.tenantId, t.id] }),
    check('agreements_status_ck', sql`${t.status} in ('draft','scheduled','active','expired','terminated')`),
    check('agreements_term_ck', sql`${t.endDate} >= ${t.startDate}`),
    check('agreements_end_reason_ck', sql`${t.endReason} is null or ${t.endReason} in ('expiry','breach','mutual')`),
  ],
);

/**
 * Territories assigned by an agreement. `active` mirrors the agreement's status (kept in the same transaction) so
 * that a partial unique index can refuse two active exclusive assignments of one territory and product line.
 * `line_key` is the product line or the all-zero uuid for "every line" (a unique index treats nulls as distinct).
 */
export const agreementTerritories = pgTable(
  'agreement_territories',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    agreementId: uuid('agreement_id').notNull(),
    territoryId: uuid('territory_id').notNull(),
    productLineId: uuid('product_line_id'),
    lineKey: uuid('line_key').notNull(),
    exclusive: boolean('exclusive').notNull().default(false),
    active: boolean('active').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('agreement_territories_uq').on(t.tenantId, t.agreementId, t.territoryId, t.lineKey),
    uniqueIndex('agreement_territories_exclusive_uq')
      .on(t.tenantId, t.territoryId, t.lineKey)
      .where(sql`exclusive and active`),
    index('agreement_territories_territory_idx').on(t.tenantId, t.territoryId),
    foreignKey({ name: 'agreement_territories_agreement_fk', columns: [t.tenantId, t.agreementId], foreignColumns: [agreements.tenantId, agreements.id] }),
    foreignKey({ name: 'agreement_territories_territory_fk', columns: [t.tenantId, t.territoryId], foreignColumns: [territories.tenantId, territories.id] }),
    foreignKey({ name: 'agreement_territories_line_fk', columns: [t.tenantId, t.productLineId], foreignColumns: [productLines.tenantId, productLines.id] }),
  ],
);

/** Products or product lines an agreement authorises (exactly one of the two per row). */
export const agreementProducts = pgTable(
  'agreement_products',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    agreementId: uuid('agreement_id').notNull(),
    productId: uuid('product_id'),
    productLineId: uuid('product_line_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('agreement_products_agreement_idx').on(t.tenantId, t.agreementId),
    foreignKey({ name: 'agreement_products_agreement_fk', columns: [t.tenantId, t.agreementId], foreignColumns: [agreements.tenantId, agreements.id] }),
    foreignKey({ name: 'agreement_products_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ name: 'agreement_products_line_fk', columns: [t.tenantId, t.productLineId], foreignColumns: [productLines.tenantId, productLines.id] }),
    check('agreement_products_one_ck', sql`(${t.productId} is null) <> (${t.productLineId} is null)`),
  ],
);

/** Cross-region sales requests (跨区域销售申请). */
export const crossRegionRequests = pgTable(
  'cross_region_requests',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    territoryId: uuid('territory_id').notNull(),
    productLineId: uuid('product_line_id'),
    productId: uuid('product_id'),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('pending'),
    requestedBy: text('requested_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('cross_region_requests_partner_idx').on(t.tenantId, t.partnerId, t.id),
    foreignKey({ name: 'cross_region_requests_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [partners.tenantId, partners.id] }),
    foreignKey({ name: 'cross_region_requests_territory_fk', columns: [t.tenantId, t.territoryId], foreignColumns: [territories.tenantId, territories.id] }),
    foreignKey({ name: 'cross_region_requests_line_fk', columns: [t.tenantId, t.productLineId], foreignColumns: [productLines.tenantId, productLines.id] }),
    foreignKey({ name: 'cross_region_requests_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    check('cross_region_requests_status_ck', sql`${t.status} in ('pending','approved','rejected')`),
    check('cross_region_requests_period_ck', sql`${t.validTo} >= ${t.validFrom}`),
    check('cross_region_requests_scope_ck', sql`${t.productLineId} is not null or ${t.productId} is not null`),
  ],
);
