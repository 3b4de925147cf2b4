import { sql, type Column } from 'drizzle-orm';
import { requireOwnPartner, type Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db.js';
import { iso } from '../../platform/kernel/index.js';
import { DomainError, invalid } from '../../platform/errors.js';
import { codesToIds, findPartner, onboardingSql, type PartnerFacts } from '../onboarding/contract.js';
import type { PricePolicy, PriceVersion, Scope } from './policy.schemas.js';
import type { PricePolicyRow, PriceVersionRow } from './policy.tables.js';

export type PartnerRef = PartnerFacts;

/** Partner by id or code (404 for another partner's token). */
export async function loadPartner(db: Db, actor: Actor, ref: string, path = 'partner'): Promise<PartnerRef> {
  const row = await findPartner(db, actor.tenantId, ref);
  if (!row) throw new DomainError('NOT_FOUND', `partner '${ref}' was not found`, { errors: [{ path, message: 'no such partner' }] });
  requireOwnPartner(actor, row.id);
  return row;
}

/** Product lines by code, one query. */
export async function loadLines(db: Db, tenantId: string, codes: readonly string[]): Promise<Map<string, { id: string; code: string }>> {
  const ids = await codesToIds.productLines(db, tenantId, codes);
  return new Map([...ids].map(([code, id]) => [code, { id, code }]));
}

/** The code of the product a row names (a column of the current query): a scalar subquery on the onboarding contract. */
export const productCodeOf = (tenantId: string, productId: Column) =>
  sql<string>`(select p.code from ${onboardingSql.products(tenantId)} p where p.id = ${productId})`;

/** A partner-scoped policy or terms must name a partner of this tenant. */
export async function assertScopeTarget(db: Db, tenantId: string, scope: Scope): Promise<void> {
  if (scope.kind !== 'partner') return;
  if (!(await findPartner(db, tenantId, scope.value!))) throw invalid('scope.value', `no partner '${scope.value}' in this tenant`);
}

/** Serialises publications in one scope (both drivers; released at commit). */
export async function lockScope(db: Db, tenantId: string, what: string, scope: { kind: string; value: string | null }): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${what}|${tenantId}|${scope.kind}|${scope.value ?? ''}`}, 0))`);
}

export const POLICY_EVENTS = {
  versionPublished: 'policy.version_published',
  deviationDecided: 'policy.deviation_decided',
  violationRecorded: 'policy.violation_recorded',
} as const;

export function toPolicy(r: PricePolicyRow): PricePolicy {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    currency: r.currency,
    scope: { kind: r.scopeKind, value: r.scopeValue },
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

export function toVersion(r: PriceVersionRow, lineCount: number): PriceVersion {
  return {
    id: r.id,
    policyId: r.policyId,
    number: r.number,
    status: r.status,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    discountRules: r.discountRules,
    note: r.note,
    copiedFromId: r.copiedFromId,
    publishedAt: iso(r.publishedAt),
    retiredAt: iso(r.retiredAt),
    lineCount,
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}
