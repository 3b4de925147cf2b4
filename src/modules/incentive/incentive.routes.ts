import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { etag, IdParams, ifMatchVersion, problems } from '../../platform/http.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import type { IncentiveServices } from './index.js';
import { Dec, roundMoney } from '../../platform/kernel/index.js';
import {
  ApproveInput,
  Award,
  AwardCreate,
  AwardListQuery,
  LedgerEntry,
  LedgerEntryCreate,
  ManualLineCreate,
  PayInput,
  Period,
  Program,
  ProgramCreate,
  ProgramListQuery,
  ProgramUpdate,
  RebateBalance,
  SpendInput,
  SpendResult,
  Statement,
  StatementLine,
  StatementListQuery,
  StatementWithLines,
  STATEMENT_STATUSES,
  Run,
  RunDiff,
  RunLine,
  RunResult,
  Projection,
  SimulationResult,
} from './incentive.schemas.js';
import { RunCreate, Simulate } from './runs.service.js';
import { toCsv } from '../../platform/csv.js';

const idem = z.object({ 'idempotency-key': z.string().optional() });
const ifMatchHeader = z.object({ 'if-match': z.string().optional() });
const PartnerParams = z.object({ partnerId: z.uuid({ message: 'must be a UUID' }) });

const optsOf = (ifMatch: number | undefined) => (ifMatch === undefined ? {} : { ifMatch });

