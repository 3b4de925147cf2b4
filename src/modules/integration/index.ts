import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Store } from '../../platform/store.js';
import type { OnboardingServices } from '../onboarding/index.js';

/** Services of the integration module (not built yet). */
export interface IntegrationServices {}

export function createIntegrationServices(_store: Store, _deps: { onboarding: OnboardingServices }): IntegrationServices {
  return {};
}

/** The integration module: one encapsulated plugin (its zod compilers stay inside). */
export async function integrationModule(app: FastifyInstance, _opts: { services: IntegrationServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}
