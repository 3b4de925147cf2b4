import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/auth.js';
import { problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import { InventoryPosition, InventoryReconciliationRow, type InventoryService, TracedLines } from './inventory.service.js';
import { z } from 'zod';

const DateQ = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const Ref = z.string().trim().min(1).max(64);
const PositionsQuery = z.object({
  partner: Ref.optional().describe('partner id or code (default: every partner the caller may see)'),
  product: Ref.optional().describe('product id or code'),
  date: DateQ.optional().describe('the stock at the end of this day (default today)'),
  from: DateQ.optional().describe('start date: the opening is the latest snapshot on or before it (default: date)'),
  window: z.coerce.number().int().min(1).max(3650).optional().describe('days of sell-through behind days of stock (default 90)'),
});
const RecQuery = z.object({
  partner: Ref.optional().describe('partner id or code (default: every partner the caller may see)'),
  product: Ref.optional().describe('product id or code'),
  from: DateQ.describe('the opening is the latest snapshot on or before this day'),
  to: DateQ.optional().describe('the closing snapshot is the latest in (from, to] (default today)'),
});

/** Channel inventory (渠道库存): positions, their CSV, the reconciliation with reported snapshots and its lines. */
export async function inventoryRoutes(app: FastifyInstance, inventory: InventoryService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['inventory'];

  r.get(
    '/v1/orders/inventory',
    {
      schema: {
        tags,
        operationId: 'listInventoryPositions',
        summary:
          'Computed channel stock per partner and product on a date (opening snapshot + sell-in - sell-through), with the latest report and days of stock',
        querystring: PageQuery.extend(PositionsQuery.shape),
        response: { 200: pageSchema(InventoryPosition), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { limit, cursor, ...q } = req.query;
      const page = await inventory.positions(actorOf(req), q, { limit, cursor });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/orders/inventory::export',
    {
      schema: {
        tags,
        operationId: 'exportInventoryPositions',
        summary: 'The inventory positions as CSV (same filters; at most 100,000 rows)',
        querystring: PositionsQuery,
        // no 2xx schema: the handler writes the CSV (platform/openapi.ts declares it as text/csv)
        response: { ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const body = await inventory.positionsCsv(actorOf(req), req.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="inventory.csv"')
        .send(body as never);
    },
  );

  r.get(
    '/v1/orders/inventory/reconciliation',
    {
      schema: {
        tags,
        operationId: 'reconcileInventory',
        summary: 'Computed vs reported stock per partner and product: opening snapshot on or before from, closing snapshot in (from, to], difference',
        querystring: PageQuery.extend(RecQuery.shape),
        response: { 200: pageSchema(InventoryReconciliationRow), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { limit, cursor, ...q } = req.query;
      const page = await inventory.reconciliation(actorOf(req), q, { limit, cursor });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/orders/inventory/reconciliation/lines',
    {
      schema: {
        tags,
        operationId: 'listInventoryReconciliationLines',
        summary: 'The sell-in and sell-through lines between the opening and the closing snapshot of a partner and product, with the running computed stock',
        querystring: PageQuery.extend({ ...RecQuery.shape, partner: Ref.describe('partner id or code'), product: Ref.describe('product id or code') }),
        response: { 200: TracedLines, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { limit, cursor, ...q } = req.query;
      return inventory.tracedLines(actorOf(req), q, { limit, cursor });
    },
  );
}
