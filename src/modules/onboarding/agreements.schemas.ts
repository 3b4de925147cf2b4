import { z } from 'zod';
import { Code, text } from '../../platform/kernel/index.js';
import { AGREEMENT_END_REASONS, AGREEMENT_STATUSES } from './onboarding.rules.js';

const day = z.iso.date({ message: 'must be a date YYYY-MM-DD' });

export const TerritoryAssignment = z
  .strictObject({
    territoryId: z.uuid(),
    productLineId: z.uuid().nullable().optional().describe('limit to one product line; absent = every line'),
    exclusive: z.boolean().default(false),
  })
  .meta({ id: 'TerritoryAssignment' });
export const ProductAuthorization = z
  .strictObject({ productId: z.uuid().optional(), productLineId: z.uuid().optional() })
  .refine((p) => !!p.productId !== !!p.productLineId, { message: 'give exactly one of productId and productLineId', path: ['productId'] })
  .meta({ id: 'ProductAuthorization' });

export const AgreementCreate = z
  .strictObject({
    number: Code.optional().describe('default: generated'),
    partnerId: z.uuid(),
    startDate: day,
    endDate: day,
    policyRef: text(200).nullable().optional().describe('price policy (policy module) reference'),
    note: text(2000).nullable().optional(),
    territories: z.array(TerritoryAssignment).max(1000).default([]),
    products: z.array(ProductAuthorization).max(1000).default([]),
  })
  .refine((a) => a.endDate >= a.startDate, { message: 'must not be before startDate', path: ['endDate'] })
  .meta({ id: 'AgreementCreate' });
export type AgreementCreate = z.infer<typeof AgreementCreate>;

export const AgreementUpdate = z
  .strictObject({
    startDate: day.optional(),
    endDate: day.optional(),
    policyRef: text(200).nullable().optional(),
    note: text(2000).nullable().optional(),
    territories: z.array(TerritoryAssignment).max(1000).optional(),
    products: z.array(ProductAuthorization).max(1000).optional(),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'AgreementUpdate' });

export const TerminateBody = z
  .strictObject({ reason: z.enum(AGREEMENT_END_REASONS), date: day.optional().describe('default: today'), note: text(2000).optional() })
  .meta({ id: 'TerminateAgreement' });
export const RenewBody = z
  .strictObject({
    number: Code.optional(),
    startDate: day.optional().describe('default: the day after the old end'),
    endDate: day,
    policyRef: text(200).optional(),
  })
  .meta({ id: 'RenewAgreement' });

export const AgreementTerritoryOut = z.object({ territoryId: z.uuid(), productLineId: z.uuid().nullable(), exclusive: z.boolean() });
export const AgreementProductOut = z.object({ productId: z.uuid().nullable(), productLineId: z.uuid().nullable() });

export const Agreement = z
  .object({
    id: z.uuid(),
    number: z.string(),
    partnerId: z.uuid(),
    status: z.enum(AGREEMENT_STATUSES),
    startDate: z.string(),
    endDate: z.string(),
    policyRef: z.string().nullable(),
    note: z.string().nullable(),
    applicationId: z.uuid().nullable(),
    renewalOfId: z.uuid().nullable(),
    activatedAt: z.string().nullable(),
    endReason: z.enum(AGREEMENT_END_REASONS).nullable(),
    endedOn: z.string().nullable(),
    endNote: z.string().nullable(),
    territories: z.array(AgreementTerritoryOut),
    products: z.array(AgreementProductOut),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Agreement' });
export type Agreement = z.infer<typeof Agreement>;
export type AgreementCore = Omit<Agreement, 'territories' | 'products'>;

export const AgreementListQuery = z.object({
  partnerId: z.string().trim().min(1).max(64).optional().describe('id or code'),
  status: z.enum(AGREEMENT_STATUSES).optional(),
  expiringWithinDays: z.coerce.number().int().min(0).max(3660).optional().describe('active agreements ending within N days from today'),
});
export type AgreementListQuery = z.infer<typeof AgreementListQuery>;

export const CrossRegionCreate = z
  .strictObject({
    partnerId: z.uuid().optional().describe('tenant users name the partner; partner users file for themselves'),
    territoryId: z.uuid(),
    productLineId: z.uuid().optional(),
    productId: z.uuid().optional(),
    validFrom: day,
    validTo: day,
    reason: text(2000),
  })
  .refine((c) => c.productLineId || c.productId, { message: 'give productLineId or productId', path: ['productLineId'] })
  .refine((c) => c.validTo >= c.validFrom, { message: 'must not be before validFrom', path: ['validTo'] })
  .meta({ id: 'CrossRegionRequestCreate' });
export const CrossRegionRequest = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    territoryId: z.uuid(),
    productLineId: z.uuid().nullable(),
    productId: z.uuid().nullable(),
    validFrom: z.string(),
    validTo: z.string(),
    reason: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'CrossRegionRequest' });
export type CrossRegionRequest = z.infer<typeof CrossRegionRequest>;
export const CrossRegionListQuery = z.object({
  partnerId: z.string().trim().min(1).max(64).optional().describe('id or code'),
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
});
export const DecisionBody = z.strictObject({ note: text(2000).optional() }).meta({ id: 'DecisionNote' });

export const CheckQuery = z.object({
  partner: z.string().min(1).max(64).describe('partner id or code'),
  product: z.string().min(1).max(64).describe('product id or code'),
  territory: z.string().min(1).max(64).describe('territory id or code'),
  date: day.optional().describe('default: today'),
});
export const CheckResult = z
  .object({
    allowed: z.boolean(),
    code: z.enum([
      'AGREEMENT',
      'CROSS_REGION',
      'UNKNOWN_PARTNER',
      'UNKNOWN_PRODUCT',
      'UNKNOWN_TERRITORY',
      'PARTNER_NOT_ACTIVE',
      'PRODUCT_INACTIVE',
      'NO_ACTIVE_AGREEMENT',
      'OUTSIDE_TERM',
      'PRODUCT_NOT_AUTHORIZED',
      'TERRITORY_NOT_ASSIGNED',
    ]),
    reason: z.string(),
    partnerId: z.uuid().nullable(),
    productId: z.uuid().nullable(),
    territoryId: z.uuid().nullable(),
    date: z.string(),
  })
  .meta({ id: 'AuthorizationCheck' });
export type CheckResult = z.infer<typeof CheckResult>;

export const Right = z
  .object({
    territoryId: z.uuid(),
    territoryCode: z.string(),
    productLineId: z.uuid().nullable(),
    productLineCode: z.string().nullable(),
    productId: z.uuid().nullable(),
    productCode: z.string().nullable(),
    validFrom: z.string().nullable(),
    validTo: z.string().nullable(),
    source: z.enum(['agreement', 'cross_region']),
  })
  .meta({ id: 'TerritoryRight' });
export type Right = z.infer<typeof Right>;
