import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

/** Machine credentials: the key itself is never stored, only its sha256 (keys have 256 bits of entropy). */
export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    /** what a user sees to recognise the key: ck_live_…<last 4> */
    hint: text('hint').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    /** a partner-bound key acts as that partner's user (confined like a JWT with the `partner` claim) */
    partnerId: uuid('partner_id'),
    /** 'subtree': the key also covers the partner's descendants */
    partnerScope: text('partner_scope'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('api_keys_hash_uq').on(t.tenantId, t.keyHash)],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Webhook endpoints of a tenant. `cursorSeq` is the last event seq already fanned out into deliveries. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    /** event types it receives; ['*'] for all */
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    cursorSeq: bigint('cursor_seq', { mode: 'number' }).notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('webhook_endpoints_enabled_idx').on(t.enabled, t.tenantId)],
);
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/**
 * One message to one endpoint (an event, or a test ping). `id` is the webhook-id: the same on every retry.
 * Partitioned by month of `created_at` (migrations/integration/0002): the primary key carries it; `id` (a uuidv7
 * drawn per row) is unique on its own.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    /** webhook-id header: the event id for events (receivers deduplicate on it) */
    messageId: text('message_id').notNull(),
    eventSeq: bigint('event_seq', { mode: 'number' }),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    status: text('status').$type<'pending' | 'succeeded' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leaseToken: uuid('lease_token'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id, t.createdAt] }),
    foreignKey({
      name: 'webhook_deliveries_endpoint_fk',
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
    }).onDelete('cascade'),
    index('webhook_deliveries_queue_idx').on(t.tenantId, t.endpointId, t.status, t.eventSeq),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    // retention: finished deliveries by age
    index('webhook_deliveries_finished_idx')
      .on(t.finishedAt)
      .where(sql`${t.status} in ('succeeded','failed')`),
    check('webhook_deliveries_status_ck', sql`${t.status} in ('pending','succeeded','failed')`),
  ],
);
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * Every HTTP attempt of a delivery (the delivery log). No foreign key to its delivery (webhook_deliveries is
 * partitioned; a key to it would have to carry created_at and would stop retention from dropping partitions): an
 * attempt is written in the transaction that inserts or updates its delivery, and retention removes a delivery's
 * attempts with it. The key to the endpoint removes them with their endpoint.
 */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    responseBody: text('response_body'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'webhook_attempts_endpoint_fk',
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
    }).onDelete('cascade'),
    index('webhook_attempts_delivery_idx').on(t.tenantId, t.deliveryId, t.id),
  ],
);

export type JobStatus = 'uploading' | 'queued' | 'running' | 'succeeded' | 'failed';

/** Background jobs (asynchronous imports). The uploaded body is spooled into job_chunks. */
export const jobs = pgTable(
  'jobs',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    importKind: text('import_kind').notNull(),
    format: text('format').$type<'csv' | 'ndjson'>().notNull(),
    options: jsonb('options').$type<{ dryRun: boolean; allOrNothing: boolean; params?: Record<string, string> }>().notNull(),
    /** the actor the job runs as (subject, scopes, partner, kind): never a credential */
    actor: jsonb('actor').$type<{ subject: string; scopes: string[]; kind: string; partnerId?: string; tokenId?: string }>().notNull(),
    status: text('status').$type<JobStatus>().notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    chunks: integer('chunks').notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /**
     * Checkpoint written in the same transaction as each committed batch: the last line committed and the counts
     * of what was committed up to it. A resumed job skips rows up to it; a failed job reports it.
     */
    checkpoint: jsonb('checkpoint')
      .$type<{
        line: number;
        created: number;
        updated: number;
        unchanged: number;
        accepted: number;
        refused: { line: number; path?: string; message: string }[];
      }>()
      .notNull()
      .default({ line: 0, created: 0, updated: 0, unchanged: 0, accepted: 0, refused: [] }),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    leaseToken: uuid('lease_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('jobs_claim_idx').on(t.status, t.leaseUntil),
    index('jobs_tenant_idx').on(t.tenantId, t.id),
    // retention: finished jobs by age
    index('jobs_finished_idx')
      .on(t.finishedAt)
      .where(sql`${t.status} in ('succeeded','failed')`),
    check('jobs_status_ck', sql`${t.status} in ('uploading','queued','running','succeeded','failed')`),
  ],
);
export type JobRow = typeof jobs.$inferSelect;

export const jobChunks = pgTable(
  'job_chunks',
  {
    tenantId: text('tenant_id').notNull(),
    jobId: uuid('job_id').notNull(),
    n: integer('n').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.jobId, t.n] }),
    foreignKey({ name: 'job_chunks_job_fk', columns: [t.tenantId, t.jobId], foreignColumns: [jobs.tenantId, jobs.id] }).onDelete('cascade'),
  ],
);
