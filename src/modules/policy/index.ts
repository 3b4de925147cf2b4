import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import { invalid } from '../../platform/errors.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import type { ApprovalsPort } from '../organisation/contract.js';
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

/** deps.approvals: the approval engine (organisation's contract); without it deviations keep one-step decisions. */
export function createPolicyServices(store: Store, deps: { approvals?: ApprovalsPort } = {}): PolicyServices {
  const resolution = new PriceResolutionService(store);
  const services: PolicyServices = {
    prices: new PricePolicyService(store),
    resolution,
    deviations: new DeviationService(store, resolution, deps.approvals),
    terms: new TermsService(store),
    violations: new ViolationService(store, resolution),
  };
  // a multi-step approval of a deviation, once decided, settles the deviation in the deciding transaction
  deps.approvals?.onDecided('price_deviation', (w, o) => services.deviations.applyOutcome(w, o.ref, o.outcome, o.note));
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
  app.setSerializerCompiler(responseSerializerCompiler);
  await policyRoutes(app, opts.services);
  const g = policyResolvers(opts.services);
  extendGraphql(app, policySdl, g.resolvers, g.loaders);
}
