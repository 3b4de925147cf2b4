import { and, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  decodeUuidCursor,
  dec,
  iso,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  toPage,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, productsByRef } from '../onboarding/contract.js';
import type { ApprovalsPort } from '../organisation/contract.js';
import { loadPartner, POLICY_EVENTS, productCodeOf } from './policy.common.js';
import type { PriceResolutionService } from './price-resolution.service.js';
import { deviationKind } from './policy.rules.js';
import { DeviationCreate, DeviationDecision, DeviationListQuery, type Deviation } from './policy.schemas.js';
import { priceDeviations, type DeviationRow } from './policy.tables.js';

const toDeviation = (r: DeviationRow, productCode: string): Deviation => ({
  id: r.id,
  partnerId: r.partnerId,
  productId: r.productId,
  productCode,
  kind: r.kind,
  price: r.price,
  validFrom: r.validFrom,
  validTo: r.validTo,
  reason: r.reason,
  status: r.status,
  requestedBy: r.requestedBy,
  decidedBy: r.decidedBy,
  decidedAt: iso(r.decidedAt),
  decisionNote: r.decisionNote,
  version: r.version,
  createdAt: iso(r.createdAt)!,
});

/** Price deviation requests (调价申请): a partner asks to resell off the set price; the tenant decides. */
export class DeviationService {
  constructor(
    private readonly store: Store,
    private readonly prices: PriceResolutionService,
    private readonly approvals?: ApprovalsPort,
  ) {}

