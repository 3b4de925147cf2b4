import { z } from 'zod';
import { PeriodLabel } from '../../platform/kernel/index.js';
import { RefParam } from '../onboarding/contract.js';

/** Percentages (year-over-year change) are rounded half away from zero to this many decimals. */
export const PCT_SCALE = 2;
/** Shares in a territory are given at this many decimals and sum to exactly 100 (largest remainder). */
export const SHARE_SCALE = 4;

export const STREAMS = ['sell_in', 'sell_through', 'collection'] as const;
export const TREND_GROUPS = ['total', 'partner', 'partner_type', 'territory', 'product_line', 'sale_territory'] as const;

const Month = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
  .describe('YYYY-MM');
const Format = z.enum(['json', 'csv']).optional().describe('csv: the same rows as CSV (also chosen by Accept: text/csv)');
const Stream = z.enum(STREAMS);

export const TrendQuery = z
  .object({
    stream: Stream.default('sell_through'),
    from: Month,
    to: Month,
    by: z
      .enum(TREND_GROUPS)
      .default('total')
      .describe(
        "territory: the partner's home territory (regionCode); partner_type: distributor, dealer...; product_line: the product line sold (sell-in, sell-through); sale_territory: the territory of the sale (sell-through)",
      ),
    partnerType: z.string().trim().min(1).max(32).optional().describe('only partners of this type'),
    format: Format,
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => monthsBetween(q.from, q.to) < 120, { path: ['to'], message: 'the range may span at most 120 months' });

const Group = z.object({
  key: z.string().nullable().describe('partner id, partner type, home territory code, product line id or sale territory id; null: the total, or none'),
  code: z.string().nullable(),
  name: z.string().nullable(),
});

export const TrendRow = z
  .object({
    group: Group,
    month: z.string().describe('YYYY-MM'),
    amount: z.string(),
    quantity: z.string(),
    lines: z.number().int(),
    priorYearAmount: z.string().describe('the same month a year earlier (0 when none)'),
    changeAmount: z.string().describe('amount - priorYearAmount'),
    changePct: z.string().nullable().describe(`change x 100 / priorYearAmount, ${PCT_SCALE} decimals (half away from zero); null when the prior year is 0`),
  })
  .meta({ id: 'TrendRow' });
export type TrendRow = z.infer<typeof TrendRow>;

export const Trends = z
  .object({ stream: Stream, from: z.string(), to: z.string(), by: z.enum(TREND_GROUPS), data: z.array(TrendRow) })
  .meta({ id: 'SalesTrends' });
export type Trends = z.infer<typeof Trends>;

export const ShareQuery = z
  .object({
    stream: Stream.default('sell_through'),
    from: Month,
    to: Month,
    granularity: z.enum(['period', 'month']).default('period').describe('period: one share over from..to; month: one per month'),
    territory: RefParam.optional().describe('only this territory (id or code)'),
    format: Format,
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => monthsBetween(q.from, q.to) < 120, { path: ['to'], message: 'the range may span at most 120 months' });

export const ShareRow = z
  .object({
    territoryId: z.uuid(),
    territoryCode: z.string(),
    month: z.string().nullable().describe('YYYY-MM with granularity=month, else null'),
    partnerId: z.uuid(),
    partnerCode: z.string(),
    amount: z.string(),
    territoryAmount: z.string().describe("all partners whose home territory this is (not only the caller's)"),
    sharePct: z
      .string()
      .nullable()
      .describe(`amount x 100 / territoryAmount at ${SHARE_SCALE} decimals, largest remainder; null when the total is not positive`),
    rank: z.number().int(),
  })
  .meta({ id: 'TerritoryShare' });
export type ShareRow = z.infer<typeof ShareRow>;

export const ForecastQuery = z.object({
  stream: Stream.default('sell_through'),
  asOf: Month.describe('the last month with actuals the forecast starts after'),
  horizon: z.coerce.number().int().min(1).max(24).default(6).describe('months to forecast'),
  seasonYears: z.coerce.number().int().min(1).max(5).default(2).describe('12-month blocks ending at asOf the seasonal index is taken from'),
  window: z.coerce.number().int().min(1).max(12).default(3).describe('recent months of the run-rate / level'),
  partner: RefParam.optional().describe('only this partner (id or code)'),
  partnerType: z.string().trim().min(1).max(32).optional(),
  format: Format,
});

export const Forecast = z
  .object({
    stream: Stream,
    asOf: z.string(),
    method: z.object({
      name: z.literal('seasonal_index_x_level'),
      seasonYears: z.number().int(),
      window: z.number().int(),
      description: z.string(),
    }),
    history: z.array(z.object({ month: z.string(), amount: z.string() })),
    seasonalIndex: z.array(z.object({ calendarMonth: z.number().int(), index: z.string() })).describe('12 values, 6 decimals shown (computed unrounded)'),
    level: z.string().describe('deseasonalised monthly level (4 decimals shown)'),
    runRate: z.string().describe('plain average of the window (4 decimals)'),
    forecast: z.array(z.object({ month: z.string(), seasonal: z.string(), runRate: z.string() })),
  })
  .meta({ id: 'SalesForecast' });
export type Forecast = z.infer<typeof Forecast>;

export const RollupQuery = z.object({
  tree: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .default('territory')
    .describe('the grouping tree: territory (home territories), org_unit or account_manager (ownership on the last day of the period)'),
  period: PeriodLabel,
  metric: z.enum(['sales_amount', 'quantity', 'collection_amount']).default('sales_amount'),
  format: Format,
});

export const RollupRow = z
  .object({
    nodeId: z.string(),
    code: z.string().nullable(),
    name: z.string().nullable(),
    parentId: z.string().nullable(),
    depth: z.number().int(),
    partners: z.number().int().describe('distinct partners in the subtree'),
    ownActual: z.string().describe('partners attached to this node itself'),
    actual: z.string().describe('the whole subtree, each partner counted once'),
    target: z.string().nullable().describe('partner-level targets of the period and metric, summed over the subtree; null when none'),
    achievementPct: z.string().nullable(),
  })
  .meta({ id: 'RollupNode' });
export type RollupRow = z.infer<typeof RollupRow>;

export const Rollup = z
  .object({
    tree: z.string(),
    period: z.string(),
    metric: z.string(),
    from: z.string(),
    to: z.string(),
    unassigned: RollupRow.nullable(),
    data: z.array(RollupRow),
  })
  .meta({ id: 'Rollup' });
export type Rollup = z.infer<typeof Rollup>;

export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}
