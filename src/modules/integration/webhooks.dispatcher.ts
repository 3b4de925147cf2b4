import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { systemActor } from '../../platform/actor.js';
import { events } from '../../platform/platform.tables.js';
import type { Store } from '../../platform/store.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEndpointRow } from './integration.tables.js';
import { postWebhook, signatureHeader, type PostResult, type UrlPolicy } from './webhooks.net.js';
import { PollingLoop } from '../../platform/poller.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/**
 * Delays before the retries of a failed delivery (each ±10% jitter): 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 8 h,
 * 8 h. Nine attempts over about 23.6 hours; after the ninth failure the delivery is marked failed and the
 * endpoint's next event goes out.
 */
export const RETRY_DELAYS_MS = [5_000, 60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 28_800_000, 28_800_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const JITTER = 0.1;

/** When to try again after `attempts` failed attempts (null: give up). `random` in [0,1): 0.5 means no jitter. */
export function nextAttemptAt(now: Date, attempts: number, random: () => number = Math.random): Date | null {
  const base = RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return null;
  const factor = 1 + JITTER * (2 * random() - 1);
  return new Date(now.getTime() + Math.round(base * factor));
}

/** The JSON body of an event message (Standard Webhooks shape: type, timestamp, data). */
export function eventBody(e: { id: string; seq: number; type: string; resourceType: string; resourceId: string; occurredAt: Date; payload: unknown }): string {
  return JSON.stringify({
    id: e.id,
    type: e.type,
    timestamp: e.occurredAt.toISOString(),
    seq: String(e.seq),
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    data: e.payload,
  });
}

/** Secrets that sign at `now`: the current one, and the previous one during a rotation's overlap. */
export function activeSecrets(ep: Pick<WebhookEndpointRow, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const out = [ep.secret];
  if (ep.previousSecret && ep.previousSecretExpiresAt && ep.previousSecretExpiresAt.getTime() > now.getTime()) out.push(ep.previousSecret);
  return out;
}

/** Sends one signed message (Standard Webhooks headers). */
export function sendSigned(
  ep: Pick<WebhookEndpointRow, 'url' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  messageId: string,
  body: string,
  now: Date,
  opts: { policy: UrlPolicy; timeoutMs: number },
): Promise<PostResult> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return postWebhook(
    ep.url,
    {
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(activeSecrets(ep, now), messageId, timestamp, body),
    },
    body,
    opts,
  );
}

export interface DispatcherOptions {
  policy: UrlPolicy;
  clock?: Clock;
  random?: () => number;
  timeoutMs?: number;
  /** how long a claimed delivery is reserved; a crashed worker's deliveries are retried after it */
  leaseMs?: number;
  /** consecutive failed attempts (any delivery of the endpoint) after which the endpoint is disabled */
  maxConsecutiveFailures?: number;
  /** deliveries in flight at once (at most one per endpoint) */
  concurrency?: number;
  pollMs?: number;
  onError?: (err: unknown) => void;
}

interface Claimed {
  tenantId: string;
  id: string;
  endpointId: string;
  messageId: string;
  body: string;
  attempts: number;
  leaseToken: string;
}

/**
 * Delivers outbox events to webhook endpoints. Stateless: every step is claimed in PostgreSQL (endpoints for
 * fan-out and due deliveries with FOR UPDATE SKIP LOCKED and a lease), so any number of instances can run it.
 * Per endpoint only the pending delivery with the lowest event seq is ever attempted, so a retrying event holds
 * back the endpoint's later events.
 */
export class WebhookDispatcher {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly maxFailures: number;
  private readonly concurrency: number;
  private readonly loop: PollingLoop;

  constructor(
    private readonly store: Store,
    private readonly opts: DispatcherOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.maxFailures = opts.maxConsecutiveFailures ?? 10;
    this.concurrency = opts.concurrency ?? 8;
    this.loop = new PollingLoop(
      () => this.runOnce(),
      opts.pollMs ?? 1_000,
      (e) => this.opts.onError?.(e),
    );
  }

  /** Copies new events into deliveries for every endpoint whose types match. Returns endpoints advanced. */
  async fanOut(batch = 500): Promise<number> {
    const db = this.store.db;
    let advanced = 0;
    await db.transaction(async (tx) => {
      const eps = (await this.store.database.rows<{ tenant_id: string; id: string; event_types: string[]; cursor_seq: string | number }>(
        sql`select tenant_id, id, event_types, cursor_seq from webhook_endpoints ep
            where exists (select 1 from events e where e.tenant_id = ep.tenant_id and e.seq > ep.cursor_seq)
            order by tenant_id, id limit 50 for update skip locked`,
        tx as never,
      )) as { tenant_id: string; id: string; event_types: string[]; cursor_seq: string | number }[];
      const now = this.clock.now();
      for (const ep of eps) {
        const rows = await tx
          .select()
          .from(events)
          .where(and(eq(events.tenantId, ep.tenant_id), gt(events.seq, Number(ep.cursor_seq))))
          .orderBy(asc(events.seq))
          .limit(batch);
        if (!rows.length) continue;
        advanced++;
        const all = ep.event_types.includes('*');
        const wanted = rows.filter((e) => all || ep.event_types.includes(e.type));
        if (wanted.length) {
          await tx.insert(webhookDeliveries).values(
            wanted.map((e) => ({
              tenantId: ep.tenant_id,
              id: uuidv7(),
              endpointId: ep.id,
              messageId: e.id,
              eventSeq: e.seq,
              eventType: e.type,
              body: eventBody(e),
              nextAttemptAt: now,
            })),
          );
        }
        await tx
          .update(webhookEndpoints)
          .set({ cursorSeq: rows[rows.length - 1]!.seq })
          .where(and(eq(webhookEndpoints.tenantId, ep.tenant_id), eq(webhookEndpoints.id, ep.id)));
      }
    });
    return advanced;
  }

