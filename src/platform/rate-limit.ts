import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { DomainError } from './errors.js';

export interface RateLimitOptions {
  /** requests per window and caller; 0 turns the limit off */
  max: number;
  windowMs: number;
  /** shared counters across instances; unset: in-process counters */
  redisUrl?: string | undefined;
  /** key prefix in Redis (tests isolate themselves with it) */
  nameSpace?: string;
}

/** The caller a request is counted against: the verified credential (tenant + subject), else the client IP. */
export function rateLimitKey(request: FastifyRequest): string {
  const a = request.actor;
  return a ? `cred:${a.tenantId}:${a.subject}` : `ip:${request.ip}`;
}

/**
 * @fastify/rate-limit per credential (a JWT's tenant + subject, an API key's id) and per IP for calls without a
 * valid credential (refused credentials are counted before the 401 is sent: see auth.ts). The hook runs on each
 * route after the global onRequest hooks, so the credential is already verified. Headers: RateLimit-Limit,
 * RateLimit-Remaining, RateLimit-Reset; over the limit: 429 problem+json RATE_LIMITED with Retry-After. Counters
 * live in this process, or in Redis when a URL is given; if Redis does not answer, requests pass (availability
 * first) and the failure is logged.
 */
async function rateLimitPlugin(app: FastifyInstance, opts: RateLimitOptions) {
  if (opts.max <= 0) return;
  let redis: Redis | undefined;
  if (opts.redisUrl) {
    const client = new Redis(opts.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    let reported = false;
    client.on('error', (err: Error) => {
      if (!reported) app.log.warn({ err }, 'rate limit: Redis is unreachable; requests are not limited until it answers');
      reported = true;
    });
    client.on('ready', () => {
      reported = false;
    });
    app.addHook('onClose', async () => {
      client.disconnect();
    });
    redis = client;
  }
  await app.register(rateLimit, {
    max: opts.max,
    timeWindow: opts.windowMs,
    enableDraftSpec: true,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: opts.nameSpace ?? 'channel-api:rl:' } : {}),
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, ctx) =>
      new DomainError('RATE_LIMITED', `Rate limit of ${ctx.max} requests exceeded; retry in ${ctx.after}`, {
        extra: { limit: ctx.max, retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)) },
      }),
  });
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['auth'] });
