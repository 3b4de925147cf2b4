import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/auth.js';
import { actionPath, etag, ifMatchVersion, problems } from '../../platform/http.js';
import { ImportQuery, ImportReportSchema, serveImport } from '../../platform/imports.js';
import { PageQuery, pageSchema } from '../../platform/pagination.js';
import {
  Action,
  ActionDecision,
  ActionListQuery,
  ActionRule,
  ProgramEffectiveness,
  ProgramEffectivenessQuery,
  ActionRuleCreate,
  ExportQuery,
  KpiAverage,
  KpiAverageQuery,
  GradeDistribution,
  HistoryEntry,
  ManualValue,
  ManualValueQuery,
  ManualValuesPut,
  Result,
  ResultQuery,
  Run,
  RunCreate,
  RunListQuery,
  Simulation,
  SimulationIn,
  Template,
  TemplateCreate,
  TemplateUpdate,
  TemplateVersion,
  Warning,
  WarningCheckIn,
  WarningCheckResult,
  WarningListQuery,
  WarningRule,
  WarningRuleCreate,
} from './evaluation.schemas.js';
import type { EvaluationServices } from './index.js';
import { toCsv } from '../../platform/csv.js';

const importValidator: typeof validatorCompiler = (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route));

const TemplateParams = z.object({ template: z.string().min(1).max(64).describe('template id or code') });
const RunParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });
const CodeParams = z.object({ code: z.string().trim().min(1).max(64) });
export async function evaluationRoutes(
  app: FastifyInstance,
  { templates, manualValues, runs, results, actions, warnings, reports, store }: EvaluationServices,
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['evaluations'];

  // ---------------------------------------------------------------- templates
  r.post(
    '/v1/evaluations/templates',
    {
      schema: {
        tags,
        operationId: 'createScorecardTemplate',
        summary: 'Create a scorecard template (version 1): weighted KPIs (weights sum to 100) and grade bands',
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: TemplateCreate,
        response: { 201: Template, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const t = await templates.createTemplate(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/evaluations/templates/${t.id}`).header('etag', etag(t.version)).send(t);
    },
  );

  r.get(
    '/v1/evaluations/templates',
    {
      schema: {
        tags,
        operationId: 'listScorecardTemplates',
        summary: 'List scorecard templates (by code)',
        querystring: PageQuery,
        response: { 200: pageSchema(Template), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await templates.listTemplates(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/evaluations/templates/:template',
    {
      schema: {
        tags,
        operationId: 'getScorecardTemplate',
        summary: 'Get a template with its latest version',
        params: TemplateParams,
        response: { 200: Template, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const t = await templates.getTemplate(actorOf(request), request.params.template);
      return reply.header('etag', etag(t.version)).send(t);
    },
  );

  r.put(
    '/v1/evaluations/templates/:template',
    {
      schema: {
        tags,
        operationId: 'updateScorecardTemplate',
        summary: 'Replace the definition: changes the latest version in place while no run used it, otherwise creates the next version',
        params: TemplateParams,
        headers: z.object({ 'if-match': z.string().optional() }),
        body: TemplateUpdate,
        response: { 200: Template, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request);
      const t = await templates.updateTemplate(actorOf(request), request.params.template, request.body, ifMatch === undefined ? {} : { ifMatch });
      return reply.header('etag', etag(t.version)).send(t);
    },
  );

  r.get(
    '/v1/evaluations/templates/:template/versions',
    {
      schema: {
        tags,
        operationId: 'listScorecardTemplateVersions',
        summary: 'All versions of a template, newest first',
        params: TemplateParams,
        response: { 200: z.object({ data: z.array(TemplateVersion) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ data: await templates.listTemplateVersions(actorOf(request), request.params.template) }),
  );

  r.get(
    '/v1/evaluations/templates/:template/versions/:versionNo',
    {
      schema: {
        tags,
        operationId: 'getScorecardTemplateVersion',
        summary: 'One version of a template',
        params: TemplateParams.extend({ versionNo: z.coerce.number().int().min(1) }),
        response: { 200: TemplateVersion, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => templates.getTemplateVersion(actorOf(request), request.params.template, request.params.versionNo),
  );

  // ---------------------------------------------------------------- manual values
  r.put(
    '/v1/evaluations/manual-values',
    {
      schema: {
        tags,
        operationId: 'setManualKpiValues',
        summary: 'Enter manual KPI values (customer satisfaction, audits, training...) per partner, period and KPI code; all or nothing',
        body: ManualValuesPut,
        response: { 200: z.object({ written: z.number().int() }), ...problems(400, 401, 403) },
      },
    },
    async (request) => manualValues.setManualValues(actorOf(request), request.body),
  );

  r.get(
    '/v1/evaluations/manual-values',
    {
      schema: {
        tags,
        operationId: 'listManualKpiValues',
        summary: 'Manual KPI values (partner users: their own)',
        querystring: PageQuery.extend(ManualValueQuery.shape),
        response: { 200: pageSchema(ManualValue), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await manualValues.listManualValues(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.post(
    '/v1/evaluations/manual-values::import',
    {
      schema: {
        tags,
        operationId: 'importManualKpiValues',
        summary: 'Bulk import of manual KPI values (CSV with header partnerCode,period,kpi,value[,note], or NDJSON); upsert by partner, period and KPI',
        querystring: ImportQuery,
        consumes: ['text/csv', 'application/x-ndjson'],
        body: z.string().describe('CSV (text/csv) or NDJSON (application/x-ndjson) rows: partnerCode, period, kpi, value, note?'),
        response: { 200: ImportReportSchema, 202: z.object({ jobId: z.string() }), ...problems(400, 401, 403) },
      },
      // the body is a stream (import parsers); the zod validator must not look at it
      validatorCompiler: importValidator as never,
    },
    async (request, reply) => {
      const res = await serveImport(store, request, 'evaluation.manual-values');
      if ('jobId' in res) reply.code(202);
      return res;
    },
  );

  // ---------------------------------------------------------------- runs
  r.post(
    '/v1/evaluations/runs',
    {
      schema: {
        tags,
        operationId: 'startEvaluationRun',
        summary: 'Evaluate partners for a period: every KPI value, score, weighted total, grade and rank, computed set-based and stored',
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: RunCreate,
        response: { 201: Run, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const run = await runs.startRun(actorOf(request), request.body);
      return reply.code(201).header('location', `/v1/evaluations/runs/${run.id}`).header('etag', etag(run.version)).send(run);
    },
  );

  r.get(
    '/v1/evaluations/runs',
    {
      schema: {
        tags,
        operationId: 'listEvaluationRuns',
        summary: 'Evaluation runs, newest first',
        querystring: PageQuery.extend(RunListQuery.shape),
        response: { 200: pageSchema(Run), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await runs.listRuns(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/evaluations/runs/:id',
    {
      schema: {
        tags,
        operationId: 'getEvaluationRun',
        summary: 'An evaluation run',
        params: RunParams,
        response: { 200: Run, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const run = await runs.getRun(actorOf(request), request.params.id);
      return reply.header('etag', etag(run.version)).send(run);
    },
  );

  r.delete(
    '/v1/evaluations/runs/:id',
    {
      schema: {
        tags,
        operationId: 'deleteEvaluationRun',
        summary: 'Delete a draft run (finalised runs are immutable: 409)',
        params: RunParams,
        response: { 204: z.null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await runs.deleteRun(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    actionPath('/v1/evaluations/runs', 'finalise'),
    {
      schema: {
        tags,
        operationId: 'finaliseEvaluationRun',
        summary: 'Make the run immutable (one finalised run per template and period), derive recommended actions, emit evaluation.finalised',
        params: RunParams,
        headers: z.object({ 'if-match': z.string().optional() }),
        response: { 200: Run, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = ifMatchVersion(request);
      const run = await runs.finaliseRun(actorOf(request), request.params.id, ifMatch === undefined ? {} : { ifMatch });
      return reply.header('etag', etag(run.version)).send(run);
    },
  );

  r.get(
    '/v1/evaluations/runs/:id/results',
    {
      schema: {
        tags,
        operationId: 'listEvaluationResults',
        summary: 'Results of a run by rank (competition ranking 1,2,2,4; ties by partner code; incomplete last). Partner users see their own.',
        params: RunParams,
        querystring: PageQuery.extend(ResultQuery.shape),
        response: { 200: pageSchema(Result), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = await results.listResults(actorOf(request), request.params.id, request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/evaluations/runs/:id/results/:partnerId',
    {
      schema: {
        tags,
        operationId: 'getEvaluationResult',
        summary: "One partner's result in a run",
        params: RunParams.extend({ partnerId: z.uuid() }),
        response: { 200: Result, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => results.getResult(actorOf(request), request.params.id, request.params.partnerId),
  );

  r.get(
    '/v1/evaluations/runs/:id/grade-distribution',
    {
      schema: {
        tags,
        operationId: 'getGradeDistribution',
        summary: 'Network distribution of grades in a run; JSON or CSV (grade, count, share; incomplete as its own row)',
        params: RunParams,
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
        response: { 200: z.union([GradeDistribution, z.string()]), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const d = await results.gradeDistribution(actorOf(request), request.params.id);
      if (request.query.format !== 'csv') return d;
      const rows = [...d.grades.map((g) => [g.grade, g.count, g.share]), ['(incomplete)', d.incomplete, '']];
      return reply
        .type('text/csv; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(toCsv(['grade', 'count', 'share'], rows));
    },
  );

  r.get(
    '/v1/evaluations/runs/:id/kpi-averages',
    {
      schema: {
        tags,
        operationId: 'getKpiAverages',
        summary: "KPI averages of a run by territory (partner's home region) or partner type; JSON or CSV",
        params: RunParams,
        querystring: KpiAverageQuery,
        response: { 200: z.union([z.object({ data: z.array(KpiAverage) }), z.string()]), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const rows = await results.kpiAverages(actorOf(request), request.params.id, request.query.by);
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .serializer((x: unknown) => x as string)
          .send(
            toCsv(
              ['group', 'kpi', 'partners', 'avgValue', 'avgScore'],
              rows.map((r) => [r.group, r.kpi, r.partners, r.avgValue, r.avgScore]),
            ),
          );
      }
      return { data: rows };
    },
  );

  r.get(
    '/v1/evaluations/runs/:id/export',
    {
      schema: {
        tags,
        operationId: 'exportEvaluationRun',
        summary: 'All results of a run by rank with every KPI value and score: CSV (default) or JSON',
        params: RunParams,
        querystring: ExportQuery,
        response: { 200: z.union([z.object({ data: z.array(Result) }), z.string()]), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const exported = await results.exportRun(actorOf(request), request.params.id);
      const kpiCodes = exported.kpiCodes;
      if (request.query.format === 'json') return { data: exported.results };
      const header = ['partnerCode', 'complete', 'total', 'grade', 'rank', 'missing', ...kpiCodes.flatMap((c) => [`${c}.value`, `${c}.score`])];
      const lines = exported.results.map((r) => {
        const by = new Map(r.kpis.map((k) => [k.code, k]));
        return [
          r.partnerCode,
          r.complete,
          r.total,
          r.grade,
          r.rank,
          r.missing.join(' '),
          ...kpiCodes.flatMap((c) => [by.get(c)?.value ?? null, by.get(c)?.score ?? null]),
        ];
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="evaluation-${request.params.id}.csv"`)
        .serializer((x: unknown) => x as string)
        .send(toCsv(header, lines));
    },
  );

  r.get(
    '/v1/evaluations/reports/program-effectiveness',
    {
      schema: {
        tags,
        operationId: 'getProgramEffectiveness',
        summary:
          'Per incentive program and partner segment: paid vs covered sales (cost-to-sales %) and the change against the same period a year earlier; JSON or CSV',
        querystring: ProgramEffectivenessQuery,
        response: { 200: z.union([z.object({ data: z.array(ProgramEffectiveness) }), z.string()]), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const rows = await reports.programEffectiveness(actorOf(request), request.query);
      if (request.query.format !== 'csv') return { data: rows };
      const header = [
        'programCode',
        'segment',
        'currency',
        'partners',
        'paid',
        'coveredSales',
        'costToSalesPct',
        'priorPartners',
        'priorPaid',
        'priorCoveredSales',
        'priorCostToSalesPct',
        'changePaid',
        'changeCoveredSales',
        'changeCostToSalesPoints',
      ];
      const lines = rows.map((r) => [
        r.programCode,
        r.segment,
        r.currency,
        r.current.partners,
        r.current.paid,
        r.current.coveredSales,
        r.current.costToSalesPct,
        r.priorYear.partners,
        r.priorYear.paid,
        r.priorYear.coveredSales,
        r.priorYear.costToSalesPct,
        r.change.paid,
        r.change.coveredSales,
        r.change.costToSalesPoints,
      ]);
      return reply
        .type('text/csv; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(toCsv(header, lines));
    },
  );

  r.get(
    '/v1/evaluations/partners/:partnerId/history',
    {
      schema: {
        tags,
        operationId: 'getPartnerScorecardHistory',
        summary: "A partner's finalised results across periods, newest first (partner users: their own)",
        params: z.object({ partnerId: z.uuid() }),
        querystring: z.object({ template: z.string().max(64).optional(), format: z.enum(['json', 'csv']).default('json') }),
        response: { 200: z.union([z.object({ data: z.array(HistoryEntry) }), z.string()]), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const data = await results.partnerHistory(actorOf(request), request.params.partnerId, request.query.template);
      if (request.query.format !== 'csv') return { data };
      const header = ['period', 'periodStart', 'templateCode', 'templateVersion', 'total', 'grade', 'rank', 'complete', 'finalisedAt', 'runId'];
      const rows = data.map((h) => [h.period, h.periodStart, h.templateCode, h.templateVersion, h.total, h.grade, h.rank, h.complete, h.finalisedAt, h.runId]);
      return reply
        .type('text/csv; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(toCsv(header, rows));
    },
  );

  r.post(
    '/v1/evaluations/simulations',
    {
      schema: {
        tags,
        operationId: 'simulateEvaluation',
        summary:
          "Dry run of a changed template (weights, rules, bands) against a finalised run's stored KPI values: who would change grade and rank. Nothing is stored.",
        body: SimulationIn,
        response: { 200: Simulation, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => results.simulate(actorOf(request), request.body),
  );

  // ---------------------------------------------------------------- actions
  r.post(
    '/v1/evaluations/action-rules',
    {
      schema: {
        tags,
        operationId: 'createActionRule',
        summary: 'A rule mapping grades (optionally over consecutive periods) or a KPI condition to a recommended action',
        body: ActionRuleCreate,
        response: { 201: ActionRule, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await actions.createActionRule(actorOf(request), request.body)),
  );

  r.get(
    '/v1/evaluations/action-rules',
    {
      schema: {
        tags,
        operationId: 'listActionRules',
        summary: 'Action rules',
        response: { 200: z.object({ data: z.array(ActionRule) }), ...problems(401, 403) },
      },
    },
    async (request) => ({ data: await actions.listActionRules(actorOf(request)) }),
  );

  r.get(
    '/v1/evaluations/action-rules/by-code/:code',
    {
      schema: {
        tags,
        operationId: 'getActionRuleByCode',
        summary: "Get an action rule by the tenant's code",
        params: CodeParams,
        response: { 200: ActionRule, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => actions.actionRuleByCode(actorOf(request), request.params.code),
  );

  r.get(
    '/v1/evaluations/actions',
    {
      schema: {
        tags,
        operationId: 'listEvaluationActions',
        summary: 'Recommended, accepted and dismissed actions',
        querystring: PageQuery.extend(ActionListQuery.shape),
        response: { 200: pageSchema(Action), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await actions.listActions(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/v1/evaluations/actions/:id',
    {
      schema: {
        tags,
        operationId: 'getEvaluationAction',
        summary: 'One action',
        params: RunParams,
        response: { 200: Action, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => actions.getAction(actorOf(request), request.params.id),
  );

  for (const decision of ['accept', 'dismiss'] as const) {
    r.post(
      actionPath('/v1/evaluations/actions', decision),
      {
        schema: {
          tags,
          operationId: `${decision}EvaluationAction`,
          summary:
            decision === 'accept'
              ? 'Accept a recommended action: performed through the owning module (e.g. tier change on the partner) and recorded'
              : 'Dismiss a recommended action (recorded)',
          params: RunParams,
          body: ActionDecision.optional(),
          response: { 200: Action, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) => actions.decideAction(actorOf(request), request.params.id, decision, request.body ?? {}),
    );
  }

  // ---------------------------------------------------------------- early warnings
  r.post(
    '/v1/evaluations/warning-rules',
    {
      schema: {
        tags,
        operationId: 'createWarningRule',
        summary: 'An early-warning rule: a threshold over live data during a period',
        body: WarningRuleCreate,
        response: { 201: WarningRule, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await warnings.createRule(actorOf(request), request.body)),
  );

  r.get(
    '/v1/evaluations/warning-rules',
    {
      schema: {
        tags,
        operationId: 'listWarningRules',
        summary: 'Early-warning rules',
        response: { 200: z.object({ data: z.array(WarningRule) }), ...problems(401, 403) },
      },
    },
    async (request) => ({ data: await warnings.listRules(actorOf(request)) }),
  );

  r.get(
    '/v1/evaluations/warning-rules/by-code/:code',
    {
      schema: {
        tags,
        operationId: 'getWarningRuleByCode',
        summary: "Get an early-warning rule by the tenant's code",
        params: CodeParams,
        response: { 200: WarningRule, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => warnings.ruleByCode(actorOf(request), request.params.code),
  );

  r.post(
    '/v1/evaluations/warnings::check',
    {
      schema: {
        tags,
        operationId: 'checkWarnings',
        summary:
          'Evaluates every active warning rule now: opens an alert once per rule, partner and period (warning.opened), closes alerts whose condition cleared (warning.closed)',
        body: WarningCheckIn.optional(),
        response: { 200: WarningCheckResult, ...problems(400, 401, 403) },
      },
    },
    async (request) => warnings.check(actorOf(request), request.body ?? {}),
  );

  r.get(
    '/v1/evaluations/warnings',
    {
      schema: {
        tags,
        operationId: 'listWarnings',
        summary: 'Early-warning alerts (partner users: their own)',
        querystring: PageQuery.extend(WarningListQuery.shape),
        response: { 200: pageSchema(Warning), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await warnings.list(actorOf(request), request.query);
      return { data: page.items, nextCursor: page.nextCursor };
    },
  );
}
