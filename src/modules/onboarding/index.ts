import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { extendGraphql } from '../../platform/graphql.js';
import type { Store } from '../../platform/store.js';
import { partnerResolvers } from './partners.resolvers.js';
import { partnerRoutes } from './partners.routes.js';
import { partnersSdl } from './partners.sdl.js';
import { PartnerService } from './partners.service.js';

export interface OnboardingServices {
  partners: PartnerService;
}

export function createOnboardingServices(store: Store): OnboardingServices {
  return { partners: new PartnerService(store) };
}

/** The onboarding module: one encapsulated plugin (its zod compilers stay inside). */
export async function onboardingModule(app: FastifyInstance, opts: { services: OnboardingServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await partnerRoutes(app, opts.services);
  const p = partnerResolvers(opts.services.partners);
  extendGraphql(app, partnersSdl, p.resolvers, p.loaders);
}
