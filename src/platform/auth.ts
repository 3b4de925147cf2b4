import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from './actor.js';
import { DomainError, sendProblem } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** route needs no credentials (health, docs) */
    public?: boolean;
  }
}

export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** extra credential resolvers (e.g. API keys), tried before JWT verification */
  resolvers?: CredentialResolver[];
}

/** Returns an actor for a bearer credential it recognises, undefined to pass it on. */
export type CredentialResolver = (token: string, request: FastifyRequest) => Promise<Actor | undefined>;

interface CacheEntry {
  actor: Omit<Actor, 'requestId'>;
  exp: number;
}

/**
 * Verifies bearer JWTs with jose. Verified tokens are cached (bounded, dropped at their exp): verification
 * costs about as much as a whole single-row read (STACK-NOTES).
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxEntries = 10_000;

  constructor(private readonly opts: AuthOptions) {
    if (opts.jwksUrl) this.key = createRemoteJWKSet(new URL(opts.jwksUrl));
    else if (opts.jwtSecret) this.key = new TextEncoder().encode(opts.jwtSecret);
    else throw new Error('auth needs JWT_SECRET or JWKS_URL');
  }

  async verify(token: string): Promise<Omit<Actor, 'requestId'>> {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.cache.get(token);
    if (hit && hit.exp > now) return hit.actor;
    if (hit) this.cache.delete(token);

    let payload: JWTPayload;
    try {
      const res = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.opts.jwksUrl ? ['RS256', 'ES256', 'EdDSA', 'PS256'] : ['HS256'],
        ...(this.opts.issuer ? { issuer: this.opts.issuer } : {}),
        ...(this.opts.audience ? { audience: this.opts.audience } : {}),
      });
      payload = res.payload;
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new DomainError('UNAUTHENTICATED', code === 'ERR_JWT_EXPIRED' ? 'The token has expired' : 'The bearer token is not valid');
    }
    const tenant = payload['tenant'];
    if (typeof tenant !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(tenant)) {
      throw new DomainError('UNAUTHENTICATED', "The token has no valid 'tenant' claim");
    }
    const scope = payload['scope'];
    const partner = payload['partner'];
    const actor: Omit<Actor, 'requestId'> = {
      tenantId: tenant,
      subject: payload.sub ?? 'anonymous',
      scopes: new Set(typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : Array.isArray(scope) ? scope.map(String) : []),
      kind: typeof partner === 'string' ? 'partner' : 'user',
      ...(typeof partner === 'string' ? { partnerId: partner } : {}),
      // issue 14: `partner_scope: "subtree"` lets a partner credential cover its descendants (resolved per request)
      ...(typeof partner === 'string' && payload['partner_scope'] === 'subtree' ? { partnerScope: 'subtree' as const } : {}),
      ...(payload.jti ? { tokenId: payload.jti } : {}),
    };
    const exp = payload.exp ?? now + 300;
    if (this.cache.size >= this.maxEntries) {
      const first = this.cache.keys().next().value;
      if (first !== undefined) this.cache.delete(first);
    }
    this.cache.set(token, { actor, exp });
    return actor;
  }
}

async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  const verifier = new TokenVerifier(opts);
  const resolvers = opts.resolvers ?? [];
  app.decorateRequest('actor', null);

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.public || request.method === 'OPTIONS') return;
    // GraphiQL's page and assets carry no token; the /graphql endpoint itself does.
    if (request.url.startsWith('/graphiql') || request.url.startsWith('/docs')) return;
    const header = request.headers.authorization;
    const match = header && /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>').toProblem(request.url));
    }
    const token = match[1]!.trim();
    try {
      let actor: Omit<Actor, 'requestId'> | undefined;
      for (const r of resolvers) {
        actor = await r(token, request);
        if (actor) break;
      }
      actor ??= await verifier.verify(token);
      request.actor = { ...actor, requestId: request.id };
    } catch (e) {
      if (e instanceof DomainError) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        return sendProblem(reply, e.toProblem(request.url));
      }
      throw e;
    }
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['errors'] });

/** The actor of an authenticated request (routes behind auth always have one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>');
  return request.actor;
}
