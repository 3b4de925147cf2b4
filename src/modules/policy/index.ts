import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Store } from '../../platform/store.js';
import type { OnboardingServices } from '../onboarding/index.js';

/** Services of the policy module (not built yet). */
export interface PolicyServices {}

export function createPolicyServices(_store: Store, _deps: { onboarding: OnboardingServices }): PolicyServices {
  return {};
}

/** The policy module: one encapsulated plugin (its zod compilers stay inside). */
export async function policyModule(app: FastifyInstance, _opts: { services: PolicyServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}
