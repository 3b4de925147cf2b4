import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Tenants, provisioned by operators (`npm run tenant`); a token's tenant claim must name one. Settings live here. */
export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Idempotency-Key records: a retried write returns the stored first response. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

/**
 * Audit trail: one row per write, in the write's transaction. Append-only. On PostgreSQL (and PGlite) the table is
 * partitioned by month of `occurred_at` (migrations/platform/0002; src/platform/partitions.ts), so the primary key
 * carries `occurred_at`; `id` (a uuidv7 drawn per row) is unique on its own.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind').notNull(),
    subject: text('subject').notNull(),
    tokenId: text('token_id'),
    partnerId: uuid('partner_id'),
    requestId: text('request_id'),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    action: text('action').notNull(),
    changes: jsonb('changes').$type<Record<string, { from: unknown; to: unknown }>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id, t.occurredAt] }),
    index('audit_log_occurred_idx').using('brin', t.occurredAt),
    index('audit_log_resource_idx').on(t.tenantId, t.resourceType, t.resourceId, t.id),
    index('audit_log_subject_idx').on(t.tenantId, t.subject, t.id),
  ],
);

/**
 * Transactional outbox and event feed. `seq` orders events; `tx_id` (the inserting transaction) lets readers
 * hold back events of transactions that may still commit below a seen seq. Partitioned by month of `occurred_at`
 * (migrations/platform/0002): the primary key carries it; `seq` comes from the identity sequence, unique on its own.
 */
export const events = pgTable(
  'events',
  {
    tenantId: text('tenant_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    subject: text('subject'),
    requestId: text('request_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    txId: bigint('tx_id', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.seq, t.occurredAt] }),
    index('events_occurred_idx').using('brin', t.occurredAt),
    index('events_type_idx').on(t.tenantId, t.type, t.seq),
    index('events_seq_idx').on(t.seq),
  ],
);

/**
 * Scheduled jobs shared by every process (API servers with INTEGRATION_WORKERS, `npm run worker`): a job runs in
 * the one process that moves its `next_run_at` forward (a single conditional UPDATE), so a job that is due runs
 * once however many processes poll. `runs` counts the rounds started. Not tenant data (no tenant_id).
 */
export const scheduledJobs = pgTable('scheduled_jobs', {
  name: text('name').primaryKey(),
  everyMs: bigint('every_ms', { mode: 'number' }).notNull(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull().defaultNow(),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastOwner: text('last_owner'),
  runs: bigint('runs', { mode: 'number' }).notNull().default(0),
});
