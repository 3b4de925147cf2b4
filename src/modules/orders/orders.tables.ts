/**
 * Tables of the orders module: orders and their lines, order rules (minimums), allocation quotas, shipments,
 * and (credit.*) credit limits, credit accounts, invoices, collections and their allocation to invoices.
 * Every key leads with tenant_id; foreign keys to onboarding rows use its contract's key columns.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { onboardingKeys } from '../onboarding/contract.js';

const money = (name: string) => numeric(name, { precision: 18, scale: 4 });
const ts = (name: string) => timestamp(name, { withTimezone: true }).notNull().defaultNow();

export const ORDER_STATUSES = ['draft', 'submitted', 'approved', 'partially_shipped', 'shipped', 'invoiced', 'closed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const orders = pgTable(
  'orders',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    externalId: text('external_id'),
    partnerId: uuid('partner_id').notNull(),
    shipToTerritoryId: uuid('ship_to_territory_id'),
    shipToAddress: text('ship_to_address'),
    requestedDate: date('requested_date', { mode: 'string' }).notNull(),
    paymentTermDays: integer('payment_term_days'),
    currency: text('currency'),
    status: text('status').$type<OrderStatus>().notNull().default('draft'),
    /** the priced total when last checked (submit fixes it) */
    totalAmount: money('total_amount'),
    /** refusal reasons of the last submit/check that kept it from approval */
    refusals: jsonb('refusals').$type<unknown[]>().notNull().default([]),
    /** rebate use (返利抵扣): the part of the total paid from the partner's rebate account, and the program whose cap applies */
    rebateAmount: money('rebate_amount'),
    rebateProgramId: uuid('rebate_program_id'),
    /** the reservation on the rebate account: reserved on submit, released on cancel, spent on invoice */
    rebateStatus: text('rebate_status').$type<'reserved' | 'released' | 'spent'>(),
    overrideReason: text('override_reason'),
    overriddenBy: text('overridden_by'),
    note: text('note'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    approvedOn: date('approved_on', { mode: 'string' }),
    invoicedOn: date('invoiced_on', { mode: 'string' }),
    cancelledOn: date('cancelled_on', { mode: 'string' }),
    cancelReason: text('cancel_reason'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('orders_external_uq').on(t.tenantId, t.externalId),
    index('orders_partner_idx').on(t.tenantId, t.partnerId, t.status),
    foreignKey({ name: 'orders_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'orders_territory_fk', columns: [t.tenantId, t.shipToTerritoryId], foreignColumns: [...onboardingKeys.territory] }),
    check('orders_status_ck', sql`${t.status} in ('draft','submitted','approved','partially_shipped','shipped','invoiced','closed','cancelled')`),
    check('orders_terms_ck', sql`${t.paymentTermDays} is null or ${t.paymentTermDays} >= 0`),
    check(
      'orders_rebate_ck',
      sql`(${t.rebateAmount} is null or ${t.rebateAmount} > 0) and (${t.rebateStatus} is null or ${t.rebateStatus} in ('reserved','released','spent'))`,
    ),
  ],
);
export type OrderRow = typeof orders.$inferSelect;

export const orderLines = pgTable(
  'order_lines',
  {
    tenantId: text('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    requestedPrice: money('requested_price'),
    /** priced when submitted: unit price and line amount in the order's currency */
    unitPrice: money('unit_price'),
    amount: money('amount'),
    shippedQuantity: numeric('shipped_quantity', { precision: 18, scale: 4 }).notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.orderId, t.lineNo] }),
    index('order_lines_product_idx').on(t.tenantId, t.productId),
    foreignKey({ name: 'order_lines_order_fk', columns: [t.tenantId, t.orderId], foreignColumns: [orders.tenantId, orders.id] }).onDelete('cascade'),
    foreignKey({ name: 'order_lines_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [...onboardingKeys.product] }),
    check('order_lines_qty_ck', sql`${t.quantity} > 0 and ${t.shippedQuantity} >= 0 and ${t.shippedQuantity} <= ${t.quantity}`),
  ],
);
export type OrderLineRow = typeof orderLines.$inferSelect;

/** Minimums: a product's minimum order quantity, or (no product) a minimum order amount; optionally per partner. */
export const orderRules = pgTable(
  'order_rules',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id'),
    productId: uuid('product_id'),
    minQuantity: numeric('min_quantity', { precision: 18, scale: 4 }),
    minAmount: money('min_amount'),
    currency: text('currency'),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ name: 'order_rules_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'order_rules_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [...onboardingKeys.product] }),
    check(
      'order_rules_kind_ck',
      sql`(${t.productId} is not null and ${t.minQuantity} is not null and ${t.minAmount} is null) or (${t.productId} is null and ${t.minAmount} is not null and ${t.minQuantity} is null)`,
    ),
  ],
);

