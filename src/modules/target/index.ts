import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { extendGraphql } from '../../platform/graphql.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import { ActualsService } from './actuals.service.js';
import { repTargetResolvers } from './rep-targets.resolvers.js';
import { repTargetRoutes } from './rep-targets.routes.js';
import { RepTargetService } from './rep-targets.service.js';
import { repTargetSdl } from './rep-targets.sdl.js';
import type { PriceFloorSource, TargetPort } from './contract.js';
import { registerFactImports } from './target.ingest.js';
import { targetResolvers } from './target.resolvers.js';
import { targetRoutes } from './target.routes.js';
import { targetSdl } from './target.sdl.js';
import { TargetService } from './target.service.js';
import { zodValidatorCompiler } from '../../platform/validate.js';

/** The services; they implement the contract's `TargetPort` (what other modules may call). */
export interface TargetServices extends TargetPort {
  targets: TargetService;
  actuals: ActualsService;
  /** the direct channel's sales reps: targets and achievement on attributed sell-through (issue 17) */
  repTargets: RepTargetService;
}

/** The target module's services; registers the fact streams as import kinds of this app instance (its Store). */
/** deps.priceFloors: the minimum resale prices (policy, wired by the composition root) that sell-through is checked against */
export function createTargetServices(store: Store, deps: { priceFloors?: PriceFloorSource } = {}): TargetServices {
  const targets = new TargetService(store);
  registerFactImports(importsOf(store), store, deps.priceFloors);
  return { targets, actuals: new ActualsService(store, targets), repTargets: new RepTargetService(store, targets) };
}

/** The target module: one encapsulated plugin (its zod compilers stay inside). */
export async function targetModule(app: FastifyInstance, opts: { services: TargetServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  await targetRoutes(app, opts.services);
  const r = targetResolvers(opts.services.targets, opts.services.actuals);
  extendGraphql(app, targetSdl, r.resolvers, r.loaders);
  await repTargetRoutes(app, opts.services.repTargets);
  const rr = repTargetResolvers(opts.services.repTargets);
  extendGraphql(app, repTargetSdl, rr.resolvers, rr.loaders);
}
