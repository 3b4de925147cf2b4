import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, IdParams, problems } from '../../platform/http.js';
import { ImportQuery, ImportReportSchema, serveImport } from '../../platform/imports.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import {
  ChannelTerms,
  Deviation,
  DeviationCreate,
  DeviationDecision,
  DeviationListQuery,
  Observation,
  ObservationCreate,
  PriceLine,
  PriceLinesInput,
  PricePolicy,
  PricePolicyCreate,
  PricePolicyUpdate,
  PriceVersion,
  PriceVersionCreate,
  PriceVersionUpdate,
  PublishInput,
  ResolveBatchInput,
  ResolveBatchResult,
  ResolvedPrice,
  ResolvedTerms,
  ResolveQuery,
  SCOPE_KINDS,
  TermsCreate,
  TermsResolveQuery,
  TermsUpdate,
  VERSION_STATUSES,
  ViolationListQuery,
} from './policy.schemas.js';
import type { PolicyServices } from './index.js';

const IMPORT_CONSUMES = ['text/csv', 'application/x-ndjson'];
const JobAccepted = z.object({ jobId: z.string() });
const LinesResult = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }).meta({ id: 'PriceLinesResult' });

export async function policyRoutes(app: FastifyInstance, s: PolicyServices) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['policy'];

  // ---- price policies and versions -----------------------------------------------------------------------------
  r.post(
    '/v1/policy/price-policies',
    {
      schema: {
        tags,
        operationId: 'createPricePolicy',
        summary: 'Create a price policy (name, currency, scope)',
        body: PricePolicyCreate,
        response: { 201: PricePolicy, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const p = await s.prices.createPolicy(actorOf(req), req.body);
      return reply.code(201).header('location', `/v1/policy/price-policies/${p.id}`).header('etag', etag(p.version)).send(p);
    },
  );

  r.get(
    '/v1/policy/price-policies',
    {
      schema: {
        tags,
        operationId: 'listPricePolicies',
        summary: 'List price policies',
        querystring: PageQuery.extend({ scopeKind: z.enum(SCOPE_KINDS).optional() }),
        response: { 200: pageSchema(PricePolicy), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.prices.listPolicies(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/policy/price-policies/:id',
    {
      schema: {
        tags,
        operationId: 'getPricePolicy',
        summary: 'Get a price policy with its versions',
        params: IdParams,
        response: { 200: PricePolicy.extend({ versions: z.array(PriceVersion) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = await s.prices.getPolicyWithVersions(actorOf(req), req.params.id);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );
  r.get(
    '/v1/policy/price-policies/by-code/:code',
    {
      schema: {
        tags,
        operationId: 'getPricePolicyByCode',
        summary: "Get a price policy with its versions by the tenant's code",
        params: z.object({ code: z.string().trim().min(1).max(64) }),
        response: { 200: PricePolicy.extend({ versions: z.array(PriceVersion) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = await s.prices.getPolicyWithVersions(actorOf(req), req.params.code);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );

  r.patch(
    '/v1/policy/price-policies/:id',
    {
      schema: {
        tags,
        operationId: 'updatePricePolicy',
        summary: 'Rename a price policy (scope and currency are fixed)',
        params: IdParams,
        body: PricePolicyUpdate,
        response: { 200: PricePolicy, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.prices.updatePolicy(actorOf(req), req.params.id, req.body),
  );

  r.post(
    '/v1/policy/price-policies/:id/versions',
    {
      schema: {
        tags,
        operationId: 'createPriceVersion',
        summary: 'Create a draft version (optionally a copy of another version of the policy)',
        params: IdParams,
        body: PriceVersionCreate,
        response: { 201: PriceVersion, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const v = await s.prices.createVersion(actorOf(req), req.params.id, req.body);
      return reply.code(201).header('location', `/v1/policy/versions/${v.id}`).send(v);
    },
  );

  r.get(
    '/v1/policy/versions/:id',
    {
      schema: {
        tags,
        operationId: 'getPriceVersion',
        summary: 'Get a price version',
        params: IdParams,
        response: { 200: PriceVersion, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const v = await s.prices.getVersion(actorOf(req), req.params.id);
      return reply.header('etag', etag(v.version)).send(v);
    },
  );

  r.patch(
    '/v1/policy/versions/:id',
    {
      schema: {
        tags,
        operationId: 'updatePriceVersion',
        summary: 'Edit a draft version (dates, discount rules, note); published versions answer 409',
        params: IdParams,
        body: PriceVersionUpdate,
        response: { 200: PriceVersion, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.prices.updateVersion(actorOf(req), req.params.id, req.body),
  );

  r.get(
    '/v1/policy/versions/:id/lines',
    {
      schema: {
        tags,
        operationId: 'listPriceLines',
        summary: 'Price lines of a version',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageSchema(PriceLine), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const page = await s.prices.listLines(actorOf(req), req.params.id, req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.post(
    '/v1/policy/versions/:id/lines',
    {
      schema: {
        tags,
        operationId: 'upsertPriceLines',
        summary: 'Upsert up to 1,000 price lines of a draft by product / product-line code',
        params: IdParams,
        body: PriceLinesInput,
        response: { 200: LinesResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => s.prices.setLines(actorOf(req), req.params.id, req.body),
  );

  r.delete(
    '/v1/policy/versions/:id/lines/:lineId',
    {
      schema: {
        tags,
        operationId: 'deletePriceLine',
        summary: 'Remove a price line from a draft',
        params: z.object({ id: z.uuid(), lineId: z.uuid() }),
        response: { 204: z.null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await s.prices.deleteLine(actorOf(req), req.params.id, req.params.lineId);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/v1/policy/versions/:id/lines::import',
    {
      schema: {
        tags,
        operationId: 'importPriceLines',
        summary: 'Import a price list into a draft (CSV with header product|productLine,distributionPrice,suggestedRetailPrice,minResalePrice, or NDJSON)',
        description:
          'Body: text/csv or application/x-ndjson, streamed; upsert by product / product-line code; row-level report. Import kind `policy.price-lines` (with ?async=true: 202 and a job).',
        consumes: IMPORT_CONSUMES,
        params: IdParams,
        querystring: ImportQuery,
        response: { 200: ImportReportSchema, 202: JobAccepted, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await s.prices.assertImportableDraft(actorOf(req), req.params.id); // 404 / 409 before reading the body
      const res = await serveImport(app.store, req, 'policy.price-lines', { versionId: req.params.id });
      if ('jobId' in res) reply.code(202);
      return res;
    },
  );

  r.post(
    '/v1/policy/versions/:id/publish',
    {
      schema: {
        tags,
        operationId: 'publishPriceVersion',
        summary: 'Publish a draft (409 when a published version of the same scope prices a same product on overlapping dates)',
        params: IdParams,
        body: PublishInput.optional(),
        response: { 200: PriceVersion, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => s.prices.publish(actorOf(req), req.params.id, req.body ?? {}),
  );

  r.post(
    '/v1/policy/versions/:id/retire',
    {
      schema: {
        tags,
        operationId: 'retirePriceVersion',
        summary: 'Retire a published version (it stops applying)',
        params: IdParams,
        response: { 200: PriceVersion, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.prices.retire(actorOf(req), req.params.id),
  );

  // ---- resolution ----------------------------------------------------------------------------------------------
  r.get(
    '/v1/policy/prices/resolve',
    {
      schema: {
        tags,
        operationId: 'resolvePrice',
        summary: 'The price for a partner, product, date and quantity, with the chain that produced it',
        querystring: ResolveQuery,
        response: { 200: ResolvedPrice.extend({ partnerId: z.uuid(), date: z.string() }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.resolution.resolveOne(actorOf(req), req.query),
  );

  r.post(
    '/v1/policy/prices::resolve',
    {
      schema: {
        tags,
        operationId: 'resolvePrices',
        summary: 'Resolve up to 1,000 lines for one partner (bounded number of SQL statements)',
        body: ResolveBatchInput,
        response: { 200: ResolveBatchResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.resolution.resolveBatch(actorOf(req), req.body),
  );

  // ---- deviations ----------------------------------------------------------------------------------------------
  r.post(
    '/v1/policy/deviations',
    {
      schema: {
        tags,
        operationId: 'createDeviation',
        summary: 'Request a price deviation (调价申请)',
        body: DeviationCreate,
        response: { 201: Deviation, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (req, reply) => {
      const d = await s.deviations.create(actorOf(req), req.body);
      return reply.code(201).header('location', `/v1/policy/deviations/${d.id}`).send(d);
    },
  );

  r.get(
    '/v1/policy/deviations',
    {
      schema: {
        tags,
        operationId: 'listDeviations',
        summary: 'List deviation requests (partner users: their own)',
        querystring: PageQuery.extend(DeviationListQuery.shape),
        response: { 200: pageSchema(Deviation), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.deviations.list(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/policy/deviations/:id',
    {
      schema: {
        tags,
        operationId: 'getDeviation',
        summary: 'Get a deviation request',
        params: IdParams,
        response: { 200: Deviation, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.deviations.get(actorOf(req), req.params.id),
  );

  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    r.post(
      `/v1/policy/deviations/:id/${action}`,
      {
        schema: {
          tags,
          operationId: `${action}Deviation`,
          summary: `${action === 'approve' ? 'Approve' : 'Reject'} a pending deviation request (tenant users)`,
          params: IdParams,
          body: DeviationDecision.optional(),
          response: { 200: Deviation, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => s.deviations.decide(actorOf(req), req.params.id, decision, req.body ?? {}),
    );
  }

  // ---- channel terms -------------------------------------------------------------------------------------------
  r.post(
    '/v1/policy/terms',
    {
      schema: {
        tags,
        operationId: 'createChannelTerms',
        summary: 'Create draft channel terms for a scope (optionally copied)',
        body: TermsCreate,
        response: { 201: ChannelTerms, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.terms.create(actorOf(req), req.body)),
  );

  r.get(
    '/v1/policy/terms',
    {
      schema: {
        tags,
        operationId: 'listChannelTerms',
        summary: 'List channel terms',
        querystring: PageQuery.extend({ status: z.enum(VERSION_STATUSES).optional() }),
        response: { 200: pageSchema(ChannelTerms), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.terms.list(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/policy/terms/resolve',
    {
      schema: {
        tags,
        operationId: 'resolveTerms',
        summary: 'Merged channel terms for a partner on a date, with the scope of each field',
        querystring: TermsResolveQuery,
        response: { 200: ResolvedTerms, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.terms.resolve(actorOf(req), req.query),
  );

  r.get(
    '/v1/policy/terms/:id',
    {
      schema: {
        tags,
        operationId: 'getChannelTerms',
        summary: 'Get channel terms',
        params: IdParams,
        response: { 200: ChannelTerms, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.terms.get(actorOf(req), req.params.id),
  );

  r.patch(
    '/v1/policy/terms/:id',
    {
      schema: {
        tags,
        operationId: 'updateChannelTerms',
        summary: 'Edit draft channel terms (published ones answer 409)',
        params: IdParams,
        body: TermsUpdate,
        response: { 200: ChannelTerms, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.terms.update(actorOf(req), req.params.id, req.body),
  );

  r.post(
    '/v1/policy/terms/:id/publish',
    {
      schema: {
        tags,
        operationId: 'publishChannelTerms',
        summary: 'Publish draft channel terms (409 on overlap in the same scope)',
        params: IdParams,
        body: PublishInput.optional(),
        response: { 200: ChannelTerms, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.terms.publish(actorOf(req), req.params.id, req.body ?? {}),
  );

  r.post(
    '/v1/policy/terms/:id/retire',
    {
      schema: {
        tags,
        operationId: 'retireChannelTerms',
        summary: 'Retire published channel terms',
        params: IdParams,
        response: { 200: ChannelTerms, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => s.terms.retire(actorOf(req), req.params.id),
  );

  // ---- observations and violations -----------------------------------------------------------------------------
  r.post(
    '/v1/policy/price-observations',
    {
      schema: {
        tags,
        operationId: 'recordPriceObservation',
        summary: 'Record an observed resale price; the answer says whether it is a violation (乱价)',
        body: ObservationCreate,
        response: { 201: Observation, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.violations.record(actorOf(req), req.body)),
  );

  r.post(
    '/v1/policy/price-observations::import',
    {
      schema: {
        tags,
        operationId: 'importPriceObservations',
        summary: 'Import observed resale prices (CSV header partner,product,date,price,source,reference or NDJSON)',
        description: 'Body: text/csv or application/x-ndjson, streamed; a repeated (source, reference) is skipped. Import kind `policy.price-observations`.',
        consumes: IMPORT_CONSUMES,
        querystring: ImportQuery,
        response: { 200: ImportReportSchema, 202: JobAccepted, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const res = await serveImport(app.store, req, 'policy.price-observations');
      if ('jobId' in res) reply.code(202);
      return res;
    },
  );

  r.get(
    '/v1/policy/violations',
    {
      schema: {
        tags,
        operationId: 'listPriceViolations',
        summary: 'Price violations by date (partner users: their own)',
        querystring: PageQuery.extend(ViolationListQuery.shape),
        response: { 200: pageSchema(Observation), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.violations.listViolations(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
}
