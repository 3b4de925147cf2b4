import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, IdParams, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import type { OrganisationServices } from './index.js';
import {
  ApprovalDecision,
  ApprovalKindParams,
  ApprovalListQuery,
  ApprovalPolicy,
  ApprovalPolicyPut,
  ApprovalRequest,
  ApprovalRequestCreate,
  OrgUnit,
  OrgUnitCreate,
  OrgUnitListQuery,
  OrgUnitUpdate,
  OrgUnitUpsert,
  Ownership,
  OwnershipAssign,
  OwnershipBulkAssign,
  OwnershipListQuery,
  StaffCreate,
  StaffListQuery,
  StaffMember,
  StaffUpdate,
  StaffUpsert,
} from './organisation.schemas.js';

const CodeParams = z.object({ code: z.string().trim().min(1).max(64) });
const PartnerParams = z.object({ partner: z.string().trim().min(1).max(64).describe('partner id or code') });
const idem = z.object({ 'idempotency-key': z.string().optional() });

export async function organisationRoutes(app: FastifyInstance, s: OrganisationServices) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['organisation'];
  const base = '/v1/organisation';

  // ---- org units and staff: the same six routes each ---------------------------------------------------------
  const resources = [
    {
      path: 'units',
      op: 'OrgUnit',
      ops: 'OrgUnits',
      schema: OrgUnit,
      create: OrgUnitCreate,
      upsert: OrgUnitUpsert,
      update: OrgUnitUpdate,
      query: OrgUnitListQuery,
      svc: {
        create: (a, b) => s.org.createUnit(a, b),
        upsert: async (a, c, b) => {
          const o = await s.org.upsertUnit(a, c, b);
          return { out: o.unit, created: o.created };
        },
        update: (a, id, b) => s.org.updateUnit(a, id, b),
        get: (a, id) => s.org.getUnit(a, id),
        list: (a, q) => s.org.listUnits(a, q as never),
      },
    },
    {
      path: 'staff',
      op: 'StaffMember',
      ops: 'StaffMembers',
      schema: StaffMember,
      create: StaffCreate,
      upsert: StaffUpsert,
      update: StaffUpdate,
      query: StaffListQuery,
      svc: {
        create: (a, b) => s.org.createStaff(a, b),
        upsert: async (a, c, b) => {
          const o = await s.org.upsertStaff(a, c, b);
          return { out: o.staff, created: o.created };
        },
        update: (a, id, b) => s.org.updateStaff(a, id, b),
        get: (a, id) => s.org.getStaff(a, id),
        list: (a, q) => s.org.listStaff(a, q as never),
      },
    },
  ] satisfies {
    path: string;
    op: string;
    ops: string;
    schema: z.ZodType;
    create: z.ZodType;
    upsert: z.ZodType;
    update: z.ZodType;
    query: z.ZodObject;
    svc: {
      create: (a: never, b: unknown) => Promise<{ id: string; version: number }>;
      upsert: (a: never, code: string, b: unknown) => Promise<{ out: { id: string; version: number }; created: boolean }>;
      update: (a: never, id: string, b: unknown) => Promise<{ version: number }>;
      get: (a: never, id: string) => Promise<{ version: number }>;
      list: (a: never, q: unknown) => Promise<{ items: unknown[]; nextCursor: string | null }>;
    };
  }[];

  r.get(
    `${base}/staff/me`,
    {
      schema: {
        tags,
        operationId: 'getMyStaffMember',
        summary: 'The staff member the caller signs in as (by JWT sub or API key id)',
        response: { 200: StaffMember, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.org.me(actorOf(req)),
  );

  for (const res of resources) {
    const path = `${base}/${res.path}`;
    r.post(
      path,
      {
        schema: {
          tags,
          operationId: `create${res.op}`,
          summary: `Create a ${res.op}`,
          headers: idem,
          body: res.create,
          response: { 201: res.schema, ...problems(400, 401, 403, 409, 422) },
        },
      },
      async (req, reply) => {
        const out = await res.svc.create(actorOf(req) as never, req.body);
        return reply
          .code(201)
          .header('location', `${path}/${out.id}`)
          .header('etag', etag(out.version))
          .send(out as never);
      },
    );
    r.get(
      path,
      {
        schema: {
          tags,
          operationId: `list${res.ops}`,
          summary: `List ${res.ops} (cursor pagination)`,
          querystring: PageQuery.extend(res.query.shape),
          response: { 200: pageSchema(res.schema), ...problems(400, 401, 403) },
        },
      },
      async (req) => {
        const page = await res.svc.list(actorOf(req) as never, req.query);
        return { data: page.items as never[], nextCursor: page.nextCursor };
      },
    );
    r.get(
      `${path}/:id`,
      {
        schema: {
          tags,
          operationId: `get${res.op}`,
          summary: `Get a ${res.op}`,
          params: IdParams,
          response: { 200: res.schema, ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const out = await res.svc.get(actorOf(req) as never, req.params.id);
        return reply.header('etag', etag(out.version)).send(out as never);
      },
    );
    r.get(
      `${path}/by-code/:code`,
      {
        schema: {
          tags,
          operationId: `get${res.op}ByCode`,
          summary: `Get a ${res.op} by the tenant's code`,
          params: CodeParams,
          response: { 200: res.schema, ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const out = await res.svc.get(actorOf(req) as never, req.params.code);
        return reply.header('etag', etag(out.version)).send(out as never);
      },
    );
    r.put(
      `${path}/by-code/:code`,
      {
        schema: {
          tags,
          operationId: `upsert${res.op}`,
          summary: `Create or replace a ${res.op} by code (idempotent: an unchanged body keeps the version)`,
          params: CodeParams,
          headers: idem,
          body: res.upsert,
          response: { 200: res.schema, 201: res.schema, ...problems(400, 401, 403, 409, 422) },
        },
      },
      async (req, reply) => {
        const { out, created } = await res.svc.upsert(actorOf(req) as never, req.params.code, req.body);
        return reply
          .code(created ? 201 : 200)
          .header('etag', etag(out.version))
          .send(out as never);
      },
    );
    r.patch(
      `${path}/:id`,
      {
        schema: {
          tags,
          operationId: `update${res.op}`,
          summary: `Update a ${res.op} (body.version for optimistic concurrency)`,
          params: IdParams,
          headers: idem,
          body: res.update,
          response: { 200: res.schema, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const out = await res.svc.update(actorOf(req) as never, req.params.id, req.body);
        return reply.header('etag', etag(out.version)).send(out as never);
      },
    );
  }

  // ---- ownership -----------------------------------------------------------------------------------------------
  r.post(
    `${base}/ownership`,
    {
      schema: {
        tags,
        operationId: 'assignPartnerOwnership',
        summary: 'Assign a partner to an org unit and account manager from a day on (closes the previous period)',
        headers: idem,
        body: OwnershipAssign,
        response: { 201: Ownership, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.ownership.assign(actorOf(req), req.body)),
  );
  r.post(
    `${base}/ownership/bulk`,
    {
      schema: {
        tags,
        operationId: 'bulkAssignPartnerOwnership',
        summary: 'Assign many partners at once (set-based; all or nothing)',
        headers: idem,
        body: OwnershipBulkAssign,
        response: { 200: z.object({ assigned: z.array(Ownership) }), ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => s.ownership.bulkAssign(actorOf(req), req.body),
  );
  r.get(
    `${base}/ownership`,
    {
      schema: {
        tags,
        operationId: 'listPartnerOwnership',
        summary: "Current ownerships (on asOf), by org subtree or account manager; the caller's data scope applies",
        querystring: PageQuery.extend(OwnershipListQuery.shape),
        response: { 200: pageSchema(Ownership), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.ownership.list(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    `${base}/partners/:partner/ownership`,
    {
      schema: {
        tags,
        operationId: 'getPartnerOwnership',
        summary: "The partner's ownership on asOf (default today)",
        params: PartnerParams,
        querystring: z.object({ asOf: z.iso.date().optional() }),
        response: { 200: Ownership, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.ownership.current(actorOf(req), req.params.partner, req.query.asOf),
  );
  r.get(
    `${base}/partners/:partner/ownership/history`,
    {
      schema: {
        tags,
        operationId: 'getPartnerOwnershipHistory',
        summary: "Every period of the partner's ownership, newest first",
        params: PartnerParams,
        response: { 200: z.object({ data: z.array(Ownership) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => ({ data: await s.ownership.history(actorOf(req), req.params.partner) }),
  );

  // ---- approval policies -----------------------------------------------------------------------------------------
  r.get(
    `${base}/approval-policies`,
    {
      schema: {
        tags,
        operationId: 'listApprovalPolicies',
        summary: 'Approval policies (审批权限), one per kind',
        response: { 200: z.object({ data: z.array(ApprovalPolicy) }), ...problems(400, 401, 403) },
      },
    },
    async (req) => ({ data: await s.approvals.listPolicies(actorOf(req)) }),
  );
  r.get(
    `${base}/approval-policies/:kind`,
    {
      schema: {
        tags,
        operationId: 'getApprovalPolicy',
        summary: 'The approval policy of a kind',
        params: ApprovalKindParams,
        response: { 200: ApprovalPolicy, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = await s.approvals.getPolicy(actorOf(req), req.params.kind);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );
  r.put(
    `${base}/approval-policies/:kind`,
    {
      schema: {
        tags,
        operationId: 'putApprovalPolicy',
        summary: 'Create or replace the approval policy of a kind (the chain of steps by post above thresholds)',
        params: ApprovalKindParams,
        headers: idem,
        body: ApprovalPolicyPut,
        response: { 200: ApprovalPolicy, 201: ApprovalPolicy, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const { policy, created } = await s.approvals.putPolicy(actorOf(req), req.params.kind, req.body);
      return reply
        .code(created ? 201 : 200)
        .header('etag', etag(policy.version))
        .send(policy);
    },
  );
  r.delete(
    `${base}/approval-policies/:kind`,
    {
      schema: {
        tags,
        operationId: 'deleteApprovalPolicy',
        summary: "Remove a kind's policy (its subjects go back to one-step decisions); refused once it has requests",
        params: ApprovalKindParams,
        response: { 204: z.null().describe('deleted'), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await s.approvals.deletePolicy(actorOf(req), req.params.kind);
      return reply.code(204).send(null);
    },
  );

  // ---- approval requests -----------------------------------------------------------------------------------------
  r.post(
    `${base}/approval-requests`,
    {
      schema: {
        tags,
        operationId: 'createApprovalRequest',
        summary: 'Open an approval request for a subject (422 when no policy step applies)',
        headers: idem,
        body: ApprovalRequestCreate,
        response: { 201: ApprovalRequest, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await s.approvals.create(actorOf(req), req.body)),
  );
  r.get(
    `${base}/approval-requests`,
    {
      schema: {
        tags,
        operationId: 'listApprovalRequests',
        summary: 'Approval requests (data scope applies); mine=true: pending ones waiting for my post',
        querystring: PageQuery.extend(ApprovalListQuery.shape),
        response: { 200: pageSchema(ApprovalRequest), ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await s.approvals.list(actorOf(req), req.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    `${base}/approval-requests/:id`,
    {
      schema: {
        tags,
        operationId: 'getApprovalRequest',
        summary: 'An approval request with its steps',
        params: IdParams,
        response: { 200: ApprovalRequest, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => s.approvals.get(actorOf(req), req.params.id),
  );
  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    r.post(
      `${base}/approval-requests/:id/${action}`,
      {
        schema: {
          tags,
          operationId: `${action}ApprovalStep`,
          summary: `${action === 'approve' ? 'Approve' : 'Reject'} the current step (the caller's staff post must match it)`,
          params: IdParams,
          headers: idem,
          body: ApprovalDecision.optional(),
          response: { 200: ApprovalRequest, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => s.approvals.decide(actorOf(req), req.params.id, decision, req.body ?? {}),
    );
  }
}
