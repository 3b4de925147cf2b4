import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { actionPath, etag, IdParams, ifMatchVersion, pageEtag, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import { ImportQuery, ImportReportSchema, serveImport } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import { importValidator } from './catalog.routes.js';
import { ImportBody } from './catalog.schemas.js';
import { PUBLIC_PARTNER_ACTIONS } from './onboarding.rules.js';
import { Code, Partner, PartnerCreate, PartnerHistoryEntry, PartnerListQuery, PartnerUpdate, PartnerUpsert, TransitionBody } from './partners.schemas.js';
import type { PartnerService } from './partners.service.js';

/** the fields a partner is written with (part of a page's ETag) */
const PARTNER_FIELDS = Object.keys(Partner.shape).join(',');

/** `${base}/{id}:${action}` */
export const idAction = (base: string, action: string) => actionPath(base, action);

export async function partnerRoutes(app: FastifyInstance, { partners, store }: { partners: PartnerService; store: Store }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['partners'];

  r.post(
    '/v1/partners::import',
    {
      schema: {
        tags,
        operationId: 'importPartners',
        summary:
          'Bulk upsert partners by code from CSV or NDJSON (columns: code,legalName,type,channel,parentCode,tier,contactName,contactEmail,contactPhone,regionCode,status)',
        querystring: ImportQuery,
        body: ImportBody,
        consumes: ['text/csv', 'application/x-ndjson'],
        response: { 200: ImportReportSchema, 202: z.object({ jobId: z.string() }), ...problems(400, 401, 403) },
      },
      validatorCompiler: importValidator as never,
    },
    async (request, reply) => {
      const out = await serveImport(store, request, 'onboarding.partners');
      if ('jobId' in out) reply.code(202);
      return out;
    },
  );

  for (const action of PUBLIC_PARTNER_ACTIONS) {
    r.post(
      idAction('/v1/partners', action),
      {
        schema: {
          tags,
          operationId: `${action}Partner`,
          summary: `Lifecycle: ${action} the partner (409 ILLEGAL_TRANSITION lists the allowed actions)`,
          params: IdParams,
          body: TransitionBody,
          response: { 200: Partner, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const p = await partners.transition(actorOf(request), request.params.id, action, request.body?.reason ?? null);
        return reply.header('etag', etag(p.version)).send(p);
      },
    );
  }

  r.get(
    '/v1/partners/:id/history',
    {
      schema: {
        tags,
        operationId: 'listPartnerHistory',
        summary: 'Lifecycle history of a partner (who, when, from, to, reason), oldest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageSchema(PartnerHistoryEntry), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await partners.history(actorOf(request), request.params.id, request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.post(
    '/v1/partners',
    {
      schema: {
        tags,
        operationId: 'createPartner',
        summary: 'Create a partner',
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: PartnerCreate,
        response: { 201: Partner, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const p = await partners.create(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/partners/${p.id}`).header('etag', etag(p.version)).send(p);
    },
  );

  r.get(
    '/v1/partners',
    {
      schema: {
        tags,
        operationId: 'listPartners',
        summary: 'List partners (cursor pagination, ordered by creation)',
        querystring: PageQuery.extend(PartnerListQuery.shape),
        response: { 200: pageSchema(Partner), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const page = await partners.list(actorOf(request), request.query);
      // every change of a partner raises its version: the page's ids and versions decide its body
      reply.header('etag', pageEtag(page.items, page.nextCursor, PARTNER_FIELDS));
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/partners/:id',
    {
      schema: {
        tags,
        operationId: 'getPartner',
        summary: 'Get a partner',
        params: IdParams,
        response: { 200: Partner, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const p = await partners.get(actorOf(request), request.params.id);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );

  r.patch(
    '/v1/partners/:id',
    {
      schema: {
        tags,
        operationId: 'updatePartner',
        summary: 'Update a partner (optimistic concurrency with If-Match or body.version)',
        params: IdParams,
        headers: z.object({ 'if-match': z.string().optional() }),
        body: PartnerUpdate,
        response: { 200: Partner, ...problems(400, 401, 403, 404, 409, 412, 422) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request);
      const p = await partners.update(actorOf(request), request.params.id, request.body, ifMatch === undefined ? {} : { ifMatch });
      return reply.header('etag', etag(p.version)).send(p);
    },
  );

  r.get(
    '/v1/partners/by-code/:code',
    {
      schema: {
        tags,
        operationId: 'getPartnerByCode',
        summary: "Get a partner by the tenant's code (partner users: their own and, with a subtree credential, their descendants)",
        params: z.object({ code: Code }),
        response: { 200: Partner, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const p = await partners.getByCode(actorOf(request), request.params.code);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );

  r.put(
    '/v1/partners/by-code/:code',
    {
      schema: {
        tags,
        operationId: 'upsertPartnerByCode',
        summary: "Create or update the partner with the tenant's code (ERP sync)",
        params: z.object({ code: Code }),
        body: PartnerUpsert,
        response: { 200: Partner, 201: Partner, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { partner, created } = await partners.upsertByCode(actorOf(request), request.params.code, request.body);
      if (created) reply.header('location', `/v1/partners/${partner.id}`);
      return reply
        .code(created ? 201 : 200)
        .header('etag', etag(partner.version))
        .send(partner);
    },
  );
}