/** Allocation quotas (配额): at most `quantity` of a product approved for a partner within [period_start, period_end]. */
export const orderQuotas = pgTable(
  'order_quotas',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    productId: uuid('product_id').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('order_quotas_uq').on(t.tenantId, t.partnerId, t.productId, t.periodStart),
    foreignKey({ name: 'order_quotas_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'order_quotas_product_fk', columns: [t.tenantId, t.productId], foreignColumns: [...onboardingKeys.product] }),
    check('order_quotas_ck', sql`${t.periodEnd} >= ${t.periodStart} and ${t.quantity} >= 0`),
  ],
);

export const shipments = pgTable(
  'order_shipments',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    externalId: text('external_id').notNull(),
    orderId: uuid('order_id').notNull(),
    shippedOn: date('shipped_on', { mode: 'string' }).notNull(),
    /** [{ lineNo, quantity, amount }] */
    lines: jsonb('lines').$type<{ lineNo: number; quantity: string; amount: string }[]>().notNull(),
    amount: money('amount').notNull(),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('order_shipments_external_uq').on(t.tenantId, t.externalId),
    index('order_shipments_order_idx').on(t.tenantId, t.orderId),
    foreignKey({ name: 'order_shipments_order_fk', columns: [t.tenantId, t.orderId], foreignColumns: [orders.tenantId, orders.id] }),
  ],
);

// ---- credit ------------------------------------------------------------------------------------------------

/** Credit limit history: a `limit` row holds from its date until the next; a `temporary` increase until expires_on. */
export const creditLimits = pgTable(
  'credit_limits',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    kind: text('kind').$type<'limit' | 'temporary'>().notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('credit_limits_partner_idx').on(t.tenantId, t.partnerId, t.effectiveFrom),
    foreignKey({ name: 'credit_limits_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('credit_limits_kind_ck', sql`${t.kind} in ('limit','temporary') and (${t.kind} = 'limit') = (${t.expiresOn} is null)`),
    check('credit_limits_amount_ck', sql`${t.amount} >= 0 and (${t.expiresOn} is null or ${t.expiresOn} >= ${t.effectiveFrom})`),
  ],
);

/** One row per partner: the credit hold, the tolerated overdue days, and the row submissions lock (FOR UPDATE). */
export const creditAccounts = pgTable(
  'credit_accounts',
  {
    tenantId: text('tenant_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    onHold: boolean('on_hold').notNull().default(false),
    holdReason: text('hold_reason'),
    overdueToleranceDays: integer('overdue_tolerance_days').notNull().default(0),
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.partnerId] }),
    foreignKey({ name: 'credit_accounts_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('credit_accounts_tol_ck', sql`${t.overdueToleranceDays} >= 0`),
  ],
);

/**
 * What the credit sweep has announced (deduplication): `overdue` once per invoice (key: the invoice id) when it passes
 * its due date + the tolerated days; `over_limit` once per crossing (key: the partner id; the row is deleted when
 * exposure is back within the limit, so the next crossing is announced again).
 */
export const creditNotices = pgTable(
  'credit_notices',
  {
    tenantId: text('tenant_id').notNull(),
    kind: text('kind').$type<'overdue' | 'over_limit'>().notNull(),
    key: uuid('key').notNull(),
    partnerId: uuid('partner_id').notNull(),
    noticedOn: date('noticed_on', { mode: 'string' }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.kind, t.key] }),
    foreignKey({ name: 'credit_notices_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('credit_notices_kind_ck', sql`${t.kind} in ('overdue','over_limit')`),
  ],
);

/** Invoices: the receivables. Balance = amount - allocations. */
export const invoices = pgTable(
  'order_invoices',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: text('number').notNull(),
    orderId: uuid('order_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('order_invoices_number_uq').on(t.tenantId, t.number),
    index('order_invoices_partner_idx').on(t.tenantId, t.partnerId, t.dueOn),
    foreignKey({ name: 'order_invoices_order_fk', columns: [t.tenantId, t.orderId], foreignColumns: [orders.tenantId, orders.id] }),
    foreignKey({ name: 'order_invoices_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('order_invoices_ck', sql`${t.amount} >= 0 and ${t.dueOn} >= ${t.issuedOn}`),
  ],
);

export const collections = pgTable(
  'credit_collections',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    externalId: text('external_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    invoiceRef: text('invoice_ref'),
    unallocated: money('unallocated').notNull(),
    createdAt: ts('created_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('credit_collections_external_uq').on(t.tenantId, t.externalId),
    foreignKey({ name: 'credit_collections_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('credit_collections_ck', sql`${t.amount} > 0 and ${t.unallocated} >= 0`),
  ],
);

export const allocations = pgTable(
  'credit_allocations',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    collectionId: uuid('collection_id').notNull(),
    invoiceId: uuid('invoice_id').notNull(),
    allocatedOn: date('allocated_on', { mode: 'string' }).notNull(),
    amount: money('amount').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('credit_allocations_invoice_idx').on(t.tenantId, t.invoiceId),
    foreignKey({ name: 'credit_allocations_collection_fk', columns: [t.tenantId, t.collectionId], foreignColumns: [collections.tenantId, collections.id] }),
    foreignKey({ name: 'credit_allocations_invoice_fk', columns: [t.tenantId, t.invoiceId], foreignColumns: [invoices.tenantId, invoices.id] }),
    check('credit_allocations_ck', sql`${t.amount} > 0`),
  ],
);
