import { z } from 'zod';
import { Code, Currency, dec, DECIMAL_RE, DecimalString as Dec, PeriodLabel as Period } from '../../platform/kernel/index.js';
import { PENALTY_SOURCES, PROGRAM_TYPES, TIER_BASES, TIER_MODES, validateRuleSet, type ProgramType } from './incentive.rules.js';
import { RefParam } from '../onboarding/contract.js';

export { Period };
export const PosDec = Dec.refine((s) => !s.startsWith('-') && !/^0+(\.0+)?$/.test(s), 'must be > 0');
export const GRANULARITIES = ['month', 'quarter', 'year'] as const;
export const BASE_METRICS = ['sell_in_amount', 'sell_through_amount', 'sell_in_quantity', 'sell_through_quantity', 'collection_amount'] as const;
export const PROGRAM_STATUSES = ['draft', 'active', 'closed'] as const;
export const STATEMENT_STATUSES = ['draft', 'pending_approval', 'approved', 'paid'] as const;
export const LINE_KINDS = ['calculated', 'adjustment', 'manual'] as const;
export const LEDGER_KINDS = ['accrue', 'release', 'spend', 'pay_out', 'expire'] as const;

export const Tier = z
  .strictObject({
    threshold: Dec.describe('Inclusive lower bound: base value, or achievement % when basis = achievement'),
    rate: Dec.optional().describe('% of the base (0-100)'),
    amount: Dec.optional().describe('Fixed amount in the program currency'),
  })
  .meta({ id: 'IncentiveTier' });

export const RuleSetSchema = z
  .strictObject({
    basis: z.enum(TIER_BASES).default('base').describe('Tier thresholds on the base value or on target achievement %'),
    mode: z.enum(TIER_MODES).default('whole').describe('whole = 全额累进 (reached rate on the whole base); marginal = 超额累进 (each slice at its rate)'),
    tiers: z.array(Tier).max(50).default([]),
    accelerators: z
      .array(
        z.strictObject({
          aboveAchievement: Dec.describe('Achievement % (>= 100) from which the accelerator applies, up to the next accelerator'),
          rate: Dec.optional().describe("Rate form: % paid on the slice of the base instead of the tiers' rate (higher or lower)"),
          multiplier: Dec.optional().describe('Multiplier form (> 1, <= 10): what the tiers earned on the slice is multiplied'),
        }),
      )
      .max(10)
      .optional()
      .describe('Each accelerator covers the slice of the base above target x aboveAchievement%: give exactly one of rate or multiplier'),
    partnerCap: Dec.optional().describe('Maximum per partner and period (penalties: maximum deduction)'),
    budgetCap: Dec.optional().describe('Program budget per period; a shortfall is prorated (largest remainder)'),
    pointsPerUnit: Dec.optional().describe('Points programs: points per unit of computed value'),
    penalty: z
      .strictObject({
        sources: z.array(z.enum(PENALTY_SOURCES)).min(1),
        fixedPerViolation: Dec.optional(),
        ratePercent: Dec.optional().describe('% of the violation value (cross-region line amount; price shortfall)'),
      })
      .optional(),
    recognition: z.strictObject({ topN: z.number().int().min(1).max(1000), title: z.string().trim().min(1).max(200) }).optional(),
  })
  .meta({ id: 'IncentiveRuleSet' });
export type RuleSetInput = z.infer<typeof RuleSetSchema>;

export const Eligibility = z
  .strictObject({
    partnerTypes: z.array(z.string().min(1).max(50)).max(20).optional(),
    tiers: z.array(z.string().min(1).max(50)).max(50).optional(),
    regionCodes: z.array(z.string().min(1).max(64)).max(500).optional().describe("Partner's home region code"),
    productLineIds: z.array(z.uuid()).max(100).optional().describe('Partner holds a right for one of these product lines'),
    evaluationGrades: z
      .array(z.string().trim().min(1).max(10))
      .min(1)
      .max(20)
      .optional()
      .describe('Partner\'s latest finalised evaluation grade (as of the run) is one of these, e.g. ["A","B"]; a partner never evaluated is not eligible'),
    evaluationTemplateId: z.uuid().optional().describe('Only evaluations with this scorecard template count (default: any template)'),
  })
  .refine((e) => !e.evaluationTemplateId || e.evaluationGrades, { message: 'give evaluationGrades with evaluationTemplateId', path: ['evaluationGrades'] })
  .meta({ id: 'IncentiveEligibility' });

