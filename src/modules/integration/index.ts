import type { FastifyInstance } from 'fastify';
import { responseSerializerCompiler } from '../../platform/serialize.js';
import { zodValidatorCompiler } from '../../platform/validate.js';
import { extendGraphql } from '../../platform/graphql.js';
import { importsOf } from '../../platform/imports.js';
import type { GaugeSource } from '../../platform/metrics.js';
import type { Store } from '../../platform/store.js';
import { ApiKeyService } from './apikeys.service.js';
import { AuditService, EventFeedService } from './feed.service.js';
import { integrationResolvers } from './integration.resolvers.js';
import { integrationRoutes } from './integration.routes.js';
import { integrationGauges } from './integration.metrics.js';
import { integrationSdl } from './integration.sdl.js';
import { JobService, JobWorker, type JobWorkerOptions } from './jobs.service.js';
import { systemClock, WebhookDispatcher, type DispatcherOptions } from './webhooks.dispatcher.js';
import { defaultUrlPolicy, systemResolver } from './webhooks.net.js';
import { WebhookService, type WebhookSettings } from './webhooks.service.js';
import { RETENTION_DEFAULTS, RetentionService, type RetentionReport, type RetentionSettings } from './retention.service.js';

export type { DispatcherOptions, JobWorkerOptions, RetentionReport, RetentionSettings };

export interface IntegrationServices {
  audit: AuditService;
  events: EventFeedService;
  apiKeys: ApiKeyService;
  webhooks: WebhookService;
  jobs: JobService;
  /** removal of events, audit rows, webhook deliveries, jobs and idempotency records past their retention */
  retention: RetentionService;
  /** replaceable settings shared by the webhook API and the dispatchers this module creates */
  settings: WebhookSettings;
  /** a webhook dispatcher on this store (options override the settings) */
  createDispatcher(opts?: Partial<DispatcherOptions>): WebhookDispatcher;
  createJobWorker(opts?: JobWorkerOptions): JobWorker;
  /** starts one dispatcher and one job worker in this process (startBackground in services.ts); returns their stop */
  startWorkers(opts?: { dispatcher?: Partial<DispatcherOptions>; jobs?: JobWorkerOptions; onError?: (e: unknown) => void }): () => Promise<void>;
  /** stops what startWorkers started (app close) */
  stopWorkers(): Promise<void>;
  /** Prometheus gauges of the outbox and queues (GET /metrics) */
  metricGauges(): GaugeSource[];
}

/** Integration knows no domain module: it hears them through platform events (store.onEventsCommitted, outbox). */
export function createIntegrationServices(store: Store, opts: { nodeEnv?: string; retention?: Partial<RetentionSettings> } = {}): IntegrationServices {
  const retention: RetentionSettings = { ...RETENTION_DEFAULTS, ...opts.retention };
  const settings: WebhookSettings = {
    policy: defaultUrlPolicy(opts.nodeEnv ?? 'development'),
    resolver: systemResolver,
    clock: systemClock,
    timeoutMs: 10_000,
  };
  const jobs = new JobService(store, () => settings.clock);
  const webhooks = new WebhookService(store, settings);
  let stopAll: (() => Promise<void>) | undefined;
  const services: IntegrationServices = {
    audit: new AuditService(store),
    events: new EventFeedService(store),
    apiKeys: new ApiKeyService(store),
    webhooks,
    jobs,
    retention: new RetentionService(store, () => retention),
    settings,
    createDispatcher: (o = {}) => new WebhookDispatcher(store, { policy: settings.policy, clock: settings.clock, timeoutMs: settings.timeoutMs, ...o }),
    createJobWorker: (o = {}) => new JobWorker(store, { clock: settings.clock, ...o }),
    metricGauges: () => integrationGauges(store),
    startWorkers(o = {}) {
      if (stopAll) return stopAll;
      const dispatcher = services.createDispatcher({ ...(o.onError ? { onError: o.onError } : {}), ...o.dispatcher });
      const worker = services.createJobWorker({ ...(o.onError ? { onError: o.onError } : {}), ...o.jobs });
      let live = true;
      store.onEventsCommitted(() => {
        if (live) dispatcher.poke();
      });
      webhooks.onQueued = () => dispatcher.poke();
      jobs.onQueued = () => worker.poke();
      dispatcher.start();
      worker.start();
      stopAll = async () => {
        live = false;
        webhooks.onQueued = undefined;
        jobs.onQueued = undefined;
        await Promise.all([dispatcher.stop(), worker.stop()]);
        stopAll = undefined;
      };
      return stopAll;
    },
    stopWorkers: async () => {
      await stopAll?.();
    },
  };
  return services;
}

/** The integration module: audit and event feed, webhooks, API keys, jobs (one encapsulated plugin). */
export async function integrationModule(app: FastifyInstance, opts: { services: IntegrationServices }) {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  importsOf(app.store).asyncHandler = opts.services.jobs.spool;
  await integrationRoutes(app, opts.services);
  const r = integrationResolvers(opts.services);
  extendGraphql(app, integrationSdl, r.resolvers, r.loaders);
  // background workers stop before the database closes (app.ts closes it in its own onClose, registered later)
  app.addHook('preClose', async () => {
    await opts.services.stopWorkers();
  });
}
