import { and, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid } from '../../platform/errors.js';
import type { ImportSpec, RowError } from '../../platform/imports.js';
import {
  type Actor,
  canSeePartner,
  decodeCursorOf,
  keyset,
  iso,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  rowsFrom,
  toPage,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, partnersByRef, productsByRef } from '../onboarding/contract.js';
import { POLICY_EVENTS, productCodeOf } from './policy.common.js';
import { violationVerdict } from './policy.rules.js';
import { Money, ObservationCreate, ViolationListQuery, type Observation } from './policy.schemas.js';
import { priceObservations, type ObservationRow } from './policy.tables.js';
import type { PriceResolutionService } from './price-resolution.service.js';

const toObservation = (r: ObservationRow, productCode: string): Observation => ({
  id: r.id,
  partnerId: r.partnerId,
  productId: r.productId,
  productCode,
  date: r.observedOn,
  price: r.price,
  currency: r.currency,
  source: r.source,
  reference: r.reference,
  minResalePrice: r.minResalePrice,
  priceVersionId: r.priceVersionId,
  deviationId: r.deviationId,
  isViolation: r.isViolation,
  shortfall: r.shortfall,
  createdAt: iso(r.createdAt)!,
});

export const ObservationImportRow = ObservationCreate.extend({ price: z.union([z.string(), z.number()]).transform(String).pipe(Money) });

/** Observed resale prices and the price violations (乱价) among them. */
export class ViolationService {
  constructor(
    private readonly store: Store,
    private readonly prices: PriceResolutionService,
  ) {}

  /**
   * Judges and inserts observations set-based: partners, products, candidate prices and deviations are loaded
   * once for the batch, the rows are written by one INSERT ... SELECT FROM jsonb_to_recordset. A repeated
   * (source, reference) is skipped (unchanged).
   */
  async recordInWork(w: Work, rows: { line: number; value: ObservationCreate }[]): Promise<{ created: Observation[]; unchanged: number; errors: RowError[] }> {
    const db = w.tx;
    const partnerMap = await partnersByRef(
      db,
      w.tenantId,
      rows.map((r) => r.value.partner),
    );
    const productMap = await productsByRef(
      db,
      w.tenantId,
      rows.map((r) => r.value.product),
    );
    const errors: RowError[] = [];
    const ok: {
      line: number;
      value: ObservationCreate;
      partner: NonNullable<ReturnType<typeof partnerMap.get>>;
      product: NonNullable<ReturnType<typeof productMap.get>>;
    }[] = [];
    for (const r of rows) {
      const partner = partnerMap.get(r.value.partner);
      const product = productMap.get(r.value.product);
      // a partner outside the caller's data scope is as unknown as a missing one (the row is rejected)
      if (!partner || !canSeePartner(w.actor, partner.id)) errors.push({ line: r.line, path: 'partner', message: `no partner '${r.value.partner}'` });
      else if (!product) errors.push({ line: r.line, path: 'product', message: `no product '${r.value.product}'` });
      else ok.push({ ...r, partner, product });
    }
    if (!ok.length) return { created: [], unchanged: 0, errors };
    const resolved = await this.prices.resolveItems(
      w.tenantId,
      ok.map((r) => ({ partner: r.partner, productRef: r.product.code, product: r.product, date: r.value.date, quantity: '1', paymentTermDays: null })),
      db,
    );
    const records = ok.map((r, i) => {
      const res = resolved[i]!;
      const minResale = res.status === 'priced' ? res.minResalePrice : null;
      const dev = res.deviation ? { ...res.deviation, partnerId: r.partner.id, productId: r.product.id } : null;
      const v = violationVerdict(r.value.price, minResale, dev);
      return {
        id: uuidv7(),
        partner_id: r.partner.id,
        product_id: r.product.id,
        observed_on: r.value.date,
        price: r.value.price,
        currency: res.currency,
        source: r.value.source,
        reference: r.value.reference ?? null,
        min_resale_price: minResale,
        price_version_id: res.source?.versionId ?? null,
        deviation_id: dev && dev.kind === 'below_min_resale' && minResale !== null ? dev.id : null,
        is_violation: v.isViolation,
        shortfall: v.shortfall,
      };
    });
    const inserted = rowsFrom<Record<string, unknown>>(
      await db.execute(sql`
      insert into price_observations (tenant_id, id, partner_id, product_id, observed_on, price, currency, source, reference,
        min_resale_price, price_version_id, deviation_id, is_violation, shortfall, recorded_by)
      select ${w.tenantId}, r.id, r.partner_id, r.product_id, r.observed_on, r.price, r.currency, r.source, r.reference,
        r.min_resale_price, r.price_version_id, r.deviation_id, r.is_violation, r.shortfall, ${w.actor.subject}
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(id uuid, partner_id uuid, product_id uuid, observed_on date,
        price numeric, currency text, source text, reference text, min_resale_price numeric, price_version_id uuid,
        deviation_id uuid, is_violation boolean, shortfall numeric)
      on conflict (tenant_id, source, reference) where reference is not null do nothing
      returning id, partner_id, product_id, observed_on::text as observed_on, price::text as price, currency, source, reference,
        min_resale_price::text as min_resale_price, price_version_id, deviation_id, is_violation, shortfall::text as shortfall, created_at`),
    );
    const codeById = new Map(ok.map((r) => [r.product.id, r.product.code]));
    const fix4 = (v: unknown) => (v == null ? null : String(v));
    const created = inserted.map((r) =>
      toObservation(
        {
          tenantId: w.tenantId,
          id: String(r['id']),
          partnerId: String(r['partner_id']),
          productId: String(r['product_id']),
          observedOn: String(r['observed_on']),
          price: fix4(r['price'])!,
          currency: (r['currency'] as string | null) ?? null,
          source: String(r['source']),
          reference: (r['reference'] as string | null) ?? null,
          minResalePrice: fix4(r['min_resale_price']),
          priceVersionId: (r['price_version_id'] as string | null) ?? null,
          deviationId: (r['deviation_id'] as string | null) ?? null,
          isViolation: r['is_violation'] === true || r['is_violation'] === 't',
          shortfall: fix4(r['shortfall']),
          recordedBy: w.actor.subject,
          createdAt: new Date(r['created_at'] as string),
        },
        codeById.get(String(r['product_id'])) ?? '',
      ),
    );
    for (const o of created) {
      if (o.isViolation) w.emit({ type: POLICY_EVENTS.violationRecorded, resourceType: 'price_observation', resourceId: o.id, payload: { observation: o } });
    }
    if (created.length)
      w.audit({
        resourceType: 'price_observation',
        resourceId: created[0]!.id,
        action: 'record',
        before: null,
        after: { count: created.length, violations: created.filter((o) => o.isViolation).length },
      });
    return { created, unchanged: ok.length - created.length, errors };
  }

