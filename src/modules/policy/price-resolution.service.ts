import { and, eq, gte, isNotNull, isNull, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { DomainError } from '../../platform/errors.js';
import { formatFixed, iso, pgArray, requireScope, rowsOf, today, type Actor } from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findPartner, onboardingSql, productsByRef, type PartnerFacts, type ProductFacts } from '../onboarding/contract.js';
import { loadPartner, type PartnerRef } from './policy.common.js';
import {
  computeLine,
  mergeTerms,
  partnerScopes,
  pickDeviation,
  scopeKey,
  selectPrice,
  type DeviationFacts,
  type PriceCandidate,
  type ScopeRef,
  type Selection,
  type TermsCandidate,
} from './policy.rules.js';
import { ResolveBatchInput, ResolveQuery, SCOPE_KINDS, type DiscountRule, type ResolveBatchResult, type ResolvedPrice } from './policy.schemas.js';
import { channelTerms, priceDeviations, priceLines, pricePolicies, priceVersions } from './policy.tables.js';

/** One request line of a resolution, partner and product already loaded. */
export interface ResolveItem {
  partner: PartnerRef;
  /** as the caller named it */
  productRef: string;
  product: ProductFacts | null;
  date: string;
  quantity: string;
  paymentTermDays: number | null;
  channel?: 'online' | 'offline' | undefined;
}

/** A row's scope (kind and value columns) is one of `keys` (`scopeKey`'s form, kind:value). */
const scopeIn = (kind: AnyColumn, value: AnyColumn, keys: readonly string[]) => sql`${kind} || ':' || coalesce(${value}, '') = any(${pgArray(keys)}::text[])`;

/** What a resolution is computed from, for the given products, product lines, scopes, partners and dates. */
interface ResolutionFacts {
  candidates: PriceCandidate[];
  deviations: DeviationFacts[];
  scopedDiscounts: TermsCandidate[];
}

/**
 * The facts of a resolution in one round of statements sent together (pipelined in a transaction, on separate
 * connections outside one): every published price line of the products (or their lines) in a version of one of the
 * scopes, whatever its dates (one not in force on the date is listed in the explanation as `not_in_force`, issue 14
 * #10); the approved deviations of the partners and products overlapping the dates; with `withTerms`, the
 * published channel terms of the scopes that set discount rules (only amounts need them). Array parameters: one
 * statement text whatever the number of items.
 */
