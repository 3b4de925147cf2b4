import { z } from 'zod';
import { Code, DecimalInput, PeriodLabel, text } from '../../platform/kernel/index.js';
import { ACTION_TYPES, KPI_KINDS } from './evaluation.rules.js';
import { RefParam } from '../onboarding/contract.js';

/** Kernel schemas under this module's names: a decimal as a string or JSON number, a KPI or template code, a period label. */
export const DecimalIn = DecimalInput;
export const Period = PeriodLabel;
export { Code };

const Band = z.strictObject({ threshold: DecimalIn, score: DecimalIn });

export const ScoringRule = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('linear'),
      floor: DecimalIn.describe('value scoring 0 (the worst acceptable value)'),
      target: DecimalIn.describe('value scoring 100'),
      cap: DecimalIn.optional().describe('highest score (default 100; above 100 rewards beating the target)'),
    }),
    z.strictObject({
      type: z.literal('banded'),
      bands: z.array(Band).min(1).max(50).describe('thresholds with the score they give'),
      otherwise: DecimalIn.optional().describe('score when no band is reached (default 0)'),
    }),
  ])
  .meta({ id: 'ScoringRule' });

export const KpiDefIn = z
  .strictObject({
    code: Code,
    name: text(200),
    weight: DecimalIn,
    direction: z.enum(['higher', 'lower']).describe('whether a higher or a lower value is better'),
    source: z.enum(['computed', 'manual']),
    kind: z.enum(KPI_KINDS).optional().describe('for computed KPIs: which built-in computation'),
    scoring: ScoringRule,
    defaultValue: DecimalIn.optional().describe('value used when the KPI has no value for a partner, only in runs with allowDefaults'),
  })
  .meta({ id: 'KpiDefinition' });

export const GradeBandIn = z.strictObject({ grade: text(20), min: DecimalIn }).meta({ id: 'GradeBand' });

const definition = {
  kpis: z.array(KpiDefIn).min(1).max(50),
  gradeBands: z.array(GradeBandIn).min(1).max(20).describe('e.g. A >= 90, B >= 75, C >= 60, D >= 0'),
  note: text(500).optional(),
};

export const TemplateCreate = z.strictObject({ code: Code, name: text(200), ...definition }).meta({ id: 'ScorecardTemplateCreate' });
export type TemplateCreate = z.infer<typeof TemplateCreate>;

export const TemplateUpdate = z
  .strictObject({
    name: text(200).optional(),
    ...definition,
    version: z.number().int().min(1).optional().describe('expected template version (or send If-Match)'),
  })
  .meta({ id: 'ScorecardTemplateUpdate' });
export type TemplateUpdate = z.infer<typeof TemplateUpdate>;

const KpiDefOut = z.object({
  code: z.string(),
  name: z.string(),
  weight: z.string(),
  direction: z.enum(['higher', 'lower']),
  source: z.enum(['computed', 'manual']),
  kind: z.enum(KPI_KINDS).optional(),
  scoring: z.union([
    z.object({ type: z.literal('linear'), floor: z.string(), target: z.string(), cap: z.string().optional() }),
    z.object({ type: z.literal('banded'), bands: z.array(z.object({ threshold: z.string(), score: z.string() })), otherwise: z.string().optional() }),
  ]),
  defaultValue: z.string().optional(),
});

export const TemplateVersion = z
  .object({
    versionNo: z.number().int(),
    kpis: z.array(KpiDefOut),
    gradeBands: z.array(z.object({ grade: z.string(), min: z.string() })),
    note: z.string().nullable(),
    used: z.boolean().describe('a run used this version: it can no longer change'),
    createdAt: z.string(),
  })
  .meta({ id: 'ScorecardTemplateVersion' });
export type TemplateVersion = z.infer<typeof TemplateVersion>;

export const Template = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    latestVersion: z.number().int(),
    version: z.number().int(),
    current: TemplateVersion,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ScorecardTemplate' });
export type Template = z.infer<typeof Template>;

// ------------------------------------------------------------------ manual values

export const ManualValueIn = z
  .strictObject({
    partnerId: z.uuid().optional(),
    partnerCode: Code.optional(),
    period: Period,
    kpi: Code.describe('the KPI code of the template(s) that use this value'),
    value: DecimalIn,
    note: text(500).optional(),
  })
  .refine((v) => !!v.partnerId !== !!v.partnerCode, { message: 'give exactly one of partnerId or partnerCode', path: ['partnerId'] })
  .meta({ id: 'ManualKpiValueWrite' });
