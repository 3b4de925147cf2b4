import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import { invalid } from '../../platform/errors.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import type { OnboardingServices } from '../onboarding/index.js';
import { DeviationService } from './deviations.service.js';
import { policyResolvers } from './policy.resolvers.js';
import { policyRoutes } from './policy.routes.js';
import { policySdl } from './policy.sdl.js';
import { PriceService } from './prices.service.js';
import { TermsService } from './terms.service.js';
import { ViolationService } from './violations.service.js';

export { POLICY_EVENTS } from './prices.service.js';

/** Services of the policy module: prices (policies, versions, resolution), deviations, terms, violations. */
export interface PolicyServices {
  prices: PriceService;
  deviations: DeviationService;
  terms: TermsService;
  violations: ViolationService;
}

export function createPolicyServices(store: Store, _deps: { onboarding: OnboardingServices }): PolicyServices {
  const prices = new PriceService(store);
  const services: PolicyServices = {
    prices,
    deviations: new DeviationService(store, prices),
    terms: new TermsService(store),
    violations: new ViolationService(store, prices),
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
