import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { extendGraphql } from '../../platform/graphql.js';
import { importsOf } from '../../platform/imports.js';
import type { Store } from '../../platform/store.js';
import { catalogRoutes, registerCatalogImports } from './catalog.routes.js';
import { CatalogService } from './catalog.service.js';
import { AgreementService } from './agreements.service.js';
import { ApplicationService } from './applications.service.js';
import { CrossRegionService } from './cross-region.service.js';
import { RightsService } from './rights.service.js';
import { onboardingRoutes } from './onboarding.routes.js';
import { onboardingResolvers } from './onboarding.resolvers.js';
import { onboardingSdl } from './onboarding.sdl.js';
import { partnerResolvers } from './partners.resolvers.js';
import { partnerRoutes } from './partners.routes.js';
import { partnersSdl } from './partners.sdl.js';
import { PartnerService } from './partners.service.js';
import { zodValidatorCompiler } from '../../platform/validate.js';

export interface OnboardingServices {
  store: Store;
  partners: PartnerService;
  catalog: CatalogService;
  agreements: AgreementService;
  crossRegion: CrossRegionService;
  rights: RightsService;
  applications: ApplicationService;
}

export function createOnboardingServices(store: Store): OnboardingServices {
  const partners = new PartnerService(store);
  const catalog = new CatalogService(store);
  registerCatalogImports(store, catalog);
  importsOf(store).register('onboarding.partners', (a) => partners.importSpec(a));
  const agreements = new AgreementService(store);
  const applications = new ApplicationService(store, partners, agreements);
  return { store, partners, catalog, agreements, crossRegion: new CrossRegionService(store), rights: new RightsService(store), applications };
}

/** The onboarding module: one encapsulated plugin (its zod compilers stay inside). */
export async function onboardingModule(app: FastifyInstance, opts: { services: OnboardingServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  const s = opts.services;
  await partnerRoutes(app, { partners: s.partners, store: s.store });
  await catalogRoutes(app, s.store, s.catalog);
  await onboardingRoutes(app, s);
  const p = partnerResolvers(s.partners);
  extendGraphql(app, partnersSdl, p.resolvers, p.loaders);
  const o = onboardingResolvers(s);
  extendGraphql(app, onboardingSdl, o.resolvers, o.loaders);
}
