import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { actionPath, etag, IdParams, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import { CreditSweepInput, CreditSweepResult } from './credit.sweep.js';
import { AgingRow, Collection, CollectionInput, CreditAccountUpdate, CreditLimitInput, CreditStatus, TemporaryIncreaseInput } from './credit.schemas.js';
import {
  CheckResult,
  Invoice,
  InvoiceInput,
  OptionalReason,
  Order,
  OrderInput,
  OrderRule,
  OrderRuleInput,
  Quota,
  QuotaInput,
  ReasonInput,
  Shipment,
  ShipmentInput,
} from './orders.schemas.js';
import { ORDER_STATUSES } from './orders.tables.js';
import type { OrdersServices } from './index.js';

const PartnerParams = z.object({ id: z.string().trim().min(1).max(64).describe('partner id or code') });
const DateQuery = z.object({ date: z.iso.date().optional().describe('default today') });

export async function ordersRoutes(app: FastifyInstance, s: OrdersServices) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['orders'];

  r.post(
    '/v1/orders::check',
    {
      schema: {
        tags,
        operationId: 'checkOrder',
        summary: 'What a submit of this order would answer (priced lines, total, every refusal with its code); writes nothing',
        body: OrderInput,
        response: { 200: CheckResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.orders.checkInput(actorOf(req), req.body),
  );

  r.post(
    '/v1/orders',
    {
      schema: {
        tags,
        operationId: 'createOrder',
        summary: 'Create a draft order; with an externalId of an existing draft, replace it (200)',
        body: OrderInput,
        response: { 200: Order, 201: Order, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const { order, created } = await s.orders.create(actorOf(req), req.body);
      return reply
        .code(created ? 201 : 200)
        .header('location', `/v1/orders/${order.id}`)
        .header('etag', etag(order.version))
        .send(order);
    },
  );

  r.get(
    '/v1/orders',
    {
      schema: {
        tags,
        operationId: 'listOrders',
        summary: 'List orders',
        querystring: PageQuery.extend({ partner: z.string().optional(), status: z.enum(ORDER_STATUSES).optional() }),
        response: { 200: pageSchema(Order), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.orders.list(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/orders::export',
    {
      schema: {
        tags,
        operationId: 'exportOrders',
        summary: 'Orders as CSV, one row per line (filters as the list; at most 100,000 lines)',
        querystring: z.object({ partner: z.string().optional(), status: z.enum(ORDER_STATUSES).optional() }),
        // no 2xx schema: the handler writes the CSV (platform/openapi.ts declares it as text/csv)
        response: { ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const body = await s.orders.exportCsv(actorOf(req), req.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="orders.csv"')
        .send(body as never);
    },
  );

  r.get(
    '/v1/orders/:id',
    {
      schema: {
        tags,
        operationId: 'getOrder',
        summary: 'Get an order with its lines',
        params: IdParams,
        response: { 200: Order, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const o = await s.orders.get(actorOf(req), req.params.id);
      return reply.header('etag', etag(o.version)).send(o);
    },
  );

  r.post(
    actionPath('/v1/orders', 'check'),
    {
      schema: {
        tags,
        operationId: 'checkStoredOrder',
        summary: 'Check a stored order (writes nothing)',
        params: IdParams,
        response: { 200: CheckResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.orders.checkStored(actorOf(req), req.params.id),
  );

  r.post(
    actionPath('/v1/orders', 'submit'),
    {
      schema: {
        tags,
        operationId: 'submitOrder',
        summary: 'Submit: approved at once when every check passes; submitted when only credit/quota refuse (override); 422 with every refusal otherwise',
        params: IdParams,
        response: { 200: Order, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => s.orders.submit(actorOf(req), req.params.id),
  );

  r.post(
    actionPath('/v1/orders', 'override'),
    {
      schema: {
        tags,
        operationId: 'overrideOrder',
        summary: "Override a submitted order's credit or quota refusals with a reason, through the approval gate",
        params: IdParams,
        body: ReasonInput,
        response: { 200: Order, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => s.orders.override(actorOf(req), req.params.id, req.body),
  );

  r.post(
    actionPath('/v1/orders', 'cancel'),
    {
      schema: {
        tags,
        operationId: 'cancelOrder',
        summary: 'Cancel a draft, submitted or approved order',
        params: IdParams,
        body: OptionalReason,
        response: { 200: Order, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.orders.cancel(actorOf(req), req.params.id, req.body),
  );

  r.post(
    '/v1/orders/:id/shipments',
    {
      schema: {
        tags,
        operationId: 'shipOrder',
        summary: 'Record a shipment (quantities per line; idempotent by externalId); shipped lines become sell-in facts',
        params: IdParams,
        body: ShipmentInput,
        response: { 200: Shipment, 201: Shipment, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const { shipment, created } = await s.fulfilment.ship(actorOf(req), req.params.id, req.body);
      return reply.code(created ? 201 : 200).send(shipment);
    },
  );

  r.get(
    '/v1/orders/:id/shipments',
    {
      schema: {
        tags,
        operationId: 'listOrderShipments',
        summary: 'Shipments of an order',
        params: IdParams,
        response: { 200: z.object({ data: z.array(Shipment) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => ({ data: await s.fulfilment.shipmentsOf(actorOf(req), req.params.id) }),
  );

  r.post(
    '/v1/orders/:id/invoices',
    {
      schema: {
        tags,
        operationId: 'invoiceOrder',
        summary: 'Invoice a shipped order (the invoice is a receivable)',
        params: IdParams,
        body: InvoiceInput,
        response: { 201: Invoice, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.fulfilment.invoice(actorOf(req), req.params.id, req.body)),
  );

  r.post(
    '/v1/orders/rules',
    {
      schema: {
        tags,
        operationId: 'createOrderRule',
        summary: "A minimum: a product's minimum order quantity, or a minimum order amount (optionally for one partner)",
        body: OrderRuleInput,
        response: { 201: OrderRule, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.orders.createRule(actorOf(req), req.body)),
  );

  r.put(
    '/v1/orders/quotas',
    {
      schema: {
        tags,
        operationId: 'putOrderQuota',
        summary: 'Set an allocation quota (partner, product, period)',
        body: QuotaInput,
        response: { 200: Quota, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.orders.createQuota(actorOf(req), req.body),
  );

  // ---- credit ------------------------------------------------------------------------------------------------
  const ctags = ['credit'];
  r.get(
    '/v1/credit/partners/:id',
    {
      schema: {
        tags: ctags,
        operationId: 'getPartnerCredit',
        summary: 'Credit of a partner on a date: limit (with temporary increases), exposure, available, hold, history',
        params: PartnerParams,
        querystring: DateQuery,
        response: { 200: CreditStatus, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.credit.status(actorOf(req), req.params.id, req.query.date),
  );
  r.post(
    '/v1/credit/partners/:id/limits',
    {
      schema: {
        tags: ctags,
        operationId: 'setCreditLimit',
        summary: 'Set the credit limit from a date (history kept)',
        params: PartnerParams,
        body: CreditLimitInput,
        response: { 201: CreditStatus, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.credit.addLimit(actorOf(req), req.params.id, 'limit', req.body)),
  );
  r.post(
    '/v1/credit/partners/:id/temporary-increases',
    {
      schema: {
        tags: ctags,
        operationId: 'addTemporaryCreditIncrease',
        summary: 'A temporary credit increase from a date until its expiry',
        params: PartnerParams,
        body: TemporaryIncreaseInput,
        response: { 201: CreditStatus, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.credit.addLimit(actorOf(req), req.params.id, 'temporary', req.body)),
  );
  r.put(
    '/v1/credit/partners/:id/account',
    {
      schema: {
        tags: ctags,
        operationId: 'updateCreditAccount',
        summary: 'Credit hold and tolerated overdue days of a partner',
        params: PartnerParams,
        body: CreditAccountUpdate,
        response: { 200: CreditStatus, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.credit.updateAccount(actorOf(req), req.params.id, req.body),
  );
  r.post(
    '/v1/credit/collections',
    {
      schema: {
        tags: ctags,
        operationId: 'recordCollection',
        summary: 'Record a payment received (idempotent by externalId), allocated to the invoice named, then oldest first',
        body: CollectionInput,
        response: { 200: Collection, 201: Collection, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { collection, created } = await s.credit.collect(actorOf(req), req.body);
      return reply.code(created ? 201 : 200).send(collection);
    },
  );
  r.get(
    '/v1/credit/aging',
    {
      schema: {
        tags: ctags,
        operationId: 'creditAging',
        summary: 'Receivables aging on a date (0-30, 31-60, 61-90, 90+ days since issue), overdue and DSO per partner',
        querystring: DateQuery.extend({ partner: z.string().optional() }),
        response: { 200: z.object({ date: z.string(), partners: z.array(AgingRow) }), ...problems(400, 401, 403) },
      },
    },
    async (req) => s.credit.aging(actorOf(req), req.query),
  );
  r.post(
    '/v1/credit::sweep',
    {
      schema: {
        tags: ctags,
        operationId: 'runCreditSweep',
        summary:
          "The credit sweep of the caller's tenant on a day: credit.overdue once per invoice past due + tolerated days, credit.over_limit once per crossing",
        body: CreditSweepInput.optional(),
        response: { 200: CreditSweepResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => s.creditSweep.runNow(actorOf(req), req.body ?? {}),
  );
}