async function loadResolutionFacts(
  db: Db,
  tenantId: string,
  q: { productIds: string[]; lineIds: string[]; scopeKeys: string[]; partnerIds: string[]; minDate: string; maxDate: string },
  withTerms: boolean,
): Promise<ResolutionFacts> {
  const { productIds, lineIds, scopeKeys, partnerIds, minDate, maxDate } = q;
  const [rows, devRows, termRows] = await Promise.all([
    db
      .select({
        policyId: pricePolicies.id,
        policyCode: pricePolicies.code,
        policyName: pricePolicies.name,
        currency: pricePolicies.currency,
        scopeKind: pricePolicies.scopeKind,
        scopeValue: pricePolicies.scopeValue,
        versionId: priceVersions.id,
        versionNumber: priceVersions.number,
        effectiveFrom: priceVersions.effectiveFrom,
        effectiveTo: priceVersions.effectiveTo,
        publishedAt: priceVersions.publishedAt,
        // as text, parsed once per version below (the same rules come with each of a version's lines)
        discountRules: sql<string>`${priceVersions.discountRules}::text`,
        priceLineId: priceLines.id,
        productId: priceLines.productId,
        lineId: priceLines.lineId,
        distributionPrice: priceLines.distributionPrice,
        suggestedRetailPrice: priceLines.suggestedRetailPrice,
        minResalePrice: priceLines.minResalePrice,
      })
      .from(priceLines)
      .innerJoin(priceVersions, and(eq(priceVersions.tenantId, priceLines.tenantId), eq(priceVersions.id, priceLines.versionId)))
      .innerJoin(pricePolicies, and(eq(pricePolicies.tenantId, priceVersions.tenantId), eq(pricePolicies.id, priceVersions.policyId)))
      .where(
        and(
          eq(priceLines.tenantId, tenantId),
          eq(priceVersions.status, 'published'),
          lineIds.length
            ? sql`(${priceLines.productId} = any(${pgArray(productIds)}::uuid[]) or ${priceLines.lineId} = any(${pgArray(lineIds)}::uuid[]))`
            : sql`${priceLines.productId} = any(${pgArray(productIds)}::uuid[])`,
          scopeIn(pricePolicies.scopeKind, pricePolicies.scopeValue, scopeKeys),
        ),
      ),
    db
      .select({
        id: priceDeviations.id,
        partnerId: priceDeviations.partnerId,
        productId: priceDeviations.productId,
        kind: priceDeviations.kind,
        price: priceDeviations.price,
        validFrom: priceDeviations.validFrom,
        validTo: priceDeviations.validTo,
      })
      .from(priceDeviations)
      .where(
        and(
          eq(priceDeviations.tenantId, tenantId),
          eq(priceDeviations.status, 'approved'),
          sql`${priceDeviations.partnerId} = any(${pgArray(partnerIds)}::uuid[])`,
          sql`${priceDeviations.productId} = any(${pgArray(productIds)}::uuid[])`,
          lte(priceDeviations.validFrom, maxDate),
          gte(priceDeviations.validTo, minDate),
        ),
      ),
    // discount rules with their own scope (issue 14 #7): published channel terms of the partner's scopes that
    // set discount rules, one statement for the whole batch (not read when the caller needs no amounts)
    !withTerms
      ? []
      : db
          .select({
            id: channelTerms.id,
            scopeKind: channelTerms.scopeKind,
            scopeValue: channelTerms.scopeValue,
            effectiveFrom: channelTerms.effectiveFrom,
            effectiveTo: channelTerms.effectiveTo,
            discountRules: channelTerms.discountRules,
          })
          .from(channelTerms)
          .where(
            and(
              eq(channelTerms.tenantId, tenantId),
              eq(channelTerms.status, 'published'),
              isNotNull(channelTerms.discountRules),
              lte(channelTerms.effectiveFrom, maxDate),
              or(isNull(channelTerms.effectiveTo), gte(channelTerms.effectiveTo, minDate)),
              scopeIn(channelTerms.scopeKind, channelTerms.scopeValue, scopeKeys),
            ),
          ),
  ]);
  const rules = new Map<string, DiscountRule[]>();
  const candidates: PriceCandidate[] = rows.map((r) => {
    let discountRules = rules.get(r.discountRules);
    if (!discountRules) rules.set(r.discountRules, (discountRules = JSON.parse(r.discountRules) as DiscountRule[]));
    return {
      policyId: r.policyId,
      policyCode: r.policyCode,
      policyName: r.policyName,
      currency: r.currency,
      versionId: r.versionId,
      versionNumber: r.versionNumber,
      scope: { kind: r.scopeKind, value: r.scopeValue },
      effectiveFrom: r.effectiveFrom!,
      effectiveTo: r.effectiveTo,
      publishedAt: iso(r.publishedAt) ?? '',
      discountRules,
      priceLineId: r.priceLineId,
      productId: r.productId,
      lineId: r.lineId,
      distributionPrice: r.distributionPrice,
      suggestedRetailPrice: r.suggestedRetailPrice,
      minResalePrice: r.minResalePrice,
    };
  });
  const scopedDiscounts: TermsCandidate[] = termRows.map((r) => ({
    id: r.id,
    scope: { kind: r.scopeKind, value: r.scopeValue },
    effectiveFrom: r.effectiveFrom!,
    effectiveTo: r.effectiveTo,
    fields: { discountRules: r.discountRules },
  }));
  return { candidates, deviations: devRows as DeviationFacts[], scopedDiscounts };
}

