import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { onboardingKeys } from '../onboarding/contract.js';
import type { DiscountRule, ScopeKind, VersionStatus } from './policy.schemas.js';

const SCOPE_CK = (kind: unknown, value: unknown) =>
  sql`(${kind} = 'default' and ${value} is null) or (${kind} = 'channel' and ${value} in ('online','offline')) or (${kind} in ('partner_type','tier','partner') and ${value} is not null)`;

/** A price policy (价格政策): name, currency and the scope it applies to. Its content lives in versions. */
export const pricePolicies = pgTable(
  'price_policies',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    scopeKind: text('scope_kind').$type<ScopeKind>().notNull(),
    /** null for default; 'online'|'offline'; a partner type; a tier label; a partner id */
    scopeValue: text('scope_value'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('price_policies_code_uq').on(t.tenantId, t.code),
    index('price_policies_scope_idx').on(t.tenantId, t.scopeKind, t.scopeValue),
    check('price_policies_scope_ck', SCOPE_CK(t.scopeKind, t.scopeValue)),
    check('price_policies_currency_ck', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** A version of a price policy: draft -> published -> retired. Published versions are never edited. */
export const priceVersions = pgTable(
  'price_versions',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    policyId: uuid('policy_id').notNull(),
    number: integer('number').notNull(),
    status: text('status').$type<VersionStatus>().notNull().default('draft'),
    effectiveFrom: date('effective_from', { mode: 'string' }),
    effectiveTo: date('effective_to', { mode: 'string' }),
    discountRules: jsonb('discount_rules').$type<DiscountRule[]>().notNull().default([]),
    note: text('note'),
    copiedFromId: uuid('copied_from_id'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('price_versions_number_uq').on(t.tenantId, t.policyId, t.number),
    index('price_versions_live_idx').on(t.tenantId, t.status, t.effectiveFrom),
    foreignKey({ name: 'price_versions_policy_fk', columns: [t.tenantId, t.policyId], foreignColumns: [pricePolicies.tenantId, pricePolicies.id] }),
    check('price_versions_status_ck', sql`${t.status} in ('draft','published','retired')`),
    check('price_versions_dates_ck', sql`${t.effectiveTo} is null or ${t.effectiveFrom} is null or ${t.effectiveTo} >= ${t.effectiveFrom}`),
    check('price_versions_published_from_ck', sql`${t.status} = 'draft' or ${t.effectiveFrom} is not null`),
  ],
);

/** One price of a version, for a product or for a whole product line. */
export const priceLines = pgTable(
  'price_lines',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    versionId: uuid('version_id').notNull(),
    productId: uuid('product_id'),
    lineId: uuid('line_id'),
    distributionPrice: numeric('distribution_price', { precision: 18, scale: 4 }).notNull(),
    suggestedRetailPrice: numeric('suggested_retail_price', { precision: 18, scale: 4 }).notNull(),
    minResalePrice: numeric('min_resale_price', { precision: 18, scale: 4 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('price_lines_product_uq')
      .on(t.tenantId, t.versionId, t.productId)
      .where(sql`product_id is not null`),
    uniqueIndex('price_lines_line_uq')
      .on(t.tenantId, t.versionId, t.lineId)
      .where(sql`line_id is not null`),
    index('price_lines_product_idx').on(t.tenantId, t.productId),
    index('price_lines_line_idx').on(t.tenantId, t.lineId),
    foreignKey({ name: 'price_lines_version_fk', columns: [t.tenantId, t.versionId], foreignColumns: [priceVersions.tenantId, priceVersions.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ name: 'price_lines_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [...onboardingKeys.product] }),
    foreignKey({ name: 'price_lines_line_fk', columns: [t.tenantId, t.lineId], foreignColumns: [...onboardingKeys.productLine] }),
    check('price_lines_target_ck', sql`(${t.productId} is null) <> (${t.lineId} is null)`),
    check(
      'price_lines_amounts_ck',
      sql`${t.distributionPrice} >= 0 and ${t.suggestedRetailPrice} >= 0 and (${t.minResalePrice} is null or (${t.minResalePrice} >= 0 and ${t.minResalePrice} <= ${t.suggestedRetailPrice}))`,
    ),
  ],
);

/** Price deviation requests (调价申请). */
export const priceDeviations = pgTable(
  'price_deviations',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    productId: uuid('product_id').notNull(),
    kind: text('kind').$type<'below_min_resale' | 'above_list'>().notNull(),
    price: numeric('price', { precision: 18, scale: 4 }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    status: text('status').$type<'pending' | 'approved' | 'rejected'>().notNull().default('pending'),
    requestedBy: text('requested_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('price_deviations_lookup_idx').on(t.tenantId, t.partnerId, t.productId, t.status, t.validFrom),
    foreignKey({ name: 'price_deviations_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'price_deviations_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [...onboardingKeys.product] }),
    check('price_deviations_status_ck', sql`${t.status} in ('pending','approved','rejected')`),
    check('price_deviations_kind_ck', sql`${t.kind} in ('below_min_resale','above_list')`),
    check('price_deviations_dates_ck', sql`${t.validTo} >= ${t.validFrom}`),
    check('price_deviations_price_ck', sql`${t.price} >= 0`),
  ],
);

/** Channel terms (渠道条款) per scope, versioned with effective dates like prices. Null fields inherit. */
export const channelTerms = pgTable(
  'channel_terms',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    scopeKind: text('scope_kind').$type<ScopeKind>().notNull(),
    scopeValue: text('scope_value'),
    status: text('status').$type<VersionStatus>().notNull().default('draft'),
    effectiveFrom: date('effective_from', { mode: 'string' }),
    effectiveTo: date('effective_to', { mode: 'string' }),
    returnWindowDays: integer('return_window_days'),
    returnConditions: text('return_conditions'),
    creditLimit: numeric('credit_limit', { precision: 18, scale: 4 }),
    creditCurrency: text('credit_currency'),
    paymentTermsDays: integer('payment_terms_days'),
    territoryExclusivity: boolean('territory_exclusivity'),
    crossRegionSelling: text('cross_region_selling').$type<'forbidden' | 'allowed_with_request'>(),
    /** discount rules of this scope (issue 14 #7): applied to prices of any scope unless the winning price version has its own */
    discountRules: jsonb('discount_rules').$type<DiscountRule[]>(),
    copiedFromId: uuid('copied_from_id'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('channel_terms_scope_idx').on(t.tenantId, t.scopeKind, t.scopeValue, t.status),
    check('channel_terms_scope_ck', SCOPE_CK(t.scopeKind, t.scopeValue)),
    check('channel_terms_status_ck', sql`${t.status} in ('draft','published','retired')`),
    check('channel_terms_dates_ck', sql`${t.effectiveTo} is null or ${t.effectiveFrom} is null or ${t.effectiveTo} >= ${t.effectiveFrom}`),
    check('channel_terms_cross_ck', sql`${t.crossRegionSelling} is null or ${t.crossRegionSelling} in ('forbidden','allowed_with_request')`),
    check(
      'channel_terms_numbers_ck',
      sql`(${t.returnWindowDays} is null or ${t.returnWindowDays} >= 0) and (${t.paymentTermsDays} is null or ${t.paymentTermsDays} >= 0) and (${t.creditLimit} is null or ${t.creditLimit} >= 0)`,
    ),
    check('channel_terms_credit_ck', sql`(${t.creditLimit} is null) = (${t.creditCurrency} is null)`),
  ],
);

/**
 * Observed resale prices (乱价 checks) with the violation verdict computed when recorded. The view
 * `price_violations` (custom migration) is the contract other modules read.
 */
export const priceObservations = pgTable(
  'price_observations',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    productId: uuid('product_id').notNull(),
    observedOn: date('observed_on', { mode: 'string' }).notNull(),
    price: numeric('price', { precision: 18, scale: 4 }).notNull(),
    currency: text('currency'),
    source: text('source').notNull(),
    reference: text('reference'),
    minResalePrice: numeric('min_resale_price', { precision: 18, scale: 4 }),
    priceVersionId: uuid('price_version_id'),
    deviationId: uuid('deviation_id'),
    isViolation: boolean('is_violation').notNull(),
    shortfall: numeric('shortfall', { precision: 18, scale: 4 }),
    recordedBy: text('recorded_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('price_observations_partner_idx').on(t.tenantId, t.partnerId, t.observedOn),
    index('price_observations_violation_idx')
      .on(t.tenantId, t.observedOn, t.partnerId)
      .where(sql`is_violation`),
    uniqueIndex('price_observations_ref_uq')
      .on(t.tenantId, t.source, t.reference)
      .where(sql`reference is not null`),
    foreignKey({ name: 'price_observations_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'price_observations_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [...onboardingKeys.product] }),
    check('price_observations_price_ck', sql`${t.price} >= 0`),
  ],
);

export type PricePolicyRow = typeof pricePolicies.$inferSelect;
export type PriceVersionRow = typeof priceVersions.$inferSelect;
export type PriceLineRow = typeof priceLines.$inferSelect;
export type DeviationRow = typeof priceDeviations.$inferSelect;
export type ChannelTermsRow = typeof channelTerms.$inferSelect;
export type ObservationRow = typeof priceObservations.$inferSelect;
