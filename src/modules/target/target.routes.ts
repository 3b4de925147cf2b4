import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { actionPath, etag, IdParams, ifMatchVersion, problems } from '../../platform/http.js';
import { ImportQuery, importRouteValidator, ImportReportSchema, serveImport } from '../../platform/imports.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import type { ActualsService } from './actuals.service.js';
import { IMPORT_KINDS, STREAMS, STREAM_FIELDS, type StreamName } from './target.ingest.js';
import {
  Achievement,
  AchievementQuery,
  AllocateInput,
  CrossRegionViolation,
  DecomposeInput,
  PeriodLock,
  SplitResult,
  Target,
  TargetCreate,
  TargetListQuery,
  TargetSettings,
  TargetSettingsUpdate,
  TargetUpdate,
  ViolationQuery,
  DateString,
} from './target.schemas.js';
import type { TargetService } from './target.service.js';

export async function targetRoutes(app: FastifyInstance, { targets, actuals }: { targets: TargetService; actuals: ActualsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['targets'];

  r.get(
    '/v1/targets/settings',
    {
      schema: {
        tags,
        operationId: 'getTargetSettings',
        summary: 'Target settings of the tenant (fiscal year, sales basis)',
        response: { 200: TargetSettings, ...problems(401, 403) },
      },
    },
    async (request) => targets.getSettings(actorOf(request)),
  );

  r.put(
    '/v1/targets/settings',
    {
      schema: {
        tags,
        operationId: 'updateTargetSettings',
        summary: 'Set the fiscal year start month and the sales basis',
        body: TargetSettingsUpdate,
        response: { 200: TargetSettings, ...problems(400, 401, 403, 409) },
      },
    },
    async (request) => targets.updateSettings(actorOf(request), request.body),
  );

  r.post(
    '/v1/targets',
    {
      schema: {
        tags,
        operationId: 'createTarget',
        summary: 'Set a target for a partner, period and metric (optionally per product line or territory)',
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: TargetCreate,
        response: { 201: Target, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const t = await targets.create(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/targets/${t.id}`).header('etag', etag(t.version)).send(t);
    },
  );

  r.get(
    '/v1/targets',
    {
      schema: {
        tags,
        operationId: 'listTargets',
        summary: 'List targets (partner users: their own)',
        querystring: PageQuery.extend(TargetListQuery.shape),
        response: { 200: pageSchema(Target), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await targets.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/targets/:id',
    { schema: { tags, operationId: 'getTarget', summary: 'Get a target', params: IdParams, response: { 200: Target, ...problems(400, 401, 403, 404) } } },
    async (request, reply) => {
      const t = await targets.get(actorOf(request), request.params.id);
      return reply.header('etag', etag(t.version)).send(t);
    },
  );

  r.patch(
    '/v1/targets/:id',
    {
      schema: {
        tags,
        operationId: 'updateTarget',
        summary: 'Change a target value (If-Match or body.version); refused when its period is locked',
        params: IdParams,
        headers: z.object({ 'if-match': z.string().optional() }),
        body: TargetUpdate,
        response: { 200: Target, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request);
      const t = await targets.update(actorOf(request), request.params.id, request.body, ifMatch === undefined ? {} : { ifMatch });
      return reply.header('etag', etag(t.version)).send(t);
    },
  );

  r.post(
    '/v1/targets/decompose',
    {
      schema: {
        tags,
        operationId: 'decomposeTarget',
        summary: 'Split a year or quarter target into quarters or months (preview; save=true stores them)',
        body: DecomposeInput,
        response: { 200: SplitResult, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => targets.decompose(actorOf(request), request.body),
  );

  r.post(
    '/v1/targets/allocate',
    {
      schema: {
        tags,
        operationId: 'allocateTarget',
        summary: 'Allocate a tenant-level or parent-partner target across partners (by weights or last year)',
        body: AllocateInput,
        response: { 200: SplitResult, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request) => targets.allocate(actorOf(request), request.body),
  );

  r.get(
    '/v1/targets/periods/locks',
    {
      schema: {
        tags,
        operationId: 'listPeriodLocks',
        summary: 'Locked periods',
        response: { 200: z.object({ data: z.array(PeriodLock) }), ...problems(401, 403) },
      },
    },
    async (request) => ({
      data: await targets.locks(actorOf(request)),
    }),
  );

  const PERIOD_PATTERN = '^[0-9Qq-]{4,7}'; // the period parser checks the rest
  r.post(
    actionPath('/v1/targets/periods', 'lock', 'period', PERIOD_PATTERN),
    {
      schema: {
        tags,
        operationId: 'lockPeriod',
        summary: 'Lock a period: targets overlapping it refuse edits (idempotent)',
        params: z.object({ period: z.string().describe('e.g. 2026, 2026-Q3, 2026-07') }),
        response: { 200: PeriodLock, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => targets.lockPeriod(actorOf(request), request.params.period),
  );
  r.post(
    actionPath('/v1/targets/periods', 'unlock', 'period', PERIOD_PATTERN),
    {
      schema: {
        tags,
        operationId: 'unlockPeriod',
        summary: 'Unlock a period (idempotent)',
        params: z.object({ period: z.string().describe('e.g. 2026, 2026-Q3, 2026-07') }),
        response: { 204: z.null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await targets.unlockPeriod(actorOf(request), request.params.period);
      return reply.code(204).send(null);
    },
  );

  // ----- achievement

  r.get(
    '/v1/targets/achievement',
    {
      schema: {
        tags,
        operationId: 'networkAchievement',
        summary: 'Network view: partners with a target or actual in the period, ranked by achievement (paginated)',
        querystring: PageQuery.extend(AchievementQuery.shape),
        response: { 200: pageSchema(Achievement), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await actuals.network(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/targets/achievement/:id',
    {
      schema: {
        tags,
        operationId: 'partnerAchievement',
        summary: "A partner's achievement for a period with its by-month breakdown",
        params: IdParams,
        querystring: AchievementQuery,
        response: { 200: Achievement, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => actuals.forPartner(actorOf(request), request.params.id, request.query),
  );

  // ----- actuals

  const atags = ['actuals'];
  const bodyDoc = (s: StreamName) => {
    const cols = STREAM_FIELDS[s].map((f) => f.name + (f.required ? '' : ' (optional)')).join(', ');
    return `CSV (header line) or NDJSON rows with: ${cols}. Partners, products and territories by their codes; amounts and quantities as decimals (4 decimals at most); dates YYYY-MM-DD.`;
  };
  for (const s of STREAMS) {
    r.post(
      `/v1/actuals/${s}::import`,
      {
        schema: {
          tags: atags,
          operationId: `import${s
            .split('-')
            .map((x) => x[0]!.toUpperCase() + x.slice(1))
            .join('')}`,
          summary: `Import ${s} facts (upsert by externalId; streamed; row-level report)`,
          description: bodyDoc(s),
          querystring: ImportQuery,
          consumes: ['text/csv', 'application/x-ndjson'],
          body: z.string().describe(bodyDoc(s)),
          response: { 200: ImportReportSchema, 202: z.object({ jobId: z.string() }), ...problems(400, 401, 403) },
        },
        // the body is a stream: the zod body schema only documents it; the query is validated as on every import
        validatorCompiler: importRouteValidator as never,
      },
      async (request, reply) => {
        const res = await serveImport(app.store, request, IMPORT_KINDS[s]);
        if ('jobId' in res) reply.code(202);
        return res;
      },
    );
  }

  r.get(
    '/v1/actuals/cross-region-violations',
    {
      schema: {
        tags: atags,
        operationId: 'listCrossRegionViolations',
        summary: 'Sell-through lines in a territory the partner had no right for on that date (窜货)',
        querystring: PageQuery.extend(ViolationQuery.shape),
        response: { 200: pageSchema(CrossRegionViolation), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await actuals.violations(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.post(
    '/v1/actuals/cross-region-violations::recheck',
    {
      schema: {
        tags: atags,
        operationId: 'recheckCrossRegion',
        summary: 'Re-evaluate cross-region marks of a date range against the current territory rights',
        body: z.strictObject({ from: DateString, to: DateString }),
        response: { 200: z.object({ changed: z.number().int() }), ...problems(400, 401, 403) },
      },
    },
    async (request) => actuals.recheckCrossRegion(actorOf(request), request.body),
  );

  r.post(
    '/v1/actuals/totals::rebuild',
    {
      schema: {
        tags: atags,
        operationId: 'rebuildActualTotals',
        summary: 'Rebuild per-partner monthly totals from the fact tables',
        response: { 200: z.object({ months: z.number().int() }), ...problems(401, 403) },
      },
    },
    async (request) => actuals.rebuildTotals(actorOf(request)),
  );
}
