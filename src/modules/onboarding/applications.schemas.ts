import { z } from 'zod';
import { Code, text } from '../../platform/kernel/index.js';
import { APPLICATION_STATUSES } from './onboarding.rules.js';
import { Address, PARTNER_CHANNELS, PARTNER_TYPES } from './partners.schemas.js';

const day = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const ApplicationDocument = z
  .strictObject({
    name: text(200),
    kind: text(50).describe('e.g. business_licence, certificate, tax_registration'),
    url: z.url().max(2000).optional(),
    storageKey: text(500).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits')
      .toLowerCase()
      .optional(),
    expiresOn: day.optional(),
  })
  .refine((d) => d.url || d.storageKey, { message: 'needs url or storageKey', path: ['url'] })
  .meta({ id: 'ApplicationDocument' });

const applicationFields = {
  partnerCode: Code.describe('Code the partner will have (an existing partner with this code is linked on approval)'),
  legalName: text(200),
  partnerType: z.enum(PARTNER_TYPES),
  channel: z.enum(PARTNER_CHANNELS).default('offline'),
  contactName: text(200).nullable().optional(),
  contactEmail: z.email().max(254).nullable().optional(),
  contactPhone: z.string().trim().min(3).max(40).nullable().optional(),
  address: Address.nullable().optional(),
  requestedTerritoryIds: z.array(z.uuid()).max(500).default([]),
  requestedProductLineIds: z.array(z.uuid()).max(200).default([]),
  capabilities: z.record(z.string(), z.unknown()).default({}).describe('self-reported: teamSize, annualRevenueBand, warehouses, currentBrands...'),
  documents: z.array(ApplicationDocument).max(50).default([]),
};

export const ApplicationCreate = z
  .strictObject({ ...applicationFields, submit: z.boolean().default(false).describe('submit at once instead of keeping a draft') })
  .meta({ id: 'ApplicationCreate' });
export const ApplicationUpdate = z
  .strictObject({
    partnerCode: Code.optional(),
    legalName: text(200).optional(),
    partnerType: z.enum(PARTNER_TYPES).optional(),
    channel: z.enum(PARTNER_CHANNELS).optional(),
    contactName: applicationFields.contactName,
    contactEmail: applicationFields.contactEmail,
    contactPhone: applicationFields.contactPhone,
    address: applicationFields.address,
    requestedTerritoryIds: z.array(z.uuid()).max(500).optional(),
    requestedProductLineIds: z.array(z.uuid()).max(200).optional(),
    capabilities: z.record(z.string(), z.unknown()).optional(),
    documents: z.array(ApplicationDocument).max(50).optional(),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'ApplicationUpdate' });

export const Application = z
  .object({
    id: z.uuid(),
    status: z.enum(APPLICATION_STATUSES),
    partnerCode: z.string(),
    legalName: z.string(),
    partnerType: z.enum(PARTNER_TYPES),
    channel: z.enum(PARTNER_CHANNELS),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    address: z.record(z.string(), z.unknown()).nullable(),
    requestedTerritoryIds: z.array(z.uuid()),
    requestedProductLineIds: z.array(z.uuid()),
    capabilities: z.record(z.string(), z.unknown()),
    documents: z.array(z.record(z.string(), z.unknown())),
    submittedBy: z.string(),
    submittedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    partnerId: z.uuid().nullable(),
    agreementId: z.uuid().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Application' });
export type Application = z.infer<typeof Application>;

export const ApplicationListQuery = z.object({ status: z.enum(APPLICATION_STATUSES).optional() });

export const ReasonBody = z.strictObject({ reason: text(1000).optional() }).meta({ id: 'ReasonBody' });
export const RequiredReasonBody = z.strictObject({ reason: text(1000) }).meta({ id: 'RequiredReasonBody' });

export const ApproveBody = z
  .strictObject({
    reason: text(1000).optional(),
    agreement: z
      .strictObject({
        number: Code.optional(),
        startDate: day.optional().describe('default: today'),
        endDate: day.optional().describe('default: one year after the start, minus a day'),
        policyRef: text(200).optional(),
      })
      .optional(),
  })
  .meta({ id: 'ApproveApplication' });

export const ChecklistKindCreate = z
  .strictObject({ code: Code, name: text(200), required: z.boolean().default(true), active: z.boolean().default(true) })
  .meta({ id: 'ChecklistItemKindCreate' });
export const ChecklistKindUpdate = z
  .strictObject({ name: text(200).optional(), required: z.boolean().optional(), active: z.boolean().optional() })
  .meta({ id: 'ChecklistItemKindUpdate' });
export const ChecklistKind = z
  .object({ id: z.uuid(), code: z.string(), name: z.string(), required: z.boolean(), active: z.boolean(), version: z.number().int() })
  .meta({ id: 'ChecklistItemKind' });
export type ChecklistKind = z.infer<typeof ChecklistKind>;

export const Screening = z
  .strictObject({
    criteria: z
      .array(
        z.strictObject({
          code: Code,
          name: text(200),
          weight: z
            .union([z.string(), z.number()])
            .transform(String)
            .pipe(z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, 'a number 0-100 with up to 4 decimals')),
        }),
      )
      .max(50),
    minScore: z
      .union([z.string(), z.number()])
      .transform(String)
      .pipe(z.string().regex(/^\d{1,3}(\.\d{1,4})?$/))
      .nullable()
      .optional(),
  })
  .meta({ id: 'ScreeningSettings' });
export const ScreeningOut = z
  .object({ criteria: z.array(z.object({ code: z.string(), name: z.string(), weight: z.string() })), minScore: z.string().nullable() })
  .meta({ id: 'Screening' });

export const ChecksBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ kind: Code, result: z.enum(['pass', 'fail', 'na']), note: text(2000).optional(), reviewedOn: day.optional() }))
      .min(1)
      .max(100),
  })
  .meta({ id: 'RecordChecks' });
export const ScoresBody = z
  .strictObject({
    scores: z
      .array(
        z.strictObject({
          criterion: Code,
          score: z
            .union([z.string(), z.number()])
            .transform(String)
            .pipe(z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, 'a number 0-100')),
          note: text(2000).optional(),
        }),
      )
      .min(1)
      .max(50),
  })
  .meta({ id: 'RecordScores' });

export const Assessment = z
  .object({
    applicationId: z.uuid(),
    status: z.enum(APPLICATION_STATUSES),
    checklist: z.array(
      z.object({
        kind: z.string(),
        name: z.string(),
        required: z.boolean(),
        result: z.enum(['pass', 'fail', 'na']).nullable(),
        note: z.string().nullable(),
        reviewer: z.string().nullable(),
        reviewedOn: z.string().nullable(),
      }),
    ),
    missingItems: z.array(z.string()),
    failedItems: z.array(z.string()),
    score: z.object({
      total: z.string().nullable().describe('weighted score 0-100; null until every criterion is scored'),
      minScore: z.string().nullable(),
      meetsMinimum: z.boolean(),
      missingCriteria: z.array(z.string()),
      breakdown: z.array(z.object({ criterion: z.string(), weight: z.string(), score: z.string().nullable(), weighted: z.string().nullable() })),
    }),
    approvable: z.boolean(),
  })
  .meta({ id: 'ApplicationAssessment' });
export type Assessment = z.infer<typeof Assessment>;
