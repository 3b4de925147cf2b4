import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Store } from '../../platform/store.js';
import type { OnboardingServices } from '../onboarding/index.js';

/** Services of the incentive module (not built yet). */
export interface IncentiveServices {}

export function createIncentiveServices(_store: Store, _deps: { onboarding: OnboardingServices }): IncentiveServices {
  return {};
}

/** The incentive module: one encapsulated plugin (its zod compilers stay inside). */
export async function incentiveModule(app: FastifyInstance, _opts: { services: IncentiveServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}
