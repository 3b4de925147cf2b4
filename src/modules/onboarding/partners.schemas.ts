import { z } from 'zod';
import { Code, text } from '../../platform/kernel/index.js';

/** @deprecated import `Code` from platform/kernel; kept until the incentive module stops importing it from here. */
export { Code };

export const PARTNER_TYPES = ['distributor', 'wholesaler', 'dealer', 'agent', 'retailer'] as const;
export const PARTNER_CHANNELS = ['online', 'offline', 'both'] as const;
export const PARTNER_STATUSES = ['applicant', 'under_review', 'approved', 'active', 'suspended', 'terminated', 'rejected'] as const;

export type PartnerType = (typeof PARTNER_TYPES)[number];
export type PartnerChannel = (typeof PARTNER_CHANNELS)[number];
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const Address = z
  .strictObject({
    line1: text(200).optional(),
    line2: text(200).optional(),
    city: text(100).optional(),
    province: text(100).optional(),
    country: z.string().trim().length(2).toUpperCase().optional().describe('ISO 3166-1 alpha-2'),
    postalCode: text(20).optional(),
  })
  .meta({ id: 'Address' });
export type Address = z.infer<typeof Address>;

const partnerFields = {
  legalName: text(200),
  type: z.enum(PARTNER_TYPES),
  channel: z.enum(PARTNER_CHANNELS).default('offline'),
  parentId: z.uuid().nullable().optional().describe('Parent partner in a tiered network'),
  tier: text(50).nullable().optional().describe('Tier label, e.g. "L1", "gold"'),
  contactName: text(200).nullable().optional(),
  contactEmail: z.email().max(254).nullable().optional(),
  contactPhone: z
    .string()
    .trim()
    .min(3)
    .max(40)
    .regex(/^[0-9+()\-.\s]+$/, 'digits, spaces and + ( ) - . only')
    .nullable()
    .optional(),
  address: Address.nullable().optional(),
  regionCode: text(64).nullable().optional().describe('Home region (territory code)'),
};

export const PartnerCreate = z
  .strictObject({
    code: Code,
    ...partnerFields,
    status: z.enum(PARTNER_STATUSES).default('applicant').describe('Initial lifecycle state; later changes go through the lifecycle actions'),
  })
  .meta({ id: 'PartnerCreate' });
export type PartnerCreate = z.infer<typeof PartnerCreate>;

export const PartnerUpdate = z
  .strictObject({
    code: Code.optional(),
    legalName: partnerFields.legalName.optional(),
    type: partnerFields.type.optional(),
    channel: z.enum(PARTNER_CHANNELS).optional(),
    parentId: partnerFields.parentId,
    tier: partnerFields.tier,
    contactName: partnerFields.contactName,
    contactEmail: partnerFields.contactEmail,
    contactPhone: partnerFields.contactPhone,
    address: partnerFields.address,
    regionCode: partnerFields.regionCode,
    version: z.number().int().min(1).optional().describe('Expected current version (or send If-Match)'),
  })
  .meta({ id: 'PartnerUpdate' });
export type PartnerUpdate = z.infer<typeof PartnerUpdate>;

export const PartnerUpsert = z
  .strictObject({
    ...partnerFields,
    status: z.enum(PARTNER_STATUSES).optional().describe('Applied only when the partner is created'),
  })
  .meta({ id: 'PartnerUpsert' });
export type PartnerUpsert = z.infer<typeof PartnerUpsert>;

export const Partner = z
  .object({
    id: z.uuid(),
    code: z.string(),
    legalName: z.string(),
    type: z.enum(PARTNER_TYPES),
    channel: z.enum(PARTNER_CHANNELS),
    parentId: z.uuid().nullable(),
    tier: z.string().nullable(),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    address: Address.nullable(),
    regionCode: z.string().nullable(),
    status: z.enum(PARTNER_STATUSES),
    version: z.number().int(),
    createdAt: z.string().describe('ISO 8601 UTC'),
    updatedAt: z.string().describe('ISO 8601 UTC'),
  })
  .meta({ id: 'Partner' });
export type Partner = z.infer<typeof Partner>;

export const PartnerListQuery = z.object({
  status: z.enum(PARTNER_STATUSES).optional(),
  type: z.enum(PARTNER_TYPES).optional(),
  parentId: z.string().trim().min(1).max(64).optional().describe('id or code'),
  tier: z.string().max(50).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('Search in legal name and code (case-insensitive)'),
});
export type PartnerListQuery = z.infer<typeof PartnerListQuery>;

export const PARTNER_ACTIONS_ALL = ['review', 'approve', 'reject', 'activate', 'suspend', 'reinstate', 'terminate'] as const;

export const TransitionInput = z.strictObject({
  action: z.enum(PARTNER_ACTIONS_ALL),
  reason: z.string().trim().min(1).max(1000).optional(),
});

export const TransitionBody = z
  .strictObject({ reason: z.string().trim().min(1).max(1000).optional().describe('Why (recorded in the history)') })
  .meta({ id: 'PartnerTransition' });

export const PartnerHistoryEntry = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    action: z.string(),
    from: z.enum(PARTNER_STATUSES).nullable(),
    to: z.enum(PARTNER_STATUSES),
    reason: z.string().nullable(),
    subject: z.string().describe('who made the change'),
    at: z.string().describe('ISO 8601 UTC'),
  })
  .meta({ id: 'PartnerHistoryEntry' });
export type PartnerHistoryEntry = z.infer<typeof PartnerHistoryEntry>;

/** One row of POST /v1/partners:import (CSV values arrive as strings). */
export const PartnerImportRow = z.strictObject({
  code: Code,
  legalName: text(200),
  type: z.enum(PARTNER_TYPES),
  channel: z.enum(PARTNER_CHANNELS).default('offline'),
  parentCode: Code.optional(),
  tier: text(50).optional(),
  contactName: text(200).optional(),
  contactEmail: z.email().max(254).optional(),
  contactPhone: z
    .string()
    .trim()
    .min(3)
    .max(40)
    .regex(/^[0-9+()\-.\s]+$/, 'digits, spaces and + ( ) - . only')
    .optional(),
  regionCode: text(64).optional(),
  status: z.enum(PARTNER_STATUSES).optional().describe('initial status of a new partner; ignored for existing ones'),
});
