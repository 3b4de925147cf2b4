import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { actorWith, type Actor } from './actor.js';
import { withTenant } from './db.js';
import { DomainError, sendProblem, type Problem } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** set when the credential was refused; the 401 is sent after the rate limit has counted the request */
    authProblem: Problem | null;
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
  /** the tenant and partner lookups every credential is checked against (fail closed) */
  identity: IdentityLookups;
  /** longest accepted token lifetime (exp - iat, and exp - now), seconds; default 24 h */
  maxLifetimeSeconds?: number;
  /** how long a verified token is reused without checking its tenant and partner again, seconds; default 60 */
  cacheTtlSeconds?: number;
  /** a tenant credential's data scope (see DataScopeResolver); none: tenant users see every partner */
  dataScope?: DataScopeResolver;
}

/**
 * The partners a tenant credential (no `partner` claim) may see, or undefined when it is not limited. Registered
 * by the composition root (the organisation module's staff data scopes: platform never imports a module); called
 * once per request, after the credential is verified, into `actor.scopedPartnerIds`.
 */
export interface DataScopeResolver {
  (actor: Omit<Actor, 'requestId'>): Promise<readonly string[] | undefined>;
  /** the answer the resolver would give now without a statement (`{ ids }`), or undefined when it would have to ask */
  cached?(actor: Omit<Actor, 'requestId'>): { ids: readonly string[] | undefined } | undefined;
}

/** What a credential is checked against: its tenant exists, its partner is a partner of that tenant. */
export interface IdentityLookups {
  tenantExists(tenantId: string): Promise<boolean>;
  partnerExists(tenantId: string, partnerId: string): Promise<boolean>;
}

const BEARER = /^Bearer\s+(.+)$/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one place a credential's partner binding is decided (extend it here, e.g. for a partner that covers its
 * descendants). The claim is absent (a tenant user) or the id of an existing partner of the tenant (a partner
 * user); anything else (`""`, null, a number, a list, an unknown or malformed id) is refused with 401: a token
 * never falls back to tenant-wide access because its partner claim is unusable.
 */
export async function resolvePartnerClaim(identity: IdentityLookups, tenantId: string, claim: unknown): Promise<Pick<Actor, 'kind'> & { partnerId?: string }> {
  if (claim === undefined) return { kind: 'user' };
  if (typeof claim !== 'string' || !UUID.test(claim)) throw new DomainError('UNAUTHENTICATED', "The token's 'partner' claim is not a partner id");
  if (!(await identity.partnerExists(tenantId, claim))) {
    throw new DomainError('UNAUTHENTICATED', "The token's 'partner' claim names no partner of its tenant");
  }
  return { kind: 'partner', partnerId: claim };
}

const unknownTenant = () => new DomainError('UNAUTHENTICATED', "The token's tenant does not exist");

/** Returns an actor for a bearer credential it recognises, undefined to pass it on. */
export type CredentialResolver = (token: string, request: FastifyRequest) => Promise<Actor | undefined>;

interface CacheEntry {
  actor: Omit<Actor, 'requestId'>;
  exp: number;
}

/**
 * Verifies bearer JWTs with jose and checks them against the tenant directory and the tenant's partners. Verified
 * tokens are cached (bounded) until their exp but at most `cacheTtlSeconds`: verification costs about as much as a
 * whole single-row read (STACK-NOTES). Within that time a token whose partner was deleted is still accepted.
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

  /** The actor of a token verified within the cache time, or undefined (then `verify`). */
  cached(token: string): Omit<Actor, 'requestId'> | undefined {
    const hit = this.cache.get(token);
    return hit && hit.exp > Math.floor(Date.now() / 1000) ? hit.actor : undefined;
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
    const exp = payload.exp;
    if (typeof exp !== 'number') throw new DomainError('UNAUTHENTICATED', "The token has no 'exp' claim; tokens must expire");
    const maxLifetime = this.opts.maxLifetimeSeconds ?? 24 * 3600;
    if (exp - now > maxLifetime || (typeof payload.iat === 'number' && exp - payload.iat > maxLifetime)) {
      throw new DomainError('UNAUTHENTICATED', `The token lives longer than the accepted maximum of ${maxLifetime} seconds`);
    }
    if (!(await this.opts.identity.tenantExists(tenant))) throw unknownTenant();
    const partner = await resolvePartnerClaim(this.opts.identity, tenant, payload['partner']);
    const scope = payload['scope'];
    const actor: Omit<Actor, 'requestId'> = {
      tenantId: tenant,
      subject: payload.sub ?? 'anonymous',
      scopes: new Set(typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : Array.isArray(scope) ? scope.map(String) : []),
      ...partner,
      // issue 14: `partner_scope: "subtree"` lets a partner credential cover its descendants (resolved per request)
      ...(partner.partnerId && payload['partner_scope'] === 'subtree' ? { partnerScope: 'subtree' as const } : {}),
      ...(payload.jti ? { tokenId: payload.jti } : {}),
    };
    if (this.cache.size >= this.maxEntries) {
      const first = this.cache.keys().next().value;
      if (first !== undefined) this.cache.delete(first);
    }
    this.cache.set(token, { actor, exp: Math.min(exp, now + (this.opts.cacheTtlSeconds ?? 60)) });
    return actor;
  }
}

