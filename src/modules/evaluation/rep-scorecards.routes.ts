/** REST routes of the rep scorecard (issue 17). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, ifMatchVersion, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import { RepScorecard, RepScorecardDefinition, RepScorecardDefinitionPut, RepScorecardParams, RepScorecardQuery } from './rep-scorecards.schemas.js';
import type { RepScorecardService } from './rep-scorecards.service.js';

export async function repScorecardRoutes(app: FastifyInstance, reps: RepScorecardService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['evaluations'];

  r.get(
    '/v1/evaluations/rep-scorecard-definition',
    {
      schema: {
        tags,
        operationId: 'getRepScorecardDefinition',
        summary: "The tenant's rep scorecard definition (the built-in default, version 0, until one is stored)",
        response: { 200: RepScorecardDefinition, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const d = await reps.getDefinition(actorOf(request));
      return reply.header('etag', etag(d.version)).send(d);
    },
  );

  r.put(
    '/v1/evaluations/rep-scorecard-definition',
    {
      schema: {
        tags,
        operationId: 'putRepScorecardDefinition',
        summary: 'Replace the rep scorecard definition (weights sum to 100; If-Match or version; an unchanged body keeps the version)',
        headers: z.object({ 'if-match': z.string().optional() }),
        body: RepScorecardDefinitionPut,
        response: { 200: RepScorecardDefinition, ...problems(400, 401, 403, 409, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request);
      const d = await reps.putDefinition(actorOf(request), request.body, ifMatch === undefined ? {} : { ifMatch });
      return reply.header('etag', etag(d.version)).send(d);
    },
  );

  r.get(
    '/v1/evaluations/rep-scorecards',
    {
      schema: {
        tags,
        operationId: 'listRepScorecards',
        summary: 'Scorecards of the sales reps the caller sees for a period, ranked (each KPI with value, weight, score and points)',
        querystring: PageQuery.extend(RepScorecardQuery.shape),
        response: { 200: pageSchema(RepScorecard), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await reps.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/evaluations/rep-scorecards/:rep',
    {
      schema: {
        tags,
        operationId: 'getRepScorecard',
        summary: "A sales rep's scorecard for a period, explained",
        params: RepScorecardParams,
        querystring: RepScorecardQuery,
        response: { 200: RepScorecard, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => reps.forRep(actorOf(request), request.params.rep, request.query),
  );
}
