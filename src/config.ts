import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number('must be a positive integer').int('must be a positive integer').positive('must be a positive integer');

const nonNegativeInt = z.coerce.number('must be an integer >= 0').int('must be an integer >= 0').min(0, 'must be an integer >= 0');

export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
    DATA_DIR: z.string().min(1).default('./.data'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWKS_URL: z.url().optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    SEED_DEMO: bool.optional(),
    IDEMPOTENCY_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    /** webhook delivery, import jobs and scheduled jobs in the API process too (false: only `npm run worker` runs them) */
    INTEGRATION_WORKERS: bool.default(true),
    /** background tuning (server and worker): how long a claimed delivery / job is held, parallel deliveries, idle poll */
    WEBHOOK_LEASE_MS: positiveInt.optional(),
    WEBHOOK_CONCURRENCY: positiveInt.optional(),
    WORKER_POLL_MS: positiveInt.optional(),
    JOB_LEASE_MS: positiveInt.optional(),
    /** database failure behaviour (issue 13): session timeouts of API requests (PostgreSQL; 0 = none), connect timeout */
    DB_STATEMENT_TIMEOUT_MS: nonNegativeInt.default(30_000),
    DB_LOCK_TIMEOUT_MS: nonNegativeInt.default(5_000),
    DB_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
    /** statement timeout of `npm run worker` processes (import jobs, webhook delivery, scheduled jobs) */
    DB_WORKER_STATEMENT_TIMEOUT_MS: nonNegativeInt.default(300_000),
    /** row-level security as a second tenant wall (README "Row-level security"): on by default; the role it runs as */
    DB_ROW_SECURITY: bool.default(true),
    /** statements prepared unasked outside transactions (README "Prepared statements"); off behind a pooler that cannot keep them */
    DB_AUTO_PREPARE: bool.default(true),
    /** connections kept for the hot tenant-scoped reads (README "Read lanes"); unset: a fifth of the pool; 0: none */
    DB_READ_LANES: nonNegativeInt.optional(),
    DB_APP_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
      .default('channel_app'),
    /** retention in days (0: kept for ever); the scheduled job `retention` removes what is older (README "Retention") */
    RETENTION_EVENTS_DAYS: nonNegativeInt.default(90),
    RETENTION_AUDIT_DAYS: nonNegativeInt.default(365),
    RETENTION_WEBHOOK_DELIVERIES_DAYS: nonNegativeInt.default(30),
    RETENTION_JOBS_DAYS: nonNegativeInt.default(30),
    /** audit rows are written there (gzip NDJSON, fsync'ed) before retention removes them; unset: no export */
    RETENTION_AUDIT_EXPORT_DIR: z.string().min(1).optional(),
    /** rejected rows an import report lists (the rest are only counted, by reason) */
    IMPORT_MAX_ERRORS: positiveInt.default(1_000),
    /** hardening (identity, abuse, browsers): see README "Limits and browsers" */
    JWT_MAX_LIFETIME_SECONDS: positiveInt.default(24 * 3600),
    RATE_LIMIT_MAX: z.coerce.number('must be a whole number >= 0').int('must be a whole number >= 0').min(0, 'must be a whole number >= 0').default(1000),
    RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    GRAPHQL_MAX_DEPTH: positiveInt.default(10),
    GRAPHQL_MAX_COST: positiveInt.default(50_000),
    GRAPHQL_MAX_ALIASES: positiveInt.default(30),
    GRAPHQL_MAX_BATCH: positiveInt.default(10),
    GRAPHQL_INTROSPECTION: bool.optional(),
    CORS_ORIGINS: z.string().optional(),
    /** the bearer token a Prometheus scraper sends to GET /metrics; unset: /metrics is not served */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** OpenTelemetry tracing (HTTP, GraphQL and SQL spans over OTLP/HTTP); off: no SDK is loaded */
    OTEL_ENABLED: bool.default(false),
    /** the OTLP/HTTP collector's base URL (the standard variable); traces go to <url>/v1/traces */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().default('http://127.0.0.1:4318'),
    OTEL_SERVICE_NAME: z.string().min(1).default('channel-api'),
    /**
     * Which proxies in front of the server to believe about the client's address (X-Forwarded-For, fastify's
     * trustProxy): unset/false none (the socket's peer is the client), true every hop, a number the nearest N hops,
     * or comma-separated addresses / CIDR ranges of the proxies. Rate-limit keys and logs use the resulting client IP.
     */
    TRUST_PROXY: z
      .string()
      .transform((v, ctx): boolean | number | string[] => {
        const t = v.trim().toLowerCase();
        if (['true', 'false', 'yes', 'no'].includes(t)) return t === 'true' || t === 'yes';
        if (/^\d+$/.test(t)) return Number(t);
        const list = v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean);
        if (!list.length || list.some((a) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a))) {
          ctx.addIssue({ code: 'custom', message: 'must be true, false, a hop count, or comma-separated proxy addresses / CIDR ranges' });
          return z.NEVER;
        }
        return list;
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.JWT_SECRET && !c.JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'production needs JWT_SECRET or JWKS_URL' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