export const BaseSpec = z
  .strictObject({
    metric: z.enum(BASE_METRICS),
    productLineIds: z.array(z.uuid()).max(100).optional().describe('Count only these product lines'),
  })
  .meta({ id: 'IncentiveBase' });

const Percent = Dec.refine((s) => !DECIMAL_RE.test(s) || (!s.startsWith('-') && dec(s).lte(100)), 'must be between 0 and 100');

/** A rebate program's cap on rebate use per order (orders module: 返利抵扣). */
export const OrderCap = z
  .strictObject({
    maxPercent: Percent.optional().describe('at most this % of the order total (0-100) may be paid from the rebate account'),
    maxAmount: PosDec.optional().describe('at most this amount (program currency) per order'),
  })
  .refine((c) => c.maxPercent !== undefined || c.maxAmount !== undefined, { message: 'give maxPercent and/or maxAmount', path: ['maxPercent'] })
  .meta({ id: 'RebateOrderCap' });

const programFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  type: z.enum(PROGRAM_TYPES),
  granularity: z.enum(GRANULARITIES),
  currency: Currency.default('CNY'),
  base: BaseSpec.default({ metric: 'sell_in_amount' }),
  eligibility: Eligibility.default({}),
  rules: RuleSetSchema,
  orderCap: OrderCap.nullable().optional().describe('rebate programs: the most of one order payable from the rebate account (null: no cap)'),
};

/** Cross-field rule checks, reported under rules.* */
function checkRules(
  v: {
    type?: ProgramType | undefined;
    rules?: RuleSetInput | undefined;
    base?: { metric: string; productLineIds?: string[] | undefined } | undefined;
    orderCap?: object | null | undefined;
  },
  ctx: z.RefinementCtx,
) {
  if (v.orderCap && v.type && v.type !== 'rebate')
    ctx.addIssue({ code: 'custom', path: ['orderCap'], message: 'only rebate programs cap rebate use on orders' });
  if (v.base?.metric === 'collection_amount' && v.base.productLineIds?.length) {
    ctx.addIssue({ code: 'custom', path: ['base', 'productLineIds'], message: 'collections are not per product line' });
  }
  if (!v.type || !v.rules) return;
  for (const e of validateRuleSet(v.type, v.rules))
    ctx.addIssue({ code: 'custom', path: ['rules', ...e.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))], message: e.message });
}

export const ProgramCreate = z
  .strictObject({ code: Code, ...programFields })
  .superRefine(checkRules)
  .meta({ id: 'IncentiveProgramCreate' });
export type ProgramCreate = z.infer<typeof ProgramCreate>;

export const ProgramUpdate = z
  .strictObject({
    name: programFields.name.optional(),
    description: programFields.description,
    granularity: z.enum(GRANULARITIES).optional(),
    currency: Currency.optional(),
    base: BaseSpec.optional(),
    eligibility: Eligibility.optional(),
    rules: RuleSetSchema.optional(),
    orderCap: programFields.orderCap,
    version: z.number().int().min(1).optional().describe('Expected current version (or send If-Match)'),
  })
  .meta({ id: 'IncentiveProgramUpdate' });
export type ProgramUpdate = z.infer<typeof ProgramUpdate>;

export const Program = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    type: z.enum(PROGRAM_TYPES),
    granularity: z.enum(GRANULARITIES),
    currency: z.string(),
    base: BaseSpec,
    eligibility: Eligibility,
    rules: RuleSetSchema,
    orderCap: z.object({ maxPercent: z.string().nullable(), maxAmount: z.string().nullable() }).nullable(),
    status: z.enum(PROGRAM_STATUSES),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'IncentiveProgram' });
