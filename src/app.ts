import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { analyticsModule } from './modules/analytics/index.js';
import { evaluationModule } from './modules/evaluation/index.js';
import { incentiveModule } from './modules/incentive/index.js';
import { integrationModule } from './modules/integration/index.js';
import { findPartner, partnerSubtree } from './modules/onboarding/contract.js';
import { onboardingModule } from './modules/onboarding/index.js';
import { organisationModule } from './modules/organisation/index.js';
import { ordersModule } from './modules/orders/index.js';
import { policyModule } from './modules/policy/index.js';
import { targetModule } from './modules/target/index.js';
import { actorWith } from './platform/actor.js';
import auth from './platform/auth.js';
import browsers from './platform/browsers.js';
import metrics from './platform/metrics.js';
import type { Database } from './platform/db.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import errors from './platform/errors.js';
import graphql from './platform/graphql.js';
import { graphiql } from './platform/graphiql.js';
import health from './platform/health.js';
import { conditionalReads } from './platform/http.js';
import idempotency from './platform/idempotency.js';
import importParsers from './platform/imports.js';
import logging, { lazyRequestLogger, loggerOptions } from './platform/logging.js';
import { docs, openapi } from './platform/openapi.js';
import rateLimit from './platform/rate-limit.js';
import { Store } from './platform/store.js';
import { TenantDirectory } from './platform/tenants.js';
import { createServices, stopBackground, type Services, type ServicesConfig } from './services.js';

export type { Services };

/** the hardening settings (identity, limits, browsers); absent ones take the defaults of src/config.ts */
type HardeningKey =
  | 'JWT_MAX_LIFETIME_SECONDS'
  | 'RATE_LIMIT_MAX'
  | 'RATE_LIMIT_WINDOW_MS'
  | 'REDIS_URL'
  | 'GRAPHQL_MAX_DEPTH'
  | 'GRAPHQL_MAX_COST'
  | 'GRAPHQL_MAX_ALIASES'
  | 'GRAPHQL_MAX_BATCH'
  | 'GRAPHQL_INTROSPECTION'
  | 'CORS_ORIGINS'
  | 'TRUST_PROXY'
  | 'METRICS_TOKEN'
  | 'OTEL_ENABLED'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_SERVICE_NAME';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    services: Services;
    /** the platform tenants table: provisioning and the cached existence check of auth */
    tenants: TenantDirectory;
    /** with OTEL_ENABLED: flush pending spans (tests), shut the exporter down (on close) */
    tracing?: { traceGraphql: () => void; flush: () => Promise<void>; shutdown: () => Promise<void> };
  }
}

export interface BuildOptions {
  config: Pick<Config, 'NODE_ENV' | 'LOG_LEVEL' | 'JWT_SECRET' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'IDEMPOTENCY_TTL_HOURS'> &
    ServicesConfig &
    Partial<Pick<Config, HardeningKey>>;
  database: Database;
  /** override the pino logger options (tests pass false) */
  logger?: FastifyServerOptions['logger'];
  /** with OTEL_ENABLED: export spans here instead of OTLP (tests pass an InMemorySpanExporter) */
  spanExporter?: SpanExporter;
}

/** TRUST_PROXY as fastify takes it: a hop count becomes "trust the nearest N hops" (proxy-addr's own rule). */
function trustProxyOption(v: Config['TRUST_PROXY']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof v === 'number') return (_address, hop) => hop < v;
  return v ?? false;
}

