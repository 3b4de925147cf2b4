import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from './db.js';
import { DomainError, sendProblem } from './errors.js';
import type { Store } from './store.js';

/** A gauge read from the database at scrape time (queue depths, lags): one value per label set. */
export interface GaugeSource {
  name: string;
  help: string;
  labelNames?: string[];
  collect: () => Promise<{ labels?: Record<string, string>; value: number }[]>;
}

export interface MetricsOptions {
  /** the bearer token a scraper sends; unset: `/metrics` is not served */
  token?: string | undefined;
  database: Database;
  store: Store;
  gauges?: GaugeSource[];
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Prometheus metrics (prom-client) at `GET /metrics`, behind `Authorization: Bearer <METRICS_TOKEN>` (a scraper's
 * own secret, not a tenant credential; unset: not served). One registry per app: requests by route and status
 * (count and duration histogram), database availability and pool use, import rows accepted / rejected, the
 * gauges the composition root adds (event outbox lag, queue depths), and the process defaults (CPU, memory,
 * event loop lag, GC).
 */
async function metricsPlugin(app: FastifyInstance, opts: MetricsOptions) {
  if (!opts.token) return;
  const token = opts.token;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // the route template, never the raw URL (ids would make a series per resource); unmatched paths share one
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  const { database, store } = opts;
  new Gauge({
    name: 'db_up',
    help: '1 while the database answers, 0 while it is known to be unreachable (requests then fail fast with 503)',
    registers: [registry],
    collect() {
      this.set(database.available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'connections the database pool may open (1 on the embedded PGlite)',
    registers: [registry],
    collect() {
      this.set(database.poolMax);
    },
  });
  new Gauge({
    name: 'db_pool_connections',
    help:
      'database pool use by state: in_use (held by a transaction or running a query; at most max), max (connections the pool ' +
      'may open; 1 on the embedded PGlite), waiting (reservations waiting for a connection, and queries beyond max)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = database.poolUse;
      this.set({ state: 'in_use' }, pool.inUse);
      this.set({ state: 'max' }, pool.max);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });
  const statements = new Counter({ name: 'db_statements_total', help: 'SQL statements sent', registers: [registry] });
  let lastStatements = database.statements;
  const rows = new Counter({
    name: 'import_rows_total',
    help: 'rows of imports (REST, GraphQL, jobs and the CLI in this process), by outcome (accepted, rejected) and dry run',
    labelNames: ['outcome', 'dry_run'],
    registers: [registry],
  });
  store.onImportFinished(({ accepted, rejected, dryRun }) => {
    rows.inc({ outcome: 'accepted', dry_run: String(dryRun) }, accepted);
    rows.inc({ outcome: 'rejected', dry_run: String(dryRun) }, rejected);
  });
  for (const g of opts.gauges ?? []) {
    new Gauge({
      name: g.name,
      help: g.help,
      labelNames: g.labelNames ?? [],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const v of await g.collect()) this.set(v.labels ?? {}, v.value);
        } catch {
          // the database does not answer: the series is absent from this scrape (db_up says why)
        }
      },
    });
  }

  app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    const m = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (!m || !sameSecret(m[1]!.trim(), token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(reply, new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <METRICS_TOKEN>').toProblem(request.url));
    }
    // statements since the last scrape (the counter on the database may be reset by tests)
    const now = database.statements;
    if (now >= lastStatements) statements.inc(now - lastStatements);
    lastStatements = now;
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

export default fp(metricsPlugin, { name: 'metrics', dependencies: ['errors'] });
