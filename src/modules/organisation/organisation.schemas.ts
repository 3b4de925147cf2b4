import { z } from 'zod';
import { Code, text } from '../../platform/kernel/index.js';

export const ORG_UNIT_KINDS = ['region', 'product_division', 'team'] as const;
export const POSTS = ['account_manager', 'regional_manager', 'channel_director', 'finance', 'sales_rep'] as const;
export type Post = (typeof POSTS)[number];
export const DATA_SCOPES = ['all', 'org_subtree', 'portfolio'] as const;
/**
 * Approval kinds. `fund_request` and `claim` are reserved for the trade-funds module (a later issue): their policies
 * can be defined now and requests opened by hand (`POST /approval-requests`); no module opens them yet.
 */
export const APPROVAL_KINDS = [
  'price_deviation',
  'credit_override',
  'fund_request',
  'claim',
  'statement',
  'tier_change',
  'order_override',
  'lifecycle',
] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected'] as const;

const Ref = z.string().trim().min(1).max(64).describe('id or code');
const DateStr = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
/** a non-negative decimal string (percent or amount), at most 4 decimals */
const Threshold = z
  .string()
  .trim()
  .regex(/^\d{1,14}(\.\d{1,4})?$/, 'must be a non-negative decimal string with at most 4 decimals, e.g. "10" or "10.5"');

// ---- org units -------------------------------------------------------------------------------------------------

const unitFields = {
  name: text(200),
  kind: z.enum(ORG_UNIT_KINDS),
  parent: Ref.nullable().optional().describe('parent org unit (id or code); null or absent for a root'),
};
export const OrgUnitCreate = z.strictObject({ code: Code, ...unitFields }).meta({ id: 'OrgUnitCreate' });
export const OrgUnitUpsert = z.strictObject(unitFields).meta({ id: 'OrgUnitUpsert' });
export const OrgUnitUpdate = z
  .strictObject({
    code: Code.optional(),
    name: text(200).optional(),
    kind: z.enum(ORG_UNIT_KINDS).optional(),
    parent: Ref.nullable().optional().describe('move under another unit (id or code); null makes it a root; a move that makes a cycle is refused'),
    version: z.number().int().positive().optional(),
  })
  .meta({ id: 'OrgUnitUpdate' });
export const OrgUnit = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(ORG_UNIT_KINDS),
    parentId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'OrgUnit' });
export type OrgUnit = z.infer<typeof OrgUnit>;
export const OrgUnitListQuery = z.object({
  kind: z.enum(ORG_UNIT_KINDS).optional(),
  parent: Ref.optional().describe('direct children of this unit (id or code)'),
});

// ---- staff -----------------------------------------------------------------------------------------------------

const staffFields = {
  name: text(200),
  email: z.email().max(254).nullable().optional(),
  subjects: z.array(text(200)).max(50).optional().describe("identity subjects this person signs in as: JWT 'sub' values and/or API key ids"),
  post: z.enum(POSTS),
  orgUnit: Ref.nullable().optional().describe('org unit (id or code)'),
  dataScope: z
    .enum(DATA_SCOPES)
    .optional()
    .describe('all (default): every partner; org_subtree: partners owned within their org unit and below; portfolio: partners they own'),
  active: z.boolean().optional(),
};
export const StaffCreate = z.strictObject({ code: Code, ...staffFields }).meta({ id: 'StaffMemberCreate' });
export const StaffUpsert = z.strictObject(staffFields).meta({ id: 'StaffMemberUpsert' });
export const StaffUpdate = z
  .strictObject({
    code: Code.optional(),
    name: text(200).optional(),
    email: z.email().max(254).nullable().optional(),
    subjects: z.array(text(200)).max(50).optional(),
    post: z.enum(POSTS).optional(),
    orgUnit: Ref.nullable().optional(),
    dataScope: z.enum(DATA_SCOPES).optional(),
    active: z.boolean().optional(),
    version: z.number().int().positive().optional(),
  })
  .meta({ id: 'StaffMemberUpdate' });
export const StaffMember = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    subjects: z.array(z.string()),
    post: z.enum(POSTS),
    orgUnitId: z.uuid().nullable(),
    dataScope: z.enum(DATA_SCOPES),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'StaffMember' });
export type StaffMember = z.infer<typeof StaffMember>;
export const StaffListQuery = z.object({
  post: z.enum(POSTS).optional(),
  orgUnit: Ref.optional().describe('members of this org unit (id or code)'),
});

// ---- ownership -------------------------------------------------------------------------------------------------

