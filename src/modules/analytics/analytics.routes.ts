import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { toCsv } from '../../platform/csv.js';
import { problems } from '../../platform/http.js';
import { Forecast, ForecastQuery, Rollup, RollupQuery, ShareQuery, ShareRow, TrendQuery, Trends } from './analytics.schemas.js';
import type { AnalyticsServices } from './index.js';

/** CSV when `format=csv`, or when no format is given and the Accept header names text/csv but not JSON. */
function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  const accept = String(request.headers.accept ?? '');
  return /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept);
}

function sendCsv(reply: FastifyReply, name: string, header: string[], rows: unknown[][]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .serializer((x: unknown) => x as string)
    .send(toCsv(header, rows));
}

const csvOr = <T extends z.ZodType>(s: T) => z.union([s, z.string().describe('text/csv')]);

export async function analyticsRoutes(app: FastifyInstance, { analytics }: AnalyticsServices) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['analytics'];

  r.get(
    '/v1/analytics/trends',
    {
      schema: {
        tags,
        operationId: 'getSalesTrends',
        summary:
          'Monthly totals of a stream (sell-in, sell-through, collections) by group (total, partner, partner type, home territory) with the same month a year earlier; JSON or CSV',
        querystring: TrendQuery,
        response: { 200: csvOr(Trends), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const res = await analytics.trends(actorOf(request), request.query);
      if (!wantsCsv(request, request.query.format)) return res;
      return sendCsv(
        reply,
        `trends-${res.stream}-${res.from}-${res.to}`,
        ['groupKey', 'groupCode', 'groupName', 'month', 'amount', 'quantity', 'lines', 'priorYearAmount', 'changeAmount', 'changePct'],
        res.data.map((x) => [x.group.key, x.group.code, x.group.name, x.month, x.amount, x.quantity, x.lines, x.priorYearAmount, x.changeAmount, x.changePct]),
      );
    },
  );

  r.get(
    '/v1/analytics/territory-share',
    {
      schema: {
        tags,
        operationId: 'getTerritoryShare',
        summary:
          "Each partner's share of its home territory's amount (per period or month): exact, 4 decimals, largest remainder so a territory sums to 100; JSON or CSV",
        querystring: ShareQuery,
        response: { 200: csvOr(z.object({ data: z.array(ShareRow) })), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const data = await analytics.territoryShare(actorOf(request), request.query);
      if (!wantsCsv(request, request.query.format)) return { data };
      return sendCsv(
        reply,
        `territory-share-${request.query.from}-${request.query.to}`,
        ['territoryCode', 'month', 'partnerCode', 'amount', 'territoryAmount', 'sharePct', 'rank'],
        data.map((x) => [x.territoryCode, x.month, x.partnerCode, x.amount, x.territoryAmount, x.sharePct, x.rank]),
      );
    },
  );

  r.get(
    '/v1/analytics/forecast',
    {
      schema: {
        tags,
        operationId: 'getSalesForecast',
        summary: 'Forecast from history: seasonal index x deseasonalised level (method in the response), with the linear run-rate; JSON or CSV',
        querystring: ForecastQuery,
        response: { 200: csvOr(Forecast), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const f = await analytics.forecast(actorOf(request), request.query);
      if (!wantsCsv(request, request.query.format)) return f;
      return sendCsv(
        reply,
        `forecast-${f.stream}-${f.asOf}`,
        ['month', 'kind', 'amount', 'runRate'],
        [...f.history.map((h) => [h.month, 'actual', h.amount, null]), ...f.forecast.map((x) => [x.month, 'forecast', x.seasonal, x.runRate])],
      );
    },
  );

  r.get(
    '/v1/analytics/rollup',
    {
      schema: {
        tags,
        operationId: 'getAnalyticsRollup',
        summary:
          'Actual, partner-level target and achievement of a period rolled up a tree (territory, org units, account managers), each partner counted once per node; JSON or CSV',
        querystring: RollupQuery,
        response: { 200: csvOr(Rollup), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const res = await analytics.rollup(actorOf(request), request.query);
      if (!wantsCsv(request, request.query.format)) return res;
      const rows = [...res.data, ...(res.unassigned ? [res.unassigned] : [])];
      return sendCsv(
        reply,
        `rollup-${res.tree}-${res.period}`,
        ['nodeId', 'code', 'name', 'parentId', 'depth', 'partners', 'ownActual', 'actual', 'target', 'achievementPct'],
        rows.map((x) => [x.nodeId, x.code, x.name, x.parentId, x.depth, x.partners, x.ownActual, x.actual, x.target, x.achievementPct]),
      );
    },
  );
}
