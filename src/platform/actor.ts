import { inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { DomainError } from './errors.js';

/** Who is calling: every service call takes one. Built from a verified JWT or API key, never from the body. */
export interface Actor {
  tenantId: string;
  subject: string;
  scopes: ReadonlySet<string>;
  /** set for partner users: they see only their own partner's data (and its descendants', see partnerScope) */
  partnerId?: string;
  /**
   * `subtree`: the credential (JWT claim `partner_scope`, or an API key bound to a partner with that option) also
   * covers the partner's descendants (a distributor's portal sees its sub-dealers). Default `self`.
   */
  partnerScope?: 'self' | 'subtree';
  /** the partners a subtree credential covers (own first, then descendants), resolved once per request */
  partnerIds?: readonly string[];
  /**
   * set for tenant users whose staff member has a data scope (org subtree or portfolio): the partners they may see,
   * resolved once per request by the auth layer's data-scope resolver. Absent: not limited (every partner).
   */
  scopedPartnerIds?: readonly string[];
  tokenId?: string;
  requestId?: string;
  kind: 'user' | 'partner' | 'api_key' | 'system';
}

/**
 * A copy of an actor with one field more (the request id, the resolved partners). Object.assign and a store, not
 * `{ ...actor, field }`: on node 20 each such spread copy of the cached credential's actor (a long-lived object)
 * outlived the young collections and was promoted with what it pointed to, the pure copy and Object.assign's were
 * not (issue 15; bench/README, "Garbage collection").
 */
export function actorWith<A extends object, K extends keyof Actor>(actor: A, key: K, value: Actor[K]): A & Pick<Actor, K> {
  const copy = Object.assign({}, actor) as A & Pick<Actor, K>;
  (copy as Pick<Actor, K>)[key] = value;
  return copy;
}

/**
 * The `partner-portal` scope set: what a partner portal's credential needs (README "Building a partner portal").
 * Read its own partner record, agreements and rights, prices and deviations, targets and achievement, sales data,
 * statements and rebate balance, evaluation results and its import jobs; write deviation requests (`policy:write`)
 * and sell-through/sell-in uploads (`actuals:write`). Partner confinement still applies: tenant-side operations
 * answer 403 to partner credentials whatever their scopes.
 */
export const PARTNER_PORTAL_SCOPES: readonly string[] = [
  'partners:read',
  'onboarding:read',
  'policy:read',
  'policy:write',
  'targets:read',
  'actuals:read',
  'actuals:write',
  'incentives:read',
  'evaluations:read',
  'jobs:read',
];

/** `admin` holds every scope; `partner-portal` holds PARTNER_PORTAL_SCOPES; `<area>:write` implies `<area>:read`. */
export function hasScope(actor: Actor, scope: string): boolean {
  if (actor.scopes.has('admin') || actor.scopes.has(scope)) return true;
  if (actor.scopes.has('partner-portal') && PARTNER_PORTAL_SCOPES.includes(scope)) return true;
  if (scope.endsWith(':read')) return hasScope(actor, scope.slice(0, -5) + ':write');
  return false;
}

export function requireScope(actor: Actor, ...anyOf: string[]): void {
  if (anyOf.some((s) => hasScope(actor, s))) return;
  throw new DomainError('FORBIDDEN', `This operation needs the scope ${anyOf.map((s) => `'${s}'`).join(' or ')}`, {
    extra: { requiredScopes: anyOf },
  });
}

/**
 * The one confinement rule: the partners a partner credential may see (its own, plus its descendants for a
 * `subtree` credential), or those of a tenant user's data scope; undefined for tenant users without one, who are
 * not confined.
 */
export function visiblePartnerIds(actor: Actor): readonly string[] | undefined {
  if (!actor.partnerId) return actor.scopedPartnerIds;
  return actor.partnerScope === 'subtree' && actor.partnerIds?.length ? actor.partnerIds : [actor.partnerId];
}

/** May this actor see this partner's data? (tenant users without a data scope: always) */
export function canSeePartner(actor: Actor, partnerId: string | null | undefined): boolean {
  const ids = visiblePartnerIds(actor);
  return !ids || (!!partnerId && ids.includes(partnerId));
}

/** A drizzle condition confining a partner column to the actor's partners (undefined for tenant users). */
export function partnerCondition(actor: Actor, column: Column): SQL | undefined {
  const ids = visiblePartnerIds(actor);
  return ids ? inArray(column, [...ids]) : undefined;
}

/** The same for raw SQL: ` and <expr> = any(ids)`, or nothing for tenant users. */
export function partnerSql(actor: Actor, expr: SQL): SQL {
  const ids = visiblePartnerIds(actor);
  return ids ? sql` and ${expr} = any(${`{${ids.join(',')}}`}::uuid[])` : sql``;
}

/**
 * Partner users are confined to their own partner (and its descendants for subtree credentials), tenant users with a
 * data scope to its partners; other tenant users pass.
 */
export function requireOwnPartner(actor: Actor, partnerId: string, resource = 'partner'): void {
  if (!canSeePartner(actor, partnerId)) {
    // 404, not 403: a partner user must not learn that another partner's record exists. The message names no id:
    // the caller may have sent a code or another record's id, and must not learn the partner's id from it.
    throw new DomainError('NOT_FOUND', `${resource} was not found`);
  }
}

/**
 * Tenant-side operations: partner users (claim `partner`) are refused whatever their scopes (403), then the
 * scopes are checked. `why` says what a partner user may do instead.
 */
export function requireTenantUser(actor: Actor, ...scopes: string[]): void {
  if (actor.partnerId) throw new DomainError('FORBIDDEN', 'Partner users cannot use this operation');
  if (scopes.length) requireScope(actor, ...scopes);
}

export function systemActor(tenantId: string, subject = 'system'): Actor {
  return { tenantId, subject, scopes: new Set(['admin']), kind: 'system' };
}
