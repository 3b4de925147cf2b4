/**
 * The composition root: the one place that knows every module. It creates each module's services in dependency
 * order (each gets only what it may call), wires the ports between modules, and registers the scheduled jobs.
 * Used by the HTTP server (app.ts), the background worker (worker.ts) and the CLI scripts.
 */
import type { Config } from './config.js';
import { createAnalyticsServices, type AnalyticsServices } from './modules/analytics/index.js';
import { evaluationSql } from './modules/evaluation/contract.js';
import { createEvaluationServices, type EvaluationServices } from './modules/evaluation/index.js';
import { createIncentiveServices, type IncentiveServices } from './modules/incentive/index.js';
import { createIntegrationServices, type DispatcherOptions, type IntegrationServices, type JobWorkerOptions } from './modules/integration/index.js';
import { createOnboardingServices, type OnboardingServices } from './modules/onboarding/index.js';
import { createOrganisationServices, type OrganisationServices } from './modules/organisation/index.js';
import { createOrdersServices, type OrdersServices } from './modules/orders/index.js';
import { createPolicyServices, type PolicyServices } from './modules/policy/index.js';
import { anyResaleFloor, priceFloorsSql } from './modules/policy/contract.js';
import { createTargetServices, type TargetServices } from './modules/target/index.js';
import { databaseClaim, Scheduler } from './platform/scheduler.js';
import type { Store } from './platform/store.js';

export interface Services {
  onboarding: OnboardingServices;
  organisation: OrganisationServices;
  policy: PolicyServices;
  target: TargetServices;
  incentive: IncentiveServices;
  evaluation: EvaluationServices;
  analytics: AnalyticsServices;
  orders: OrdersServices;
  integration: IntegrationServices;
  /** scheduled jobs (agreement sweep, warning checks, credit sweep), started with the background work */
  scheduler: Scheduler;
}

