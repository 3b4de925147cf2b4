import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import { invalid } from '../../platform/errors.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import { DeviationService } from './deviations.service.js';
import { policyResolvers } from './policy.resolvers.js';
import { policyRoutes } from './policy.routes.js';
import { policySdl } from './policy.sdl.js';
import { PricePolicyService } from './price-policies.service.js';
import { PriceResolutionService } from './price-resolution.service.js';
import { TermsService } from './terms.service.js';
import { ViolationService } from './violations.service.js';

export { POLICY_EVENTS } from './policy.common.js';

/** Services of the policy module: prices (policies and versions), resolution, deviations, terms, violations. */
export interface PolicyServices {
  prices: PricePolicyService;
  resolution: PriceResolutionService;
  deviations: DeviationService;
  terms: TermsService;
  violations: ViolationService;
}

export function createPolicyServices(store: Store): PolicyServices {
  const resolution = new PriceResolutionService(store);
  const services: PolicyServices = {
    prices: new PricePolicyService(store),
    resolution,
    deviations: new DeviationService(store, resolution),
    terms: new TermsService(store),
    violations: new ViolationService(store, resolution),
  };
  importsOf(store).register('policy.price-observations', (actor) => services.violations.importSpec(actor));
  importsOf(store).register('policy.price-lines', (actor, params) => {
    if (!params.versionId) throw invalid('versionId', 'the price-list import needs the draft version it fills');
    return services.prices.importSpec(actor, params.versionId);
  });
  return services;
}

/** The policy module: one encapsulated plugin (its zod compilers stay inside). */
export async function policyModule(app: FastifyInstance, opts: { services: PolicyServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await policyRoutes(app, opts.services);
  const g = policyResolvers(opts.services);
  extendGraphql(app, policySdl, g.resolvers, g.loaders);
}
