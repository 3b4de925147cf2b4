/**
 * The onboarding module's contract: the only file of this module another module may import (the boundary check
 * in `npm test` enforces it). Everything here is stable for other modules; internals may change freely.
 *
 * - `onboardingKeys`: key columns other modules' tables declare foreign keys to. Only for `foreignKey()`: never
 *   query through them.
 * - `onboardingSql`: relations (derived tables) other modules join set-based in their own SQL, tenant-filtered.
 * - lookups: codes to ids and a partner's facts, one statement each, for other modules' services.
 */
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db.js';
import type { Work } from '../../platform/store.js';
import { isUuid, pgArray, rowsOf } from '../../platform/kernel/index.js';
import { productLines, products, territories } from './catalog.tables.js';
import { agreements } from './onboarding.tables.js';
import { partners } from './partners.tables.js';

export { PARTNER_CHANNELS, PARTNER_STATUSES, PARTNER_TYPES, Partner, type PartnerChannel, type PartnerStatus, type PartnerType } from './partners.schemas.js';
/** The partner lifecycle state machine (pure): whether an action is allowed from a status (evaluation checks it before asking approval). */
export { partnerTransition, type PartnerAction } from './onboarding.rules.js';

/** (tenant_id, id) of the onboarding tables other modules reference. */
export const onboardingKeys = {
  partner: [partners.tenantId, partners.id],
  agreement: [agreements.tenantId, agreements.id],
  product: [products.tenantId, products.id],
  productLine: [productLines.tenantId, productLines.id],
  territory: [territories.tenantId, territories.id],
} as const;

/** Relations for other modules' SQL: `join ${onboardingSql.partners(t)} pa on pa.id = x.partner_id`. */
export const onboardingSql = {
  /** partners of the tenant: tenant_id, id, code, legal_name, type, channel, tier, status, parent_id, region_code */
  partners: (tenantId: string): SQL =>
    sql`(select tenant_id, id, code, legal_name, type, channel, tier, status, parent_id, region_code from partners where tenant_id = ${tenantId})`,
  /** products: tenant_id, id, code, name, line_id, unit, active */
  products: (tenantId: string): SQL => sql`(select tenant_id, id, code, name, line_id, unit, active from products where tenant_id = ${tenantId})`,
  /** product lines: tenant_id, id, code, name, active */
  productLines: (tenantId: string): SQL => sql`(select tenant_id, id, code, name, active from product_lines where tenant_id = ${tenantId})`,
  /** territories: tenant_id, id, code, name, parent_id, level, active */
  territories: (tenantId: string): SQL => sql`(select tenant_id, id, code, name, parent_id, level, active from territories where tenant_id = ${tenantId})`,
  /**
   * Rights of active partners to sell in a territory (expanded to every descendant territory): tenant_id,
   * partner_id, territory_id, product_line_id, product_id (null = the whole line), valid_from, valid_to, source
   * ('agreement' | 'cross_region').
   */
  territoryRights: (tenantId: string): SQL =>
    sql`(select tenant_id, partner_id, territory_id, product_line_id, product_id, valid_from, valid_to, source from partner_territory_rights where tenant_id = ${tenantId})`,
  /**
   * Agreements with their effective term (cut at the day they ended): tenant_id, id, partner_id, number, status,
   * start_date, end_date. In force on D: status in (scheduled, active, expired, terminated) and start_date <= D <= end_date.
   */
  agreements: (tenantId: string): SQL =>
    sql`(select tenant_id, id, partner_id, number, status, start_date, least(end_date, coalesce(ended_on, end_date)) as end_date
          from agreements where tenant_id = ${tenantId})`,
  /**
   * Products and product lines authorised by agreements that were in force (scheduled, active, expired,
   * terminated), dated by the agreement's effective term: tenant_id, partner_id, agreement_id, product_id,
   * product_line_id (exactly one of the two), valid_from, valid_to.
   */
  authorisedProducts: (tenantId: string): SQL =>
    sql`(select a.tenant_id, a.partner_id, a.id as agreement_id, ap.product_id, ap.product_line_id, a.start_date as valid_from,
               least(a.end_date, coalesce(a.ended_on, a.end_date)) as valid_to
          from agreements a join agreement_products ap on ap.tenant_id = a.tenant_id and ap.agreement_id = a.id
          where a.tenant_id = ${tenantId} and a.status in ('scheduled', 'active', 'expired', 'terminated'))`,
  /**
   * The id of a partner / product / product line / territory named by id or code, as an SQL expression for a
   * filter (`eq(t.partnerId, onboardingSql.idOf('partners', tenantId, ref))`): a uuid stands for itself, a code is
   * looked up (an unknown code matches nothing).
   */
  idOf: (kind: RefKind, tenantId: string, ref: string): SQL =>
    isUuid(ref) ? sql`${ref}::uuid` : sql`(select id from ${sql.raw(REF_TABLES[kind])} where tenant_id = ${tenantId} and code = ${ref})`,
};

