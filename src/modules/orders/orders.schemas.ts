import { z } from 'zod';
import { Code, Currency, DecimalInput, DecimalString, text } from '../../platform/kernel/index.js';
import { ResolvedPrice } from '../policy/contract.js';
import { ORDER_STATUSES } from './orders.tables.js';

const DateStr = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const Ref = z.string().trim().min(1).max(64);
const Positive = DecimalInput.refine((v) => !v.startsWith('-') && !/^0+(\.0+)?$/.test(v), 'must be greater than 0');
const NonNeg = DecimalInput.refine((v) => !v.startsWith('-'), 'must not be negative');

export const OrderLineInput = z.strictObject({
  product: Ref.describe('product id or code'),
  quantity: Positive,
  requestedPrice: NonNeg.optional().describe('unit price the partner asks for; below the resolved price it needs an approved deviation'),
});

export const RebateUse = z
  .strictObject({
    amount: Positive.describe("the part of the order paid from the partner's rebate account (返利抵扣), in the order currency"),
    program: Ref.optional().describe(
      'rebate program (id or code) whose per-order cap applies; default: the strictest cap of the active rebate programs (none: no cap)',
    ),
  })
  .meta({ id: 'OrderRebateUse' });

export const OrderInput = z
  .strictObject({
    partner: Ref.optional().describe('partner id or code; a partner token may omit it'),
    externalId: text(100).optional().describe('the ERP/portal key: a second create with it replaces the draft'),
    shipTo: Ref.optional().describe('ship-to territory id or code'),
    shipToAddress: text(500).optional(),
    requestedDate: DateStr.optional().describe('default today; the date prices, rights and credit are taken on'),
    paymentTermDays: z.number().int().min(0).max(3650).optional(),
    currency: Currency.optional().describe('default: the currency of the resolved prices'),
    note: text(2000).optional(),
    rebate: RebateUse.optional(),
    lines: z.array(OrderLineInput).min(1).max(5000),
  })
  .meta({ id: 'OrderDraft' });
export type OrderInput = z.infer<typeof OrderInput>;

export const REFUSAL_CODES = [
  'PARTNER_NOT_ACTIVE',
  'NO_AGREEMENT_IN_FORCE',
  'UNKNOWN_PRODUCT',
  'NO_PRICE',
  'CURRENCY_MISMATCH',
  'PRODUCT_NOT_AUTHORISED',
  'SHIP_TO_OUTSIDE_TERRITORY',
  'BELOW_MINIMUM_QUANTITY',
  'BELOW_MINIMUM_AMOUNT',
  'OVER_QUOTA',
  'CREDIT_HOLD',
  'OVER_CREDIT',
  'OVERDUE_RECEIVABLES',
  'PRICE_BELOW_FLOOR',
  'REBATE_INSUFFICIENT',
  'REBATE_OVER_CAP',
  'REBATE_CURRENCY_MISMATCH',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];
/** refusals an approver may override (through the approval gate, with a reason) */
export const OVERRIDABLE: readonly RefusalCode[] = ['OVER_CREDIT', 'OVER_QUOTA'];

export const Refusal = z
  .object({
    code: z.enum(REFUSAL_CODES),
    message: z.string(),
    line: z.number().int().nullable().describe('line number (1-based) or null for the order'),
    overridable: z.boolean(),
    details: z.record(z.string(), z.string().nullable()).optional(),
  })
  .meta({ id: 'OrderRefusal' });
export type Refusal = z.infer<typeof Refusal>;

export const CheckedLine = z
  .object({
    lineNo: z.number().int(),
    product: z.string(),
    productId: z.uuid().nullable(),
    quantity: z.string(),
    requestedPrice: z.string().nullable(),
    unitPrice: z.string().nullable().describe('the price charged: the requested price when allowed, else the resolved net unit price'),
    amount: z.string().nullable().describe('line amount in the currency minor units'),
    pricing: ResolvedPrice.describe('the policy resolution with its explanation'),
  })
  .meta({ id: 'OrderCheckedLine' });
export type CheckedLine = z.infer<typeof CheckedLine>;

export const CheckResult = z
  .object({
    orderId: z.uuid().nullable(),
    partnerId: z.uuid(),
    date: z.string(),
    currency: z.string().nullable(),
    total: z.string().nullable(),
    lines: z.array(CheckedLine),
    refusals: z.array(Refusal),
    wouldApprove: z.boolean().describe('submit would approve the order at once'),
    credit: z.object({ limit: z.string().nullable(), exposure: z.string(), available: z.string().nullable(), onHold: z.boolean() }),
    rebate: z
      .object({
        amount: z.string().describe('the rebate use asked for'),
        programId: z.uuid().nullable(),
        programCode: z.string().nullable(),
        cap: z.string().nullable().describe("the most of this order payable from rebate (the program's cap; null: none)"),
        available: z.string().describe("the partner's available rebate (with what this order already holds)"),
        currency: z.string().nullable().describe('the rebate account currency (null: no account)'),
      })
      .nullable(),
    payable: z.string().nullable().describe('total minus the rebate used: what is invoiced and counts against credit'),
  })
  .meta({ id: 'OrderCheck' });