/** What the composition reads from the configuration (tests pass a few fields; the rest defaults). */
export type ServicesConfig = Pick<Config, 'NODE_ENV'> &
  Partial<
    Pick<
      Config,
      | 'WEBHOOK_LEASE_MS'
      | 'WEBHOOK_CONCURRENCY'
      | 'WORKER_POLL_MS'
      | 'JOB_LEASE_MS'
      | 'RETENTION_EVENTS_DAYS'
      | 'RETENTION_AUDIT_DAYS'
      | 'RETENTION_WEBHOOK_DELIVERIES_DAYS'
      | 'RETENTION_JOBS_DAYS'
      | 'RETENTION_AUDIT_EXPORT_DIR'
    >
  >;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function createServices(store: Store, config: ServicesConfig): Services {
  // modules in dependency order: each gets the services of the modules it may call
  const onboarding = createOnboardingServices(store);
  // organisation (layer 1.5): org tree, staff, ownership, data scope, approval authority
  const organisation = createOrganisationServices(store);
  // policy routes price deviations through the approval engine (it registers its outcome handler there)
  const policy = createPolicyServices(store, { approvals: organisation.approvals });
  // sell-through lines are checked against policy's minimum resale prices through target's PriceFloorSource port
  const target = createTargetServices(store, { priceFloors: { floorsSql: priceFloorsSql, anyFloor: anyResaleFloor } });
  // a partner's type or home territory changes: target's totals per group follow in the same transaction (onboarding's port)
  onboarding.partners.onAttributesChanged(async (w, partnerIds) => void (await target.actuals.regroupInWork(w, partnerIds)));
  // incentive comes before evaluation: it reads the latest grades through a port wired to evaluation's contract
  // statement approvals go through the organisation module's approval policies (kind `statement`)
  const incentive = createIncentiveServices(store, {
    periods: target.targets,
    grades: { latestGrades: evaluationSql.latestGrades },
    approvals: organisation.approvals,
  });
  // accepted tier changes go through the organisation module's approval policies (kind `tier_change`)
  const evaluation = createEvaluationServices(store, { periods: target.targets, partners: onboarding.partners, approvals: organisation.approvals });
  // orders (layer 3.5): overrides of credit and quota refusals go through the organisation module's approval policies
  const orders = createOrdersServices(store, { approvals: organisation.approvals });
  // read-only: territory, org-unit and account-manager trees built in
  const analytics = createAnalyticsServices(store, { periods: target.targets });
  const retention = {
    ...(config.RETENTION_EVENTS_DAYS !== undefined ? { eventsDays: config.RETENTION_EVENTS_DAYS } : {}),
    ...(config.RETENTION_AUDIT_DAYS !== undefined ? { auditDays: config.RETENTION_AUDIT_DAYS } : {}),
    ...(config.RETENTION_WEBHOOK_DELIVERIES_DAYS !== undefined ? { webhookDeliveriesDays: config.RETENTION_WEBHOOK_DELIVERIES_DAYS } : {}),
    ...(config.RETENTION_JOBS_DAYS !== undefined ? { jobsDays: config.RETENTION_JOBS_DAYS } : {}),
    ...(config.RETENTION_AUDIT_EXPORT_DIR ? { auditExportDir: config.RETENTION_AUDIT_EXPORT_DIR } : {}),
  };
  const integration = createIntegrationServices(store, { nodeEnv: config.NODE_ENV, retention });

  // a due round runs in one process however many servers and workers poll (the scheduled_jobs table)
  const scheduler = new Scheduler({ claim: databaseClaim(store.database), ...(config.WORKER_POLL_MS ? { pollMs: config.WORKER_POLL_MS } : {}) });
  // the agreement sweep of every tenant (expiry, agreement.expiring notices); rows are claimed with SKIP LOCKED
  scheduler.register({ name: 'agreement-sweep', everyMs: HOUR, run: () => onboarding.agreements.sweep() });
  // early warnings of every tenant with an active rule, for the current quarter (safe concurrently: one open alert per rule and partner)
  scheduler.register({ name: 'evaluation-warnings', everyMs: HOUR, run: () => evaluation.warnings.checkAllTenants() });

  // the credit sweep of every tenant with invoices or limits: credit.overdue once per invoice, credit.over_limit once per crossing
  scheduler.register({ name: 'credit-sweep', everyMs: HOUR, run: () => orders.creditSweep.sweep() });
  // fact imports apply their totals once at their end: deltas a crashed import committed but did not apply are
  // applied here (the first round when a server or worker starts; the next import of the stream applies them too)
  scheduler.register({ name: 'totals-pending', everyMs: 5 * MINUTE, run: () => target.actuals.applyPendingTotals() });
  // retention (RETENTION_*): month partitions created ahead; events, audit rows (exported first with
  // RETENTION_AUDIT_EXPORT_DIR), finished deliveries and jobs, expired idempotency records
  scheduler.register({ name: 'retention', everyMs: HOUR, run: () => integration.retention.purge() });

  return { onboarding, organisation, policy, target, incentive, evaluation, orders, analytics, integration, scheduler };
}

export interface BackgroundOptions {
  onError?: (err: unknown) => void;
  dispatcher?: Partial<DispatcherOptions>;
  jobs?: JobWorkerOptions;
}

/**
 * Starts the background work of this process: webhook delivery, import jobs (integration) and the scheduled jobs.
 * Tuning comes from the configuration (WEBHOOK_LEASE_MS, WEBHOOK_CONCURRENCY, WORKER_POLL_MS, JOB_LEASE_MS), then `opts`.
 */
export function startBackground(services: Services, config: ServicesConfig, opts: BackgroundOptions = {}): void {
  const poll = config.WORKER_POLL_MS;
  services.integration.startWorkers({
    ...(opts.onError ? { onError: opts.onError } : {}),
    dispatcher: {
      ...(config.WEBHOOK_LEASE_MS ? { leaseMs: config.WEBHOOK_LEASE_MS } : {}),
      ...(config.WEBHOOK_CONCURRENCY ? { concurrency: config.WEBHOOK_CONCURRENCY } : {}),
      ...(poll ? { pollMs: poll } : {}),
      ...opts.dispatcher,
    },
    jobs: { ...(config.JOB_LEASE_MS ? { leaseMs: config.JOB_LEASE_MS } : {}), ...(poll ? { pollMs: poll } : {}), ...opts.jobs },
  });
  services.scheduler.start(opts.onError);
}

/** Stops what startBackground started, waiting for the work in hand (before the database closes). */
export async function stopBackground(services: Services): Promise<void> {
  await Promise.all([services.integration.stopWorkers(), services.scheduler.stop()]);
}