type RefKind = 'partners' | 'products' | 'productLines' | 'territories';
const REF_TABLES: Record<RefKind, string> = { partners: 'partners', products: 'products', productLines: 'product_lines', territories: 'territories' };

/**
 * Port: called inside the writing transaction after partners' type or home territory (region_code) may have changed
 * (an update, an upsert by code, a partners import), so that a module keeping figures per those attributes (the
 * target module's monthly totals per group) moves them in the same transaction. Implemented by target, wired by the
 * composition root (`onboarding.partners.onAttributesChanged`). `partnerIds`: the partners whose attributes may
 * have changed (the listener need look at no other partner).
 */
export type PartnerAttributesListener = (w: Work, partnerIds: readonly string[]) => Promise<void>;

/** A query parameter naming a partner, product, product line or territory by id or by the tenant's code. */
export const RefParam = z.string().trim().min(1).max(64).describe('id or code');

export interface PartnerFacts {
  id: string;
  code: string;
  type: string;
  channel: string;
  tier: string | null;
  status: string;
  parentId: string | null;
  regionCode: string | null;
}

const partnerFacts = {
  id: partners.id,
  code: partners.code,
  type: partners.type,
  channel: partners.channel,
  tier: partners.tier,
  status: partners.status,
  parentId: partners.parentId,
  regionCode: partners.regionCode,
};

/** A partner of the tenant by id or code, or undefined. */
export async function findPartner(db: Db, tenantId: string, idOrCode: string): Promise<PartnerFacts | undefined> {
  const [row] = await db
    .select(partnerFacts)
    .from(partners)
    .where(and(eq(partners.tenantId, tenantId), isUuid(idOrCode) ? eq(partners.id, idOrCode) : eq(partners.code, idOrCode)));
  return row;
}

