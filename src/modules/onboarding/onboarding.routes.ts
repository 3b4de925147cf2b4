import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, IdParams, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import {
  Agreement,
  AgreementCreate,
  AgreementListQuery,
  AgreementUpdate,
  CheckQuery,
  CheckResult,
  CrossRegionCreate,
  CrossRegionListQuery,
  CrossRegionRequest,
  DecisionBody,
  RenewBody,
  Right,
  TerminateBody,
} from './agreements.schemas.js';
import type { AgreementService } from './agreements.service.js';
import type { CrossRegionService } from './cross-region.service.js';
import type { RightsService } from './rights.service.js';
import {
  Application,
  ApplicationCreate,
  ApplicationListQuery,
  ApplicationUpdate,
  ApproveBody,
  Assessment,
  ChecklistKind,
  ChecklistKindCreate,
  ChecklistKindUpdate,
  ChecksBody,
  ReasonBody,
  RequiredReasonBody,
  Screening,
  ScreeningOut,
  ScoresBody,
} from './applications.schemas.js';
import type { ApplicationService } from './applications.service.js';
import { idAction } from './partners.routes.js';

const P = '/v1/onboarding';

export async function onboardingRoutes(
  app: FastifyInstance,
  {
    applications,
    agreements,
    crossRegion,
    rights,
  }: { applications: ApplicationService; agreements: AgreementService; crossRegion: CrossRegionService; rights: RightsService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // ---------------------------------------------------------------- applications
  let tags = ['applications'];
  r.post(
    `${P}/applications`,
    {
      schema: {
        tags,
        operationId: 'createApplication',
        summary: 'Create an application (draft, or submitted with submit=true); scope applications:submit or onboarding:write',
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: ApplicationCreate,
        response: { 201: Application, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const a = await applications.create(actorOf(req), req.body);
      return reply.code(201).header('location', `${P}/applications/${a.id}`).header('etag', etag(a.version)).send(a);
    },
  );
  r.get(
    `${P}/applications`,
    {
      schema: {
        tags,
        operationId: 'listApplications',
        summary: 'List applications (a submit-only token sees its own)',
        querystring: PageQuery.extend(ApplicationListQuery.shape),
        response: { 200: pageSchema(Application), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await applications.list(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    `${P}/applications/:id`,
    {
      schema: {
        tags,
        operationId: 'getApplication',
        summary: 'Get an application',
        params: IdParams,
        response: { 200: Application, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => applications.get(actorOf(req), req.params.id),
  );
  r.patch(
    `${P}/applications/:id`,
    {
      schema: {
        tags,
        operationId: 'updateApplication',
        summary: 'Edit a draft application',
        params: IdParams,
        body: ApplicationUpdate,
        response: { 200: Application, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => applications.update(actorOf(req), req.params.id, req.body),
  );
  for (const action of ['submit', 'withdraw', 'review'] as const) {
    r.post(
      idAction(`${P}/applications`, action),
      {
        schema: {
          tags,
          operationId: `${action}Application`,
          summary:
            action === 'review'
              ? 'Start the review (submitted -> under_review)'
              : action === 'submit'
                ? 'Submit a draft'
                : 'Withdraw (draft, submitted or under review)',
          params: IdParams,
          body: ReasonBody,
          response: { 200: Application, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => applications.act(actorOf(req), req.params.id, action, req.body?.reason ?? null),
    );
  }
  r.post(
    idAction(`${P}/applications`, 'reject'),
    {
      schema: {
        tags,
        operationId: 'rejectApplication',
        summary: 'Reject with a reason',
        params: IdParams,
        body: RequiredReasonBody,
        response: { 200: Application, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => applications.reject(actorOf(req), req.params.id, req.body.reason),
  );
  r.post(
    idAction(`${P}/applications`, 'approve'),
    {
      schema: {
        tags,
        operationId: 'approveApplication',
        summary: 'Approve: creates or links the partner and a draft agreement; 422 names missing/failed checklist items or the low score',
        params: IdParams,
        body: ApproveBody,
        response: { 200: z.object({ application: Application, partnerId: z.uuid(), agreementId: z.uuid() }), ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => applications.approve(actorOf(req), req.params.id, req.body ?? {}),
  );
  r.put(
    `${P}/applications/:id/checks`,
    {
      schema: {
        tags,
        operationId: 'recordApplicationChecks',
        summary: 'Record qualification review results (upsert per item kind)',
        params: IdParams,
        body: ChecksBody,
        response: { 200: Assessment, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => applications.recordChecks(actorOf(req), req.params.id, req.body),
  );
  r.put(
    `${P}/applications/:id/scores`,
    {
      schema: {
        tags,
        operationId: 'recordApplicationScores',
        summary: 'Record screening scores 0-100 (upsert per criterion)',
        params: IdParams,
        body: ScoresBody,
        response: { 200: Assessment, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => applications.recordScores(actorOf(req), req.params.id, req.body),
  );
  r.get(
    `${P}/applications/:id/assessment`,
    {
      schema: {
        tags,
        operationId: 'getApplicationAssessment',
        summary: 'Checklist status, weighted score with breakdown, and whether it can be approved',
        params: IdParams,
        response: { 200: Assessment, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => applications.assessment(actorOf(req), req.params.id),
  );

  tags = ['review settings'];
  r.post(
    `${P}/checklist-items`,
    {
      schema: {
        tags,
        operationId: 'createChecklistItemKind',
        summary: 'Define a qualification checklist item kind',
        body: ChecklistKindCreate,
        response: { 201: ChecklistKind, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await applications.createKind(actorOf(req), req.body)),
  );
  r.get(
    `${P}/checklist-items`,
    {
      schema: {
        tags,
        operationId: 'listChecklistItemKinds',
        summary: 'Checklist item kinds',
        response: { 200: z.object({ data: z.array(ChecklistKind) }), ...problems(401, 403) },
      },
    },
    async (req) => ({
      data: await applications.listKinds(actorOf(req)),
    }),
  );
  r.get(
    `${P}/checklist-items/by-code/:code`,
    {
      schema: {
        tags,
        operationId: 'getChecklistItemKindByCode',
        summary: "Get a checklist item kind by the tenant's code",
        params: z.object({ code: z.string().trim().min(1).max(64) }),
        response: { 200: ChecklistKind, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => applications.kindByCode(actorOf(req), req.params.code),
  );
  r.patch(
    `${P}/checklist-items/:id`,
    {
      schema: {
        tags,
        operationId: 'updateChecklistItemKind',
        summary: 'Change a checklist item kind (name, required, active)',
        params: IdParams,
        body: ChecklistKindUpdate,
        response: { 200: ChecklistKind, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => applications.updateKind(actorOf(req), req.params.id, req.body),
  );
  r.get(
    `${P}/screening`,
    {
      schema: {
        tags,
        operationId: 'getScreening',
        summary: 'Screening criteria (weights) and minimum score',
        response: { 200: ScreeningOut, ...problems(401, 403) },
      },
    },
    async (req) => applications.getScreening(actorOf(req)),
  );
  r.put(
    `${P}/screening`,
    {
      schema: {
        tags,
        operationId: 'setScreening',
        summary: 'Replace the screening criteria (weights must sum to 100) and the minimum score',
        body: Screening,
        response: { 200: ScreeningOut, ...problems(400, 401, 403) },
      },
    },
    async (req) => applications.setScreening(actorOf(req), req.body),
  );

  // ---------------------------------------------------------------- agreements
  tags = ['agreements'];
  r.post(
    `${P}/agreements`,
    {
      schema: {
        tags,
        operationId: 'createAgreement',
        summary: 'Create a draft agreement',
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: AgreementCreate,
        response: { 201: Agreement, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const a = await agreements.create(actorOf(req), req.body);
      return reply.code(201).header('location', `${P}/agreements/${a.id}`).header('etag', etag(a.version)).send(a);
    },
  );
  r.get(
    `${P}/agreements`,
    {
      schema: {
        tags,
        operationId: 'listAgreements',
        summary: 'List agreements (partner users: their own); expiringWithinDays=N for active agreements ending soon',
        querystring: PageQuery.extend(AgreementListQuery.shape),
        response: { 200: pageSchema(Agreement), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const page = await agreements.list(actor, req.query);
      return { data: await agreements.withChildren(actor, page.items), nextCursor: page.nextCursor };
    },
  );
  r.get(
    `${P}/agreements/:id`,
    {
      schema: {
        tags,
        operationId: 'getAgreement',
        summary: 'Get an agreement',
        params: IdParams,
        response: { 200: Agreement, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const a = await agreements.get(actorOf(req), req.params.id);
      return reply.header('etag', etag(a.version)).send(a);
    },
  );
  r.patch(
    `${P}/agreements/:id`,
    {
      schema: {
        tags,
        operationId: 'updateAgreement',
        summary: 'Edit a draft agreement (territories and products are replaced when given)',
        params: IdParams,
        body: AgreementUpdate,
        response: { 200: Agreement, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => agreements.update(actorOf(req), req.params.id, req.body),
  );
  r.post(
    `${P}/agreements::sweep`,
    {
      schema: {
        tags,
        operationId: 'sweepAgreements',
        summary:
          "Run the agreement sweep now for the caller's tenant (the workers run it hourly): expire active agreements past their end date, start scheduled renewals whose term has begun, announce those ending within noticeDays once (agreement.expiring)",
        body: z.strictObject({ noticeDays: z.number().int().min(1).max(365).default(30) }).optional(),
        response: { 200: z.object({ expired: z.number().int(), expiring: z.number().int(), started: z.number().int() }), ...problems(400, 401, 403) },
      },
    },
    async (req) => agreements.sweepNow(actorOf(req), req.body?.noticeDays ?? 30),
  );
  r.post(
    idAction(`${P}/agreements`, 'activate'),
    {
      schema: {
        tags,
        operationId: 'activateAgreement',
        summary: 'draft -> active (409: another active agreement of the partner, or an exclusive territory clash)',
        params: IdParams,
        response: { 200: Agreement, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => agreements.activate(actorOf(req), req.params.id),
  );
  r.post(
    idAction(`${P}/agreements`, 'terminate'),
    {
      schema: {
        tags,
        operationId: 'terminateAgreement',
        summary: 'End an active agreement: reason expiry (-> expired), breach or mutual (-> terminated)',
        params: IdParams,
        body: TerminateBody,
        response: { 200: Agreement, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => agreements.terminate(actorOf(req), req.params.id, req.body),
  );
  r.post(
    idAction(`${P}/agreements`, 'renew'),
    {
      schema: {
        tags,
        operationId: 'renewAgreement',
        summary: 'New draft agreement linked to this one (activating it expires the old)',
        params: IdParams,
        body: RenewBody,
        response: { 201: Agreement, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await agreements.renew(actorOf(req), req.params.id, req.body)),
  );

  // ---------------------------------------------------------------- cross-region, rights, check
  tags = ['territory rights'];
  r.post(
    `${P}/cross-region-requests`,
    {
      schema: {
        tags,
        operationId: 'createCrossRegionRequest',
        summary: 'Ask to sell in a territory outside the own ones (partner users file for themselves)',
        body: CrossRegionCreate,
        response: { 201: CrossRegionRequest, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await crossRegion.createCrossRegion(actorOf(req), req.body)),
  );
  r.get(
    `${P}/cross-region-requests`,
    {
      schema: {
        tags,
        operationId: 'listCrossRegionRequests',
        summary: 'List cross-region requests (partner users: their own)',
        querystring: PageQuery.extend(CrossRegionListQuery.shape),
        response: { 200: pageSchema(CrossRegionRequest), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await crossRegion.listCrossRegion(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    `${P}/cross-region-requests/:id`,
    {
      schema: {
        tags,
        operationId: 'getCrossRegionRequest',
        summary: 'Get a cross-region request',
        params: IdParams,
        response: { 200: CrossRegionRequest, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => crossRegion.getCrossRegion(actorOf(req), req.params.id),
  );
  for (const d of ['approve', 'reject'] as const) {
    r.post(
      idAction(`${P}/cross-region-requests`, d),
      {
        schema: {
          tags,
          operationId: `${d}CrossRegionRequest`,
          summary: `${d === 'approve' ? 'Approve' : 'Reject'} a pending cross-region request`,
          params: IdParams,
          body: DecisionBody,
          response: { 200: CrossRegionRequest, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => crossRegion.decideCrossRegion(actorOf(req), req.params.id, d, req.body?.note ?? null),
    );
  }
  r.get(
    `${P}/partners/:id/rights`,
    {
      schema: {
        tags,
        operationId: 'listPartnerRights',
        summary: "A partner's territories and authorised products/lines valid on a date (from the partner_territory_rights view)",
        params: IdParams,
        querystring: z.object({ date: z.iso.date().optional() }),
        response: { 200: z.object({ data: z.array(Right) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => ({ data: await rights.rights(actorOf(req), req.params.id, req.query.date) }),
  );
  r.get(
    `${P}/authorizations/check`,
    {
      schema: {
        tags,
        operationId: 'checkAuthorization',
        summary: 'May partner P sell product X in territory T on date D? (ids or codes)',
        querystring: CheckQuery,
        response: { 200: CheckResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => rights.check(actorOf(req), req.query),
  );
}