async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  const verifier = new TokenVerifier(opts);
  const resolvers = opts.resolvers ?? [];
  app.decorateRequest('actor', null);
  app.decorateRequest('authProblem', null);

  /** the data scope resolver, when the actor is one it confines (a tenant credential that is neither a partner's nor the system's) */
  const scopeOf = (actor: Omit<Actor, 'requestId'>) => (actor.partnerId || actor.kind === 'system' ? undefined : opts.dataScope);

  /** the scoped actor of a verified credential, whatever path found it */
  const withScope = async (actor: Omit<Actor, 'requestId'>): Promise<Omit<Actor, 'requestId'>> => {
    const resolver = scopeOf(actor);
    if (!resolver) return actor;
    const scoped = await resolver(actor);
    return scoped ? actorWith(actor, 'scopedPartnerIds', scoped) : actor;
  };

  /**
   * The actor of a JWT verified within the cache time whose data scope is cached too, or undefined. The answer the
   * slow path would give: a token in the verifier's cache was claimed by no resolver when it was verified (resolvers
   * are asked first; the one there is, API keys, claims only `ck_` tokens, and a JWT starts `eyJ`), and the data
   * scope is the resolver's own cached answer (cleared by the writes that change it).
   */
  const fromCaches = (token: string): Omit<Actor, 'requestId'> | undefined => {
    const actor = verifier.cached(token);
    const resolver = actor && scopeOf(actor);
    if (!actor || !resolver) return actor;
    const scope = resolver.cached?.(actor);
    if (!scope) return undefined;
    return scope.ids ? actorWith(actor, 'scopedPartnerIds', scope.ids) : actor;
  };

  const authenticate = async (request: FastifyRequest, reply: FastifyReply, token: string): Promise<void> => {
    try {
      let actor: Omit<Actor, 'requestId'> | undefined;
      for (const r of resolvers) {
        actor = await r(token, request);
        if (actor) break;
      }
      if (actor) {
        // other credentials (API keys) are checked against the tenant directory too
        if (!(await opts.identity.tenantExists(actor.tenantId))) throw unknownTenant();
      } else actor = await verifier.verify(token);
      request.actor = actorWith(await withScope(actor), 'requestId', request.id);
    } catch (e) {
      if (e instanceof DomainError) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        request.authProblem = e.toProblem(request.url);
        return;
      }
      throw e;
    }
  };

  // a callback hook whose repeat credentials are answered from the caches without a promise (issue 15: the async
  // hook's awaits were ~4% of a point read, more with the promise hooks of the tenant scope's AsyncLocalStorage)
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.public || request.method === 'OPTIONS') return done();
    // GraphiQL's page and assets carry no token; the /graphql endpoint itself does.
    if (request.url.startsWith('/graphiql') || request.url.startsWith('/docs')) return done();
    const header = request.headers.authorization;
    const match = header && BEARER.exec(header);
    if (!match) {
      reply.header('www-authenticate', 'Bearer');
      request.authProblem = new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>').toProblem(request.url);
      return done();
    }
    const token = match[1]!.trim();
    const known = fromCaches(token);
    if (known) {
      request.actor = actorWith(known, 'requestId', request.id);
      return done();
    }
    authenticate(request, reply, token).then(() => done(), done);
  });

  // From here on the request's queries run inside its tenant's scope: row-level security as a second wall (db.ts).
  // A callback hook, so that the handler continues inside the scope.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.actor) withTenant(request.actor.tenantId, done);
    else done();
  });

  // The refusal is sent here, after the route's onRequest hooks (the rate limit counts refused credentials per IP)
  // and before the body is read.
  const refuse = async (reply: FastifyReply, problem: Problem) => sendProblem(reply, problem);
  app.addHook('preParsing', (request, reply, payload, done) => {
    if (!request.authProblem) return done(null, payload);
    refuse(reply, request.authProblem).then(() => done(null, payload), done);
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['errors'] });

/** The actor of an authenticated request (routes behind auth always have one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>');
  return request.actor;
}
