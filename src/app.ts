import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { evaluationModule } from './modules/evaluation/index.js';
import { incentiveModule } from './modules/incentive/index.js';
import { integrationModule } from './modules/integration/index.js';
import { partnerSubtree } from './modules/onboarding/contract.js';
import { onboardingModule } from './modules/onboarding/index.js';
import { policyModule } from './modules/policy/index.js';
import { targetModule } from './modules/target/index.js';
import auth from './platform/auth.js';
import type { Database } from './platform/db.js';
import errors from './platform/errors.js';
import graphql from './platform/graphql.js';
import { graphiql } from './platform/graphiql.js';
import health from './platform/health.js';
import { conditionalReads } from './platform/http.js';
import idempotency from './platform/idempotency.js';
import importParsers from './platform/imports.js';
import logging, { loggerOptions } from './platform/logging.js';
import { docs, openapi } from './platform/openapi.js';
import { Store } from './platform/store.js';
import { createServices, stopBackground, type Services, type ServicesConfig } from './services.js';

export type { Services };

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    services: Services;
  }
}

export interface BuildOptions {
  config: Pick<Config, 'NODE_ENV' | 'LOG_LEVEL' | 'JWT_SECRET' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'IDEMPOTENCY_TTL_HOURS'> & ServicesConfig;
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
  // the composition root (src/services.ts): every module's services, wired in dependency order, and the scheduled jobs
  const services = createServices(store, config);
  const { onboarding, policy, target, incentive, evaluation, integration } = services;
  app.decorate('store', store);
  app.decorate('services', services);

  await app.register(errors);
  await app.register(logging);
  await app.register(conditionalReads); // ETag on every GET 200, If-None-Match -> 304
  await app.register(auth, {
    ...(config.JWT_SECRET ? { jwtSecret: config.JWT_SECRET } : {}),
    ...(config.JWKS_URL ? { jwksUrl: config.JWKS_URL } : {}),
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    // API keys (ck_live_…) are accepted as bearer credentials
    resolvers: [integration.apiKeys.resolver],
  });
  // a `subtree` partner credential (JWT claim partner_scope, or a partner-bound API key with that option) covers the
  // partner's descendants: resolved once per request into actor.partnerIds, which every confinement rule reads
  app.addHook('onRequest', async (request) => {
    const a = request.actor;
    if (a?.partnerId && a.partnerScope === 'subtree') request.actor = { ...a, partnerIds: await partnerSubtree(store.db, a.tenantId, a.partnerId) };
  });
  await app.register(openapi);
  await app.register(health, { database });
  await app.register(idempotency, { store, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  await app.register(graphql, { graphiql: false });
  if (config.NODE_ENV !== 'production') await app.register(graphiql); // offline GraphiQL from installed packages (platform/graphiql.ts)

  await app.register(importParsers);

  await app.register(onboardingModule, { services: onboarding });
  await app.register(policyModule, { services: policy });
  await app.register(targetModule, { services: target });
  await app.register(incentiveModule, { services: incentive });
  await app.register(evaluationModule, { services: evaluation });
  await app.register(integrationModule, { services: integration });

  await app.register(docs);
  // background work (server.ts starts it when INTEGRATION_WORKERS) stops before the database closes
  app.addHook('preClose', async () => {
    await stopBackground(services);
  });
  app.addHook('onClose', async () => {
    await database.close();
  });
  return app;
}
