import { DomainError } from './errors.js';

/** Who is calling: every service call takes one. Built from a verified JWT or API key, never from the body. */
export interface Actor {
  tenantId: string;
  subject: string;
  scopes: ReadonlySet<string>;
  /** set for partner users: they see only their own partner's data */
  partnerId?: string;
  tokenId?: string;
  requestId?: string;
  kind: 'user' | 'partner' | 'api_key' | 'system';
}

/** `admin` holds every scope; `<area>:write` implies `<area>:read`. */
export function hasScope(actor: Actor, scope: string): boolean {
  if (actor.scopes.has('admin') || actor.scopes.has(scope)) return true;
  if (scope.endsWith(':read')) return actor.scopes.has(scope.slice(0, -5) + ':write');
  return false;
}

export function requireScope(actor: Actor, ...anyOf: string[]): void {
  if (anyOf.some((s) => hasScope(actor, s))) return;
  throw new DomainError('FORBIDDEN', `This operation needs the scope ${anyOf.map((s) => `'${s}'`).join(' or ')}`, {
    extra: { requiredScopes: anyOf },
  });
}

/** Partner users are confined to their own partner; tenant users pass. */
export function requireOwnPartner(actor: Actor, partnerId: string, resource = 'partner'): void {
  if (actor.partnerId && actor.partnerId !== partnerId) {
    // 404, not 403: a partner user must not learn that another partner's record exists.
    throw new DomainError('NOT_FOUND', `${resource} '${partnerId}' was not found`);
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
