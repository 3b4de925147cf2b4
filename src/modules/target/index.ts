import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Store } from '../../platform/store.js';
import type { OnboardingServices } from '../onboarding/index.js';

/** Services of the target module (not built yet). */
export interface TargetServices {}

export function createTargetServices(_store: Store, _deps: { onboarding: OnboardingServices }): TargetServices {
  return {};
}

/** The target module: one encapsulated plugin (its zod compilers stay inside). */
export async function targetModule(app: FastifyInstance, _opts: { services: TargetServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}