export type Program = z.infer<typeof Program>;

export const ProgramListQuery = z.object({
  status: z.enum(PROGRAM_STATUSES).optional(),
  type: z.enum(PROGRAM_TYPES).optional(),
});

export const StatementLine = z
  .object({
    id: z.uuid(),
    statementId: z.uuid(),
    partnerId: z.uuid(),
    period: z.string(),
    programId: z.uuid().nullable(),
    runId: z.uuid().nullable(),
    kind: z.enum(LINE_KINDS),
    amount: z.string().describe('Decimal string in the statement unit; negative for penalties and reductions'),
    reason: z.string().nullable(),
    explanation: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'IncentiveStatementLine' });
export type StatementLine = z.infer<typeof StatementLine>;

export const Statement = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    period: z.string(),
    unit: z.string().describe('Currency code, or PTS for points'),
    status: z.enum(STATEMENT_STATUSES),
    total: z.string().describe('Exactly the sum of the lines'),
    paymentReference: z.string().nullable(),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    paidBy: z.string().nullable(),
    paidAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'IncentiveStatement' });
export type Statement = z.infer<typeof Statement>;

export const StatementWithLines = Statement.extend({ lines: z.array(StatementLine) }).meta({ id: 'IncentiveStatementWithLines' });

export const StatementListQuery = z.object({
  partnerId: RefParam.optional(),
  period: Period.optional(),
  status: z.enum(STATEMENT_STATUSES).optional(),
});

export const ManualLineCreate = z
  .strictObject({
    partnerId: z.uuid(),
    period: Period,
    amount: Dec.refine((s) => !/^-?0+(\.0+)?$/.test(s), 'must not be zero'),
    reason: z.string().trim().min(1).max(1000),
    programId: z.uuid().optional().describe('Book the line under a program (its currency; rebate programs accrue to the rebate account)'),
    unit: z
      .string()
      .regex(/^([A-Z]{3})$/)
      .optional()
      .describe('Currency when no program is named (default CNY)'),
  })
  .meta({ id: 'IncentiveManualLineCreate' });

export const ApproveInput = z.strictObject({ version: z.number().int().min(1).optional() }).meta({ id: 'IncentiveApprove' });
export const PayInput = z
  .strictObject({ paymentReference: z.string().trim().min(1).max(200), version: z.number().int().min(1).optional() })
  .meta({ id: 'IncentivePay' });

export const RebateBalance = z
  .object({
    partnerId: z.uuid(),
    currency: z.string(),
    asOf: z.string().nullable().describe('null: the current balance'),
    accrued: z.string(),
    available: z.string(),
    spent: z.string(),
    paidOut: z.string(),
    expired: z.string(),
    reserved: z.string().describe('held for submitted orders (already out of available): released on cancel, spent on invoice'),
  })
  .meta({ id: 'RebateBalance' });
export type RebateBalance = z.infer<typeof RebateBalance>;

export const LedgerEntry = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    entryDate: z.string(),
    kind: z.enum(LEDGER_KINDS),
    amount: z.string(),
    orderRef: z.string().nullable(),
    statementId: z.uuid().nullable(),
    reason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'RebateLedgerEntry' });
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const SpendInput = z
  .strictObject({
    amount: PosDec,
    orderRef: z.string().trim().min(1).max(200).describe('Unique per tenant: a repeated orderRef with the same amount returns the first spend'),
    orderAmount: PosDec.optional().describe('With maxPercent: the spend may not exceed this share of the order'),
    maxPercent: Dec.refine((s) => !DECIMAL_RE.test(s) || (!s.startsWith('-') && dec(s).lte(100)), 'must be between 0 and 100')
      .optional()
      .describe('e.g. "10": use up to 10% of the order from rebate (0-100)'),
  })
  .meta({ id: 'RebateSpend' });

