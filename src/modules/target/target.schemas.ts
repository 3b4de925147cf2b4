import { isCalendarDate } from '../../platform/kernel/index.js';
import { z } from 'zod';
import { METRICS } from './target.rules.js';
import { RefParam } from '../onboarding/contract.js';

export const MetricSchema = z.enum(METRICS).describe('sales_amount | quantity | new_customers | collection_amount');
export const PeriodLabel = z.string().trim().min(4).max(7).describe('2026, 2026-Q3 or 2026-07');
/** Strings only: a JSON number is already rounded to a double when it arrives (12345678901234.00001 -> 12345678901234). */
export const DecimalString = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string().regex(/^\d{1,14}(\.\d{1,4})?$/, 'must be a decimal string, zero or more, at most 4 decimals'))
  .describe('decimal string, e.g. "1200000.00"');
export const WeightString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{1,14}(\.\d{1,8})?$/, 'must be a decimal number, zero or more'));
/** A calendar date: 2026-02-30 is refused (JavaScript's Date would roll it over to 2026-03-02). */
export const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');

export const TargetSettings = z
  .object({
    fiscalYearStartMonth: z.number().int().describe('1 = calendar year; 4 = fiscal year April-March, named by the year it starts in'),
    salesBasis: z.enum(['sell_through', 'sell_in']).describe('the fact stream sales_amount and quantity targets are measured on'),
    version: z.number().int(),
  })
  .meta({ id: 'TargetSettings' });

export const TargetSettingsUpdate = z
  .strictObject({
    fiscalYearStartMonth: z.number().int().min(1).max(12).optional(),
    salesBasis: z.enum(['sell_through', 'sell_in']).optional(),
  })
  .meta({ id: 'TargetSettingsUpdate' });

export const Target = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    metric: MetricSchema,
    productLineId: z.uuid().nullable(),
    territoryId: z.uuid().nullable(),
    value: z.string().describe('decimal string'),
    agreementId: z.uuid().nullable().describe("the partner's agreement this target is an appendix of"),
    note: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Target' });
export type Target = z.infer<typeof Target>;

const scopeFields = {
  productLineId: z.uuid().nullable().optional().describe('limit the target to a product line'),
  territoryId: z.uuid().nullable().optional().describe('limit the target to a territory (not together with productLineId)'),
};

export const TargetCreate = z
  .strictObject({
    partnerId: z.uuid(),
    period: PeriodLabel,
    metric: MetricSchema,
    ...scopeFields,
    value: DecimalString,
    agreementId: z.uuid().nullable().optional(),
    note: z.string().trim().max(1000).nullable().optional(),
  })
  .refine((v) => !(v.productLineId && v.territoryId), { path: ['territoryId'], message: 'a target is per product line or per territory, not both' })
  .meta({ id: 'TargetCreate' });
export type TargetCreate = z.infer<typeof TargetCreate>;

export const TargetUpdate = z
  .strictObject({
    value: DecimalString.optional(),
    agreementId: z.uuid().nullable().optional(),
    note: z.string().trim().max(1000).nullable().optional(),
    version: z.number().int().min(1).optional().describe('expected current version (or send If-Match)'),
  })
  .meta({ id: 'TargetUpdate' });
export type TargetUpdate = z.infer<typeof TargetUpdate>;

export const TargetListQuery = z.object({
  partnerId: RefParam.optional(),
  period: PeriodLabel.optional(),
  metric: MetricSchema.optional(),
});

export const PeriodLock = z
  .object({ period: z.string(), periodStart: z.string(), periodEnd: z.string(), lockedBy: z.string(), lockedAt: z.string() })
  .meta({ id: 'PeriodLock' });

export const Part = z
  .object({ period: z.string(), partnerId: z.uuid().optional(), value: z.string(), targetId: z.uuid().optional() })
  .meta({ id: 'TargetPart' });

export const DecomposeInput = z
  .strictObject({
    partnerId: z.uuid(),
    period: PeriodLabel.describe('a year (into quarters or months) or a quarter (into months)'),
    metric: MetricSchema,
    ...scopeFields,
    value: DecimalString.optional().describe("the whole to split; default: the partner's stored target for the period"),
    into: z.enum(['quarters', 'months']).default('quarters'),
    weights: z.array(WeightString).optional().describe('seasonal weights, one per part (4 quarters, 12 or 3 months); default even'),
    unit: DecimalString.optional().describe('smallest unit of a part; default 0.01 for amounts, 1 for counts'),
    save: z.boolean().default(false).describe('store the parts as targets (created or updated)'),
  })
  .meta({ id: 'DecomposeInput' });
