import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { onboardingKeys } from '../onboarding/contract.js';
import type { Explanation, ProgramType, RuleSet } from './incentive.rules.js';

export type ProgramStatus = 'draft' | 'active' | 'closed';
export type Granularity = 'month' | 'quarter' | 'year';
export type BaseMetric = 'sell_in_amount' | 'sell_through_amount' | 'sell_in_quantity' | 'sell_through_quantity' | 'collection_amount';
export interface Eligibility {
  partnerTypes?: string[] | undefined;
  tiers?: string[] | undefined;
  regionCodes?: string[] | undefined;
  productLineIds?: string[] | undefined;
  /** latest finalised evaluation grade is one of these */
  evaluationGrades?: string[] | undefined;
  evaluationTemplateId?: string | undefined;
}
/** A rebate program's per-order cap on rebate use (返利抵扣上限): at most maxPercent of the order total and/or maxAmount. */
export interface OrderCap {
  maxPercent?: string | undefined;
  maxAmount?: string | undefined;
}
export interface BaseSpec {
  metric: BaseMetric;
  productLineIds?: string[] | undefined;
}

const money = (name: string) => numeric(name, { precision: 18, scale: 4 });

/** Incentive programs (激励政策): what is paid, to whom, on which base, by which rules. */
export const incentivePrograms = pgTable(
  'incentive_programs',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    type: text('type').$type<ProgramType>().notNull(),
    granularity: text('granularity').$type<Granularity>().notNull(),
    currency: text('currency').notNull(),
    base: jsonb('base').$type<BaseSpec>().notNull(),
    eligibility: jsonb('eligibility').$type<Eligibility>().notNull(),
    rules: jsonb('rules').$type<RuleSet>().notNull(),
    /** rebate programs: the most of one order that may be paid from the rebate account (null: no cap) */
    orderCap: jsonb('order_cap').$type<OrderCap>(),
    status: text('status').$type<ProgramStatus>().notNull().default('draft'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('incentive_programs_code_uq').on(t.tenantId, t.code),
    index('incentive_programs_status_idx').on(t.tenantId, t.status, t.id),
    check('incentive_programs_type_ck', sql`${t.type} in ('rebate','target_bonus','commission','points','recognition','penalty')`),
    check('incentive_programs_granularity_ck', sql`${t.granularity} in ('month','quarter','year')`),
    check('incentive_programs_status_ck', sql`${t.status} in ('draft','active','closed')`),
  ],
);
export type ProgramRow = typeof incentivePrograms.$inferSelect;

/** A stored calculation run: provenance (program version, rules snapshot, input hash) and totals. */
export const incentiveRuns = pgTable(
  'incentive_runs',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    programId: uuid('program_id').notNull(),
    programVersion: integer('program_version').notNull(),
    period: text('period').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    rules: jsonb('rules').$type<RuleSet>().notNull(),
    inputHash: text('input_hash').notNull(),
    unit: text('unit').notNull(),
    partnerCount: integer('partner_count').notNull(),
    total: money('total').notNull(),
    requested: money('requested').notNull(),
    prorated: integer('prorated').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('incentive_runs_program_idx').on(t.tenantId, t.programId, t.period, t.id),
    foreignKey({ name: 'incentive_runs_program_fk', columns: [t.tenantId, t.programId], foreignColumns: [incentivePrograms.tenantId, incentivePrograms.id] }),
  ],
);
export type RunRow = typeof incentiveRuns.$inferSelect;

/** The per-partner results of a run, as computed (the statement lines derive from them). */
export const incentiveRunLines = pgTable(
  'incentive_run_lines',
  {
    tenantId: text('tenant_id').notNull(),
    runId: uuid('run_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    amount: money('amount').notNull(),
    explanation: jsonb('explanation').$type<Explanation>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.runId, t.partnerId] }),
    foreignKey({ name: 'incentive_run_lines_run_fk', columns: [t.tenantId, t.runId], foreignColumns: [incentiveRuns.tenantId, incentiveRuns.id] }),
  ],
);

export type StatementStatus = 'draft' | 'pending_approval' | 'approved' | 'paid';