export type CheckResult = z.infer<typeof CheckResult>;

export const OrderLine = z
  .object({
    lineNo: z.number().int(),
    productId: z.uuid(),
    productCode: z.string(),
    quantity: z.string(),
    requestedPrice: z.string().nullable(),
    unitPrice: z.string().nullable(),
    amount: z.string().nullable(),
    shippedQuantity: z.string(),
  })
  .meta({ id: 'OrderLine' });

export const Order = z
  .object({
    id: z.uuid(),
    externalId: z.string().nullable(),
    partnerId: z.uuid(),
    shipToTerritoryId: z.uuid().nullable(),
    shipToAddress: z.string().nullable(),
    requestedDate: z.string(),
    paymentTermDays: z.number().int().nullable(),
    currency: z.string().nullable(),
    status: z.enum(ORDER_STATUSES),
    total: z.string().nullable(),
    rebate: z
      .object({
        amount: z.string(),
        programId: z.uuid().nullable(),
        status: z
          .enum(['requested', 'reserved', 'released', 'spent'])
          .describe('requested (draft), reserved (submitted), released (cancelled), spent (invoiced)'),
      })
      .nullable()
      .describe("the part paid from the partner's rebate account"),
    payable: z.string().nullable().describe('total minus the rebate used (null until priced)'),
    refusals: z.array(Refusal),
    overrideReason: z.string().nullable(),
    note: z.string().nullable(),
    submittedAt: z.string().nullable(),
    approvedOn: z.string().nullable(),
    invoicedOn: z.string().nullable(),
    cancelledOn: z.string().nullable(),
    lines: z.array(OrderLine),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof Order>;

export const OrderListQuery = z.object({
  partner: Ref.optional(),
  status: z.enum(ORDER_STATUSES).optional(),
});

export const ReasonInput = z.strictObject({ reason: text(2000) }).meta({ id: 'OrderReason' });
export const OptionalReason = z.strictObject({ reason: text(2000).optional() }).meta({ id: 'OrderOptionalReason' });

export const OrderRuleInput = z
  .strictObject({
    partner: Ref.optional().describe('only this partner (default: every partner)'),
    product: Ref.optional().describe('a product: minQuantity applies to its lines; none: minAmount applies to the order'),
    minQuantity: Positive.optional(),
    minAmount: NonNeg.optional(),
    currency: Currency.optional(),
  })
  .refine((r) => (r.product ? r.minQuantity !== undefined && r.minAmount === undefined : r.minAmount !== undefined && r.minQuantity === undefined), {
    message: 'a product rule takes minQuantity; an order rule (no product) takes minAmount',
    path: ['minQuantity'],
  })
  .meta({ id: 'OrderRuleCreate' });
export const OrderRule = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid().nullable(),
    productId: z.uuid().nullable(),
    minQuantity: z.string().nullable(),
    minAmount: z.string().nullable(),
    currency: z.string().nullable(),
  })
  .meta({ id: 'OrderRule' });

export const QuotaInput = z
  .strictObject({ partner: Ref, product: Ref, periodStart: DateStr, periodEnd: DateStr, quantity: NonNeg })
  .refine((q) => q.periodEnd >= q.periodStart, { path: ['periodEnd'], message: 'must not be before periodStart' })
  .meta({ id: 'OrderQuotaSet' });
export const Quota = z
  .object({ id: z.uuid(), partnerId: z.uuid(), productId: z.uuid(), periodStart: z.string(), periodEnd: z.string(), quantity: z.string() })
  .meta({ id: 'OrderQuota' });

export const ShipmentInput = z
  .strictObject({
    externalId: text(100).describe('idempotency key of the shipment: a repeat answers the first shipment'),
    shippedOn: DateStr,
    lines: z.array(z.strictObject({ lineNo: z.number().int().min(1), quantity: Positive })).min(1),
  })
  .meta({ id: 'ShipmentRecord' });
export const Shipment = z
  .object({
    id: z.uuid(),
    externalId: z.string(),
    orderId: z.uuid(),
    shippedOn: z.string(),
    amount: z.string(),
    lines: z.array(z.object({ lineNo: z.number().int(), quantity: z.string(), amount: z.string() })),
    createdAt: z.string(),
  })
  .meta({ id: 'Shipment' });
export type Shipment = z.infer<typeof Shipment>;

export const InvoiceInput = z
  .strictObject({ number: Code, issuedOn: DateStr, dueOn: DateStr.optional().describe('default issuedOn + the order payment term days') })
  .meta({ id: 'InvoiceRecord' });
export const Invoice = z
  .object({
    id: z.uuid(),
    number: z.string(),
    orderId: z.uuid(),
    partnerId: z.uuid(),
    issuedOn: z.string(),
    dueOn: z.string(),
    amount: z.string(),
    paid: z.string(),
    balance: z.string(),
    currency: z.string(),
  })
  .meta({ id: 'Invoice' });
export type Invoice = z.infer<typeof Invoice>;

export { DecimalString, DateStr };
