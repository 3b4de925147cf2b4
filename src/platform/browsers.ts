import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface BrowserOptions {
  /** origins allowed to call the API from a browser (CORS_ORIGINS); empty: no CORS headers at all */
  corsOrigins: string[];
}

/** What a JSON API answers with: nothing may be loaded or framed from its responses. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** the interactive pages (outside production) bring their own scripts and styles */
const PAGES = ['/docs', '/graphiql'];

/**
 * Browsers and transport: CORS for the configured origins (@fastify/cors; preflight answers 204 with the allowed
 * methods and headers, other origins get no CORS headers), security headers (@fastify/helmet; a strict CSP on API
 * responses, none on the docs UI and GraphiQL pages so they keep working), compression of responses over 1 KB
 * (@fastify/compress; br or gzip as the client asks).
 */
async function browsersPlugin(app: FastifyInstance, opts: BrowserOptions) {
  if (opts.corsOrigins.length) {
    const any = opts.corsOrigins.includes('*');
    const allowed = new Set(opts.corsOrigins);
    await app.register(cors, {
      // an origin not on the list gets no CORS header at all (not even on a preflight)
      origin: (origin, cb) => cb(null, any ? '*' : origin && allowed.has(origin) ? origin : false),
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'if-none-match', 'x-request-id'],
      exposedHeaders: ['etag', 'location', 'x-request-id', 'idempotent-replayed', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'],
      maxAge: 600,
    });
  }
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!PAGES.some((p) => request.url === p || request.url.startsWith(`${p}/`) || request.url.startsWith(`${p}?`))) {
      reply.header('content-security-policy', API_CSP);
    }
    done(null, payload);
  });
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
}

export default fp(browsersPlugin, { name: 'browsers' });
