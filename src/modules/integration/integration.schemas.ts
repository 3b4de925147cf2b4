import { z } from 'zod';
import { ImportReportSchema, RowErrorSchema } from '../../platform/imports.js';

const ts = () => z.string().describe('ISO 8601 UTC');

// ---- audit -------------------------------------------------------------------------------------------------
export const AuditEntry = z
  .object({
    id: z.uuid(),
    occurredAt: ts(),
    actorKind: z.string().describe('user, partner, api_key or system'),
    subject: z.string(),
    tokenId: z.string().nullable().describe('jti of the token or id of the API key'),
    partnerId: z.uuid().nullable(),
    requestId: z.string().nullable(),
    resourceType: z.string(),
    resourceId: z.string(),
    action: z.string(),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).describe('changed fields: { field: { from, to } }'),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  resourceType: z.string().min(1).max(100).optional(),
  resourceId: z.string().min(1).max(200).optional().describe('needs resourceType'),
  subject: z.string().min(1).max(200).optional().describe('who wrote: a user subject or apikey:<id>'),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

// ---- events ------------------------------------------------------------------------------------------------
export const Event = z
  .object({
    id: z.uuid().describe('also the webhook-id of its webhook deliveries'),
    seq: z.string().describe('position in the feed (a 64-bit integer as a string); increases in commit order'),
    type: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    occurredAt: ts(),
    subject: z.string().nullable(),
    requestId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });
export type Event = z.infer<typeof Event>;

export const EventFeedQuery = z.object({
  after: z.string().min(1).max(200).optional().describe('nextCursor of the previous call; omitted: from the first event'),
  types: z.string().max(2000).optional().describe('comma-separated event types'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type EventFeedQuery = z.infer<typeof EventFeedQuery>;

export const EventFeedPage = z
  .object({
    data: z.array(Event),
    nextCursor: z.string().describe('pass as `after` in the next poll (never null: when nothing is new it is the cursor you sent)'),
  })
  .meta({ id: 'EventFeedPage' });

// ---- API keys ----------------------------------------------------------------------------------------------
const Scope = z.string().regex(/^[a-z][a-z0-9_-]*(:[a-z]+)?$/, 'a scope such as partners:read or admin');

export const ApiKeyCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(Scope).min(1).max(50).describe("scopes, or the set 'partner-portal' for a partner portal's key"),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('ISO 8601; omitted: does not expire'),
    partnerId: z.uuid().optional().describe("bind the key to a partner: it acts as that partner's user (its own data only)"),
    partnerScope: z.enum(['self', 'subtree']).optional().describe("with partnerId: 'subtree' also covers the partner's descendants"),
  })
  .refine((v) => !v.partnerScope || v.partnerId, { path: ['partnerScope'], message: 'needs partnerId' })
  .meta({ id: 'ApiKeyCreate' });
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

export const ApiKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    hint: z.string().describe('recognisable part of the key: ck_live_…abcd'),
    scopes: z.array(z.string()),
    partnerId: z.uuid().nullable().describe('the partner the key is bound to (null: a tenant key)'),
    partnerScope: z.enum(['self', 'subtree']).nullable(),
    createdBy: z.string(),
    createdAt: ts(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().describe('updated at most once a minute'),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyCreated = ApiKey.extend({ key: z.string().describe('the key: shown only in this response') }).meta({ id: 'ApiKeyCreated' });

// ---- webhooks ----------------------------------------------------------------------------------------------
const EventType = z.string().regex(/^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/, "an event type such as partner.created, or '*'");

export const WebhookEndpointCreate = z
  .strictObject({
    url: z.string().trim().min(1).max(2000),
    description: z.string().trim().max(500).optional(),
    eventTypes: z.array(EventType).min(1).max(100).default(['*']).describe("event types to receive; ['*'] for all"),
    enabled: z.boolean().default(true),
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'whsec_ followed by at least 24 base64 bytes')
      .optional()
      .describe('omitted: generated (returned once)'),
  })
  .meta({ id: 'WebhookEndpointCreate' });
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreate>;

export const WebhookEndpointUpdate = z
  .strictObject({
    url: z.string().trim().min(1).max(2000).optional(),
    description: z.string().trim().max(500).nullable().optional(),
    eventTypes: z.array(EventType).min(1).max(100).optional(),
    enabled: z.boolean().optional().describe('re-enabling resets the failure count'),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'WebhookEndpointUpdate' });
export type WebhookEndpointUpdate = z.infer<typeof WebhookEndpointUpdate>;

export const WebhookEndpoint = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    previousSecretExpiresAt: z.string().nullable().describe('while in the future, deliveries are signed with both secrets'),
    version: z.number().int(),
    createdAt: ts(),
    updatedAt: ts(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().describe('whsec_… signing secret: shown only in this response'),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const SecretRotate = z
  .strictObject({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(86400)
      .describe('how long the old secret keeps signing too (default 24 h)'),
  })
  .meta({ id: 'SecretRotate' });

export const WebhookDelivery = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    messageId: z.string().describe('the webhook-id header'),
    eventSeq: z.string().nullable(),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: ts(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookAttempt = z
  .object({
    id: z.uuid(),
    attemptedAt: ts(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    responseBody: z.string().nullable().describe('first 1,000 characters'),
  })
  .meta({ id: 'WebhookAttempt' });

export const WebhookDeliveryDetail = WebhookDelivery.extend({ attemptLog: z.array(WebhookAttempt).describe('every HTTP attempt, oldest first') }).meta({
  id: 'WebhookDeliveryDetail',
});

export const DeliveryListQuery = z.object({ status: z.enum(['pending', 'succeeded', 'failed']).optional() });

export const PingResult = z
  .object({
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    messageId: z.string(),
  })
  .meta({ id: 'WebhookPingResult' });

// ---- jobs --------------------------------------------------------------------------------------------------
export const Job = z
  .object({
    id: z.uuid(),
    type: z.string(),
    importKind: z.string(),
    status: z.enum(['uploading', 'queued', 'running', 'succeeded', 'failed']),
    format: z.enum(['csv', 'ndjson']),
    dryRun: z.boolean(),
    allOrNothing: z.boolean(),
    bytes: z.number().int(),
    progress: z.object({ rowsRead: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
    committed: z
      .object({ throughLine: z.number().int(), accepted: z.number().int(), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })
      .describe('what is durably written so far (checkpointed with each committed batch)'),
    attempts: z.number().int(),
    result: ImportReportSchema.nullable().describe('the import report once finished'),
    error: z.string().nullable(),
    errors: z.array(RowErrorSchema).describe('rejected rows (from the result when finished)'),
    createdAt: ts(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

export const JobAccepted = z.object({ jobId: z.uuid(), status: z.string(), location: z.string() }).meta({ id: 'JobAccepted' });

export const Me = z
  .object({
    tenantId: z.string(),
    subject: z.string().describe('the JWT `sub`, or `api_key:<id>` for an API key'),
    kind: z.enum(['user', 'partner', 'api_key', 'system']),
    scopes: z.array(z.string()).describe('as granted (`admin`, `partner-portal` and `<area>:write` imply others)'),
    partnerId: z.uuid().nullable().describe('the partner the credential is bound to (null: a tenant credential)'),
    partnerScope: z.enum(['self', 'subtree']).nullable(),
    partnerIds: z
      .array(z.uuid())
      .describe('the partners this credential sees: its own first, then its descendants for `subtree`; empty for a tenant credential'),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;