/** What the items of a resolution are selected from: each item's scopes, the facts, each item's candidates. */
interface ResolutionContext {
  /** the scopes of the item's partner and channel: one array per distinct pair (selection caches by the array) */
  scopesOf: Map<ResolveItem, ScopeRef[]>;
  facts: ResolutionFacts;
  /** the candidates of an item's product and of its product line */
  poolOf: (i: ResolveItem) => PriceCandidate[];
}

async function resolutionContext(db: Db, tenantId: string, items: readonly ResolveItem[], withTerms: boolean): Promise<ResolutionContext> {
  const known = items.filter((i) => i.product);
  const scopesOf = new Map<ResolveItem, ScopeRef[]>();
  const byPartner = new Map<PartnerRef, Map<string | undefined, ScopeRef[]>>();
  for (const i of items) {
    let ofPartner = byPartner.get(i.partner);
    if (!ofPartner) byPartner.set(i.partner, (ofPartner = new Map()));
    let s = ofPartner.get(i.channel);
    if (!s) ofPartner.set(i.channel, (s = partnerScopes(i.partner, i.channel)));
    scopesOf.set(i, s);
  }
  let facts: ResolutionFacts = { candidates: [], deviations: [], scopedDiscounts: [] };
  if (known.length) {
    let minDate = known[0]!.date;
    let maxDate = minDate;
    for (const i of known) {
      if (i.date < minDate) minDate = i.date;
      if (i.date > maxDate) maxDate = i.date;
    }
    facts = await loadResolutionFacts(
      db,
      tenantId,
      {
        productIds: [...new Set(known.map((i) => i.product!.id))],
        lineIds: [...new Set(known.flatMap((i) => (i.product!.lineId ? [i.product!.lineId] : [])))],
        scopeKeys: [...new Set([...byPartner.values()].flatMap((m) => [...m.values()].flat().map(scopeKey)))],
        partnerIds: [...new Set(known.map((i) => i.partner.id))],
        minDate,
        maxDate,
      },
      withTerms,
    );
  }
  // candidates by product and by line so each item looks only at its own
  const byProduct = new Map<string, PriceCandidate[]>();
  const byLine = new Map<string, PriceCandidate[]>();
  const add = (m: Map<string, PriceCandidate[]>, k: string, c: PriceCandidate) => {
    const l = m.get(k);
    if (l) l.push(c);
    else m.set(k, [c]);
  };
  for (const c of facts.candidates) {
    if (c.productId) add(byProduct, c.productId, c);
    if (c.lineId) add(byLine, c.lineId, c);
  }
  const poolOf = (i: ResolveItem) => [...(byProduct.get(i.product!.id) ?? []), ...(i.product!.lineId ? (byLine.get(i.product!.lineId) ?? []) : [])];
  return { scopesOf, facts, poolOf };
}