/** Builds the whole service without listening (tests inject; server.ts listens). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config, database } = opts;
  // hardening settings the caller did not pass take the defaults of src/config.ts
  const defaults = loadConfig({});
  const setting = <K extends HardeningKey>(key: K): Config[K] => (config[key] ?? defaults[key]) as Config[K];
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.LOG_LEVEL),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    // request.ip (rate-limit keys, logs) comes from X-Forwarded-For only through proxies trusted here
    trustProxy: trustProxyOption(setting('TRUST_PROXY')),
  });

  const store = new Store(database);
  // the composition root (src/services.ts): every module's services, wired in dependency order, and the scheduled jobs
  const services = createServices(store, config);
  const { onboarding, organisation, policy, target, incentive, evaluation, orders, analytics, integration } = services;
  app.decorate('store', store);
  app.decorate('services', services);
  const tenantDirectory = new TenantDirectory(() => store.db);
  app.decorate('tenants', tenantDirectory);

  // tracing first (its request span spans every other hook); loaded only when on, so off costs nothing
  if (setting('OTEL_ENABLED')) {
    const { setupTracing } = await import('./platform/tracing.js');
    const tracing = setupTracing(app, database, {
      serviceName: setting('OTEL_SERVICE_NAME'),
      endpoint: setting('OTEL_EXPORTER_OTLP_ENDPOINT'),
      ...(opts.spanExporter ? { exporter: opts.spanExporter } : {}),
    });
    app.decorate('tracing', tracing);
    app.addHook('onClose', async () => tracing.shutdown());
  }
  await app.register(errors);
  await app.register(logging);
  // CORS, security headers, compression: first, so that every answer (a 401 too) carries them
  await app.register(browsers, {
    corsOrigins: (setting('CORS_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  });
  await app.register(conditionalReads); // ETag on every GET 200, If-None-Match -> 304
  await app.register(auth, {
    ...(config.JWT_SECRET ? { jwtSecret: config.JWT_SECRET } : {}),
    ...(config.JWKS_URL ? { jwksUrl: config.JWKS_URL } : {}),
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    // API keys (ck_live_…) are accepted as bearer credentials
    resolvers: [integration.apiKeys.resolver],
    // identity fails closed: the tenant must exist, a partner claim must name a partner of that tenant
    identity: {
      tenantExists: (tenantId) => tenantDirectory.exists(tenantId),
      partnerExists: async (tenantId, partnerId) => !!(await findPartner(store.db, tenantId, partnerId)),
    },
    maxLifetimeSeconds: setting('JWT_MAX_LIFETIME_SECONDS'),
    // a staff member's data scope (org subtree or portfolio) confines a tenant credential like a partner's
    dataScope: organisation.dataScope,
  });
  // a `subtree` partner credential (JWT claim partner_scope, or a partner-bound API key with that option) covers the
  // partner's descendants: resolved once per request into actor.partnerIds, which every confinement rule reads
  app.addHook('onRequest', (request, _reply, done) => {
    const a = request.actor;
    if (!a?.partnerId || a.partnerScope !== 'subtree') return done();
    partnerSubtree(store.db, a.tenantId, a.partnerId).then((partnerIds) => {
      request.actor = actorWith(a, 'partnerIds', partnerIds);
      done();
    }, done);
  });
  // after auth: the limit counts per verified credential, or per IP for calls without one
  await app.register(rateLimit, { max: setting('RATE_LIMIT_MAX'), windowMs: setting('RATE_LIMIT_WINDOW_MS'), redisUrl: setting('REDIS_URL') });
  // Prometheus metrics at /metrics behind METRICS_TOKEN (unset: not served)
  await app.register(metrics, { token: setting('METRICS_TOKEN'), database, store, gauges: integration.metricGauges() });
  await app.register(openapi);
  await app.register(health, { database });
  await app.register(idempotency, { store, ttlHours: config.IDEMPOTENCY_TTL_HOURS });
  await app.register(graphql, {
    graphiql: false,
    introspection: setting('GRAPHQL_INTROSPECTION') ?? config.NODE_ENV !== 'production',
    limits: {
      maxDepth: setting('GRAPHQL_MAX_DEPTH'),
      maxCost: setting('GRAPHQL_MAX_COST'),
      maxAliases: setting('GRAPHQL_MAX_ALIASES'),
      maxBatch: setting('GRAPHQL_MAX_BATCH'),
    },
  });
  app.tracing?.traceGraphql();
  if (config.NODE_ENV !== 'production') await app.register(graphiql); // offline GraphiQL from installed packages (platform/graphiql.ts)

  await app.register(importParsers);

  await app.register(onboardingModule, { services: onboarding });
  await app.register(organisationModule, { services: organisation });
  await app.register(policyModule, { services: policy });
  await app.register(targetModule, { services: target });
  await app.register(incentiveModule, { services: incentive });
  await app.register(evaluationModule, { services: evaluation });
  await app.register(ordersModule, { services: orders });
  await app.register(analyticsModule, { services: analytics });
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