export type DecomposeInput = z.infer<typeof DecomposeInput>;

export const AllocateInput = z
  .strictObject({
    period: PeriodLabel,
    metric: MetricSchema,
    value: DecimalString.optional().describe("the whole; required for a tenant-level target, default the parent partner's stored target"),
    parentPartnerId: z.uuid().optional().describe("allocate a parent partner's target across its direct children"),
    basis: z.enum(['weights', 'last_year']).default('weights'),
    partners: z
      .array(z.strictObject({ partnerId: z.uuid(), weight: WeightString.optional() }))
      .min(1)
      .max(10_000)
      .optional()
      .describe("recipients (default: the parent's direct children); weight required for basis 'weights' (default 1)"),
    unit: DecimalString.optional(),
    save: z.boolean().default(false),
  })
  .refine((v) => v.parentPartnerId || v.partners, { path: ['partners'], message: 'name the partners or a parentPartnerId' })
  .meta({ id: 'AllocateInput' });
export type AllocateInput = z.infer<typeof AllocateInput>;

export const SplitResult = z
  .object({ period: z.string(), metric: MetricSchema, total: z.string(), unit: z.string(), saved: z.boolean(), parts: z.array(Part) })
  .meta({ id: 'SplitResult' });
export type SplitResult = z.infer<typeof SplitResult>;

// ----- achievement

export const AchievementMonth = z
  .object({
    month: z.string().describe('YYYY-MM'),
    target: z.string().nullable().describe('the monthly target, if one is stored'),
    actual: z.string(),
    achievementPct: z.string().nullable(),
  })
  .meta({ id: 'AchievementMonth' });

export const Achievement = z
  .object({
    partnerId: z.uuid(),
    partnerCode: z.string(),
    partnerName: z.string(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    metric: MetricSchema,
    asOf: z.string(),
    target: z.string().nullable().describe('null when no target is stored for the partner, period and metric'),
    actual: z.string(),
    achievementPct: z.string().nullable().describe('actual / target x 100, 2 decimals, half away from zero; null without a positive target'),
    gap: z.string().nullable().describe('target - actual (positive: still to reach)'),
    elapsedDays: z.number().int(),
    periodDays: z.number().int(),
    forecast: z.string().nullable().describe('run-rate to period end: actual / elapsedDays x periodDays (4 decimals); null before the period starts'),
    forecastPct: z.string().nullable(),
    rank: z.number().int().optional().describe('position in the network view'),
    byMonth: z.array(AchievementMonth).optional(),
  })
  .meta({ id: 'Achievement' });
export type Achievement = z.infer<typeof Achievement>;

export const AchievementQuery = z
  .object({
    period: PeriodLabel,
    metric: MetricSchema.default('sales_amount'),
    asOf: DateString.optional().describe('date the run-rate is computed on (default today, UTC)'),
    productLineId: RefParam.optional().describe('achievement of the targets set for this product line (id or code; sales_amount, quantity)'),
    territoryId: RefParam.optional().describe('achievement of the targets set for this territory (id or code; sell-through basis; sales_amount, quantity)'),
  })
  .refine((q) => !(q.productLineId && q.territoryId), { message: 'give productLineId or territoryId, not both', path: ['territoryId'] })
  .refine((q) => !(q.productLineId || q.territoryId) || q.metric === 'sales_amount' || q.metric === 'quantity', {
    message: 'product-line and territory achievement exist for sales_amount and quantity',
    path: ['metric'],
  });

export const CrossRegionViolation = z
  .object({
    externalId: z.string(),
    partnerId: z.uuid(),
    partnerCode: z.string(),
    productId: z.uuid(),
    productCode: z.string(),
    territoryId: z.uuid(),
    territoryCode: z.string(),
    customerId: z.string().nullable(),
    date: z.string(),
    quantity: z.string(),
    amount: z.string(),
  })
  .meta({ id: 'CrossRegionViolation' });
export type CrossRegionViolation = z.infer<typeof CrossRegionViolation>;

export const ViolationQuery = z.object({
  partner: RefParam.optional(),
  from: DateString.optional(),
  to: DateString.optional(),
});