/** Statements: per partner, period and unit (currency or PTS), grouping lines across programs. */
export const incentiveStatements = pgTable(
  'incentive_statements',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    period: text('period').notNull(),
    unit: text('unit').notNull(),
    status: text('status').$type<StatementStatus>().notNull().default('draft'),
    total: money('total').notNull().default('0'),
    paymentReference: text('payment_reference'),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    paidBy: text('paid_by'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // at most one open (draft) statement per partner, period and unit: new lines go there
    uniqueIndex('incentive_statements_draft_uq')
      .on(t.tenantId, t.partnerId, t.period, t.unit)
      .where(sql`status = 'draft'`),
    index('incentive_statements_partner_idx').on(t.tenantId, t.partnerId, t.period),
    index('incentive_statements_period_idx').on(t.tenantId, t.period, t.status, t.id),
    foreignKey({ name: 'incentive_statements_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('incentive_statements_status_ck', sql`${t.status} in ('draft','pending_approval','approved','paid')`),
  ],
);
export type StatementRow = typeof incentiveStatements.$inferSelect;

export type LineKind = 'calculated' | 'adjustment' | 'manual';

export const incentiveStatementLines = pgTable(
  'incentive_statement_lines',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    statementId: uuid('statement_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    period: text('period').notNull(),
    programId: uuid('program_id'),
    runId: uuid('run_id'),
    kind: text('kind').$type<LineKind>().notNull(),
    amount: money('amount').notNull(),
    reason: text('reason'),
    explanation: jsonb('explanation').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('incentive_statement_lines_statement_idx').on(t.tenantId, t.statementId, t.id),
    index('incentive_statement_lines_program_idx').on(t.tenantId, t.programId, t.period, t.partnerId),
    foreignKey({
      name: 'incentive_statement_lines_statement_fk',
      columns: [t.tenantId, t.statementId],
      foreignColumns: [incentiveStatements.tenantId, incentiveStatements.id],
    }),
    check('incentive_statement_lines_kind_ck', sql`${t.kind} in ('calculated','adjustment','manual')`),
  ],
);
export type StatementLineRow = typeof incentiveStatementLines.$inferSelect;

/** Rebate accounts (返利账户): the lockable running balances; the ledger below is the record. */
export const rebateAccounts = pgTable(
  'rebate_accounts',
  {
    tenantId: text('tenant_id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    currency: text('currency').notNull(),
    accrued: money('accrued').notNull().default('0'),
    available: money('available').notNull().default('0'),
    spent: money('spent').notNull().default('0'),
    paidOut: money('paid_out').notNull().default('0'),
    expired: money('expired').notNull().default('0'),
    /** held for submitted orders (out of available, not yet spent): released on cancel, spent on invoice */
    reserved: money('reserved').notNull().default('0'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.partnerId] }),
    foreignKey({ name: 'rebate_accounts_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    check('rebate_accounts_nonneg_ck', sql`${t.accrued} >= 0 and ${t.available} >= 0`),
    check('rebate_accounts_reserved_ck', sql`${t.reserved} >= 0`),
  ],
);

export type ReservationStatus = 'reserved' | 'released' | 'spent';

/**
 * Rebate reservations (返利抵扣 of an order): the amount an order will pay from the rebate account, held out of
 * `available` from the order's submission until it is cancelled (released) or invoiced (spent: a ledger spend
 * with the order as orderRef). One per order reference.
 */
export const rebateReservations = pgTable(
  'rebate_reservations',
  {
    tenantId: text('tenant_id').notNull(),
    orderRef: text('order_ref').notNull(),
    partnerId: uuid('partner_id').notNull(),
    programId: uuid('program_id'),
    amount: money('amount').notNull(),
    status: text('status').$type<ReservationStatus>().notNull().default('reserved'),
    reservedOn: date('reserved_on', { mode: 'string' }).notNull(),
    settledOn: date('settled_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.orderRef] }),
    index('rebate_reservations_partner_idx').on(t.tenantId, t.partnerId, t.status),
    foreignKey({
      name: 'rebate_reservations_account_fk',
      columns: [t.tenantId, t.partnerId],
      foreignColumns: [rebateAccounts.tenantId, rebateAccounts.partnerId],
    }),
    check('rebate_reservations_status_ck', sql`${t.status} in ('reserved','released','spent')`),
    check('rebate_reservations_amount_ck', sql`${t.amount} > 0`),
  ],
);

export type LedgerKind = 'accrue' | 'release' | 'spend' | 'pay_out' | 'expire';

/** Append-only ledger: accrue (+accrued), release (accrued -> available), spend / pay_out / expire (-available). */
export const rebateLedger = pgTable(
  'rebate_ledger',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    entryDate: date('entry_date', { mode: 'string' }).notNull(),
    kind: text('kind').$type<LedgerKind>().notNull(),
    amount: money('amount').notNull(),
    orderRef: text('order_ref'),
    statementId: uuid('statement_id'),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('rebate_ledger_partner_idx').on(t.tenantId, t.partnerId, t.entryDate, t.id),
    uniqueIndex('rebate_ledger_order_ref_uq')
      .on(t.tenantId, t.orderRef)
      .where(sql`kind = 'spend'`),
    foreignKey({ name: 'rebate_ledger_account_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [rebateAccounts.tenantId, rebateAccounts.partnerId] }),
    check('rebate_ledger_kind_ck', sql`${t.kind} in ('accrue','release','spend','pay_out','expire')`),
    check('rebate_ledger_amount_ck', sql`${t.amount} > 0`),
  ],
);
export type LedgerRow = typeof rebateLedger.$inferSelect;

/** Non-monetary recognition (表彰): manual grants or the top N of a program's base. */
export const recognitionAwards = pgTable(
  'recognition_awards',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    programId: uuid('program_id'),
    period: text('period').notNull(),
    title: text('title').notNull(),
    citation: text('citation'),
    rank: integer('rank'),
    basis: jsonb('basis').$type<Record<string, unknown>>(),
    grantedBy: text('granted_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('recognition_awards_partner_idx').on(t.tenantId, t.partnerId, t.period),
    uniqueIndex('recognition_awards_program_uq')
      .on(t.tenantId, t.programId, t.period, t.partnerId)
      .where(sql`program_id is not null`),
    foreignKey({ name: 'recognition_awards_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
  ],
);
export type AwardRow = typeof recognitionAwards.$inferSelect;