export type ManualValueIn = z.infer<typeof ManualValueIn>;

export const ManualValuesPut = z.strictObject({ values: z.array(ManualValueIn).min(1).max(5000) }).meta({ id: 'ManualKpiValuesWrite' });

export const ManualValueImportRow = z.object({
  partnerCode: Code,
  period: Period,
  kpi: Code,
  value: z.coerce.string().pipe(
    z
      .string()
      .trim()
      .regex(/^-?\d{1,14}(\.\d{1,4})?$/, 'must be a decimal number with at most 4 decimals'),
  ),
  note: z.string().trim().min(1).max(500).optional(),
});

export const ManualValue = z
  .object({
    partnerId: z.uuid(),
    partnerCode: z.string(),
    period: z.string(),
    kpi: z.string(),
    value: z.string(),
    note: z.string().nullable(),
    enteredBy: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ManualKpiValue' });
export type ManualValue = z.infer<typeof ManualValue>;

export const ManualValueQuery = z.object({
  period: Period.optional(),
  kpi: Code.optional(),
  partnerId: RefParam.optional(),
});

// ------------------------------------------------------------------ runs

export const RunCreate = z
  .strictObject({
    template: z.string().trim().min(1).max(64).describe('template id or code'),
    templateVersion: z.number().int().min(1).optional().describe('default: the latest version'),
    period: Period,
    partners: z.array(z.string().trim().min(1).max(64)).min(1).max(10000).optional().describe('partner ids or codes; default every active partner'),
    allowDefaults: z.boolean().default(false).describe('use the KPI defaultValue for missing manual values instead of reporting the partner incomplete'),
  })
  .meta({ id: 'EvaluationRunCreate' });
export type RunCreate = z.infer<typeof RunCreate>;

export const Run = z
  .object({
    id: z.uuid(),
    templateId: z.uuid(),
    templateCode: z.string(),
    templateVersion: z.number().int(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    status: z.enum(['draft', 'finalised']),
    allowDefaults: z.boolean(),
    partnerCount: z.number().int(),
    completeCount: z.number().int(),
    incompleteCount: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    finalisedAt: z.string().nullable(),
    finalisedBy: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'EvaluationRun' });
export type Run = z.infer<typeof Run>;

export const ResultKpi = z
  .object({
    code: z.string(),
    value: z.string().nullable(),
    score: z.string().nullable(),
    weight: z.string(),
    weighted: z.string().nullable(),
    defaulted: z.boolean(),
  })
  .meta({ id: 'EvaluationResultKpi' });

export const Result = z
  .object({
    runId: z.uuid(),
    period: z.string(),
    templateId: z.uuid(),
    templateVersion: z.number().int(),
    runStatus: z.enum(['draft', 'finalised']),
    partnerId: z.uuid(),
    partnerCode: z.string(),
    complete: z.boolean(),
    missing: z.array(z.string()).describe('KPI codes without a value (incomplete results are neither graded nor ranked)'),
    total: z.string().nullable(),
    grade: z.string().nullable(),
    rank: z.number().int().nullable(),
    kpis: z.array(ResultKpi),
  })
  .meta({ id: 'EvaluationResult' });
export type Result = z.infer<typeof Result>;

export const ResultQuery = z.object({
  complete: z.enum(['true', 'false']).optional(),
  grade: z.string().max(20).optional(),
});

export const RunListQuery = z.object({
  template: z.string().max(64).optional(),
  period: Period.optional(),
  status: z.enum(['draft', 'finalised']).optional(),
});

export const GradeDistribution = z
  .object({
    runId: z.uuid(),
    period: z.string(),
    grades: z.array(z.object({ grade: z.string(), count: z.number().int(), share: z.string() })),
    incomplete: z.number().int(),
  })
  .meta({ id: 'GradeDistribution' });

// ------------------------------------------------------------------ simulation

export const SimulationIn = z
  .strictObject({
    run: z.uuid().describe('a finalised run whose stored KPI values are re-scored'),
    kpis: z.array(KpiDefIn).min(1).max(50).optional().describe("changed KPI definitions (weights, rules); default: the run version's"),
    gradeBands: z.array(GradeBandIn).min(1).max(20).optional(),
  })
  .meta({ id: 'EvaluationSimulationRequest' });

const Standing = z.object({ total: z.string().nullable(), grade: z.string().nullable(), rank: z.number().int().nullable() });
export const Simulation = z
  .object({
    runId: z.uuid(),
    period: z.string(),
    partners: z.number().int(),
    gradeChanges: z.number().int(),
    rankChanges: z.number().int(),
    results: z.array(
      z.object({
        partnerId: z.uuid(),
        partnerCode: z.string(),
        before: Standing,
        after: Standing,
        gradeChanged: z.boolean(),
        rankChanged: z.boolean(),
        missing: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'EvaluationSimulation' });
export type Simulation = z.infer<typeof Simulation>;

// ------------------------------------------------------------------ actions

export const ActionCondition = z
  .strictObject({
    grades: z.array(text(20)).min(1).optional().describe('the grade is one of these'),
    consecutive: z.number().int().min(1).max(12).optional().describe('... in this many consecutive finalised runs (default 1)'),
    kpi: z.strictObject({ code: Code, op: z.enum(['lt', 'lte', 'gt', 'gte', 'eq']), value: DecimalIn }).optional(),
  })
  .refine((c) => !!(c.grades || c.kpi), { message: 'give grades, a kpi condition, or both' })
  .meta({ id: 'ActionCondition' });

export const ActionRuleCreate = z
  .strictObject({
    code: Code,
    name: text(200),
    template: z.string().max(64).optional().describe('template id or code; default every template'),
    action: z.enum(ACTION_TYPES),
    condition: ActionCondition,
    tierLadder: z.array(text(50)).min(2).max(20).optional().describe('tier_up / tier_down: tiers lowest first'),
    targetTier: text(50).optional().describe('tier_up / tier_down: a fixed tier instead of one step on the ladder'),
    lifecycleAction: z
      .enum(['suspend', 'terminate'])
      .optional()
      .describe('termination_review: the partner lifecycle action accepting the recommendation performs'),
  })
  .meta({ id: 'ActionRuleCreate' });

export const ActionRule = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    templateId: z.uuid().nullable(),
    action: z.enum(ACTION_TYPES),
    condition: z.object({
      grades: z.array(z.string()).optional(),
      consecutive: z.number().int().optional(),
      kpi: z.object({ code: z.string(), op: z.string(), value: z.string() }).optional(),
    }),
    tierLadder: z.array(z.string()).nullable(),
    targetTier: z.string().nullable(),
    lifecycleAction: z.enum(['suspend', 'terminate']).nullable(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'ActionRule' });
export type ActionRule = z.infer<typeof ActionRule>;

export const Action = z
  .object({
    id: z.uuid(),
    runId: z.uuid(),
    period: z.string(),
    partnerId: z.uuid(),
    partnerCode: z.string(),
    ruleId: z.uuid(),
    ruleCode: z.string(),
    action: z.enum(ACTION_TYPES),
    status: z.enum(['recommended', 'pending_approval', 'accepted', 'dismissed']),
    grade: z.string().nullable(),
    gradeHistory: z.array(z.object({ period: z.string(), grade: z.string().nullable() })).describe('this and earlier finalised periods, newest first'),
    fromTier: z.string().nullable(),
    toTier: z.string().nullable(),
    lifecycleAction: z.enum(['suspend', 'terminate']).nullable().describe('performed on the partner when accepted'),
    reason: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'EvaluationAction' });
export type Action = z.infer<typeof Action>;

export const ActionListQuery = z.object({
  run: z.uuid().optional(),
  partnerId: RefParam.optional(),
  status: z.enum(['recommended', 'pending_approval', 'accepted', 'dismissed']).optional(),
});

export const ActionDecision = z.strictObject({ note: text(500).optional() }).meta({ id: 'ActionDecision' });

export const HistoryEntry = z
  .object({
    runId: z.uuid(),
    period: z.string(),
    periodStart: z.string(),
    templateId: z.uuid(),
    templateCode: z.string(),
    templateVersion: z.number().int(),
    total: z.string().nullable(),
    grade: z.string().nullable(),
    rank: z.number().int().nullable(),
    complete: z.boolean(),
    finalisedAt: z.string().nullable(),
  })
  .meta({ id: 'EvaluationHistoryEntry' });
export type HistoryEntry = z.infer<typeof HistoryEntry>;

// ------------------------------------------------------------------ early warnings

export const WARNING_KIND_VALUES = ['achievement_behind_run_rate', 'collections_overdue', 'inventory_days_above', 'new_violation'] as const;

export const WarningRuleCreate = z
  .strictObject({
    code: Code,
    name: text(200),
    kind: z
      .enum(WARNING_KIND_VALUES)
      .describe(
        'achievement_behind_run_rate: sales to date below threshold % of the pro-rata target (once minElapsedPct of the period has passed); ' +
          'collections_overdue: sell-in invoiced more than threshold days ago not covered by collections; ' +
          'inventory_days_above: inventory days (period to date) above threshold; new_violation: more than threshold price or cross-region violations in the period',
      ),
    threshold: DecimalIn,
    minElapsedPct: DecimalIn.optional().describe('achievement_behind_run_rate only (default 50)'),
  })
  .meta({ id: 'WarningRuleCreate' });

export const WarningRule = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(WARNING_KIND_VALUES),
    threshold: z.string(),
    minElapsedPct: z.string(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'WarningRule' });
export type WarningRule = z.infer<typeof WarningRule>;

export const WarningCheckIn = z
  .strictObject({
    period: Period.optional().describe('default: the calendar quarter of asOf'),
    asOf: z.iso.date().optional().describe('default: today (UTC)'),
  })
  .meta({ id: 'WarningCheckRequest' });

export const Warning = z
  .object({
    id: z.uuid(),
    ruleId: z.uuid(),
    ruleCode: z.string(),
    kind: z.enum(WARNING_KIND_VALUES),
    partnerId: z.uuid(),
    partnerCode: z.string(),
    period: z.string(),
    status: z.enum(['open', 'closed']),
    value: z.string().nullable().describe('the measured value at the last check (%, days, amount or count)'),
    threshold: z.string(),
    openedAt: z.string(),
    openedAsOf: z.string(),
    lastCheckedAt: z.string(),
    closedAt: z.string().nullable(),
    closedAsOf: z.string().nullable(),
  })
  .meta({ id: 'EarlyWarning' });
export type Warning = z.infer<typeof Warning>;

export const WarningCheckResult = z
  .object({ period: z.string(), asOf: z.string(), opened: z.array(Warning), closed: z.array(Warning), stillOpen: z.number().int() })
  .meta({ id: 'WarningCheckResult' });
export type WarningCheckResult = z.infer<typeof WarningCheckResult>;

export const WarningListQuery = z.object({
  status: z.enum(['open', 'closed']).optional(),
  partnerId: RefParam.optional(),
  period: Period.optional(),
});

// ------------------------------------------------------------------ reports

export const KpiAverageQuery = z.object({
  by: z.enum(['territory', 'partner_type']).describe("territory: the partner's home region (regionCode); partner_type: distributor, dealer..."),
  format: z.enum(['json', 'csv']).default('json'),
});

export const KpiAverage = z
  .object({ group: z.string().nullable(), kpi: z.string(), partners: z.number().int(), avgValue: z.string().nullable(), avgScore: z.string().nullable() })
  .meta({ id: 'KpiAverage' });

export const ExportQuery = z.object({ format: z.enum(['json', 'csv']).default('csv') });

// ----- reports

export const ProgramEffectivenessQuery = z.object({
  period: Period,
  segment: z.enum(['partner_type', 'tier', 'territory']).default('partner_type').describe("territory: the partner's home region code"),
  include: z.enum(['paid', 'approved']).default('paid').describe('paid: statements paid; approved: approved or paid'),
  format: z.enum(['json', 'csv']).default('json'),
});

const Side = z.object({ partners: z.number().int(), paid: z.string(), coveredSales: z.string(), costToSalesPct: z.string().nullable() });
export const ProgramEffectiveness = z
  .object({
    programId: z.uuid(),
    programCode: z.string(),
    programName: z.string(),
    currency: z.string(),
    segment: z.string().nullable(),
    current: Side,
    priorYear: Side.describe('the same period a year earlier'),
    change: z.object({
      paid: z.string(),
      coveredSales: z.string(),
      costToSalesPoints: z.string().nullable().describe('current minus prior cost-to-sales, in percentage points'),
    }),
  })
  .meta({ id: 'ProgramEffectiveness' });
export type ProgramEffectiveness = z.infer<typeof ProgramEffectiveness>;
