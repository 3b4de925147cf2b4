/**
 * A background worker process: webhook delivery and import jobs, without HTTP. Any number can run beside the API
 * instances (everything is claimed in PostgreSQL), so it needs DATABASE_URL: an embedded PGlite database cannot
 * be shared between processes (the API server runs the same workers in-process anyway).
 *
 * Optional tuning: WEBHOOK_LEASE_MS, WEBHOOK_CONCURRENCY, WORKER_POLL_MS, JOB_LEASE_MS.
 */
import { randomBytes } from 'node:crypto';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { Database } from './platform/db.js';

const num = (name: string): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer`);
    process.exit(2);
  }
  return n;
};

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  if (!config.DATABASE_URL) {
    console.error('the worker needs DATABASE_URL (an embedded database cannot be shared between processes)');
    process.exit(2);
  }
  const database = new Database({ url: config.DATABASE_URL, poolMax: Math.min(config.DATABASE_POOL_MAX, 10) });
  await database.migrate();
  // the worker answers no requests: a throwaway secret satisfies the auth plugin when none is configured
  const app = await buildApp({
    config: { ...config, JWT_SECRET: config.JWT_SECRET ?? (config.JWKS_URL ? undefined : randomBytes(32).toString('hex')) },
    database,
  });
  await app.ready();
  const poll = num('WORKER_POLL_MS');
  const onError = (err: unknown) => app.log.error({ err }, 'background work failed');
  const webhookLease = num('WEBHOOK_LEASE_MS');
  const concurrency = num('WEBHOOK_CONCURRENCY');
  const jobLease = num('JOB_LEASE_MS');
  app.services.integration.startWorkers({
    onError,
    dispatcher: { ...(webhookLease ? { leaseMs: webhookLease } : {}), ...(concurrency ? { concurrency } : {}), ...(poll ? { pollMs: poll } : {}) },
    jobs: { ...(jobLease ? { leaseMs: jobLease } : {}), ...(poll ? { pollMs: poll } : {}) },
  });
  app.log.info('worker started: webhook delivery and import jobs');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'worker stopping: finishing the work in hand');
    const timer = setTimeout(() => process.exit(1), 20_000);
    timer.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
