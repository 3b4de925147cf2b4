import { z } from 'zod';
import { Code, dec, text } from '../../platform/kernel/index.js';
import { PARTNER_TYPES, RefParam } from '../onboarding/contract.js';

/** The kinds of price scope, most specific first: their precedence (partnerScopes, priceFloorsSql). */
export const SCOPE_KINDS = ['partner', 'tier', 'partner_type', 'channel', 'default'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];
export const VERSION_STATUSES = ['draft', 'published', 'retired'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** Money / price: a non-negative decimal string with at most 4 decimals (numeric(18,4)). */
export const Money = z
  .string()
  .trim()
  .regex(/^\d{1,14}(\.\d{1,4})?$/, 'must be a non-negative decimal string with at most 4 decimals, e.g. "12.50"')
  .describe('decimal string, at most 4 decimals');

const MONEY_RE = /^\d{1,14}(\.\d{1,4})?$/;
const isDec = (s: unknown): s is string => typeof s === 'string' && MONEY_RE.test(s);
/** canonical form of a decimal string for equality ("5.10" = "5.1"); invalid input stays as is */
const decKey = (s: string) => (isDec(s) ? dec(s).toFixed() : s);

/** A positive quantity (decimal string or integer), at most 4 decimals. */
export const Quantity = z
  .union([z.string().trim(), z.number().int()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d{1,14}(\.\d{1,4})?$/, 'must be a positive decimal with at most 4 decimals'))
  .refine((v) => !/^0+(\.0+)?$/.test(v), 'must be greater than zero');

export const Percent = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, 'must be a percentage as a decimal string with at most 4 decimals, e.g. "3" or "2.5"')
  .refine((v) => Number(v) <= 100, 'must be at most 100');

export const DateStr = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });

const CURRENCIES = new Set((Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('currency'));
export const Currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), 'must be an ISO 4217 currency code, e.g. "CNY"')
  .describe('ISO 4217 code');

export const Scope = z
  .strictObject({
    kind: z.enum(SCOPE_KINDS),
    value: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe('online|offline for channel, a partner type, a tier label, or a partner id; absent for default'),
  })
  .superRefine((s, ctx) => {
    const v = s.value ?? null;
    const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (s.kind === 'default' && v !== null) fail('must be absent for the default scope');
    if (s.kind !== 'default' && v === null) fail(`is required for scope '${s.kind}'`);
    if (s.kind === 'channel' && v !== null && v !== 'online' && v !== 'offline') fail("must be 'online' or 'offline'");
    if (s.kind === 'partner_type' && v !== null && !(PARTNER_TYPES as readonly string[]).includes(v)) fail(`must be one of ${PARTNER_TYPES.join(', ')}`);
    if (s.kind === 'partner' && v !== null && !z.uuid().safeParse(v).success) fail('must be a partner id (UUID)');
  })
  .transform((s) => ({ kind: s.kind, value: s.kind === 'default' ? null : (s.value ?? null) }))
  .meta({ id: 'PolicyScope' });
export type Scope = z.output<typeof Scope>;

export const ScopeOut = z.object({ kind: z.enum(SCOPE_KINDS), value: z.string().nullable() }).meta({ id: 'PolicyScopeOut' });

// ---- discount rules -------------------------------------------------------------------------------------------

const VolumeRule = z.strictObject({
  kind: z.literal('volume'),
  basis: z.enum(['quantity', 'amount']).describe('quantity of the line, or its gross amount (distribution price x quantity)'),
  tiers: z
    .array(z.strictObject({ min: Money.describe('threshold, reached when the basis is >= min'), ratePercent: Percent }))
    .min(1)
    .max(50),
});
const PaymentTermRule = z.strictObject({
  kind: z.literal('payment_term'),
  tiers: z
    .array(z.strictObject({ withinDays: z.number().int().min(0).max(3650), ratePercent: Percent }))
    .min(1)
    .max(50),
});
export const DiscountRule = z.discriminatedUnion('kind', [VolumeRule, PaymentTermRule]).meta({ id: 'DiscountRule' });
export type DiscountRule = z.infer<typeof DiscountRule>;

