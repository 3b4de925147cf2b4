/**
 * A background worker process: webhook delivery, import jobs and the scheduled jobs (agreement sweep, warning
 * checks), without HTTP: it builds the services through the composition root (src/services.ts), no Fastify.
 * Any number can run beside the API instances (everything is claimed in PostgreSQL), so it needs DATABASE_URL:
 * an embedded PGlite database cannot be shared between processes (the API server runs the same work in-process
 * unless INTEGRATION_WORKERS=false).
 *
 * Optional tuning (config.ts): WEBHOOK_LEASE_MS, WEBHOOK_CONCURRENCY, WORKER_POLL_MS, JOB_LEASE_MS.
 */
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { Database, installProcessGuards } from './platform/db.js';
import { boundHeapGrowth } from './platform/heap.js';
import { loggerOptions } from './platform/logging.js';
import { Store } from './platform/store.js';
import { createServices, startBackground, stopBackground } from './services.js';

async function main() {
  boundHeapGrowth();
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
  const log = pino(loggerOptions(config.LOG_LEVEL));
  installProcessGuards(log);
  // background work gets the longer statement timeout (imports, large sweeps); the lock timeout is the same
  const database = new Database({
    url: config.DATABASE_URL,
    poolMax: Math.min(config.DATABASE_POOL_MAX, 10),
    connectTimeoutSeconds: config.DB_CONNECT_TIMEOUT_MS / 1000,
    statementTimeoutMs: config.DB_WORKER_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DB_LOCK_TIMEOUT_MS,
    rowSecurity: config.DB_ROW_SECURITY,
    autoPrepare: config.DB_AUTO_PREPARE,
    ...(config.DB_READ_LANES === undefined ? {} : { readLanes: config.DB_READ_LANES }),
    appRole: config.DB_APP_ROLE,
  });
  await database.migrate();
  const store = new Store(database);
  store.importMaxErrors = config.IMPORT_MAX_ERRORS;
  const services = createServices(store, config);
  startBackground(services, config, { onError: (err) => log.error({ err }, 'background work failed') });
  log.info({ scheduled: services.scheduler.names }, 'worker started: webhook delivery, import jobs, scheduled jobs');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'worker stopping: finishing the work in hand');
    const timer = setTimeout(() => process.exit(1), 20_000);
    timer.unref();
    stopBackground(services)
      .then(() => database.close())
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
