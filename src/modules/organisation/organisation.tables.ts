import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { onboardingKeys } from '../onboarding/contract.js';

/** Org units (销售组织): a tree per tenant of regions, product divisions and teams. */
export const orgUnits = pgTable(
  'org_units',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['region', 'product_division', 'team'] }).notNull(),
    parentId: uuid('parent_id'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('org_units_code_uq').on(t.tenantId, t.code),
    index('org_units_parent_idx').on(t.tenantId, t.parentId),
    foreignKey({ name: 'org_units_parent_fk', columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    check('org_units_not_own_parent_ck', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
  ],
);

/** Staff members of the brand: a post in an org unit, linked to identity subjects (JWT sub, API key id). */
export const staffMembers = pgTable(
  'staff_members',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    subjects: text('subjects')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    post: text('post', { enum: ['account_manager', 'regional_manager', 'channel_director', 'finance', 'sales_rep'] }).notNull(),
    orgUnitId: uuid('org_unit_id'),
    dataScope: text('data_scope', { enum: ['all', 'org_subtree', 'portfolio'] })
      .notNull()
      .default('all'),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('staff_members_code_uq').on(t.tenantId, t.code),
    index('staff_members_unit_idx').on(t.tenantId, t.orgUnitId),
    index('staff_members_subjects_idx').using('gin', t.subjects),
    foreignKey({ name: 'staff_members_unit_fk', columns: [t.tenantId, t.orgUnitId], foreignColumns: [orgUnits.tenantId, orgUnits.id] }),
  ],
);

/**
 * Partner ownership, dated: one row per period [valid_from, valid_to) in which a partner belonged to an org unit and
 * was owned by an account manager. Rows of one partner never overlap (the service closes the open row).
 */
export const partnerOwnership = pgTable(
  'partner_ownership',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    partnerId: uuid('partner_id').notNull(),
    orgUnitId: uuid('org_unit_id').notNull(),
    accountManagerId: uuid('account_manager_id'),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('partner_ownership_from_uq').on(t.tenantId, t.partnerId, t.validFrom),
    index('partner_ownership_unit_idx').on(t.tenantId, t.orgUnitId),
    index('partner_ownership_manager_idx').on(t.tenantId, t.accountManagerId),
    foreignKey({ name: 'partner_ownership_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'partner_ownership_unit_fk', columns: [t.tenantId, t.orgUnitId], foreignColumns: [orgUnits.tenantId, orgUnits.id] }),
    foreignKey({ name: 'partner_ownership_manager_fk', columns: [t.tenantId, t.accountManagerId], foreignColumns: [staffMembers.tenantId, staffMembers.id] }),
    check('partner_ownership_dates_ck', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);

export interface ApprovalStepRule {
  post: string;
  /** the step applies when the measure is above this value (or at it, with inclusive); absent: always */
  over?: string | undefined;
  inclusive?: boolean | undefined;
}

/** Approval policies (审批权限): per kind, a chain of steps, each required above a threshold, by a post. */
export const approvalPolicies = pgTable(
  'approval_policies',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    measure: text('measure', { enum: ['pct', 'amount'] }).notNull(),
    steps: jsonb('steps').$type<ApprovalStepRule[]>().notNull(),
    note: text('note'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('approval_policies_kind_uq').on(t.tenantId, t.kind)],
);

/** Approval requests: one per subject (kind + ref) needing the chain of its policy. */
export const approvalRequests = pgTable(
  'approval_requests',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    ref: text('ref').notNull(),
    partnerId: uuid('partner_id'),
    amount: numeric('amount', { precision: 18, scale: 4 }),
    pct: numeric('pct', { precision: 18, scale: 4 }),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    policyId: uuid('policy_id').notNull(),
    requestedBy: text('requested_by').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('approval_requests_ref_idx').on(t.tenantId, t.kind, t.ref),
    index('approval_requests_status_idx').on(t.tenantId, t.status),
    foreignKey({ name: 'approval_requests_partner_fk', columns: [t.tenantId, t.partnerId], foreignColumns: [...onboardingKeys.partner] }),
    foreignKey({ name: 'approval_requests_policy_fk', columns: [t.tenantId, t.policyId], foreignColumns: [approvalPolicies.tenantId, approvalPolicies.id] }),
  ],
);

/** The steps of a request, in order; the lowest pending step is the current one. */
export const approvalSteps = pgTable(
  'approval_steps',
  {
    tenantId: text('tenant_id').notNull(),
    requestId: uuid('request_id').notNull(),
    seq: integer('seq').notNull(),
    post: text('post').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'skipped'] })
      .notNull()
      .default('pending'),
    decidedBy: uuid('decided_by'),
    decidedBySubject: text('decided_by_subject'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.requestId, t.seq] }),
    foreignKey({ name: 'approval_steps_request_fk', columns: [t.tenantId, t.requestId], foreignColumns: [approvalRequests.tenantId, approvalRequests.id] }),
    foreignKey({ name: 'approval_steps_staff_fk', columns: [t.tenantId, t.decidedBy], foreignColumns: [staffMembers.tenantId, staffMembers.id] }),
  ],
);

export type OrgUnitRow = typeof orgUnits.$inferSelect;
export type StaffRow = typeof staffMembers.$inferSelect;
export type OwnershipRow = typeof partnerOwnership.$inferSelect;
export type ApprovalPolicyRow = typeof approvalPolicies.$inferSelect;
export type ApprovalRequestRow = typeof approvalRequests.$inferSelect;
export type ApprovalStepRow = typeof approvalSteps.$inferSelect;