export const DiscountRules = z
  .array(DiscountRule)
  .max(2)
  .superRefine((rules, ctx) => {
    const kinds = rules.map((r) => r.kind);
    if (new Set(kinds).size !== kinds.length) ctx.addIssue({ code: 'custom', message: 'at most one volume rule and one payment_term rule' });
    rules.forEach((r, i) => {
      const keys = r.kind === 'volume' ? r.tiers.map((t) => decKey(t.min)) : r.tiers.map((t) => String(t.withinDays));
      if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', path: [i, 'tiers'], message: 'two tiers have the same threshold' });
    });
  });

// ---- policies and versions -----------------------------------------------------------------------------------

export const PricePolicyCreate = z.strictObject({ code: Code, name: text(200), currency: Currency, scope: Scope }).meta({ id: 'PricePolicyCreate' });

export const PricePolicyUpdate = z.strictObject({ name: text(200).optional(), version: z.number().int().min(1).optional() }).meta({ id: 'PricePolicyUpdate' });

export const PricePolicy = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    currency: z.string(),
    scope: ScopeOut,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PricePolicy' });
export type PricePolicy = z.infer<typeof PricePolicy>;

const dateRangeOk = (v: { effectiveFrom?: string | null | undefined; effectiveTo?: string | null | undefined }) =>
  !v.effectiveFrom || !v.effectiveTo || v.effectiveTo >= v.effectiveFrom;

export const PriceVersionCreate = z
  .strictObject({
    copyFrom: z.uuid().optional().describe('id of a version (any status) whose lines and discount rules the draft starts with'),
    effectiveFrom: DateStr.nullable().optional(),
    effectiveTo: DateStr.nullable().optional().describe('last day (inclusive); null = open-ended'),
    discountRules: DiscountRules.optional(),
    note: text(1000).nullable().optional(),
  })
  .refine(dateRangeOk, { path: ['effectiveTo'], message: 'must not be before effectiveFrom' })
  .meta({ id: 'PriceVersionCreate' });

export const PriceVersionUpdate = z
  .strictObject({
    effectiveFrom: DateStr.nullable().optional(),
    effectiveTo: DateStr.nullable().optional(),
    discountRules: DiscountRules.optional(),
    note: text(1000).nullable().optional(),
    version: z.number().int().min(1).optional().describe('expected current version'),
  })
  .meta({ id: 'PriceVersionUpdate' });

export const PublishInput = z.strictObject({ effectiveFrom: DateStr.optional(), effectiveTo: DateStr.nullable().optional() }).meta({ id: 'PublishInput' });