/** Candidates for many (partner, product, date) items: a fixed number of set-based queries, then pure selection. */
export async function resolveItems(db: Db, tenantId: string, items: readonly ResolveItem[]): Promise<ResolvedPrice[]> {
  const { scopesOf: scopes, facts, poolOf } = await resolutionContext(db, tenantId, items, true);
  const { deviations, scopedDiscounts } = facts;
  // the scoped discount rules in force for a partner's scopes on a date: the same for every item that shares them
  const hits = new Map<ScopeRef[], Map<string, ReturnType<typeof mergeTerms>['discountRules']>>();
  const termsHit = (s: ScopeRef[], date: string) => {
    let byDate = hits.get(s);
    if (!byDate) hits.set(s, (byDate = new Map()));
    let hit = byDate.get(date);
    if (!hit) byDate.set(date, (hit = mergeTerms(scopedDiscounts, s, date, ['discountRules']).discountRules));
    return hit;
  };
  return items.map((i): ResolvedPrice => {
    const quantity = formatFixed(i.quantity);
    const empty = {
      currency: null,
      distributionPrice: null,
      suggestedRetailPrice: null,
      minResalePrice: null,
      grossAmount: null,
      discounts: [],
      netAmount: null,
      netUnitPrice: null,
      discountSource: null,
      source: null,
      passedOver: [],
      deviation: null,
    };
    if (!i.product) return { product: i.productRef, productId: null, quantity, status: 'unknown_product', message: `no product '${i.productRef}'`, ...empty };
    const sel = selectPrice(poolOf(i), { scopes: scopes.get(i)!, productId: i.product.id, lineId: i.product.lineId, date: i.date });
    const dev = pickDeviation(deviations, i.partner.id, i.product.id, i.date);
    const deviation = dev ? { id: dev.id, kind: dev.kind, price: dev.price, validFrom: dev.validFrom, validTo: dev.validTo } : null;
    if (!sel.winner)
      return {
        product: i.product.code,
        productId: i.product.id,
        quantity,
        status: 'unpriced',
        message: sel.reason,
        ...empty,
        passedOver: sel.passedOver.map(candidateOut),
        deviation,
      };
    const w = sel.winner;
    // a version-level rule overrides; otherwise the most specific scoped discount rules in force on the date
    let rules = w.discountRules;
    let discountSource: ResolvedPrice['discountSource'] = w.discountRules.length ? { kind: 'price_version', termsId: null, scope: w.scope } : null;
    if (!w.discountRules.length && scopedDiscounts.length) {
      const hit = termsHit(scopes.get(i)!, i.date);
      if (hit.termsId) {
        rules = hit.value as DiscountRule[];
        discountSource = { kind: 'channel_terms', termsId: hit.termsId, scope: hit.scope };
      }
    }
    const calc = computeLine({ unitPrice: w.distributionPrice, quantity, currency: w.currency, rules, paymentTermDays: i.paymentTermDays });
    return {
      product: i.product.code,
      productId: i.product.id,
      quantity,
      status: 'priced',
      message: null,
      currency: w.currency,
      distributionPrice: w.distributionPrice,
      suggestedRetailPrice: w.suggestedRetailPrice,
      minResalePrice: w.minResalePrice,
      ...calc,
      discountSource,
      source: {
        policyId: w.policyId,
        policyCode: w.policyCode,
        policyName: w.policyName,
        versionId: w.versionId,
        versionNumber: w.versionNumber,
        scope: w.scope,
        level: sel.level!,
        priceLineId: w.priceLineId,
        effectiveFrom: w.effectiveFrom,
        effectiveTo: w.effectiveTo,
        reason: sel.reason,
      },
      passedOver: sel.passedOver.map(candidateOut),
      deviation,
    };
  });
}

const candidateOut = ({ c, level, lost }: Selection['passedOver'][number]): ResolvedPrice['passedOver'][number] => ({
  versionId: c.versionId,
  policyCode: c.policyCode,
  versionNumber: c.versionNumber,
  scope: c.scope,
  level,
  effectiveFrom: c.effectiveFrom,
  effectiveTo: c.effectiveTo,
  currency: c.currency,
  distributionPrice: c.distributionPrice,
  suggestedRetailPrice: c.suggestedRetailPrice,
  minResalePrice: c.minResalePrice,
  lost,
});

/**
 * The floor a sell-through line's price is judged against (issue 14 #8), set-based: for each row of `lines` (a
 * relation with columns `line` (unique), `partner_id`, `product_id` and `d`, the sale's date), the minimum resale
 * price in force on the date, after any approved below-minimum deviation, as a relation of (line, floor) with a
 * row only where there is a floor. The same choice as a resolution makes (`selectPrice`, `pickDeviation`,
 * `violationVerdict`; test/target/price-floors-parity.test.ts compares the two on a grid): among the published price
 * lines of the partner's scopes in force on the date that price the product or its line, the most specific scope
 * (partner > tier > partner type > channel > default), a product's price before its line's, then the latest
 * effective, then the latest published; its minimum resale price (none: no floor), lowered to the price of the
 * latest approved deviation covering the date (of several starting the same day, the latest requested) when that
 * one is a below-minimum deviation below it. Rows of `lines` whose partner or product is unknown get none.
 * Implements target's `PriceFloorSource.floorsSql`: one statement for a whole batch, in the caller's transaction.
 */
