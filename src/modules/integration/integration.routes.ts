import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { DomainError } from '../../platform/errors.js';
import { etag, IdParams, problems } from '../../platform/http.js';
import { ImportQuery, ImportReportSchema, importsOf, serveImport } from '../../platform/imports.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import type { IntegrationServices } from './index.js';
import {
  ApiKey,
  ApiKeyCreate,
  ApiKeyCreated,
  AuditEntry,
  AuditQuery,
  DeliveryListQuery,
  EventFeedPage,
  EventFeedQuery,
  Job,
  JobAccepted,
  Me,
  PingResult,
  SecretRotate,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
} from './integration.schemas.js';

const DeliveryParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), deliveryId: z.uuid({ message: 'must be a UUID' }) });

export async function integrationRoutes(app: FastifyInstance, s: IntegrationServices) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // ---- audit and events ------------------------------------------------------------------------------------
  r.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        operationId: 'listAudit',
        summary: 'Audit trail, newest first: filter by resource (resourceType[, resourceId]) and/or subject (scope audit:read)',
        querystring: PageQuery.extend(AuditQuery.shape),
        response: { 200: pageSchema(AuditEntry), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.audit.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        operationId: 'listEvents',
        summary: 'Event feed in commit order: poll with after=<nextCursor> (scope events:read)',
        querystring: EventFeedQuery,
        response: { 200: EventFeedPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.events.feed(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  // ---- API keys --------------------------------------------------------------------------------------------
  const keyTags = ['api-keys'];
  r.get(
    '/v1/me',
    {
      schema: {
        tags: ['api-keys'],
        operationId: 'getMe',
        summary: 'Who the credential is: tenant, subject, scopes and the partners it is bound to (any valid credential)',
        response: { 200: Me, ...problems(400, 401) },
      },
    },
    async (request) => s.apiKeys.me(actorOf(request)),
  );

  r.post(
    '/v1/api-keys',
    {
      schema: {
        tags: keyTags,
        operationId: 'createApiKey',
        summary: 'Create an API key (the key is in this response only) (scope apikeys:write)',
        body: ApiKeyCreate,
        response: { 201: ApiKeyCreated, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => reply.code(201).send(await s.apiKeys.create(actorOf(request), request.body)),
  );
  r.get(
    '/v1/api-keys',
    {
      schema: {
        tags: keyTags,
        operationId: 'listApiKeys',
        summary: 'List API keys (newest first)',
        querystring: PageQuery,
        response: { 200: pageSchema(ApiKey), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.apiKeys.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/api-keys/:id',
    {
      schema: {
        tags: keyTags,
        operationId: 'getApiKey',
        summary: 'Get an API key (never the key itself)',
        params: IdParams,
        response: { 200: ApiKey, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.apiKeys.get(actorOf(request), request.params.id),
  );
  r.post(
    '/v1/api-keys/:id/revoke',
    {
      schema: {
        tags: keyTags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key: it is refused (401) from the next request on',
        params: IdParams,
        response: { 200: ApiKey, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.apiKeys.revoke(actorOf(request), request.params.id),
  );

  // ---- webhooks --------------------------------------------------------------------------------------------
  const wh = ['webhooks'];
  r.post(
    '/v1/webhooks',
    {
      schema: {
        tags: wh,
        operationId: 'createWebhookEndpoint',
        summary: 'Register a webhook endpoint (its signing secret is in this response only) (scope webhooks:write)',
        body: WebhookEndpointCreate,
        response: { 201: WebhookEndpointWithSecret, ...problems(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const ep = await s.webhooks.create(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/webhooks/${ep.id}`).header('etag', etag(ep.version)).send(ep);
    },
  );
  r.get(
    '/v1/webhooks',
    {
      schema: {
        tags: wh,
        operationId: 'listWebhookEndpoints',
        summary: 'List webhook endpoints',
        querystring: PageQuery,
        response: { 200: pageSchema(WebhookEndpoint), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.webhooks.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/webhooks/:id',
    {
      schema: {
        tags: wh,
        operationId: 'getWebhookEndpoint',
        summary: 'Get a webhook endpoint',
        params: IdParams,
        response: { 200: WebhookEndpoint, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const ep = await s.webhooks.get(actorOf(request), request.params.id);
      return reply.header('etag', etag(ep.version)).send(ep);
    },
  );
  r.patch(
    '/v1/webhooks/:id',
    {
      schema: {
        tags: wh,
        operationId: 'updateWebhookEndpoint',
        summary: 'Change URL, event types, description or enabled (re-enabling resets the failure count)',
        params: IdParams,
        body: WebhookEndpointUpdate,
        response: { 200: WebhookEndpoint, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const ep = await s.webhooks.update(actorOf(request), request.params.id, request.body);
      return reply.header('etag', etag(ep.version)).send(ep);
    },
  );
  r.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        tags: wh,
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint and its delivery log',
        params: IdParams,
        response: { 204: z.null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await s.webhooks.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  r.post(
    '/v1/webhooks/:id/rotate-secret',
    {
      schema: {
        tags: wh,
        operationId: 'rotateWebhookSecret',
        summary: 'New signing secret; the old one also signs (second signature) during the overlap',
        params: IdParams,
        body: SecretRotate.optional(),
        response: { 200: WebhookEndpointWithSecret, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.webhooks.rotateSecret(actorOf(request), request.params.id, request.body ?? {}),
  );
  r.post(
    '/v1/webhooks/:id/ping',
    {
      schema: {
        tags: wh,
        operationId: 'pingWebhookEndpoint',
        summary: 'Send a signed webhook.ping now and report the answer (recorded in the delivery log)',
        params: IdParams,
        response: { 200: PingResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.webhooks.ping(actorOf(request), request.params.id),
  );
  r.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags: wh,
        operationId: 'listWebhookDeliveries',
        summary: 'Delivery log of an endpoint, newest first',
        params: IdParams,
        querystring: PageQuery.extend(DeliveryListQuery.shape),
        response: { 200: pageSchema(WebhookDelivery), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await s.webhooks.deliveries(actorOf(request), request.params.id, request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/webhooks/:id/deliveries/:deliveryId',
    {
      schema: {
        tags: wh,
        operationId: 'getWebhookDelivery',
        summary: 'A delivery with every attempt',
        params: DeliveryParams,
        response: { 200: WebhookDeliveryDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.webhooks.delivery(actorOf(request), request.params.id, request.params.deliveryId),
  );
  r.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags: wh,
        operationId: 'redeliverWebhook',
        summary: 'Queue a finished delivery again (same webhook-id, fresh retry schedule)',
        params: DeliveryParams,
        response: { 200: WebhookDelivery, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => s.webhooks.redeliver(actorOf(request), request.params.id, request.params.deliveryId),
  );

  // ---- jobs and imports ------------------------------------------------------------------------------------
  r.get(
    '/v1/jobs',
    {
      schema: {
        tags: ['jobs'],
        operationId: 'listJobs',
        summary: 'Background jobs, newest first (scope jobs:read)',
        querystring: PageQuery,
        response: { 200: pageSchema(Job), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.jobs.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        operationId: 'getJob',
        summary: 'Progress, error report and result of a job (its creator, or scope jobs:read)',
        params: IdParams,
        response: { 200: Job, ...problems(400, 401, 404) },
      },
    },
    async (request) => s.jobs.get(actorOf(request), request.params.id),
  );

  r.get(
    '/v1/imports',
    {
      schema: {
        tags: ['jobs'],
        operationId: 'listImportKinds',
        summary: 'Import kinds this server runs (POST /v1/imports/{kind} or the module route)',
        response: { 200: z.object({ data: z.array(z.string()) }), ...problems(401) },
      },
    },
    async () => ({ data: importsOf(app.store).names() }),
  );
  r.post(
    '/v1/imports/:kind',
    {
      schema: {
        tags: ['jobs'],
        operationId: 'runImport',
        summary: 'Run any registered import kind: CSV (text/csv) or NDJSON (application/x-ndjson) body; ?async=true answers 202 with a job',
        params: z.object({ kind: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'an import kind such as onboarding.partners') }),
        querystring: ImportQuery,
        response: { 200: ImportReportSchema, 202: JobAccepted, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { kind } = request.params;
      if (!importsOf(app.store).get(kind)) throw new DomainError('NOT_FOUND', `import kind '${kind}' is not registered (GET /v1/imports lists them)`);
      const res = await serveImport(app.store, request, kind);
      if ('jobId' in res)
        return reply
          .code(202)
          .header('location', `/v1/jobs/${res.jobId}`)
          .send({ jobId: res.jobId, status: 'queued', location: `/v1/jobs/${res.jobId}` });
      return res;
    },
  );
}