  /**
   * A partner user (for itself) or a tenant user (on a partner's behalf) asks for a resale price below the
   * minimum resale price or above the suggested retail price, resolved for that partner on validFrom. A price
   * inside the band needs no deviation (422).
   */
  async create(actor: Actor, input: unknown): Promise<Deviation> {
    requireScope(actor, 'policy:write');
    const data = parseInput(DeviationCreate, input);
    const partnerRef = data.partner ?? actor.partnerId;
    if (!partnerRef) throw invalid('partner', 'is required');
    const partner = await loadPartner(this.store.db, actor, partnerRef);
    const productMap = await productsByRef(this.store.db, actor.tenantId, [data.product]);
    const product = productMap.get(data.product);
    if (!product) throw invalid('product', `no product '${data.product}'`);
    const [resolved] = await this.prices.resolveItems(actor.tenantId, [
      { partner, productRef: data.product, product, date: data.validFrom, quantity: '1', paymentTermDays: null },
    ]);
    if (!resolved || resolved.status !== 'priced') {
      throw new DomainError(
        'UNPROCESSABLE',
        `No price applies to partner '${partner.code}' for product '${product.code}' on ${data.validFrom}: nothing to deviate from`,
      );
    }
    const kind = deviationKind(data.price, resolved.minResalePrice, resolved.suggestedRetailPrice!);
    if (!kind) {
      throw new DomainError(
        'UNPROCESSABLE',
        `Price ${data.price} is within the allowed band (minimum resale ${resolved.minResalePrice ?? 'none'}, suggested retail ${resolved.suggestedRetailPrice}); no deviation is needed`,
        { errors: [{ path: 'price', message: 'is within the allowed resale band' }] },
      );
    }
    return this.store.write(actor, async (w) => {
      const [row] = await w.tx
        .insert(priceDeviations)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          partnerId: partner.id,
          productId: product.id,
          kind,
          price: data.price,
          validFrom: data.validFrom,
          validTo: data.validTo,
          reason: data.reason,
          requestedBy: actor.subject,
        })
        .returning();
      const d = toDeviation(row!, product.code);
      w.audit({ resourceType: 'price_deviation', resourceId: d.id, action: 'create', before: null, after: d });
      // approval authority: with a price_deviation policy, a big enough deviation needs its chain of approvers
      await this.approvals?.request(w, actor, { kind: 'price_deviation', ref: d.id, partnerId: partner.id, pct: deviationPct(data.price, kind, resolved) });
      return d;
    });
  }

  async get(actor: Actor, id: string): Promise<Deviation> {
    requireScope(actor, 'policy:read');
    const [row] = await this.store.db
      .select({ d: priceDeviations, code: productCodeOf(actor.tenantId, priceDeviations.productId) })
      .from(priceDeviations)
      .where(and(eq(priceDeviations.tenantId, actor.tenantId), eq(priceDeviations.id, id)));
    if (!row) throw notFound('deviation', id);
    requireOwnPartner(actor, row.d.partnerId, 'deviation');
    return toDeviation(row.d, row.code);
  }

  async list(
    actor: Actor,
    input: { partner?: string | undefined; status?: string | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<Deviation>> {
    requireScope(actor, 'policy:read');
    const f = parseInput(DeviationListQuery, { partner: input.partner, status: input.status });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [priceDeviations.id], after);
    const conds: (SQL | undefined)[] = [eq(priceDeviations.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, priceDeviations.partnerId));
    if (f.partner) conds.push(eq(priceDeviations.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partner)));
    if (f.status) conds.push(eq(priceDeviations.status, f.status));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select({ d: priceDeviations, code: productCodeOf(actor.tenantId, priceDeviations.productId) })
      .from(priceDeviations)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => toDeviation(r.d, r.code)),
      input,
      (d) => [d.id],
    );
  }

  /**
   * pending -> approved | rejected, by a tenant user. When the deviation has an open approval request (a
   * price_deviation policy required steps), the call decides its current step as the caller (whose staff post must
   * match it); the deviation is settled when the last step approves or any step rejects. Otherwise one step, as before.
   */
  async decide(actor: Actor, id: string, decision: 'approved' | 'rejected', input: unknown = {}): Promise<Deviation> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(DeviationDecision, input ?? {});
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(priceDeviations)
        .where(and(eq(priceDeviations.tenantId, w.tenantId), eq(priceDeviations.id, id)))
        .for('update');
      if (!before) throw notFound('deviation', id);
      requireOwnPartner(actor, before.partnerId, 'deviation');
      if (before.status !== 'pending') throw new DomainError('ILLEGAL_TRANSITION', `The deviation request is already ${before.status}`);
      const open = this.approvals && (await this.approvals.openRequestFor(w, 'price_deviation', id));
      if (open) await this.approvals!.decideIn(w, actor, open, decision, data.note);
      else await this.applyOutcome(w, id, decision, data.note ?? null);
      const [row] = await w.tx
        .select()
        .from(priceDeviations)
        .where(and(eq(priceDeviations.tenantId, w.tenantId), eq(priceDeviations.id, id)));
      const p = (await productsByRef(w.tx, w.tenantId, [row!.productId])).get(row!.productId);
      return toDeviation(row!, p?.code ?? '');
    });
  }

  /** Settles a pending deviation (the one-step decision, or the approval engine's final outcome), audited. */
  async applyOutcome(w: Work, id: string, decision: 'approved' | 'rejected', note: string | null): Promise<void> {
    const [before] = await w.tx
      .select()
      .from(priceDeviations)
      .where(and(eq(priceDeviations.tenantId, w.tenantId), eq(priceDeviations.id, id)))
      .for('update');
    if (!before || before.status !== 'pending') return;
    const [row] = await w.tx
      .update(priceDeviations)
      .set({
        status: decision,
        decidedBy: w.actor.subject,
        decidedAt: new Date(),
        decisionNote: note,
        version: sql`${priceDeviations.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(priceDeviations.tenantId, w.tenantId), eq(priceDeviations.id, id)))
      .returning();
    const p = (await productsByRef(w.tx, w.tenantId, [row!.productId])).get(row!.productId);
    const d = toDeviation(row!, p?.code ?? '');
    w.audit({
      resourceType: 'price_deviation',
      resourceId: id,
      action: decision === 'approved' ? 'approve' : 'reject',
      before: toDeviation(before, d.productCode),
      after: d,
    });
    w.emit({ type: POLICY_EVENTS.deviationDecided, resourceType: 'price_deviation', resourceId: id, payload: { deviation: d } });
  }
}

/**
 * How far a deviation departs from the bound it crosses, in percent of that bound: below the minimum resale price
 * (min - price) / min, above the suggested retail price (price - retail) / retail; 4 decimals, rounded up (away
 * from zero) so that any departure above a threshold counts as above it.
 */
function deviationPct(
  price: string,
  kind: 'below_min_resale' | 'above_list',
  r: { minResalePrice: string | null; suggestedRetailPrice: string | null },
): string {
  const bound = kind === 'below_min_resale' ? r.minResalePrice! : r.suggestedRetailPrice!;
  const diff = kind === 'below_min_resale' ? dec(bound).minus(price) : dec(price).minus(bound);
  return diff.div(bound).times(100).toDecimalPlaces(4, 0).toFixed(4);
}
