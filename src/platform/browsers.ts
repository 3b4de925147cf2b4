import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
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
 * The headers @fastify/helmet sets (its defaults, without the CSP: set below), as it sets them: names as written,
 * on the raw response. Taken once from helmet itself on a throwaway instance: the plugin builds helmet's whole
 * middleware again for every request, in two hooks, one of them async (issue 15: CPU per request); the headers
 * are the same for every request (no CSP nonces, no route options).
 */
async function helmetHeaders(): Promise<[string, string | number | readonly string[]][]> {
  const probe = Fastify({ logger: false });
  let out: [string, string | number | readonly string[]][] = [];
  await probe.register(helmet, { global: true, contentSecurityPolicy: false });
  probe.get('/', (_request, reply) => {
    const raw = reply.raw as typeof reply.raw & { getRawHeaderNames(): string[] }; // node >= 15.13, not in these types
    out = raw.getRawHeaderNames().map((n) => [n, raw.getHeader(n)!]);
    return '';
  });
  await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  if (!out.length) throw new Error('helmet set no headers');
  return out;
}

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
  const security = await helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of security) reply.raw.setHeader(name, value);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!PAGES.some((p) => request.url === p || request.url.startsWith(`${p}/`) || request.url.startsWith(`${p}?`))) {
      reply.header('content-security-policy', API_CSP);
    }
    done(null, payload);
  });
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
}

export default fp(browsersPlugin, { name: 'browsers' });
