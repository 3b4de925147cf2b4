/** REST routes of the direct channel's rep targets and rep achievement (issue 17). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, IdParams, ifMatchVersion, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import { RefParam } from '../onboarding/contract.js';
import { RepAchievement, RepAchievementQuery, RepTarget, RepTargetCreate, RepTargetListQuery, RepTargetUpdate } from './rep-targets.schemas.js';
import type { RepTargetService } from './rep-targets.service.js';

export async function repTargetRoutes(app: FastifyInstance, reps: RepTargetService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['targets'];

  r.post(
    '/v1/targets/reps',
    {
      schema: {
        tags,
        operationId: 'createRepTarget',
        summary: "Set a sales rep's target for a period and metric (the direct channel)",
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: RepTargetCreate,
        response: { 201: RepTarget, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const t = await reps.create(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/targets/reps/${t.id}`).header('etag', etag(t.version)).send(t);
    },
  );

  r.get(
    '/v1/targets/reps',
    {
      schema: {
        tags,
        operationId: 'listRepTargets',
        summary: "List sales reps' targets (a scoped credential: the reps of its org subtree)",
        querystring: PageQuery.extend(RepTargetListQuery.shape),
        response: { 200: pageSchema(RepTarget), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await reps.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/targets/reps/:id',
    {
      schema: {
        tags,
        operationId: 'getRepTarget',
        summary: "Get a sales rep's target",
        params: IdParams,
        response: { 200: RepTarget, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const t = await reps.get(actorOf(request), request.params.id);
      return reply.header('etag', etag(t.version)).send(t);
    },
  );

  r.patch(
    '/v1/targets/reps/:id',
    {
      schema: {
        tags,
        operationId: 'updateRepTarget',
        summary: "Change a sales rep's target (If-Match or body.version); refused when its period is locked",
        params: IdParams,
        headers: z.object({ 'if-match': z.string().optional() }),
        body: RepTargetUpdate,
        response: { 200: RepTarget, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request);
      const t = await reps.update(actorOf(request), request.params.id, request.body, ifMatch === undefined ? {} : { ifMatch });
      return reply.header('etag', etag(t.version)).send(t);
    },
  );

  r.get(
    '/v1/targets/rep-achievement',
    {
      schema: {
        tags,
        operationId: 'repAchievementRanking',
        summary: 'Sales reps with a target or attributed sell-through in the period, ranked by achievement (paginated)',
        querystring: PageQuery.extend(RepAchievementQuery.shape),
        response: { 200: pageSchema(RepAchievement), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await reps.ranking(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/targets/rep-achievement/:rep',
    {
      schema: {
        tags,
        operationId: 'repAchievement',
        summary: "A sales rep's achievement for a period: attributed sell-through against the rep's target",
        params: z.object({ rep: RefParam.describe("the rep's staff id or code") }),
        querystring: RepAchievementQuery,
        response: { 200: RepAchievement, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => reps.forRep(actorOf(request), request.params.rep, request.query),
  );
}