export function priceFloorsSql(tenantId: string, lines: SQL): SQL {
  const t = tenantId;
  // the lines' (k) published candidate prices in force on their date, matched by the price line's product or line
  const candidatesBy = (column: 'product_id' | 'line_id', level: 0 | 1) => sql`
      select k.*, pl.min_resale_price, v.effective_from, v.published_at, pol.scope_kind, pol.scope_value, ${sql.raw(String(level))} as level
      from k
      join ${priceLines} pl on pl.tenant_id = ${t} and pl.${sql.raw(column)} = k.${sql.raw(column)}
      join ${priceVersions} v on v.tenant_id = pl.tenant_id and v.id = pl.version_id and v.status = 'published'
        and v.effective_from <= k.d and (v.effective_to is null or v.effective_to >= k.d)
      join ${pricePolicies} pol on pol.tenant_id = v.tenant_id and pol.id = v.policy_id`;
  return sql`(
    with k as (
      select l.line, l.partner_id, l.product_id, l.d, pa.tier, pa.type,
        case when pa.channel in ('online', 'offline') then pa.channel end as channel, pr.line_id
      from ${lines} l
      join ${onboardingSql.partners(t)} pa on pa.id = l.partner_id
      join ${onboardingSql.products(t)} pr on pr.id = l.product_id
    ), candidates as (
      -- the published price lines in force on the line's date that price its product (level 0) or its line (level 1),
      -- each reached from the line by the price lines' product and line indexes (not every price line of the tenant)
      ${candidatesBy('product_id', 0)}
      union all
      ${candidatesBy('line_id', 1)}
    ), winners as (
      select distinct on (c.line) c.line, c.partner_id, c.product_id, c.d, c.min_resale_price
      from candidates c
      where ((c.scope_kind = 'partner' and c.scope_value = c.partner_id::text)
          or (c.scope_kind = 'tier' and c.tier <> '' and c.scope_value = c.tier)
          or (c.scope_kind = 'partner_type' and c.scope_value = c.type)
          or (c.scope_kind = 'channel' and c.scope_value = c.channel)
          or (c.scope_kind = 'default' and coalesce(c.scope_value, '') = ''))
      order by c.line,
        case c.scope_kind ${sql.raw(SCOPE_KINDS.map((k, i) => `when '${k}' then ${i}`).join(' '))} end,
        c.level, c.effective_from desc, c.published_at desc nulls last
    )
    select w.line, case when dv.kind = 'below_min_resale' and dv.price < w.min_resale_price then dv.price else w.min_resale_price end as floor
    from winners w
    left join lateral (
      select d.kind, d.price from ${priceDeviations} d
      where d.tenant_id = ${t} and d.status = 'approved' and d.partner_id = w.partner_id and d.product_id = w.product_id
        and d.valid_from <= w.d and d.valid_to >= w.d
      order by d.valid_from desc, d.id desc limit 1
    ) dv on true
    where w.min_resale_price is not null
  )`;
}

/**
 * Whether any published price line of the tenant sets a minimum resale price (whatever its dates): without one,
 * `priceFloorsSql` answers no floor for any line. One statement; implements target's `PriceFloorSource.anyFloor`.
 */
export async function anyResaleFloor(db: Db, tenantId: string): Promise<boolean> {
  const [row] = await rowsOf<{ any: boolean }>(
    db,
    sql`select exists (
      select 1 from ${priceLines} l join ${priceVersions} v on v.tenant_id = l.tenant_id and v.id = l.version_id
      where l.tenant_id = ${tenantId} and l.min_resale_price is not null and v.status = 'published') as any`,
  );
  return row?.any === true;
}

/** The value of a settled read, or its error (reads sent together, their failures reported in a fixed order). */
function settled<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

/** What another module asks: prices for one partner on one date, many products (ids or codes). */
export interface PriceRequest {
  /** partner id or code, or the partner's facts when the caller has loaded them already (one statement less) */
  partner: string | PartnerFacts;
  /** calendar date YYYY-MM-DD */
  date: string;
  lines: readonly { product: string; quantity?: string }[];
  paymentTermDays?: number | null;
  channel?: 'online' | 'offline';
}

