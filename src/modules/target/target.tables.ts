import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, foreignKey, index, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { onboardingKeys } from '../onboarding/contract.js';
import { organisationKeys } from '../organisation/contract.js';
import type { Metric } from './target.rules.js';

/** Per-tenant settings of the target module. */
export const targetSettings = pgTable(
  'target_settings',
  {
    tenantId: text('tenant_id').primaryKey(),
    fiscalYearStartMonth: integer('fiscal_year_start_month').notNull().default(1),
    /** which fact stream sales_amount / quantity targets are measured on */
    salesBasis: text('sales_basis').$type<'sell_through' | 'sell_in'>().notNull().default('sell_through'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('target_settings_fy_ck', sql`${t.fiscalYearStartMonth} between 1 and 12`),
    check('target_settings_basis_ck', sql`${t.salesBasis} in ('sell_through','sell_in')`),
  ],
);

/** Targets (销售任务): one value per partner, period, metric and optional product line or territory. */
export const targets = pgTable(
  'targets',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    metric: text('metric').$type<Metric>().notNull(),
    productLineId: uuid('product_line_id'),
    territoryId: uuid('territory_id'),
    value: numeric('value', { precision: 18, scale: 4 }).notNull(),
    /** the agreement this target is an appendix of; no FK yet (agreements are built in parallel) */
    agreementId: uuid('agreement_id'),
    note: text('note'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('targets_key_uq').on(t.tenantId, t.partnerId, t.period, t.metric, t.productLineId, t.territoryId).nullsNotDistinct(),
    index('targets_period_idx').on(t.tenantId, t.period, t.metric),
    foreignKey({ name: 'targets_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'targets_agreement_fk', columns: [t.tenantId, t.agreementId], foreignColumns: [...onboardingKeys.agreement] }),
    check('targets_metric_ck', sql`${t.metric} in ('sales_amount','quantity','new_customers','collection_amount')`),
    check('targets_value_ck', sql`${t.value} >= 0`),
    check('targets_scope_ck', sql`${t.productLineId} is null or ${t.territoryId} is null`),
  ],
);
export type TargetRow = typeof targets.$inferSelect;

/** Locked periods: targets whose period overlaps one are refused edits. */
export const targetPeriodLocks = pgTable(
  'target_period_locks',
  {
    tenantId: text('tenant_id').notNull(),
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    lockedBy: text('locked_by').notNull(),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.period] })],
);

const qty = (name: string) => numeric(name, { precision: 18, scale: 4 }).notNull();

/** Sell-in lines (tenant -> partner orders). */
export const sellInLines = pgTable(
  'sell_in_lines',
  {
    tenantId: text('tenant_id').notNull(),
    externalId: text('external_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    productId: uuid('product_id').notNull(),
    productLineId: uuid('product_line_id'),
    date: date('date', { mode: 'string' }).notNull(),
    quantity: qty('quantity'),
    amount: qty('amount'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.externalId] }), index('sell_in_partner_date_idx').on(t.tenantId, t.partnerId, t.date)],
);

/** Sell-through lines (partner -> its customers), marked cross_region when outside the partner's rights. */
export const sellThroughLines = pgTable(
  'sell_through_lines',
  {
    tenantId: text('tenant_id').notNull(),
    externalId: text('external_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    productId: uuid('product_id').notNull(),
    productLineId: uuid('product_line_id'),
    territoryId: uuid('territory_id').notNull(),
    customerId: text('customer_id'),
    date: date('date', { mode: 'string' }).notNull(),
    quantity: qty('quantity'),
    amount: qty('amount'),
    crossRegion: boolean('cross_region').notNull().default(false),
    /** sold below the minimum resale price in force on its date, after any approved deviation (issue 14 #8) */
    priceViolation: boolean('price_violation').notNull().default(false),
    /** the floor the line was checked against at ingestion (null: no minimum resale price in force) */
    minResalePrice: numeric('min_resale_price', { precision: 18, scale: 4 }),
    /** the direct channel's sales rep the sale is attributed to (a staff member with post sales_rep; issue 17) */
    repId: uuid('rep_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.externalId] }),
    index('sell_through_partner_date_idx').on(t.tenantId, t.partnerId, t.date),
    index('sell_through_cross_region_idx')
      .on(t.tenantId, t.partnerId, t.date)
      .where(sql`cross_region`),
  ],
);

/** Inventory snapshots (quantity on hand of a product at a partner on a date). */
export const inventorySnapshots = pgTable(
  'inventory_snapshots',
  {
    tenantId: text('tenant_id').notNull(),
    externalId: text('external_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    productId: uuid('product_id').notNull(),
    productLineId: uuid('product_line_id'),
    date: date('date', { mode: 'string' }).notNull(),
    quantityOnHand: qty('quantity_on_hand'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.externalId] }), index('inventory_partner_date_idx').on(t.tenantId, t.partnerId, t.date)],
);

/** Payments received (回款). */
export const collections = pgTable(
  'collections',
  {
    tenantId: text('tenant_id').notNull(),
    externalId: text('external_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    amount: qty('amount'),
    invoiceRef: text('invoice_ref'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.externalId] }), index('collections_partner_date_idx').on(t.tenantId, t.partnerId, t.date)],
);

