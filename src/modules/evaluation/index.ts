import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Store } from '../../platform/store.js';
import type { OnboardingServices } from '../onboarding/index.js';

/** Services of the evaluation module (not built yet). */
export interface EvaluationServices {}

export function createEvaluationServices(_store: Store, _deps: { onboarding: OnboardingServices }): EvaluationServices {
  return {};
}

/** The evaluation module: one encapsulated plugin (its zod compilers stay inside). */
export async function evaluationModule(app: FastifyInstance, _opts: { services: EvaluationServices }) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}