export const OwnershipAssign = z
  .strictObject({
    partner: Ref.describe('partner id or code'),
    orgUnit: Ref.describe('org unit id or code'),
    accountManager: Ref.nullable().optional().describe('staff member (id or code) with the post account_manager'),
    validFrom: DateStr.describe('the day the ownership starts; the previous ownership ends that day'),
    reason: text(500).optional(),
  })
  .meta({ id: 'OwnershipAssign' });
export const OwnershipBulkAssign = z.strictObject({ items: z.array(OwnershipAssign).min(1).max(5000) }).meta({ id: 'OwnershipBulkAssign' });
export const Ownership = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    orgUnitId: z.uuid(),
    accountManagerId: z.uuid().nullable(),
    validFrom: z.string(),
    validTo: z.string().nullable().describe('exclusive; null while current'),
    reason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PartnerOwnership' });
export type Ownership = z.infer<typeof Ownership>;
export const OwnershipListQuery = z.object({
  orgUnit: Ref.optional().describe('partners owned within this org unit and its subtree (id or code)'),
  accountManager: Ref.optional().describe("partners owned by this staff member (id or code); one unknown or outside the caller's data scope is 400"),
  asOf: DateStr.optional().describe('the ownership on this day (default today)'),
});

// ---- approvals -------------------------------------------------------------------------------------------------

export const ApprovalStepRule = z.strictObject({
  post: z.enum(POSTS),
  over: Threshold.optional().describe('the step is required when the measure is above this value; absent: always'),
  inclusive: z.boolean().optional().describe('true: required at the value too (>=); default false (strictly above)'),
});
export const ApprovalPolicyPut = z
  .strictObject({
    measure: z.enum(['pct', 'amount']).describe('pct: the deviation or discount in percent; amount: the money amount'),
    steps: z.array(ApprovalStepRule).min(1).max(10),
    note: text(500).nullable().optional(),
    version: z.number().int().positive().optional(),
  })
  .meta({ id: 'ApprovalPolicyPut' });
export const ApprovalPolicy = z
  .object({
    id: z.uuid(),
    kind: z.enum(APPROVAL_KINDS),
    measure: z.enum(['pct', 'amount']),
    steps: z.array(z.object({ post: z.enum(POSTS), over: z.string().nullable(), inclusive: z.boolean() })),
    note: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ApprovalPolicy' });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;
export const ApprovalKindParams = z.object({ kind: z.enum(APPROVAL_KINDS) });

export const ApprovalRequestCreate = z
  .strictObject({
    kind: z.enum(APPROVAL_KINDS),
    ref: text(200).describe("the subject's reference in its owning module (e.g. a deviation id)"),
    partner: Ref.nullable().optional(),
    amount: Threshold.nullable().optional(),
    pct: Threshold.nullable().optional(),
  })
  .meta({ id: 'ApprovalRequestCreate' });
export const ApprovalDecision = z.strictObject({ note: text(2000).optional() }).meta({ id: 'ApprovalDecision' });
export const ApprovalStep = z.object({
  seq: z.number().int(),
  post: z.enum(POSTS),
  status: z.enum(['pending', 'approved', 'rejected', 'skipped']),
  decidedBy: z.uuid().nullable(),
  decidedBySubject: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
});
export const ApprovalRequest = z
  .object({
    id: z.uuid(),
    kind: z.enum(APPROVAL_KINDS),
    ref: z.string(),
    partnerId: z.uuid().nullable(),
    amount: z.string().nullable().describe('the amount compared with the thresholds, 4 decimals (the request carries no currency)'),
    pct: z.string().nullable().describe('the percentage compared with the thresholds, 4 decimals: the scale it is compared at'),
    status: z.enum(APPROVAL_STATUSES),
    currentPost: z.enum(POSTS).nullable().describe('the post that decides the next step (null once decided)'),
    steps: z.array(ApprovalStep),
    requestedBy: z.string(),
    decidedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'ApprovalRequest' });
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;
export const ApprovalListQuery = z.object({
  kind: z.enum(APPROVAL_KINDS).optional(),
  status: z.enum(APPROVAL_STATUSES).optional(),
  mine: z.enum(['true', 'false']).optional().describe('true: only the pending requests whose current step is for my post, within my data scope'),
});

export type OrgUnitUpdate = z.infer<typeof OrgUnitUpdate>;
export type StaffUpsert = z.infer<typeof StaffUpsert>;
export type StaffUpdate = z.infer<typeof StaffUpdate>;
export type OwnershipAssign = z.infer<typeof OwnershipAssign>;