/**
 * Per-partner per-month totals of each stream, maintained by ingestion in the same statement as the fact upsert
 * (set-based deltas), so achievement and network views never scan fact rows.
 */
export const actualMonthlyTotals = pgTable(
  'actual_monthly_totals',
  {
    tenantId: text('tenant_id').notNull(),
    stream: text('stream').$type<'sell_in' | 'sell_through' | 'collection'>().notNull(),
    partnerId: uuid('partner_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    amount: numeric('amount', { precision: 18, scale: 4 }).notNull().default('0'),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull().default('0'),
    lines: integer('lines').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.stream, t.month, t.partnerId] }),
    index('actual_monthly_partner_idx').on(t.tenantId, t.partnerId, t.stream, t.month),
  ],
);

/**
 * Per-partner per-quarter totals of each stream (calendar quarters, `quarter` = its first day): the monthly totals
 * summed by quarter, maintained by the same import statement (the same deltas) and by `totals:rebuild`, so a
 * period of whole quarters (a fiscal year starting on a quarter, a quarter) reads a third of the rows. Always
 * equal to the sum of actual_monthly_totals over the quarter's months (tests check it after every kind of write).
 */
export const actualQuarterlyTotals = pgTable(
  'actual_quarterly_totals',
  {
    tenantId: text('tenant_id').notNull(),
    stream: text('stream').$type<'sell_in' | 'sell_through' | 'collection'>().notNull(),
    partnerId: uuid('partner_id').notNull(),
    quarter: date('quarter', { mode: 'string' }).notNull(),
    amount: numeric('amount', { precision: 18, scale: 4 }).notNull().default('0'),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull().default('0'),
    lines: integer('lines').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.stream, t.quarter, t.partnerId] })],
);

/**
 * Per-partner per-month totals of each stream broken down by product line (sell-in, sell-through) and territory of
 * the sale (sell-through); null where the stream has no such dimension. Maintained with actual_monthly_totals, in
 * the same statement, so analytics can group by product line or sale territory without scanning fact rows.
 */
export const actualMonthlyDimTotals = pgTable(
  'actual_monthly_dim_totals',
  {
    tenantId: text('tenant_id').notNull(),
    stream: text('stream').$type<'sell_in' | 'sell_through' | 'collection'>().notNull(),
    partnerId: uuid('partner_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    productLineId: uuid('product_line_id'),
    territoryId: uuid('territory_id'),
    amount: numeric('amount', { precision: 18, scale: 4 }).notNull().default('0'),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull().default('0'),
    lines: integer('lines').notNull().default(0),
  },
  (t) => [unique('actual_monthly_dim_totals_key_uq').on(t.tenantId, t.stream, t.month, t.partnerId, t.productLineId, t.territoryId).nullsNotDistinct()],
);

/**
 * Monthly totals per group (issue 17, analytics speed): the per-partner monthly totals summed per tenant, stream,
 * month and group, so a network trend reads O(months x groups) rows instead of O(partners x months). `dim` names
 * the grouping: `home` (group_key = the partner's home territory code, '' for none), `product_line` (the product
 * line id, '' for none) and `sale_territory` (the territory of the sale, sell-through only); every row also carries
 * the partner type, so by partner type, the network total and the partnerType filter read the `home` rows. Kept
 * by the import statement (deltas, the same statement as actual_monthly_totals) and by `totals:rebuild`. The
 * partner's type and home territory are those recorded in actual_group_partners (see there), not read at sale time.
 */
export const actualMonthlyGroupTotals = pgTable(
  'actual_monthly_group_totals',
  {
    tenantId: text('tenant_id').notNull(),
    stream: text('stream').$type<'sell_in' | 'sell_through' | 'collection'>().notNull(),
    dim: text('dim').$type<'home' | 'product_line' | 'sale_territory'>().notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    partnerType: text('partner_type').notNull(),
    groupKey: text('group_key').notNull(),
    amount: numeric('amount', { precision: 24, scale: 4 }).notNull().default('0'),
    quantity: numeric('quantity', { precision: 24, scale: 4 }).notNull().default('0'),
    lines: bigint('lines', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'actual_monthly_group_totals_pk', columns: [t.tenantId, t.stream, t.dim, t.month, t.partnerType, t.groupKey] }),
    check('actual_monthly_group_totals_dim_ck', sql`${t.dim} in ('home','product_line','sale_territory')`),
  ],
);

