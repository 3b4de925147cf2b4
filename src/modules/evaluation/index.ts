import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import type { IncentiveServices } from '../incentive/index.js';
import type { OnboardingServices } from '../onboarding/index.js';
import type { PolicyServices } from '../policy/index.js';
import type { TargetServices } from '../target/index.js';
import { COMPUTED_KINDS, computedSource } from './evaluation.computed.js';
import { evaluationResolvers } from './evaluation.resolvers.js';
import { evaluationRoutes } from './evaluation.routes.js';
import { evaluationSdl } from './evaluation.sdl.js';
import { EvaluationService } from './evaluation.service.js';
import { WarningService } from './evaluation.warnings.js';
import { ReportService } from './evaluation.reports.js';

/** Services of the evaluation module. */
export interface EvaluationServices {
  evaluations: EvaluationService;
  /** early warnings; `warnings.check(systemActor(tenant), {})` is what a scheduler calls */
  warnings: WarningService;
  reports: ReportService;
  store: Store;
}

export function createEvaluationServices(store: Store, deps: { onboarding: OnboardingServices; target: TargetServices; policy: PolicyServices; incentive: IncentiveServices }): EvaluationServices {
  // computed KPIs read the target module's fact tables and the policy module's price_violations view
  const evaluations = new EvaluationService(store, { onboarding: deps.onboarding, target: deps.target, computed: { kinds: COMPUTED_KINDS, source: computedSource } });
  importsOf(store).register('evaluation.manual-values', (actor) => evaluations.manualValuesImportSpec(actor));
  const warnings = new WarningService(store, (actor, label) => evaluations.period(actor, label));
  // program effectiveness reads the incentive module's statements and programs (read-only SQL)
  const reports = new ReportService(store, (actor, label) => evaluations.period(actor, label));
  return { evaluations, warnings, reports, store };
}

/** The evaluation module: one encapsulated plugin (its zod compilers stay inside). */
export async function evaluationModule(app: FastifyInstance, opts: { services: EvaluationServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await evaluationRoutes(app, opts.services);
  const g = evaluationResolvers(opts.services.evaluations, opts.services.warnings, opts.services.reports);
  extendGraphql(app, evaluationSdl, g.resolvers, g.loaders);
}