export const PriceVersion = z
  .object({
    id: z.uuid(),
    policyId: z.uuid(),
    number: z.number().int(),
    status: z.enum(VERSION_STATUSES),
    effectiveFrom: z.string().nullable(),
    effectiveTo: z.string().nullable(),
    discountRules: z.array(DiscountRule),
    note: z.string().nullable(),
    copiedFromId: z.uuid().nullable(),
    publishedAt: z.string().nullable(),
    retiredAt: z.string().nullable(),
    lineCount: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PriceVersion' });
export type PriceVersion = z.infer<typeof PriceVersion>;

/** One price line: exactly one of product / productLine (codes). */
export const PriceLineInput = z
  .strictObject({
    product: Code.optional().describe('product code'),
    productLine: Code.optional().describe('product line code'),
    distributionPrice: Money,
    suggestedRetailPrice: Money,
    minResalePrice: Money.nullable().optional(),
  })
  .superRefine((l, ctx) => {
    if (!!l.product === !!l.productLine) ctx.addIssue({ code: 'custom', path: ['product'], message: 'give exactly one of product or productLine' });
    // exact: 18 significant digits do not fit a double; refinements also run when a field already failed its format
    const gt = (a: string, b: string) => isDec(a) && isDec(b) && dec(a).gt(b);
    if (gt(l.distributionPrice, l.suggestedRetailPrice))
      ctx.addIssue({ code: 'custom', path: ['distributionPrice'], message: 'must not exceed suggestedRetailPrice' });
    if (l.minResalePrice != null && gt(l.minResalePrice, l.suggestedRetailPrice))
      ctx.addIssue({ code: 'custom', path: ['minResalePrice'], message: 'must not exceed suggestedRetailPrice' });
  });
export type PriceLineInput = z.infer<typeof PriceLineInput>;

export const PriceLinesInput = z.strictObject({ lines: z.array(PriceLineInput).min(1).max(1000) }).meta({ id: 'PriceLinesInput' });

export const PriceLine = z
  .object({
    id: z.uuid(),
    versionId: z.uuid(),
    product: z.object({ id: z.uuid(), code: z.string() }).nullable(),
    productLine: z.object({ id: z.uuid(), code: z.string() }).nullable(),
    distributionPrice: z.string(),
    suggestedRetailPrice: z.string(),
    minResalePrice: z.string().nullable(),
  })
  .meta({ id: 'PriceLine' });
export type PriceLine = z.infer<typeof PriceLine>;

// ---- resolution ------------------------------------------------------------------------------------------------

export const ResolveQuery = z.object({
  partner: z.string().trim().min(1).max(64).describe('partner id or code'),
  product: z.string().trim().min(1).max(64).describe('product code (or id)'),
  date: DateStr.optional().describe('calendar date; default today (UTC)'),
  quantity: Quantity.optional().describe('default 1'),
  paymentTermDays: z.coerce.number().int().min(0).max(3650).optional().describe('days until payment, for payment-term discounts'),
  channel: z.enum(['online', 'offline']).optional().describe("sale channel, for partners whose channel is 'both'"),
});

export const ResolveBatchInput = z
  .strictObject({
    partner: z.string().trim().min(1).max(64),
    date: DateStr.optional(),
    paymentTermDays: z.number().int().min(0).max(3650).optional(),
    channel: z.enum(['online', 'offline']).optional(),
    lines: z
      .array(z.strictObject({ product: z.string().trim().min(1).max(64), quantity: Quantity.optional() }))
      .min(1)
      .max(1000),
  })
  .meta({ id: 'ResolveBatchInput' });

const Candidate = z.object({
  versionId: z.uuid(),
  policyCode: z.string(),
  versionNumber: z.number().int(),
  scope: ScopeOut,
  level: z.enum(['product', 'product_line']),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  currency: z.string(),
  distributionPrice: z.string().describe('what this candidate would have charged per unit'),
  suggestedRetailPrice: z.string(),
  minResalePrice: z.string().nullable(),
  lost: z
    .enum(['less_specific', 'superseded_version', 'not_in_force'])
    .describe(
      'less_specific: a more specific scope or the product price won; superseded_version: a later version of the same scope and level won; not_in_force: its dates do not cover the date asked',
    ),
});

export const DiscountStep = z
  .object({
    rule: z.enum(['volume_quantity', 'volume_amount', 'payment_term']),
    basis: z.string().describe('what was compared with the threshold, e.g. "quantity 150 >= 100"'),
    ratePercent: z.string(),
    base: z.string().describe('amount the rate applies to'),
    amount: z.string().describe('discount amount, rounded half-up to the currency minor unit'),
  })
  .meta({ id: 'DiscountStep' });

export const ResolvedPrice = z
  .object({
    product: z.string().describe('as asked'),
    productId: z.uuid().nullable(),
    quantity: z.string(),
    status: z.enum(['priced', 'unpriced', 'unknown_product']),
    message: z.string().nullable(),
    currency: z.string().nullable(),
    distributionPrice: z.string().nullable(),
    suggestedRetailPrice: z.string().nullable(),
    minResalePrice: z.string().nullable(),
    grossAmount: z.string().nullable().describe('distributionPrice x quantity, rounded to the minor unit'),
    discounts: z.array(DiscountStep),
    netAmount: z.string().nullable().describe('grossAmount minus every discount step'),
    netUnitPrice: z.string().nullable().describe('netAmount / quantity, 4 decimals half-up (informative)'),
    discountSource: z
      .object({ kind: z.enum(['price_version', 'channel_terms']), termsId: z.uuid().nullable(), scope: ScopeOut.nullable() })
      .nullable()
      .describe(
        "where the applied discount rules come from: the winning price version's own rules, or the most specific published channel terms with discount rules",
      ),
    source: z
      .object({
        policyId: z.uuid(),
        policyCode: z.string(),
        policyName: z.string(),
        versionId: z.uuid(),
        versionNumber: z.number().int(),
        scope: ScopeOut,
        level: z.enum(['product', 'product_line']),
        priceLineId: z.uuid(),
        effectiveFrom: z.string(),
        effectiveTo: z.string().nullable(),
        reason: z.string(),
      })
      .nullable(),
    passedOver: z
      .array(Candidate)
      .describe(
        "every other price of the partner's scopes for the product or its line, with its amount and why it lost: in force ones in precedence order, then those not in force on the date",
      ),
    deviation: z
      .object({ id: z.uuid(), kind: z.enum(['below_min_resale', 'above_list']), price: z.string(), validFrom: z.string(), validTo: z.string() })
      .nullable()
      .describe('an approved deviation for this partner, product and date'),
  })
  .meta({ id: 'ResolvedPrice' });
export type ResolvedPrice = z.infer<typeof ResolvedPrice>;

export const ResolveBatchResult = z
  .object({
    partner: z.object({ id: z.uuid(), code: z.string(), type: z.string(), channel: z.string(), tier: z.string().nullable() }),
    date: z.string(),
    paymentTermDays: z.number().int().nullable(),
    lines: z.array(ResolvedPrice),
  })
  .meta({ id: 'ResolveBatchResult' });
export type ResolveBatchResult = z.infer<typeof ResolveBatchResult>;

// ---- deviations ----------------------------------------------------------------------------------------------

export const DeviationCreate = z
  .strictObject({
    partner: z.string().trim().min(1).max(64).optional().describe('partner id or code; a partner token may omit it'),
    product: z.string().trim().min(1).max(64).describe('product code (or id)'),
    price: Money,
    validFrom: DateStr,
    validTo: DateStr,
    reason: text(2000),
  })
  .refine((d) => d.validTo >= d.validFrom, { path: ['validTo'], message: 'must not be before validFrom' })
  .meta({ id: 'DeviationCreate' });

export const DeviationDecision = z.strictObject({ note: text(2000).optional() }).meta({ id: 'DeviationDecision' });

export const DEVIATION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const Deviation = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    productId: z.uuid(),
    productCode: z.string(),
    kind: z.enum(['below_min_resale', 'above_list']),
    price: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    reason: z.string(),
    status: z.enum(DEVIATION_STATUSES),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Deviation' });
export type Deviation = z.infer<typeof Deviation>;

export const DeviationListQuery = z.object({
  partner: RefParam.optional(),
  status: z.enum(DEVIATION_STATUSES).optional(),
});

// ---- channel terms -------------------------------------------------------------------------------------------

const termsFields = {
  returnWindowDays: z.number().int().min(0).max(3650).nullable().optional(),
  returnConditions: text(2000).nullable().optional(),
  creditLimit: Money.nullable().optional(),
  creditCurrency: Currency.nullable().optional(),
  paymentTermsDays: z.number().int().min(0).max(3650).nullable().optional(),
  territoryExclusivity: z.boolean().nullable().optional(),
  crossRegionSelling: z.enum(['forbidden', 'allowed_with_request']).nullable().optional(),
  discountRules: DiscountRules.nullable()
    .optional()
    .describe('discount rules of this scope: applied whichever price scope wins, unless the winning price version has its own'),
};

export const TermsCreate = z
  .strictObject({
    name: text(200),
    scope: Scope,
    copyFrom: z.uuid().optional().describe('start from the fields of these terms'),
    effectiveFrom: DateStr.nullable().optional(),
    effectiveTo: DateStr.nullable().optional(),
    ...termsFields,
  })
  .meta({ id: 'ChannelTermsCreate' });

export const TermsUpdate = z
  .strictObject({
    name: text(200).optional(),
    effectiveFrom: DateStr.nullable().optional(),
    effectiveTo: DateStr.nullable().optional(),
    ...termsFields,
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'ChannelTermsUpdate' });

export const TERM_FIELDS = [
  'returnWindowDays',
  'returnConditions',
  'creditLimit',
  'creditCurrency',
  'paymentTermsDays',
  'territoryExclusivity',
  'crossRegionSelling',
  'discountRules',
] as const;
export type TermField = (typeof TERM_FIELDS)[number];

export const ChannelTerms = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scope: ScopeOut,
    status: z.enum(VERSION_STATUSES),
    effectiveFrom: z.string().nullable(),
    effectiveTo: z.string().nullable(),
    returnWindowDays: z.number().int().nullable(),
    returnConditions: z.string().nullable(),
    creditLimit: z.string().nullable(),
    creditCurrency: z.string().nullable(),
    paymentTermsDays: z.number().int().nullable(),
    territoryExclusivity: z.boolean().nullable(),
    crossRegionSelling: z.enum(['forbidden', 'allowed_with_request']).nullable(),
    discountRules: z.array(DiscountRule).nullable(),
    copiedFromId: z.uuid().nullable(),
    publishedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ChannelTerms' });
export type ChannelTerms = z.infer<typeof ChannelTerms>;

const ResolvedField = <T extends z.ZodType>(v: T) => z.object({ value: v.nullable(), scope: ScopeOut.nullable(), termsId: z.uuid().nullable() });

export const ResolvedTerms = z
  .object({
    partnerId: z.uuid(),
    date: z.string(),
    returnWindowDays: ResolvedField(z.number().int()),
    returnConditions: ResolvedField(z.string()),
    creditLimit: ResolvedField(z.string()),
    creditCurrency: ResolvedField(z.string()),
    paymentTermsDays: ResolvedField(z.number().int()),
    territoryExclusivity: ResolvedField(z.boolean()),
    crossRegionSelling: ResolvedField(z.enum(['forbidden', 'allowed_with_request'])),
    discountRules: ResolvedField(z.array(DiscountRule)),
  })
  .meta({ id: 'ResolvedTerms' });
export type ResolvedTerms = z.infer<typeof ResolvedTerms>;

export const TermsResolveQuery = z.object({
  partner: z.string().trim().min(1).max(64),
  date: DateStr.optional(),
  channel: z.enum(['online', 'offline']).optional(),
});

// ---- observations / violations -------------------------------------------------------------------------------

export const ObservationCreate = z
  .strictObject({
    partner: z.string().trim().min(1).max(64).describe('partner id or code'),
    product: z.string().trim().min(1).max(64).describe('product code (or id)'),
    date: DateStr,
    price: Money,
    source: text(50).describe('e.g. market_check, erp, marketplace'),
    reference: text(200).nullable().optional().describe('unique per source: a repeated import skips it'),
  })
  .meta({ id: 'PriceObservationCreate' });
export type ObservationCreate = z.infer<typeof ObservationCreate>;

export const Observation = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    productId: z.uuid(),
    productCode: z.string(),
    date: z.string(),
    price: z.string(),
    currency: z.string().nullable(),
    source: z.string(),
    reference: z.string().nullable(),
    minResalePrice: z.string().nullable(),
    priceVersionId: z.uuid().nullable(),
    deviationId: z.uuid().nullable(),
    isViolation: z.boolean(),
    shortfall: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'PriceObservation' });
export type Observation = z.infer<typeof Observation>;

export const ViolationListQuery = z.object({
  partner: RefParam.optional(),
  from: DateStr.optional(),
  to: DateStr.optional(),
});