/**
 * The partner type and home territory under which each partner's totals of a stream are filed in
 * actual_monthly_group_totals: written when the partner's first totals of the stream arrive (the partner's
 * attributes then), moved with the totals in the transaction that changes the partner's type or home territory
 * (onboarding's PartnerAttributesListener port, target.groups.ts), rewritten by `totals:rebuild`.
 */
export const actualGroupPartners = pgTable(
  'actual_group_partners',
  {
    tenantId: text('tenant_id').notNull(),
    stream: text('stream').$type<'sell_in' | 'sell_through' | 'collection'>().notNull(),
    partnerId: uuid('partner_id').notNull(),
    partnerType: text('partner_type').notNull(),
    regionCode: text('region_code'),
  },
  (t) => [primaryKey({ name: 'actual_group_partners_pk', columns: [t.tenantId, t.stream, t.partnerId] })],
);

/** First sell-through date of each customer at each partner (new_customers metric). */
export const partnerCustomers = pgTable(
  'partner_customers',
  {
    tenantId: text('tenant_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    customerId: text('customer_id').notNull(),
    firstDate: date('first_date', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.partnerId, t.customerId] }), index('partner_customers_first_idx').on(t.tenantId, t.firstDate, t.partnerId)],
);

/**
 * Sell-through attributed to sales reps (issue 17), per rep, month and partner the rep sold through: exact sums kept
 * in step with the facts by the import statement (deltas) and by the totals rebuild, so rep achievement and rep
 * scorecards never scan fact rows. A rep's month is the sum over its partners; the distinct partners a rep sold
 * through in a period are those with lines <> 0.
 */
export const repMonthlyTotals = pgTable(
  'rep_monthly_totals',
  {
    tenantId: text('tenant_id').notNull(),
    repId: uuid('rep_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    partnerId: uuid('partner_id').notNull(),
    amount: numeric('amount', { precision: 18, scale: 4 }).notNull().default('0'),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull().default('0'),
    lines: integer('lines').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.repId, t.month, t.partnerId] }), index('rep_monthly_month_idx').on(t.tenantId, t.month)],
);

/**
 * Deltas of the totals not applied yet (issue 15, ingest speed): a fact import's batch appends its (new - old) rows
 * here, in its transaction, instead of upserting every totals table; the import applies them once at its end (or
 * when its pending rows pass a bound, or in the background as it goes), in transactions under the stream's totals lock that delete the rows they apply
 * (`applyPendingTotals`, target.ingest.ts). Rows a crashed import left are applied by the next import of the
 * stream or by the `totals-pending` sweep. Append-only and short-lived: no key, no index (read only by
 * tenant and stream, when applied). One row per written fact version: +1 for the new one, -1 for the replaced one.
 */
export const actualPendingDeltas = pgTable('actual_pending_deltas', {
  tenantId: text('tenant_id').notNull(),
  stream: text('stream').$type<'sell_in' | 'sell_through' | 'collection'>().notNull(),
  /** the import that wrote the row (what its bound counts; any import of the stream applies them all) */
  importId: uuid('import_id').notNull(),
  partnerId: uuid('partner_id').notNull(),
  date: date('date', { mode: 'string' }).notNull(),
  productLineId: uuid('product_line_id'),
  territoryId: uuid('territory_id'),
  repId: uuid('rep_id'),
  /** sell-through, new versions only: the customer (first-seen customers) */
  customerId: text('customer_id'),
  amount: numeric('amount', { precision: 18, scale: 4 }).notNull(),
  quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
  /** +1 new version, -1 replaced version */
  n: integer('n').notNull(),
});

/** Targets of the direct channel's sales reps (issue 17): one value per rep, period and metric (sales_amount or quantity). */
export const repTargets = pgTable(
  'rep_targets',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    repId: uuid('rep_id').notNull(),
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    metric: text('metric').$type<'sales_amount' | 'quantity'>().notNull(),
    value: numeric('value', { precision: 18, scale: 4 }).notNull(),
    note: text('note'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('rep_targets_key_uq').on(t.tenantId, t.repId, t.period, t.metric),
    index('rep_targets_period_idx').on(t.tenantId, t.period, t.metric),
    foreignKey({ name: 'rep_targets_rep_fk', columns: [t.tenantId, t.repId], foreignColumns: [...organisationKeys.staff] }),
    check('rep_targets_metric_ck', sql`${t.metric} in ('sales_amount','quantity')`),
    check('rep_targets_value_ck', sql`${t.value} >= 0`),
  ],
);
export type RepTargetRow = typeof repTargets.$inferSelect;