  /** Claims the due head delivery of up to `concurrency` endpoints (lease), sends them, records the results. */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    const claimed = await this.store.db.transaction(async (tx) => {
      const heads = await this.store.database.rows<{ tenant_id: string; id: string }>(
        sql`select d.tenant_id, d.id from webhook_deliveries d
            join webhook_endpoints ep on ep.tenant_id = d.tenant_id and ep.id = d.endpoint_id
            where d.status = 'pending' and ep.enabled and d.next_attempt_at <= ${now.toISOString()}::timestamptz
              and (d.lease_until is null or d.lease_until < ${now.toISOString()}::timestamptz)
              and not exists (select 1 from webhook_deliveries p
                              where p.tenant_id = d.tenant_id and p.endpoint_id = d.endpoint_id
                                and p.status = 'pending' and p.event_seq < d.event_seq)
            order by d.next_attempt_at, d.event_seq
            limit ${this.concurrency}
            for update of d skip locked`,
        tx as never,
      );
      const out: Claimed[] = [];
      for (const h of heads) {
        const token = uuidv7();
        const [d] = await tx
          .update(webhookDeliveries)
          .set({ leaseUntil, leaseToken: token })
          .where(and(eq(webhookDeliveries.tenantId, h.tenant_id), eq(webhookDeliveries.id, h.id)))
          .returning();
        out.push({
          tenantId: d!.tenantId,
          id: d!.id,
          endpointId: d!.endpointId,
          messageId: d!.messageId,
          body: d!.body,
          attempts: d!.attempts,
          leaseToken: token,
        });
      }
      return out;
    });
    if (!claimed.length) return 0;
    const eps = await this.store.db
      .select()
      .from(webhookEndpoints)
      .where(inArray(webhookEndpoints.id, [...new Set(claimed.map((c) => c.endpointId))]));
    const byId = new Map(eps.map((e) => [`${e.tenantId}/${e.id}`, e]));
    await Promise.all(
      claimed.map(async (c) => {
        const ep = byId.get(`${c.tenantId}/${c.endpointId}`);
        if (!ep) return;
        const sentAt = this.clock.now();
        const res = await sendSigned(ep, c.messageId, c.body, sentAt, { policy: this.opts.policy, timeoutMs: this.timeoutMs });
        await this.record(c, ep, sentAt, res);
      }),
    );
    return claimed.length;
  }

  private async record(c: Claimed, ep: WebhookEndpointRow, at: Date, res: PostResult): Promise<void> {
    const ok = res.statusCode !== null && res.statusCode >= 200 && res.statusCode < 300;
    const attempts = c.attempts + 1;
    const retryAt = ok ? null : nextAttemptAt(at, attempts, this.random);
    const error = ok ? null : (res.error ?? `HTTP ${res.statusCode}`);
    await this.store.write(systemActor(c.tenantId, 'webhook-dispatcher'), async (w) => {
      const updated = await w.tx
        .update(webhookDeliveries)
        .set({
          status: ok ? 'succeeded' : retryAt ? 'pending' : 'failed',
          attempts,
          nextAttemptAt: retryAt ?? at,
          leaseUntil: null,
          leaseToken: null,
          lastAttemptAt: at,
          lastStatusCode: res.statusCode,
          lastError: error,
          finishedAt: ok || !retryAt ? at : null,
        })
        .where(and(eq(webhookDeliveries.tenantId, c.tenantId), eq(webhookDeliveries.id, c.id), eq(webhookDeliveries.leaseToken, c.leaseToken)))
        .returning({ id: webhookDeliveries.id });
      if (!updated.length) return; // the lease expired and another worker took over: its result counts
      await w.tx.insert(webhookAttempts).values({
        tenantId: c.tenantId,
        id: uuidv7(),
        deliveryId: c.id,
        endpointId: c.endpointId,
        attemptedAt: at,
        statusCode: res.statusCode,
        error,
        durationMs: res.durationMs,
        responseBody: res.body,
      });
      const [after] = await w.tx
        .update(webhookEndpoints)
        .set({ consecutiveFailures: ok ? 0 : sql`${webhookEndpoints.consecutiveFailures} + 1` })
        .where(and(eq(webhookEndpoints.tenantId, c.tenantId), eq(webhookEndpoints.id, c.endpointId)))
        .returning();
      if (!ok && after && after.enabled && after.consecutiveFailures >= this.maxFailures) {
        const reason = `disabled automatically after ${after.consecutiveFailures} consecutive failed attempts (last: ${error})`;
        await w.tx
          .update(webhookEndpoints)
          .set({ enabled: false, disabledReason: reason, updatedAt: at, version: sql`${webhookEndpoints.version} + 1` })
          .where(and(eq(webhookEndpoints.tenantId, c.tenantId), eq(webhookEndpoints.id, c.endpointId)));
        w.audit({
          resourceType: 'webhook_endpoint',
          resourceId: ep.id,
          action: 'disable',
          before: { enabled: true },
          after: { enabled: false, disabledReason: reason },
        });
        w.emit({ type: 'webhook_endpoint.disabled', resourceType: 'webhook_endpoint', resourceId: ep.id, payload: { id: ep.id, url: ep.url, reason } });
      }
    });
  }

  /** One full pass: fan out, then deliver until nothing is due. */
  async runOnce(): Promise<number> {
    let n = 0;
    while ((await this.fanOut()) > 0) n++;
    for (;;) {
      const d = await this.deliverDue();
      n += d;
      if (!d) break;
      await this.fanOut();
    }
    return n;
  }

  start(): void {
    this.loop.start();
  }

  /** Run soon (after a commit that queued work). */
  poke(): void {
    this.loop.poke();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