/** Partners of the tenant by id, one statement. */
export async function partnersById(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, PartnerFacts>> {
  const u = [...new Set(ids)].filter(isUuid);
  if (!u.length) return new Map();
  const rows = await db
    .select(partnerFacts)
    .from(partners)
    .where(and(eq(partners.tenantId, tenantId), sql`${partners.id} = any(${pgArray(u)}::uuid[])`));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Partners of the tenant by id or code, one statement; the map is keyed by id and by code. */
export async function partnersByRef(db: Db, tenantId: string, refs: readonly string[]): Promise<Map<string, PartnerFacts>> {
  const unique = [...new Set(refs)];
  const out = new Map<string, PartnerFacts>();
  if (!unique.length) return out;
  const ids = unique.filter(isUuid);
  const codes = unique.filter((r) => !isUuid(r));
  const conds: SQL[] = [];
  if (ids.length) conds.push(sql`${partners.id} = any(${pgArray(ids)}::uuid[])`);
  if (codes.length) conds.push(sql`${partners.code} = any(${pgArray(codes)}::text[])`);
  const rows = await db
    .select(partnerFacts)
    .from(partners)
    .where(and(eq(partners.tenantId, tenantId), or(...conds)));
  for (const r of rows) {
    out.set(r.id, r);
    out.set(r.code, r);
  }
  return out;
}

export interface ProductFacts {
  id: string;
  code: string;
  lineId: string | null;
}

/** Products of the tenant by code or id, one statement; the map is keyed by id and by code. */
export async function productsByRef(db: Db, tenantId: string, refs: readonly string[]): Promise<Map<string, ProductFacts>> {
  const unique = [...new Set(refs)];
  const out = new Map<string, ProductFacts>();
  if (!unique.length) return out;
  const ids = unique.filter(isUuid);
  // array parameters: one statement text whatever the number of refs (1,000-line orders)
  const rows = await db
    .select({ id: products.id, code: products.code, lineId: products.lineId })
    .from(products)
    .where(
      and(
        eq(products.tenantId, tenantId),
        ids.length
          ? sql`(${products.code} = any(${pgArray(unique)}::text[]) or ${products.id} = any(${pgArray(ids)}::uuid[]))`
          : sql`${products.code} = any(${pgArray(unique)}::text[])`,
      ),
    );
  for (const r of rows) {
    out.set(r.id, r);
    out.set(r.code, r);
  }
  return out;
}

/** Products of the tenant by id, one statement (ids that are not uuids are left out). */
export async function productsById(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, ProductFacts>> {
  const u = [...new Set(ids)].filter(isUuid);
  if (!u.length) return new Map();
  const rows = await db
    .select({ id: products.id, code: products.code, lineId: products.lineId })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), sql`${products.id} = any(${pgArray(u)}::uuid[])`));
  return new Map(rows.map((r) => [r.id, r]));
}

type Keyed = typeof partners | typeof products | typeof productLines | typeof territories;
async function idsByCode(db: Db, table: Keyed, tenantId: string, codes: readonly string[]): Promise<Map<string, string>> {
  const u = [...new Set(codes)];
  if (!u.length) return new Map();
  const rows = await db
    .select({ id: table.id, code: table.code })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), sql`${table.code} = any(${pgArray(u)}::text[])`));
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** code -> id of the tenant's partners, products, product lines and territories (one statement each). */
export const codesToIds = {
  partners: (db: Db, tenantId: string, codes: readonly string[]) => idsByCode(db, partners, tenantId, codes),
  products: (db: Db, tenantId: string, codes: readonly string[]) => idsByCode(db, products, tenantId, codes),
  productLines: (db: Db, tenantId: string, codes: readonly string[]) => idsByCode(db, productLines, tenantId, codes),
  territories: (db: Db, tenantId: string, codes: readonly string[]) => idsByCode(db, territories, tenantId, codes),
};

/** An agreement's partner, status and term, or undefined. */
export async function findAgreement(db: Db, tenantId: string, id: string) {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select({ id: agreements.id, partnerId: agreements.partnerId, status: agreements.status, startDate: agreements.startDate, endDate: agreements.endDate })
    .from(agreements)
    .where(and(eq(agreements.tenantId, tenantId), eq(agreements.id, id)));
  return row;
}

/** Raw rows helper re-exported for contract users that compose the relations above. */
export { rowsOf };

/**
 * A partner and its descendants (sub-dealers, their sub-dealers...), the partner first: what a `subtree` partner
 * credential covers. One recursive statement; depth bounded like the territory tree.
 */
export async function partnerSubtree(db: Db, tenantId: string, partnerId: string): Promise<string[]> {
  if (!isUuid(partnerId)) return [];
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`with recursive d(id, depth) as (
        select id, 0 from partners where tenant_id = ${tenantId} and id = ${partnerId}::uuid
        union all select p.id, d.depth + 1 from d join partners p on p.tenant_id = ${tenantId} and p.parent_id = d.id where d.depth < 20
      ) select id::text as id from d order by depth, id`,
  );
  return rows.map((r) => r.id);
}
