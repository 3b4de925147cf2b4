/** Schemas of the rep scorecard (issue 17): a definition per tenant and per-rep scorecards computed on read. */
import { z } from 'zod';
import { Code, text } from '../../platform/kernel/index.js';
import { RefParam } from '../onboarding/contract.js';
import { DecimalIn, GradeBandIn, Period, ScoringRule } from './evaluation.schemas.js';

export const REP_KPI_KINDS = ['achievement', 'sell_through_amount', 'partners', 'growth_yoy'] as const;
export type RepKpiKind = (typeof REP_KPI_KINDS)[number];

export const RepKpiDefIn = z
  .strictObject({
    code: Code,
    name: text(200),
    kind: z
      .enum(REP_KPI_KINDS)
      .describe(
        "achievement: % of the rep's sales_amount target (2 decimals); sell_through_amount: attributed sell-through; partners: distinct partners sold through; growth_yoy: % change against the same period a year earlier",
      ),
    weight: DecimalIn,
    direction: z.enum(['higher', 'lower']).default('higher'),
    scoring: ScoringRule,
    defaultValue: DecimalIn.optional().describe('value used when the rep has none (no target, nothing sold a year earlier); flagged defaulted'),
  })
  .meta({ id: 'RepKpiDefinition' });
export type RepKpiDef = z.infer<typeof RepKpiDefIn>;

export const RepScorecardDefinitionPut = z
  .strictObject({
    kpis: z.array(RepKpiDefIn).min(1).max(20),
    gradeBands: z.array(GradeBandIn).min(1).max(20),
    note: text(500).nullable().optional(),
    version: z.number().int().min(0).optional().describe('expected current version (0: none stored yet), or send If-Match'),
  })
  .meta({ id: 'RepScorecardDefinitionPut' });

const RepKpiDefOut = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(REP_KPI_KINDS),
  weight: z.string(),
  direction: z.enum(['higher', 'lower']),
  scoring: z.union([
    z.object({ type: z.literal('linear'), floor: z.string(), target: z.string(), cap: z.string().optional() }),
    z.object({ type: z.literal('banded'), bands: z.array(z.object({ threshold: z.string(), score: z.string() })), otherwise: z.string().optional() }),
  ]),
  defaultValue: z.string().optional(),
});

export const RepScorecardDefinition = z
  .object({
    kpis: z.array(RepKpiDefOut),
    gradeBands: z.array(z.object({ grade: z.string(), min: z.string() })),
    note: z.string().nullable(),
    version: z.number().int().describe('0: the built-in default (nothing stored)'),
    isDefault: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'RepScorecardDefinition' });
export type RepScorecardDefinition = z.infer<typeof RepScorecardDefinition>;

export const RepScorecardKpi = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(REP_KPI_KINDS),
    value: z.string().nullable().describe('4 decimals'),
    weight: z.string().describe('as defined'),
    score: z.string().nullable().describe('0-100 (or up to the cap), 4 decimals'),
    weighted: z.string().nullable().describe('the points it adds to the total: score x weight / 100, 4 decimals'),
    defaulted: z.boolean(),
  })
  .meta({ id: 'RepScorecardKpi' });

export const RepScorecard = z
  .object({
    repId: z.uuid(),
    repCode: z.string(),
    repName: z.string(),
    orgUnitId: z.uuid().nullable(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    definitionVersion: z.number().int(),
    sellThroughAmount: z.string().describe('attributed sell-through in the period, 4 decimals'),
    previousYearAmount: z.string().describe('the same period a year earlier, 4 decimals'),
    target: z.string().nullable().describe("the rep's sales_amount target of the period"),
    achievementPct: z.string().nullable().describe('2 decimals'),
    partners: z.number().int(),
    complete: z.boolean(),
    missing: z.array(z.string()).describe('KPI codes without a value (incomplete scorecards are neither graded nor ranked)'),
    total: z.string().nullable().describe('sum of the weighted scores, 2 decimals'),
    grade: z.string().nullable(),
    rank: z.number().int().nullable().describe('competition ranking among the complete scorecards the caller sees'),
    kpis: z.array(RepScorecardKpi),
  })
  .meta({ id: 'RepScorecard' });
export type RepScorecard = z.infer<typeof RepScorecard>;

export const RepScorecardQuery = z.object({ period: Period });
export const RepScorecardParams = z.object({ rep: RefParam.describe("the rep's staff id or code") });
