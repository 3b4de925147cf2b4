import { createHash } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, sendProblem } from './errors.js';
import { idempotencyKeys } from './platform.tables.js';
import type { Store } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

export interface IdempotencyOptions {
  store: Store;
  ttlHours: number;
  /** a key whose first request has not answered within this many seconds is taken over by a retry */
  staleAfterSeconds?: number;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'];

function requestHash(request: FastifyRequest): string {
  const body = request.body;
  if (body && typeof (body as { pipe?: unknown }).pipe === 'function') {
    return createHash('sha256').update(`${request.method} ${request.url}\n<stream>`).digest('hex');
  }
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body.toString() : JSON.stringify(body ?? null);
  return createHash('sha256').update(`${request.method} ${request.url}\n${text}`).digest('hex');
}

/**
 * `Idempotency-Key` on writes: the first request's response is stored per tenant and caller (subject); a retry with the same key and
 * body gets it back (header `idempotent-replayed: true`) without a second write; the same key with another
 * request is 422; a retry while the first is still running is 409. Responses of 5xx are not kept, so such a
 * request can be retried. Streaming bodies (imports) are keyed by URL only: they are idempotent by external id.
 */
async function idempotencyPlugin(app: FastifyInstance, opts: IdempotencyOptions) {
  const db = opts.store.db;
  const stale = opts.staleAfterSeconds ?? 60;
  app.decorateRequest('idempotencyKey', null);

  // callback hooks: a request without a key (every read) costs no promise (issue 15)
  app.addHook('preHandler', (request, reply, done) => {
    const rawKey = request.headers['idempotency-key'];
    if (typeof rawKey !== 'string' || !WRITE_METHODS.has(request.method) || !request.actor) return done();
    claim(request, reply, rawKey).then(() => done(), done);
  });

  async function claim(request: FastifyRequest, reply: FastifyReply, rawKey: string) {
    if (!request.actor) return;
    if (rawKey.length < 1 || rawKey.length > 255) {
      return sendProblem(
        reply,
        new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 characters', {
          errors: [{ path: 'header.idempotency-key', message: 'must be 1-255 characters' }],
        }).toProblem(request.url),
      );
    }
    const tenantId = request.actor.tenantId;
    // a key belongs to its caller: two clients of one tenant never replay each other's responses
    const key = JSON.stringify([request.actor.subject, rawKey]);
    const hash = requestHash(request);
    const expiresAt = new Date(Date.now() + opts.ttlHours * 3600_000);
    // drop an expired record of this key first, so the key can be used anew
    await db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key), lt(idempotencyKeys.expiresAt, new Date())));
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ tenantId, key, method: request.method, path: request.url, requestHash: hash, expiresAt })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) {
      request.idempotencyKey = key;
      return;
    }
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
    if (!row) return; // vanished meanwhile: proceed without replay protection
    if (row.requestHash !== hash) {
      return sendProblem(
        reply,
        new DomainError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key '${rawKey}' was used for a different request (${row.method} ${row.path})`).toProblem(
          request.url,
        ),
      );
    }
    if (row.statusCode === null) {
      // first request still running, or died without answering: take over once it is stale
      const taken = await db
        .update(idempotencyKeys)
        .set({ createdAt: new Date() })
        .where(
          and(
            eq(idempotencyKeys.tenantId, tenantId),
            eq(idempotencyKeys.key, key),
            sql`${idempotencyKeys.statusCode} is null`,
            lt(idempotencyKeys.createdAt, new Date(Date.now() - stale * 1000)),
          ),
        )
        .returning({ key: idempotencyKeys.key });
      if (taken.length) {
        request.idempotencyKey = key;
        return;
      }
      reply.header('retry-after', '1');
      return sendProblem(
        reply,
        new DomainError('IDEMPOTENCY_IN_PROGRESS', `A request with Idempotency-Key '${rawKey}' is still being processed`).toProblem(request.url),
      );
    }
    reply.code(row.statusCode);
    for (const [h, v] of Object.entries(row.responseHeaders ?? {})) reply.header(h, v);
    reply.header('idempotent-replayed', 'true');
    return reply.send(row.responseBody ?? '');
  }

  app.addHook('onSend', (request, reply, payload, done) => {
    const key = request.idempotencyKey;
    if (!key || !request.actor) return done(null, payload);
    request.idempotencyKey = null;
    record(request, reply, payload, key).then((p) => done(null, p), done);
  });

  async function record(request: FastifyRequest, reply: FastifyReply, payload: unknown, key: string) {
    if (!request.actor) return payload;
    const where = and(eq(idempotencyKeys.tenantId, request.actor.tenantId), eq(idempotencyKeys.key, key));
    if (reply.statusCode >= 500) {
      await db.delete(idempotencyKeys).where(where);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = reply.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null;
    await db.update(idempotencyKeys).set({ statusCode: reply.statusCode, responseBody: body, responseHeaders: headers }).where(where);
    return payload;
  }
}

export default fp(idempotencyPlugin, { name: 'idempotency', dependencies: ['auth'] });
