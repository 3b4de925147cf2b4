import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { requireOwnPartner, type Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid } from '../../platform/errors.js';
import { productLines, products } from '../onboarding/catalog.tables.js';
import { partners } from '../onboarding/partners.tables.js';
import type { PartnerFacts } from './policy.rules.js';
import type { Scope } from './policy.schemas.js';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const iso = (d: Date | string | null | undefined): string | null => (d == null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export const today = () => new Date().toISOString().slice(0, 10);

/** Partner users may not manage policy (publish prices, decide deviations, record observations). */
export function requireTenantUser(actor: Actor): void {
  if (actor.partnerId) throw new DomainError('FORBIDDEN', 'Only tenant users may do this; partner users may resolve their own prices and terms and request deviations');
}

export type PartnerRef = PartnerFacts & { code: string };

/** Partner by id or code (404 for another partner's token). */
export async function loadPartner(db: Db, actor: Actor, ref: string, path = 'partner'): Promise<PartnerRef> {
  const byId = UUID_RE.test(ref);
  const [row] = await db
    .select({ id: partners.id, code: partners.code, type: partners.type, channel: partners.channel, tier: partners.tier })
    .from(partners)
    .where(and(eq(partners.tenantId, actor.tenantId), byId ? eq(partners.id, ref) : eq(partners.code, ref)));
  if (!row) throw new DomainError('NOT_FOUND', `partner '${ref}' was not found`, { errors: [{ path, message: 'no such partner' }] });
  requireOwnPartner(actor, row.id);
  return row;
}

/** Partners by id or code, one query; map keyed by the reference as given. */
export async function loadPartners(db: Db, tenantId: string, refs: readonly string[]): Promise<Map<string, PartnerRef>> {
  const unique = [...new Set(refs)];
  const ids = unique.filter((r) => UUID_RE.test(r));
  const codes = unique.filter((r) => !UUID_RE.test(r));
  const out = new Map<string, PartnerRef>();
  if (!unique.length) return out;
  const conds: SQL[] = [];
  if (ids.length) conds.push(inArray(partners.id, ids));
  if (codes.length) conds.push(inArray(partners.code, codes));
  const rows = await db
    .select({ id: partners.id, code: partners.code, type: partners.type, channel: partners.channel, tier: partners.tier })
    .from(partners)
    .where(and(eq(partners.tenantId, tenantId), or(...conds)));
  for (const r of rows) {
    out.set(r.id, r);
    out.set(r.code, r);
  }
  return out;
}

export interface ProductRef {
  id: string;
  code: string;
  lineId: string | null;
}

/** Products by code or id, one query; map keyed by id and by code. */
export async function loadProducts(db: Db, tenantId: string, refs: readonly string[]): Promise<Map<string, ProductRef>> {
  const unique = [...new Set(refs)];
  const out = new Map<string, ProductRef>();
  if (!unique.length) return out;
  const ids = unique.filter((r) => UUID_RE.test(r));
  const conds: SQL[] = [inArray(products.code, unique)];
  if (ids.length) conds.push(inArray(products.id, ids));
  const rows = await db
    .select({ id: products.id, code: products.code, lineId: products.lineId })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), or(...conds)));
  for (const r of rows) {
    out.set(r.id, r);
    out.set(r.code, r);
  }
  return out;
}

/** Product lines by code, one query. */
export async function loadLines(db: Db, tenantId: string, codes: readonly string[]): Promise<Map<string, { id: string; code: string }>> {
  const unique = [...new Set(codes)];
  const out = new Map<string, { id: string; code: string }>();
  if (!unique.length) return out;
  const rows = await db
    .select({ id: productLines.id, code: productLines.code })
    .from(productLines)
    .where(and(eq(productLines.tenantId, tenantId), inArray(productLines.code, unique)));
  for (const r of rows) out.set(r.code, r);
  return out;
}

/** A partner-scoped policy or terms must name a partner of this tenant. */
export async function assertScopeTarget(db: Db, tenantId: string, scope: Scope): Promise<void> {
  if (scope.kind !== 'partner') return;
  const [row] = await db
    .select({ id: partners.id })
    .from(partners)
    .where(and(eq(partners.tenantId, tenantId), eq(partners.id, scope.value!)));
  if (!row) throw invalid('scope.value', `no partner '${scope.value}' in this tenant`);
}

/** Serialises publications in one scope (both drivers; released at commit). */
export async function lockScope(db: Db, tenantId: string, what: string, scope: { kind: string; value: string | null }): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${what}|${tenantId}|${scope.kind}|${scope.value ?? ''}`}, 0))`);
}

export function rowsOf<T>(res: unknown): T[] {
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}
