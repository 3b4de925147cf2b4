import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { type Actor, canSeePartner, isUuid, requireOwnPartner, requireScope, rowsOf, today } from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { CheckQuery, type CheckResult, type Right } from './agreements.schemas.js';
import { products, territories } from './catalog.tables.js';
import { agreements } from './onboarding.tables.js';
import { partners } from './partners.tables.js';

/** Territory rights (the partner_territory_rights view) and the authorisation check built on them. */
export class RightsService {
  constructor(private readonly store: Store) {}

  /** A partner's rights (the partner_territory_rights view) valid on a date, with codes. */
  async rights(actor: Actor, partnerId: string, date?: string): Promise<Right[]> {
    requireScope(actor, 'onboarding:read');
    requireOwnPartner(actor, partnerId);
    const d = date ?? today();
    const [p] = await this.store.db
      .select({ id: partners.id })
      .from(partners)
      .where(and(eq(partners.tenantId, actor.tenantId), eq(partners.id, partnerId)));
    if (!p) throw notFound('partner', partnerId);
    return rowsOf<Right>(
      this.store.db,
      sql`select r.territory_id::text as "territoryId", t.code as "territoryCode", r.product_line_id::text as "productLineId", l.code as "productLineCode",
          r.product_id::text as "productId", pr.code as "productCode", r.valid_from::text as "validFrom", r.valid_to::text as "validTo", r.source
        from partner_territory_rights r
        join territories t on t.tenant_id = r.tenant_id and t.id = r.territory_id
        left join product_lines l on l.tenant_id = r.tenant_id and l.id = r.product_line_id
        left join products pr on pr.tenant_id = r.tenant_id and pr.id = r.product_id
        where r.tenant_id = ${actor.tenantId} and r.partner_id = ${partnerId}
          and (r.valid_from is null or r.valid_from <= ${d}::date) and (r.valid_to is null or r.valid_to >= ${d}::date)
        order by t.code, l.code nulls first, pr.code nulls first, r.source`,
    );
  }

  /**
   * "May partner P sell product X in territory T on date D?" The answer comes from the partner_territory_rights
   * view (the same rows the target module marks cross-region sales with); when it is no, the reason is found.
   */
  async check(actor: Actor, input: unknown): Promise<CheckResult> {
    requireScope(actor, 'onboarding:read');
    const q = parseInput(CheckQuery, input);
    const date = q.date ?? today();
    const db = this.store.db;
    const by = <T extends typeof partners | typeof products | typeof territories>(table: T, v: string) =>
      isUuid(v) ? and(eq(table.tenantId, actor.tenantId), eq(table.id, v)) : and(eq(table.tenantId, actor.tenantId), eq(table.code, v));
    const [partner] = await db.select().from(partners).where(by(partners, q.partner));
    const [product] = await db.select().from(products).where(by(products, q.product));
    const [territory] = await db.select().from(territories).where(by(territories, q.territory));
    if (partner) requireOwnPartner(actor, partner.id);
    const base = { partnerId: partner?.id ?? null, productId: product?.id ?? null, territoryId: territory?.id ?? null, date };
    const no = (code: CheckResult['code'], reason: string): CheckResult => ({ allowed: false, code, reason, ...base });
    if (!partner || !canSeePartner(actor, partner.id)) return no('UNKNOWN_PARTNER', `no partner '${q.partner}'`);
    if (!product) return no('UNKNOWN_PRODUCT', `no product '${q.product}'`);
    if (!territory) return no('UNKNOWN_TERRITORY', `no territory '${q.territory}'`);

    const rights = await rowsOf<{ source: string }>(
      db,
      sql`select source from partner_territory_rights r
        where r.tenant_id = ${actor.tenantId} and r.partner_id = ${partner.id} and r.territory_id = ${territory.id}
          and (r.valid_from is null or r.valid_from <= ${date}::date) and (r.valid_to is null or r.valid_to >= ${date}::date)
          and (r.product_id = ${product.id} or (r.product_id is null and r.product_line_id is not distinct from ${product.lineId}))
        order by source limit 1`,
    );
    if (!product.active && rights.length) return no('PRODUCT_INACTIVE', `product ${product.code} is not active`);
    if (rights.length) {
      return rights[0]!.source === 'agreement'
        ? {
            allowed: true,
            code: 'AGREEMENT',
            reason: `the agreement of ${partner.code} in force on ${date} covers ${territory.code} for ${product.code}`,
            ...base,
          }
        : {
            allowed: true,
            code: 'CROSS_REGION',
            reason: `an approved cross-region request lets ${partner.code} sell ${product.code} in ${territory.code}`,
            ...base,
          };
    }
    // why not: in the order a reader would look
    if (partner.status !== 'active') return no('PARTNER_NOT_ACTIVE', `partner ${partner.code} is ${partner.status}`);
    // the agreement in force on the date (history kept: an expired or scheduled agreement answers for its own term)
    const ags = (
      await db
        .select()
        .from(agreements)
        .where(
          and(
            eq(agreements.tenantId, actor.tenantId),
            eq(agreements.partnerId, partner.id),
            inArray(agreements.status, ['scheduled', 'active', 'expired', 'terminated']),
          ),
        )
        .orderBy(asc(agreements.startDate))
    ).map((a) => ({ ...a, lastDay: a.endedOn && a.endedOn < a.endDate ? a.endedOn : a.endDate }));
    const inForce = ags.find((a) => a.startDate <= date && date <= a.lastDay);
    if (!ags.length)
      return no('NO_ACTIVE_AGREEMENT', `partner ${partner.code} has no active agreement and no approved cross-region request for ${territory.code}`);
    if (!inForce) {
      const near = [...ags].reverse().find((a) => a.startDate <= date) ?? ags[0]!;
      return no('OUTSIDE_TERM', `${date} is outside the term of agreement ${near.number} (${near.startDate} to ${near.lastDay})`);
    }
    const ag = inForce;
    const anyTerritory = await rowsOf<{ n: number }>(
      db,
      sql`select count(*)::int as n from partner_territory_rights r where r.tenant_id = ${actor.tenantId} and r.partner_id = ${partner.id}
        and r.territory_id = ${territory.id} and r.source = 'agreement'
        and (r.valid_from is null or r.valid_from <= ${date}::date) and (r.valid_to is null or r.valid_to >= ${date}::date)`,
    );
    if (Number(anyTerritory[0]?.n ?? 0) > 0)
      return no('PRODUCT_NOT_AUTHORIZED', `agreement ${ag.number} does not authorise ${product.code} in ${territory.code}`);
    return no(
      'TERRITORY_NOT_ASSIGNED',
      `${territory.code} is outside the territories of agreement ${ag.number} and no approved cross-region request covers it`,
    );
  }
}
