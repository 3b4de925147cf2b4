/** Schemas of the direct channel's rep targets and rep achievement (issue 17). */
import { z } from 'zod';
import { RefParam } from '../onboarding/contract.js';
import { DateString, DecimalString, PeriodLabel } from './target.schemas.js';

export const REP_METRICS = ['sales_amount', 'quantity'] as const;
export type RepMetric = (typeof REP_METRICS)[number];
export const RepMetricSchema = z.enum(REP_METRICS).describe('sales_amount | quantity (measured on the sell-through attributed to the rep)');

export const RepTarget = z
  .object({
    id: z.uuid(),
    repId: z.uuid().describe('the staff member (post sales_rep)'),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    metric: RepMetricSchema,
    value: z.string().describe('decimal string, 4 decimals'),
    note: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RepTarget' });
export type RepTarget = z.infer<typeof RepTarget>;

export const RepTargetCreate = z
  .strictObject({
    rep: RefParam.describe("the rep's staff id or code (post sales_rep)"),
    period: PeriodLabel,
    metric: RepMetricSchema,
    value: DecimalString,
    note: z.string().trim().max(1000).nullable().optional(),
  })
  .meta({ id: 'RepTargetCreate' });
export type RepTargetCreate = z.infer<typeof RepTargetCreate>;

export const RepTargetUpdate = z
  .strictObject({
    value: DecimalString.optional(),
    note: z.string().trim().max(1000).nullable().optional(),
    version: z.number().int().min(1).optional().describe('expected current version (or send If-Match)'),
  })
  .meta({ id: 'RepTargetUpdate' });

export const RepTargetListQuery = z.object({
  rep: RefParam.optional().describe("staff id or code; one unknown or outside the caller's data scope is 400 naming `rep`"),
  period: PeriodLabel.optional(),
  metric: RepMetricSchema.optional(),
});

export const RepAchievementQuery = z.object({
  period: PeriodLabel,
  metric: RepMetricSchema.default('sales_amount'),
});

export const RepAchievement = z
  .object({
    repId: z.uuid(),
    repCode: z.string(),
    repName: z.string(),
    orgUnitId: z.uuid().nullable(),
    period: z.string(),
    periodStart: DateString,
    periodEnd: DateString,
    metric: RepMetricSchema,
    target: z.string().nullable().describe("the rep's target for exactly this period and metric (4 decimals); null if none"),
    actual: z.string().describe('sell-through attributed to the rep in the period (4 decimals)'),
    achievementPct: z.string().nullable().describe('actual / target x 100, 2 decimals half-up; null without a positive target'),
    gap: z.string().nullable().describe('target - actual'),
    partners: z.number().int().describe('distinct partners the rep sold through in the period'),
    rank: z.number().int().optional().describe('position in the ranking (lists only)'),
  })
  .meta({ id: 'RepAchievement' });
export type RepAchievement = z.infer<typeof RepAchievement>;
