import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import type { Actor, Period } from '../../platform/kernel/index.js';
// the routes (and with them this module's schemas) load before the services that import other modules' contracts:
// zod registers schemas in load order, which is the order of the components in openapi.yaml
import { evaluationRoutes } from './evaluation.routes.js';
import { ActionService } from './evaluation.actions.js';
import type { PartnerPort, PeriodPort } from './evaluation.common.js';
import { COMPUTED_KINDS, computedSource } from './evaluation.computed.js';
import { ManualValueService } from './evaluation.manual-values.js';
import { ReportService } from './evaluation.reports.js';
import { evaluationResolvers } from './evaluation.resolvers.js';
import { evaluationRuleDefsResolvers } from './evaluation.rule-defs.resolvers.js';
import { evaluationRuleDefsSdl } from './evaluation.rule-defs.sdl.js';
import { ResultService } from './evaluation.results.js';
import { RunService } from './evaluation.runs.js';
import { evaluationSdl } from './evaluation.sdl.js';
import { TemplateService } from './evaluation.templates.js';
import { WarningService } from './evaluation.warnings.js';
import { onTierChangeDecided } from './evaluation.approvals.js';
import type { ApprovalsPort } from '../organisation/contract.js';
import { repScorecardResolvers } from './rep-scorecards.resolvers.js';
import { repScorecardRoutes } from './rep-scorecards.routes.js';
import { repScorecardSdl } from './rep-scorecards.sdl.js';
import { RepScorecardService } from './rep-scorecards.service.js';

export { EVALUATION_EVENTS } from './evaluation.common.js';

/** Services of the evaluation module, one per aggregate. */
export interface EvaluationServices {
  templates: TemplateService;
  manualValues: ManualValueService;
  runs: RunService;
  results: ResultService;
  actions: ActionService;
  /** early warnings; `warnings.check(systemActor(tenant), {})` is what a scheduler calls */
  warnings: WarningService;
  reports: ReportService;
  /** the direct channel's sales reps: scorecard definition and per-rep scorecards (issue 17) */
  repScorecards: RepScorecardService;
  store: Store;
}

/**
 * `periods`: the tenant's period labels (the target module's TargetService); `partners`: the onboarding
 * PartnerService (accepted actions change a partner's tier or status through it); `approvals`: the organisation
 * module's approval engine (tier changes of kind `tier_change`; absent: one-step accepts). Both wired by the composition
 * root; other modules' data is read through their contracts.
 */
export function createEvaluationServices(store: Store, deps: { periods: PeriodPort; partners: PartnerPort; approvals?: ApprovalsPort }): EvaluationServices {
  const period = (actor: Actor, label: string): Promise<Period> => deps.periods.period(actor, label);
  const manualValues = new ManualValueService(store);
  importsOf(store).register('evaluation.manual-values', (actor) => manualValues.manualValuesImportSpec(actor));
  // tier changes go through the sales organisation's approval policies (kind tier_change) when wired
  const actions = new ActionService(store, deps.partners, deps.approvals);
  if (deps.approvals) onTierChangeDecided(deps.approvals, actions);
  // computed KPIs read the target module's facts and the policy module's violations through their contracts
  const runs = new RunService(store, period, actions, { kinds: COMPUTED_KINDS, source: computedSource });
  return {
    templates: new TemplateService(store),
    manualValues,
    runs,
    results: new ResultService(store),
    actions,
    warnings: new WarningService(store, period),
    // program effectiveness reads the incentive module's statements and programs through its contract
    reports: new ReportService(store, period),
    repScorecards: new RepScorecardService(store, period),
    store,
  };
}

/** The evaluation module: one encapsulated plugin (its zod compilers stay inside). */
export async function evaluationModule(app: FastifyInstance, opts: { services: EvaluationServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  await evaluationRoutes(app, opts.services);
  const g = evaluationResolvers(opts.services);
  extendGraphql(app, evaluationSdl, g.resolvers, g.loaders);
  extendGraphql(app, evaluationRuleDefsSdl, evaluationRuleDefsResolvers(opts.services));
  await repScorecardRoutes(app, opts.services.repScorecards);
  extendGraphql(app, repScorecardSdl, repScorecardResolvers(opts.services.repScorecards));
}