  /** Records one observed resale price (tenant users) and answers with the verdict. */
  async record(actor: Actor, input: unknown): Promise<Observation> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(ObservationCreate, input);
    return this.store.write(actor, async (w) => {
      // a staff data scope confines tenant-side writes: a partner outside it is 404, like the partner itself
      const partner = (await partnersByRef(w.tx, w.tenantId, [data.partner])).get(data.partner);
      if (partner) requireOwnPartner(actor, partner.id);
      const r = await this.recordInWork(w, [{ line: 0, value: data }]);
      if (r.errors.length)
        throw new DomainError('UNPROCESSABLE', r.errors[0]!.message, { errors: r.errors.map((e) => ({ path: e.path ?? '(root)', message: e.message })) });
      if (!r.created.length) {
        throw new DomainError('CONFLICT', `An observation from source '${data.source}' with reference '${data.reference}' is already recorded`, {
          errors: [{ path: 'reference', message: 'already recorded' }],
        });
      }
      return r.created[0]!;
    });
  }

  importSpec(actor: Actor): ImportSpec<ObservationCreate> {
    requireTenantUser(actor, 'policy:write');
    return {
      schema: ObservationImportRow as unknown as z.ZodType<ObservationCreate>,
      batchSize: 1000,
      key: (r) => (r.reference ? `${r.source}/${r.reference}` : `${r.partner}/${r.product}/${r.date}/${r.price}/${r.source}/${Math.random()}`),
      writeBatch: async (w, rows) => {
        const r = await this.recordInWork(w, rows);
        return { created: r.created.length, updated: 0, unchanged: r.unchanged, errors: r.errors };
      },
    };
  }

  /** Violations, newest first by date (cursor over date and id). Partner users see their own. */
  async listViolations(
    actor: Actor,
    input: {
      partner?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
    },
  ): Promise<Page<Observation>> {
    requireScope(actor, 'policy:read');
    const f = parseInput(ViolationListQuery, { partner: input.partner, from: input.from, to: input.to });
    const after = decodeCursorOf(input.cursor, ['date', 'uuid'] as const);
    if (after && !/^\d{4}-\d{2}-\d{2}$/.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
    const t = priceObservations;
    const conds: (SQL | undefined)[] = [eq(t.tenantId, actor.tenantId), eq(t.isViolation, true)];
    conds.push(partnerCondition(actor, t.partnerId));
    if (f.partner) conds.push(eq(t.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partner)));
    if (f.from) conds.push(gte(t.observedOn, f.from));
    if (f.to) conds.push(lte(t.observedOn, f.to));
    const ks = keyset(input, [t.observedOn, t.id], after);
    conds.push(ks.where);
    const rows = await this.store.db
      .select({ o: t, code: productCodeOf(actor.tenantId, t.productId) })
      .from(t)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => toObservation(r.o, r.code)),
      input,
      (o) => [o.date, o.id],
    );
  }

  /**
   * For the incentive and evaluation modules: violations per partner in an inclusive date range, one query.
   * Partners without violations are absent.
   */
  async countByPartner(actor: Actor, from: string, to: string, db: Db = this.store.db): Promise<Map<string, { count: number; totalShortfall: string }>> {
    requireScope(actor, 'policy:read');
    const t = priceObservations;
    const rows = await db
      .select({ partnerId: t.partnerId, n: sql<number>`count(*)::int`, shortfall: sql<string>`coalesce(sum(${t.shortfall}), 0)::numeric(18,4)::text` })
      .from(t)
      .where(and(eq(t.tenantId, actor.tenantId), eq(t.isViolation, true), gte(t.observedOn, from), lte(t.observedOn, to), partnerCondition(actor, t.partnerId)))
      .groupBy(t.partnerId);
    return new Map(rows.map((r) => [r.partnerId, { count: Number(r.n), totalShortfall: r.shortfall }]));
  }
}