export const SpendResult = z.object({ entry: LedgerEntry, balance: RebateBalance, replayed: z.boolean() }).meta({ id: 'RebateSpendResult' });

export const LedgerEntryCreate = z
  .strictObject({
    kind: z.enum(['release', 'pay_out', 'expire']).describe('release: accrued -> available; pay_out / expire: out of available'),
    amount: PosDec,
    reason: z.string().trim().min(1).max(1000),
  })
  .meta({ id: 'RebateLedgerEntryCreate' });

export const AwardCreate = z
  .strictObject({
    partnerId: z.uuid(),
    period: Period,
    title: z.string().trim().min(1).max(200),
    citation: z.string().trim().max(2000).optional(),
    programId: z.uuid().optional(),
  })
  .meta({ id: 'RecognitionAwardCreate' });

export const Award = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    programId: z.uuid().nullable(),
    period: z.string(),
    title: z.string(),
    citation: z.string().nullable(),
    rank: z.number().int().nullable(),
    basis: z.record(z.string(), z.unknown()).nullable(),
    grantedBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'RecognitionAward' });
export type Award = z.infer<typeof Award>;

export const AwardListQuery = z.object({ partnerId: RefParam.optional(), period: Period.optional(), programId: z.uuid().optional() });

export const Run = z
  .object({
    id: z.uuid().nullable().describe('null for a dry run'),
    programId: z.uuid(),
    programVersion: z.number().int(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    inputHash: z.string().describe('sha256 of the rules, eligibility, base and every partner input: same data, same hash'),
    unit: z.string(),
    partnerCount: z.number().int(),
    total: z.string(),
    requested: z.string().describe('total before the budget cap'),
    prorated: z.boolean(),
    dryRun: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string().nullable(),
    statementLines: z.object({ calculated: z.number().int(), adjustments: z.number().int(), removedDraftLines: z.number().int() }).optional(),
    awards: z.number().int().optional(),
  })
  .meta({ id: 'IncentiveRun' });

export const RunLine = z.object({ partnerId: z.uuid(), amount: z.string(), explanation: z.record(z.string(), z.unknown()) }).meta({ id: 'IncentiveRunLine' });

export const RunResult = z.object({ run: Run, lines: z.array(RunLine).optional() }).meta({ id: 'IncentiveRunResult' });

export const RunDiff = z
  .object({
    run: z.uuid(),
    against: z.uuid(),
    sameInputs: z.boolean(),
    totalBefore: z.string(),
    totalAfter: z.string(),
    totalDelta: z.string(),
    changed: z.array(
      z.object({
        partnerId: z.uuid(),
        before: z.string().nullable(),
        after: z.string().nullable(),
        delta: z.string(),
        tierBefore: z.number().int().nullable(),
        tierAfter: z.number().int().nullable(),
        change: z.enum(['added', 'removed', 'changed']),
      }),
    ),
  })
  .meta({ id: 'IncentiveRunDiff' });

export const Projection = z
  .object({
    programId: z.uuid(),
    partnerId: z.uuid(),
    period: z.string(),
    eligible: z.boolean(),
    base: z.string().nullable(),
    target: z.string().nullable(),
    current: z.object({ amount: z.string(), tierReached: z.number().int().nullable(), explanation: z.record(z.string(), z.unknown()) }).nullable(),
    nextTier: z
      .object({
        index: z.number().int(),
        threshold: z.string(),
        gap: z.string().describe('base still missing'),
        amountAtNext: z.string(),
        increase: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'IncentiveProjection' });

export const SimulationResult = z
  .object({
    programId: z.uuid(),
    period: z.string(),
    againstRun: z.uuid().nullable(),
    storedTotal: z.string(),
    simulatedTotal: z.string(),
    delta: z.string(),
    prorated: z.boolean(),
    partners: z.array(z.object({ partnerId: z.uuid(), stored: z.string(), simulated: z.string(), delta: z.string() })),
  })
  .meta({ id: 'IncentiveSimulation' });
