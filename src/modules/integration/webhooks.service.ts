import { and, asc, desc, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { requireScope, type Actor } from '../../platform/actor.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { requireTenantUser } from './feed.service.js';
import { SecretRotate, WebhookEndpointCreate, WebhookEndpointUpdate, type WebhookDelivery, type WebhookEndpoint } from './integration.schemas.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow, type WebhookEndpointRow } from './integration.tables.js';
import { sendSigned, systemClock, type Clock } from './webhooks.dispatcher.js';
import { checkWebhookUrl, generateSecret, type Resolver, type UrlPolicy } from './webhooks.net.js';

/** Shared, replaceable settings of the webhook side (tests switch the policy and the clock). */
export interface WebhookSettings {
  policy: UrlPolicy;
  resolver: Resolver;
  clock: Clock;
  timeoutMs: number;
}

export function toEndpoint(r: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: r.eventTypes,
    enabled: r.enabled,
    disabledReason: r.disabledReason,
    consecutiveFailures: r.consecutiveFailures,
    previousSecretExpiresAt: r.previousSecretExpiresAt?.toISOString() ?? null,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toDelivery(r: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    endpointId: r.endpointId,
    messageId: r.messageId,
    eventSeq: r.eventSeq === null ? null : String(r.eventSeq),
    eventType: r.eventType,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class WebhookService {
  constructor(
    private readonly store: Store,
    readonly settings: WebhookSettings,
  ) {}

  private guard(actor: Actor, scope: 'webhooks:read' | 'webhooks:write') {
    requireScope(actor, scope);
    requireTenantUser(actor);
  }

  private async endpointRow(actor: Actor, id: string, db = this.store.db, lock = false): Promise<WebhookEndpointRow> {
    if (!UUID.test(id)) throw notFound('webhook endpoint', id);
    const q = db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)));
    const [r] = lock ? await q.for('update') : await q;
    if (!r) throw notFound('webhook endpoint', id);
    return r;
  }

  async create(actor: Actor, input: unknown): Promise<WebhookEndpoint & { secret: string }> {
    this.guard(actor, 'webhooks:write');
    const data = parseInput(WebhookEndpointCreate, input);
    const url = await checkWebhookUrl(data.url, this.settings.policy, this.settings.resolver);
    const secret = data.secret ?? generateSecret();
    const row = await this.store.write(actor, async (w) => {
      // start after the newest committed event: seqs of a tenant are committed in order (Work.flush)
      const [{ max } = { max: 0 }] = await this.store.database.rows<{ max: string | number }>(
        sql`select coalesce(max(seq), 0) as max from events where tenant_id = ${actor.tenantId}`,
        w.tx,
      );
      const [r] = await w.tx
        .insert(webhookEndpoints)
        .values({
          tenantId: actor.tenantId,
          id: uuidv7(),
          url: url.toString(),
          description: data.description ?? null,
          eventTypes: [...new Set(data.eventTypes)],
          secret,
          enabled: data.enabled,
          cursorSeq: Number(max),
        })
        .returning();
      w.audit({ resourceType: 'webhook_endpoint', resourceId: r!.id, action: 'create', before: null, after: toEndpoint(r!) });
      return r!;
    });
    return { ...toEndpoint(row), secret };
  }

  async list(actor: Actor, input: { limit: number; cursor?: string | undefined }): Promise<Page<WebhookEndpoint>> {
    this.guard(actor, 'webhooks:read');
    const conds: (SQL | undefined)[] = [eq(webhookEndpoints.tenantId, actor.tenantId)];
    const after = decodeCursor(input.cursor) as [string] | undefined;
    if (after) {
      if (typeof after[0] !== 'string' || !UUID.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
      conds.push(sql`${webhookEndpoints.id} > ${after[0]}`);
    }
    const rows = await this.store.db
      .select()
      .from(webhookEndpoints)
      .where(and(...conds))
      .orderBy(asc(webhookEndpoints.id))
      .limit(input.limit + 1);
    return toPage(rows.map(toEndpoint), input.limit, (e) => [e.id]);
  }

  async get(actor: Actor, id: string): Promise<WebhookEndpoint> {
    this.guard(actor, 'webhooks:read');
    return toEndpoint(await this.endpointRow(actor, id));
  }

  async update(actor: Actor, id: string, input: unknown): Promise<WebhookEndpoint> {
    this.guard(actor, 'webhooks:write');
    const patch = parseInput(WebhookEndpointUpdate, input);
    const url = patch.url !== undefined ? (await checkWebhookUrl(patch.url, this.settings.policy, this.settings.resolver)).toString() : undefined;
    return this.store.write(actor, async (w) => {
      const before = await this.endpointRow(actor, id, w.tx, true);
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the endpoint is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      const reenable = patch.enabled === true && !before.enabled;
      const [after] = await w.tx
        .update(webhookEndpoints)
        .set({
          ...(url !== undefined ? { url } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(reenable ? { consecutiveFailures: 0, disabledReason: null } : {}),
          ...(patch.enabled === false ? { disabledReason: 'disabled by a user' } : {}),
          version: before.version + 1,
          updatedAt: sql`now()`,
        })
        .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
        .returning();
      w.audit({ resourceType: 'webhook_endpoint', resourceId: id, action: 'update', before: toEndpoint(before), after: toEndpoint(after!) });
      return toEndpoint(after!);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    this.guard(actor, 'webhooks:write');
    await this.store.write(actor, async (w) => {
      const before = await this.endpointRow(actor, id, w.tx, true);
      await w.tx.delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)));
      w.audit({ resourceType: 'webhook_endpoint', resourceId: id, action: 'delete', before: toEndpoint(before), after: null });
    });
  }

  /** New secret; the old one keeps signing (a second signature) for the overlap, so receivers can switch over. */
  async rotateSecret(actor: Actor, id: string, input: unknown): Promise<WebhookEndpoint & { secret: string }> {
    this.guard(actor, 'webhooks:write');
    const { overlapSeconds } = parseInput(SecretRotate, input ?? {});
    const secret = generateSecret();
    const now = this.settings.clock.now();
    return this.store.write(actor, async (w) => {
      const before = await this.endpointRow(actor, id, w.tx, true);
      const [after] = await w.tx
        .update(webhookEndpoints)
        .set({
          secret,
          previousSecret: overlapSeconds > 0 ? before.secret : null,
          previousSecretExpiresAt: overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000) : null,
          version: before.version + 1,
          updatedAt: sql`now()`,
        })
        .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
        .returning();
      w.audit({ resourceType: 'webhook_endpoint', resourceId: id, action: 'rotate_secret', before: toEndpoint(before), after: toEndpoint(after!) });
      return { ...toEndpoint(after!), secret };
    });
  }

  /** The delivery log of an endpoint, newest first. */
  async deliveries(
    actor: Actor,
    endpointId: string,
    input: { status?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<WebhookDelivery>> {
    this.guard(actor, 'webhooks:read');
    await this.endpointRow(actor, endpointId);
    const conds: (SQL | undefined)[] = [eq(webhookDeliveries.tenantId, actor.tenantId), eq(webhookDeliveries.endpointId, endpointId)];
    if (input.status) conds.push(eq(webhookDeliveries.status, input.status as 'pending'));
    const after = decodeCursor(input.cursor) as [string] | undefined;
    if (after) {
      if (typeof after[0] !== 'string' || !UUID.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
      conds.push(lt(webhookDeliveries.id, after[0]));
    }
    const rows = await this.store.db
      .select()
      .from(webhookDeliveries)
      .where(and(...conds))
      .orderBy(desc(webhookDeliveries.id))
      .limit(input.limit + 1);
    return toPage(rows.map(toDelivery), input.limit, (d) => [d.id]);
  }

  async delivery(actor: Actor, endpointId: string, deliveryId: string) {
    this.guard(actor, 'webhooks:read');
    const d = await this.deliveryRow(actor, endpointId, deliveryId);
    const attempts = await this.store.db
      .select()
      .from(webhookAttempts)
      .where(and(eq(webhookAttempts.tenantId, actor.tenantId), eq(webhookAttempts.deliveryId, deliveryId)))
      .orderBy(asc(webhookAttempts.id));
    return {
      ...toDelivery(d),
      attemptLog: attempts.map((a) => ({
        id: a.id,
        attemptedAt: a.attemptedAt.toISOString(),
        statusCode: a.statusCode,
        error: a.error,
        durationMs: a.durationMs,
        responseBody: a.responseBody,
      })),
    };
  }

  private async deliveryRow(actor: Actor, endpointId: string, deliveryId: string, db = this.store.db, lock = false): Promise<WebhookDeliveryRow> {
    if (!UUID.test(deliveryId) || !UUID.test(endpointId)) throw notFound('delivery', deliveryId);
    const q = db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.tenantId, actor.tenantId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId)));
    const [d] = lock ? await q.for('update') : await q;
    if (!d) throw notFound('delivery', deliveryId);
    return d;
  }

  /**
   * Queues a delivery again (same webhook-id, fresh retry schedule). It takes its place in the endpoint's order
   * by event seq: it goes out before the endpoint's later pending events.
   */
  async redeliver(actor: Actor, endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
    this.guard(actor, 'webhooks:write');
    return this.store.write(actor, async (w) => {
      const d = await this.deliveryRow(actor, endpointId, deliveryId, w.tx, true);
      if (d.eventSeq === null) throw new DomainError('CONFLICT', 'A test ping cannot be redelivered; send a new ping');
      if (d.status === 'pending') throw new DomainError('CONFLICT', 'The delivery is still pending');
      const [after] = await w.tx
        .update(webhookDeliveries)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: this.settings.clock.now(), leaseUntil: null, leaseToken: null, finishedAt: null })
        .where(and(eq(webhookDeliveries.tenantId, actor.tenantId), eq(webhookDeliveries.id, deliveryId)))
        .returning();
      w.audit({ resourceType: 'webhook_delivery', resourceId: deliveryId, action: 'redeliver', before: { status: d.status }, after: { status: 'pending' } });
      w.afterCommit(() => this.onQueued?.());
      return toDelivery(after!);
    });
  }

  /** Recent deliveries of several endpoints in one query (GraphQL loader): newest first, `perEndpoint` each. */
  async recentDeliveries(actor: Actor, endpointIds: readonly string[], perEndpoint: number): Promise<WebhookDelivery[][]> {
    this.guard(actor, 'webhooks:read');
    const ids = [...new Set(endpointIds)].filter((i) => UUID.test(i));
    if (!ids.length) return endpointIds.map(() => []);
    const ranked = this.store.db
      .select({
        id: webhookDeliveries.id,
        rn: sql<number>`row_number() over (partition by ${webhookDeliveries.endpointId} order by ${webhookDeliveries.id} desc)`.as('rn'),
      })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.tenantId, actor.tenantId), inArray(webhookDeliveries.endpointId, ids)))
      .as('ranked');
    const rows = await this.store.db
      .select({ d: webhookDeliveries })
      .from(webhookDeliveries)
      .innerJoin(ranked, eq(ranked.id, webhookDeliveries.id))
      .where(and(eq(webhookDeliveries.tenantId, actor.tenantId), lte(ranked.rn, perEndpoint)))
      .orderBy(desc(webhookDeliveries.id));
    const groups = new Map<string, WebhookDelivery[]>();
    for (const { d } of rows) groups.set(d.endpointId, [...(groups.get(d.endpointId) ?? []), toDelivery(d)]);
    return endpointIds.map((id) => groups.get(id) ?? []);
  }

  /** called when a delivery was queued by the API (the dispatcher wakes up) */
  onQueued?: () => void;

  /** Sends a signed `webhook.ping` message now and records it in the delivery log (no retries). */
  async ping(actor: Actor, endpointId: string) {
    this.guard(actor, 'webhooks:write');
    const ep = await this.endpointRow(actor, endpointId);
    const messageId = `ping_${uuidv7()}`;
    const now = this.settings.clock.now();
    const body = JSON.stringify({ type: 'webhook.ping', timestamp: now.toISOString(), data: { endpointId, tenant: actor.tenantId } });
    const res = await sendSigned(ep, messageId, body, now, { policy: this.settings.policy, timeoutMs: this.settings.timeoutMs });
    const ok = res.statusCode !== null && res.statusCode >= 200 && res.statusCode < 300;
    const error = ok ? null : (res.error ?? `HTTP ${res.statusCode}`);
    await this.store.write(actor, async (w) => {
      const id = uuidv7();
      await w.tx.insert(webhookDeliveries).values({
        tenantId: actor.tenantId,
        id,
        endpointId,
        messageId,
        eventSeq: null,
        eventType: 'webhook.ping',
        body,
        status: ok ? 'succeeded' : 'failed',
        attempts: 1,
        nextAttemptAt: now,
        lastAttemptAt: now,
        lastStatusCode: res.statusCode,
        lastError: error,
        finishedAt: now,
      });
      await w.tx.insert(webhookAttempts).values({
        tenantId: actor.tenantId,
        id: uuidv7(),
        deliveryId: id,
        endpointId,
        attemptedAt: now,
        statusCode: res.statusCode,
        error,
        durationMs: res.durationMs,
        responseBody: res.body,
      });
    });
    return { ok, statusCode: res.statusCode, error, durationMs: res.durationMs, messageId };
  }
}

export { systemClock };
