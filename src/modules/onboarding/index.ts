import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { extendGraphql } from '../../platform/graphql.js';
import type { Store } from '../../platform/store.js';
import { catalogRoutes, registerCatalogImports } from './catalog.routes.js';
import { CatalogService } from './catalog.service.js';
import { partnerResolvers } from './partners.resolvers.js';
import { partnerRoutes } from './partners.routes.js';
import { partnersSdl } from './partners.sdl.js';
import { PartnerService } from './partners.service.js';

export interface OnboardingServices {
  store: Store;
  partners: PartnerService;
  catalog: CatalogService;
}

export function createOnboardingServices(store: Store): OnboardingServices {
  const partners = new PartnerService(store);
  const catalog = new CatalogService(store);
  registerCatalogImports(catalog);
  return { store, partners, catalog };
}

/** The onboarding module: one encapsulated plugin (its zod compilers stay inside). */
export async function onboardingModule(app: FastifyInstance, opts: { services: OnboardingServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const s = opts.services;
  await partnerRoutes(app, { partners: s.partners, store: s.store });
  await catalogRoutes(app, s.store, s.catalog);
  const p = partnerResolvers(s.partners);
  extendGraphql(app, partnersSdl, p.resolvers, p.loaders);
}