export async function incentiveRoutes(app: FastifyInstance, s: IncentiveServices) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // ---- programs ----
  const tags = ['incentive programs'];
  r.post(
    '/v1/incentives/programs',
    {
      schema: {
        tags,
        operationId: 'createIncentiveProgram',
        summary: 'Create an incentive program (draft)',
        headers: idem,
        body: ProgramCreate,
        response: { 201: Program, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const p = await s.programs.create(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/incentives/programs/${p.id}`).header('etag', etag(p.version)).send(p);
    },
  );
  r.get(
    '/v1/incentives/programs',
    {
      schema: {
        tags,
        operationId: 'listIncentivePrograms',
        summary: 'List programs',
        querystring: PageQuery.extend(ProgramListQuery.shape),
        response: { 200: pageSchema(Program), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.programs.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/incentives/programs/:id',
    {
      schema: {
        tags,
        operationId: 'getIncentiveProgram',
        summary: 'Get a program',
        params: IdParams,
        response: { 200: Program, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const p = await s.programs.get(actorOf(request), request.params.id);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );
  r.get(
    '/v1/incentives/programs/by-code/:code',
    {
      schema: {
        tags,
        operationId: 'getIncentiveProgramByCode',
        summary: "Get a program by the tenant's code",
        params: z.object({ code: z.string().trim().min(1).max(64) }),
        response: { 200: Program, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const p = await s.programs.get(actorOf(request), request.params.code);
      return reply.header('etag', etag(p.version)).send(p);
    },
  );
  r.patch(
    '/v1/incentives/programs/:id',
    {
      schema: {
        tags,
        operationId: 'updateIncentiveProgram',
        summary: 'Change a draft or active program (version increments; runs record it)',
        params: IdParams,
        headers: ifMatchHeader,
        body: ProgramUpdate,
        response: { 200: Program, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const p = await s.programs.update(actorOf(request), request.params.id, request.body, optsOf(ifMatchVersion(request)));
      return reply.header('etag', etag(p.version)).send(p);
    },
  );
  for (const [action, to] of [
    ['activate', 'active'],
    ['close', 'closed'],
  ] as const) {
    r.post(
      `/v1/incentives/programs/:id/${action}`,
      {
        schema: {
          tags,
          operationId: `${action}IncentiveProgram`,
          summary: action === 'activate' ? 'draft -> active' : 'draft or active -> closed',
          params: IdParams,
          headers: ifMatchHeader.extend(idem.shape),
          response: { 200: Program, ...problems(401, 403, 404, 409, 412) },
        },
      },
      async (request, reply) => {
        const p = await s.programs.transition(actorOf(request), request.params.id, to, optsOf(ifMatchVersion(request)));
        return reply.header('etag', etag(p.version)).send(p);
      },
    );
  }

  // ---- statements ----
  const stags = ['incentive statements'];
  r.get(
    '/v1/incentives/statements',
    {
      schema: {
        tags: stags,
        operationId: 'listIncentiveStatements',
        summary: 'List statements (partner tokens: their own)',
        querystring: PageQuery.extend(StatementListQuery.shape),
        response: { 200: pageSchema(Statement), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.statements.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  const ExportQuery = z.object({ period: Period, status: z.enum(STATEMENT_STATUSES).optional() });
  r.get(
    '/v1/incentives/statements/export.json',
    {
      schema: {
        tags: stags,
        operationId: 'exportIncentiveStatementsJson',
        summary: "Statement lines of a period for the ERP's payables (JSON)",
        querystring: ExportQuery,
        response: {
          200: z.object({
            data: z.array(
              z.object({
                statementId: z.string(),
                partnerId: z.string(),
                partnerCode: z.string(),
                period: z.string(),
                unit: z.string(),
                status: z.string(),
                statementTotal: z.string(),
                paymentReference: z.string().nullable(),
                lineId: z.string(),
                kind: z.string(),
                programCode: z.string().nullable(),
                amount: z.string(),
                reason: z.string().nullable(),
              }),
            ),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const rows = await s.statements.exportLines(actorOf(request), request.query);
      return {
        data: rows.map((x) => ({
          statementId: x.statement_id,
          partnerId: x.partner_id,
          partnerCode: x.partner_code,
          period: x.period,
          unit: x.unit,
          status: x.status,
          statementTotal: fixed(x.statement_total, x.unit),
          paymentReference: x.payment_reference,
          lineId: x.line_id,
          kind: x.kind,
          programCode: x.program_code,
          amount: fixed(x.amount, x.unit),
          reason: x.reason,
        })),
      };
    },
  );
  r.get(
    '/v1/incentives/statements/export.csv',
    {
      schema: {
        tags: stags,
        operationId: 'exportIncentiveStatementsCsv',
        summary: 'Statement lines of a period as CSV (text/csv; header row, one line per statement line)',
        querystring: ExportQuery,
        response: problems(400, 401, 403),
      },
    },
    async (request, reply) => {
      const rows = await s.statements.exportLines(actorOf(request), request.query);
      const header = [
        'statement_id',
        'partner_id',
        'partner_code',
        'period',
        'unit',
        'status',
        'statement_total',
        'payment_reference',
        'line_id',
        'kind',
        'program_code',
        'amount',
        'reason',
      ];
      const body = toCsv(
        header,
        rows.map((x) => [
          x.statement_id,
          x.partner_id,
          x.partner_code,
          x.period,
          x.unit,
          x.status,
          fixed(x.statement_total, x.unit),
          x.payment_reference,
          x.line_id,
          x.kind,
          x.program_code,
          fixed(x.amount, x.unit),
          x.reason,
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="statements-${request.query.period}.csv"`)
        .send(body as never);
    },
  );
  r.get(
    '/v1/incentives/statements/:id',
    {
      schema: {
        tags: stags,
        operationId: 'getIncentiveStatement',
        summary: 'A statement with its lines and their explanations',
        params: IdParams,
        response: { 200: StatementWithLines, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const st = await s.statements.get(actorOf(request), request.params.id);
      return reply.header('etag', etag(st.version)).send(st);
    },
  );
  r.post(
    '/v1/incentives/statements/lines',
    {
      schema: {
        tags: stags,
        operationId: 'addIncentiveManualLine',
        summary: "A manual line (bonus, correction) on the partner's open statement of the period",
        headers: idem,
        body: ManualLineCreate,
        response: { 201: StatementLine, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await s.statements.addManualLine(actorOf(request), request.body)),
  );
  r.post(
    '/v1/incentives/statements/:id/approve',
    {
      schema: {
        tags: stags,
        operationId: 'approveIncentiveStatement',
        summary: 'draft -> approved (scope incentives:approve); rebate lines accrue to the rebate account',
        params: IdParams,
        headers: ifMatchHeader.extend(idem.shape),
        body: ApproveInput.optional(),
        response: { 200: Statement, ...problems(400, 401, 403, 404, 409, 412, 422) },
      },
    },
    async (request, reply) => {
      const st = await s.statements.approve(actorOf(request), request.params.id, request.body ?? {}, optsOf(ifMatchVersion(request)));
      return reply.header('etag', etag(st.version)).send(st);
    },
  );
  r.post(
    '/v1/incentives/statements/:id/pay',
    {
      schema: {
        tags: stags,
        operationId: 'payIncentiveStatement',
        summary: 'approved -> paid with a payment reference (scope incentives:approve)',
        params: IdParams,
        headers: ifMatchHeader.extend(idem.shape),
        body: PayInput,
        response: { 200: Statement, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const st = await s.statements.pay(actorOf(request), request.params.id, request.body, optsOf(ifMatchVersion(request)));
      return reply.header('etag', etag(st.version)).send(st);
    },
  );

  // ---- rebate accounts ----
  const rtags = ['rebate accounts'];
  r.get(
    '/v1/incentives/rebate-accounts/:partnerId',
    {
      schema: {
        tags: rtags,
        operationId: 'getRebateBalance',
        summary: 'Balance of a rebate account, now or as of a date (end of that day)',
        params: PartnerParams,
        querystring: z.object({ asOf: z.iso.date().optional() }),
        response: { 200: RebateBalance, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.rebates.balance(actorOf(request), request.params.partnerId, request.query.asOf),
  );
  r.get(
    '/v1/incentives/rebate-accounts/:partnerId/ledger',
    {
      schema: {
        tags: rtags,
        operationId: 'listRebateLedger',
        summary: 'Ledger entries, newest first',
        params: PartnerParams,
        querystring: PageQuery,
        response: { 200: pageSchema(LedgerEntry), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await s.rebates.ledger(actorOf(request), request.params.partnerId, request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.post(
    '/v1/incentives/rebate-accounts/:partnerId/spend',
    {
      schema: {
        tags: rtags,
        operationId: 'spendRebate',
        summary: 'Draw on the available balance for an order (idempotent by orderRef and Idempotency-Key; never overdraws)',
        params: PartnerParams,
        headers: idem,
        body: SpendInput,
        response: { 200: SpendResult, 201: SpendResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const res = await s.rebates.spend(actorOf(request), request.params.partnerId, request.body);
      return reply.code(res.replayed ? 200 : 201).send(res);
    },
  );
  r.post(
    '/v1/incentives/rebate-accounts/:partnerId/entries',
    {
      schema: {
        tags: rtags,
        operationId: 'recordRebateEntry',
        summary: 'Release accrued rebate, pay it out, or expire it (scope incentives:approve)',
        params: PartnerParams,
        headers: idem,
        body: LedgerEntryCreate,
        response: { 201: z.object({ entry: LedgerEntry, balance: RebateBalance }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await s.rebates.record(actorOf(request), request.params.partnerId, request.body)),
  );

  // ---- runs ----
  const runTags = ['incentive runs'];
  r.post(
    '/v1/incentives/runs',
    {
      schema: {
        tags: runTags,
        operationId: 'createIncentiveRun',
        summary: 'Calculate a program for a period (dryRun: compute and return the lines, store nothing)',
        headers: idem,
        body: RunCreate,
        response: { 200: RunResult, 201: RunResult, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const res = await s.runs.create(actorOf(request), request.body);
      if (res.run.id) reply.header('location', `/v1/incentives/runs/${res.run.id}`);
      return reply.code(res.run.dryRun ? 200 : 201).send(res);
    },
  );
  r.get(
    '/v1/incentives/runs',
    {
      schema: {
        tags: runTags,
        operationId: 'listIncentiveRuns',
        summary: 'Stored runs, newest first',
        querystring: PageQuery.extend({ programId: z.uuid().optional(), period: Period.optional() }),
        response: { 200: pageSchema(Run), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.runs.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/incentives/runs/:id',
    {
      schema: {
        tags: runTags,
        operationId: 'getIncentiveRun',
        summary: 'A stored run (provenance and totals)',
        params: IdParams,
        response: { 200: Run, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.runs.get(actorOf(request), request.params.id),
  );
  r.get(
    '/v1/incentives/runs/:id/lines',
    {
      schema: {
        tags: runTags,
        operationId: 'listIncentiveRunLines',
        summary: 'Per-partner results with explanations, by partner id',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageSchema(RunLine), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await s.runs.lines(actorOf(request), request.params.id, request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
  r.get(
    '/v1/incentives/runs/:id/diff',
    {
      schema: {
        tags: runTags,
        operationId: 'diffIncentiveRuns',
        summary: 'Line-by-line comparison with another run (changed lines only)',
        params: IdParams,
        querystring: z.object({ against: z.uuid() }),
        response: { 200: RunDiff, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.runs.diff(actorOf(request), request.params.id, request.query.against),
  );
  r.get(
    '/v1/incentives/programs/:id/projection',
    {
      schema: {
        tags,
        operationId: 'projectIncentive',
        summary: 'How far a partner is from the next tier and what it would earn there (partner tokens: their own)',
        params: z.object({ id: z.string().min(1).max(64).describe('Program id or code') }),
        querystring: z.object({ partnerId: z.uuid(), period: Period.optional().describe('Default: the current period') }),
        response: { 200: Projection, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => s.runs.projection(actorOf(request), request.params.id, request.query),
  );
  r.post(
    '/v1/incentives/programs/:id/simulate',
    {
      schema: {
        tags,
        operationId: 'simulateIncentive',
        summary: 'A changed rule set against a stored period, per partner difference from the stored run (stores nothing)',
        params: z.object({ id: z.string().min(1).max(64).describe('Program id or code') }),
        body: Simulate,
        response: { 200: SimulationResult, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) => s.runs.simulate(actorOf(request), request.params.id, request.body),
  );

  // ---- recognition ----
  const atags = ['recognition'];
  r.post(
    '/v1/incentives/awards',
    {
      schema: {
        tags: atags,
        operationId: 'grantRecognitionAward',
        summary: 'Grant a non-monetary award',
        headers: idem,
        body: AwardCreate,
        response: { 201: Award, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await s.awards.grant(actorOf(request), request.body)),
  );
  r.get(
    '/v1/incentives/awards',
    {
      schema: {
        tags: atags,
        operationId: 'listRecognitionAwards',
        summary: 'Awards (partner tokens: their own)',
        querystring: PageQuery.extend(AwardListQuery.shape),
        response: { 200: pageSchema(Award), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await s.awards.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
}

function fixed(v: string, unit: string) {
  return roundMoney(new Dec(v), unit);
}
