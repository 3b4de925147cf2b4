import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import type { Store } from '../../platform/store.js';
import type { GradeSource, PeriodSource } from './contract.js';
import { RunInputs } from './run-inputs.js';
import { RunService } from './runs.service.js';
import { AwardService } from './awards.service.js';
import { incentiveResolvers } from './incentive.resolvers.js';
import { incentiveRoutes } from './incentive.routes.js';
import { incentiveSdl } from './incentive.sdl.js';
import { ProgramService } from './programs.service.js';
import { RebateService } from './rebates.service.js';
import { StatementService } from './statements.service.js';
import type { ApprovalsPort } from '../organisation/contract.js';
import { onStatementDecided } from './incentive.approvals.js';

/** Services of the incentive module. */
export interface IncentiveServices {
  programs: ProgramService;
  statements: StatementService;
  rebates: RebateService;
  awards: AwardService;
  runs: RunService;
}

/**
 * `periods`: the tenant's periods (target); `grades`: the latest finalised evaluation grades (evaluation);
 * `approvals`: the sales organisation's approval engine (statement approval chains; without it one-step approvals).
 * All wired by the composition root.
 */
export function createIncentiveServices(store: Store, deps: { periods: PeriodSource; grades: GradeSource; approvals?: ApprovalsPort }): IncentiveServices {
  const rebates = new RebateService(store);
  const statements = new StatementService(store, rebates, deps.approvals);
  if (deps.approvals) onStatementDecided(deps.approvals, statements);
  const awards = new AwardService(store);
  return {
    programs: new ProgramService(store),
    statements,
    rebates,
    awards,
    runs: new RunService(store, statements, awards, new RunInputs(store, deps.grades), deps.periods),
  };
}

/** The incentive module: one encapsulated plugin (its zod compilers stay inside). */
export async function incentiveModule(app: FastifyInstance, opts: { services: IncentiveServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  await incentiveRoutes(app, opts.services);
  const r = incentiveResolvers(opts.services);
  extendGraphql(app, incentiveSdl, r.resolvers, r.loaders);
}