/**
 * Prices for a partner, a date and many products in a fixed number of statements (partner, products, candidate
 * prices, scoped discount terms, approved deviations), in the caller's transaction when `db` is one. Answers one ResolvedPrice per line, in
 * order; NOT_FOUND when the partner does not exist. No authorisation: the calling module checks its own.
 */
export async function resolvePricesFor(db: Db, tenantId: string, q: PriceRequest): Promise<ResolvedPrice[]> {
  const refs = q.lines.map((l) => l.product);
  // the partner and the products are independent reads: sent together (the partner's failure reported first)
  const [found, products] = await Promise.allSettled([
    typeof q.partner === 'string' ? findPartner(db, tenantId, q.partner) : q.partner,
    productsByRef(db, tenantId, refs),
  ]);
  const partner = settled(found);
  if (!partner)
    throw new DomainError('NOT_FOUND', `partner '${q.partner as string}' was not found`, { errors: [{ path: 'partner', message: 'no such partner' }] });
  const productMap = settled(products);
  return resolveItems(
    db,
    tenantId,
    q.lines.map((l) => ({
      partner,
      productRef: l.product,
      product: productMap.get(l.product) ?? null,
      date: q.date,
      quantity: l.quantity ?? '1',
      paymentTermDays: q.paymentTermDays ?? null,
      channel: q.channel,
    })),
  );
}

/** Price resolution (the read side other modules use through policy/contract.ts): which price applies to a partner, a product and a date. */
export class PriceResolutionService {
  constructor(private readonly store: Store) {}

  /** GET /v1/policy/prices/resolve: one product. 404 when no price applies. */
  async resolveOne(actor: Actor, input: unknown): Promise<ResolvedPrice & { partnerId: string; date: string }> {
    const q = parseInput(ResolveQuery, input);
    const r = await this.resolveBatch(actor, {
      partner: q.partner,
      ...(q.date ? { date: q.date } : {}),
      ...(q.paymentTermDays !== undefined ? { paymentTermDays: q.paymentTermDays } : {}),
      ...(q.channel ? { channel: q.channel } : {}),
      lines: [{ product: q.product, ...(q.quantity ? { quantity: q.quantity } : {}) }],
    });
    const line = r.lines[0]!;
    if (line.status !== 'priced')
      throw new DomainError('NOT_FOUND', line.message ?? 'no price', { errors: [{ path: 'product', message: line.message ?? 'no price' }] });
    return { ...line, partnerId: r.partner.id, date: r.date };
  }

  /**
   * Resolves up to 1,000 lines for one partner in a fixed number of statements: the partner, the products,
   * the candidate prices, and the approved deviations (4 queries whatever the line count).
   */
  async resolveBatch(actor: Actor, input: unknown): Promise<ResolveBatchResult> {
    requireScope(actor, 'policy:read');
    const data = parseInput(ResolveBatchInput, input);
    const [found, products] = await Promise.allSettled([
      loadPartner(this.store.db, actor, data.partner),
      productsByRef(
        this.store.db,
        actor.tenantId,
        data.lines.map((l) => l.product),
      ),
    ]);
    const partner = settled(found);
    const productMap = settled(products);
    const date = data.date ?? today();
    const items: ResolveItem[] = data.lines.map((l) => ({
      partner,
      productRef: l.product,
      product: productMap.get(l.product) ?? null,
      date,
      quantity: l.quantity ?? '1',
      paymentTermDays: data.paymentTermDays ?? null,
      channel: data.channel,
    }));
    const lines = await resolveItems(this.store.db, actor.tenantId, items);
    return {
      partner: { id: partner.id, code: partner.code, type: partner.type, channel: partner.channel, tier: partner.tier },
      date,
      paymentTermDays: data.paymentTermDays ?? null,
      lines,
    };
  }

  /** Resolves many (partner, product, date) items, in the caller's transaction when `db` is given. */
  resolveItems(tenantId: string, items: readonly ResolveItem[], db: Db = this.store.db): Promise<ResolvedPrice[]> {
    return resolveItems(db, tenantId, items);
  }
}
