import { z } from 'zod';
import { Currency, DecimalInput, text } from '../../platform/kernel/index.js';

const DateStr = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const NonNeg = DecimalInput.refine((v) => !v.startsWith('-'), 'must not be negative');
const Positive = DecimalInput.refine((v) => !v.startsWith('-') && !/^0+(\.0+)?$/.test(v), 'must be greater than 0');

export const CreditLimitInput = z
  .strictObject({ amount: NonNeg, currency: Currency, effectiveFrom: DateStr, reason: text(2000).optional() })
  .meta({ id: 'CreditLimitSet' });
export const TemporaryIncreaseInput = z
  .strictObject({ amount: Positive, currency: Currency, effectiveFrom: DateStr, expiresOn: DateStr, reason: text(2000) })
  .refine((d) => d.expiresOn >= d.effectiveFrom, { path: ['expiresOn'], message: 'must not be before effectiveFrom' })
  .meta({ id: 'TemporaryCreditIncreaseInput' });
export const CreditAccountUpdate = z
  .strictObject({
    onHold: z.boolean().optional(),
    holdReason: text(2000).nullable().optional(),
    overdueToleranceDays: z.number().int().min(0).max(3650).optional(),
  })
  .meta({ id: 'CreditAccountUpdate' });

export const CreditLimitEntry = z
  .object({
    id: z.uuid(),
    kind: z.enum(['limit', 'temporary']),
    amount: z.string(),
    currency: z.string(),
    effectiveFrom: z.string(),
    expiresOn: z.string().nullable(),
    reason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'CreditLimitEntry' });
export type CreditLimitEntry = z.infer<typeof CreditLimitEntry>;

export const CreditStatus = z
  .object({
    partnerId: z.uuid(),
    date: z.string(),
    currency: z.string().nullable(),
    baseLimit: z.string().nullable().describe('the limit in force on the date; null = no limit set (not checked)'),
    temporary: z.string().describe('temporary increases covering the date'),
    limit: z.string().nullable(),
    openOrders: z.string().describe('approved orders not yet invoiced or cancelled on the date'),
    receivables: z.string().describe('unpaid invoices on the date'),
    exposure: z.string(),
    available: z.string().nullable(),
    overLimit: z.boolean(),
    overdue: z.string().describe('receivables past their due date'),
    onHold: z.boolean(),
    holdReason: z.string().nullable(),
    overdueToleranceDays: z.number().int(),
    history: z.array(CreditLimitEntry),
  })
  .meta({ id: 'CreditStatus' });
export type CreditStatus = z.infer<typeof CreditStatus>;

export const CollectionInput = z
  .strictObject({
    externalId: text(100),
    partner: z.string().trim().min(1).max(64),
    receivedOn: DateStr,
    amount: Positive,
    currency: Currency,
    invoiceRef: text(100).optional().describe('settle this invoice first; the rest goes oldest first'),
  })
  .meta({ id: 'CollectionRecord' });
export const Collection = z
  .object({
    id: z.uuid(),
    externalId: z.string(),
    partnerId: z.uuid(),
    receivedOn: z.string(),
    amount: z.string(),
    currency: z.string(),
    invoiceRef: z.string().nullable(),
    unallocated: z.string(),
    allocations: z.array(z.object({ invoiceId: z.uuid(), invoiceNumber: z.string(), amount: z.string() })),
  })
  .meta({ id: 'Collection' });
export type Collection = z.infer<typeof Collection>;

export const AgingRow = z
  .object({
    partnerId: z.uuid(),
    currency: z.string(),
    d0_30: z.string(),
    d31_60: z.string(),
    d61_90: z.string(),
    d90Plus: z.string(),
    total: z.string(),
    overdue: z.string(),
    dso: z.string().nullable().describe('days sales outstanding: receivables / invoiced in the 90 days to the date x 90, in days at 4 decimals'),
  })
  .meta({ id: 'AgingRow' });
export type AgingRow = z.infer<typeof AgingRow>;
