import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { evaluationSql } from './modules/evaluation/contract.js';
import { createEvaluationServices, evaluationModule, type EvaluationServices } from './modules/evaluation/index.js';
import { createIncentiveServices, incentiveModule, type IncentiveServices } from './modules/incentive/index.js';
import { createIntegrationServices, integrationModule, type IntegrationServices } from './modules/integration/index.js';
import { createOnboardingServices, onboardingModule, type OnboardingServices } from './modules/onboarding/index.js';
import { createPolicyServices, policyModule, type PolicyServices } from './modules/policy/index.js';
import { createTargetServices, targetModule, type TargetServices } from './modules/target/index.js';
import auth from './platform/auth.js';
import type { Database } from './platform/db.js';
import errors from './platform/errors.js';
import graphql from './platform/graphql.js';
import health from './platform/health.js';
import idempotency from './platform/idempotency.js';
import importParsers from './platform/imports.js';
import logging, { loggerOptions } from './platform/logging.js';
import { docs, openapi } from './platform/openapi.js';
import { Store } from './platform/store.js';

export interface Services {
  onboarding: OnboardingServices;
  policy: PolicyServices;
  target: TargetServices;
  incentive: IncentiveServices;
  evaluation: EvaluationServices;
  integration: IntegrationServices;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    services: Services;
  }
}

export interface BuildOptions {
  config: Pick<Config, 'NODE_ENV' | 'LOG_LEVEL' | 'JWT_SECRET' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'IDEMPOTENCY_TTL_HOURS'>;
  database: Database;
  /** override the pino logger options (tests pass false) */
  logger?: FastifyServerOptions['logger'];
}

/** Builds the whole service without listening (tests inject; server.ts listens). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config, database } = opts;
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.LOG_LEVEL),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  const store = new Store(database);
  // modules in dependency order: each gets the services of the modules it may call
  const onboarding = createOnboardingServices(store);
  const policy = createPolicyServices(store);
  const target = createTargetServices(store);
  // incentive comes before evaluation: it reads the latest grades through a port wired to evaluation's contract
  const incentive = createIncentiveServices(store, { periods: target.targets, grades: { latestGrades: evaluationSql.latestGrades } });
  const evaluation = createEvaluationServices(store, { periods: target.targets, partners: onboarding.partners });
  const integration = createIntegrationServices(store, { onboarding }, { nodeEnv: config.NODE_ENV });
  const services: Services = { onboarding, policy, target, incentive, evaluation, integration };
  app.decorate('store', store);
  app.decorate('services', services);

  await app.register(errors);
  await app.register(logging);
  await app.register(auth, {
    ...(config.JWT_SECRET ? { jwtSecret: config.JWT_SECRET } : {}),
    ...(config.JWKS_URL ? { jwksUrl: config.JWKS_URL } : {}),
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    // API keys (ck_live_…) are accepted as bearer credentials
    resolvers: [integration.apiKeys.resolver],
  });
  await app.register(openapi);
  await app.register(health, { database });
  await app.register(idempotency, { store, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  await app.register(graphql, { graphiql: config.NODE_ENV !== 'production' });

  await app.register(importParsers);

  await app.register(onboardingModule, { services: onboarding });
  await app.register(policyModule, { services: policy });
  await app.register(targetModule, { services: target });
  await app.register(incentiveModule, { services: incentive });
  await app.register(evaluationModule, { services: evaluation });
  await app.register(integrationModule, { services: integration });

  await app.register(docs);
  app.addHook('onClose', async () => {
    await database.close();
  });
  return app;
}
