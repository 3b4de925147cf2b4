import { and, eq, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  decodeUuidCursor,
  iso,
  type Page,
  partnerCondition,
  requireScope,
  requireTenantUser,
  toPage,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { CrossRegionCreate, type CrossRegionRequest } from './agreements.schemas.js';
import { products, territories } from './catalog.tables.js';
import { assertProductLines } from './common.js';
import { onboardingSql } from './contract.js';
import { crossRegionRequests } from './onboarding.tables.js';
import { partners } from './partners.tables.js';

type CrRow = typeof crossRegionRequests.$inferSelect;

export function toCrossRegion(r: CrRow): CrossRegionRequest {
  return {
    id: r.id,
    partnerId: r.partnerId,
    territoryId: r.territoryId,
    productLineId: r.productLineId,
    productId: r.productId,
    validFrom: r.validFrom,
    validTo: r.validTo,
    reason: r.reason,
    status: r.status as CrossRegionRequest['status'],
    requestedBy: r.requestedBy,
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    decisionNote: r.decisionNote,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Cross-region requests (跨区申请): a partner asks to sell in a territory outside its own; the tenant decides. */
export class CrossRegionService {
  constructor(private readonly store: Store) {}

  async createCrossRegion(actor: Actor, input: unknown): Promise<CrossRegionRequest> {
    if (!actor.partnerId) requireScope(actor, 'onboarding:write');
    else requireScope(actor, 'onboarding:read', 'onboarding:write');
    const d = parseInput(CrossRegionCreate, input);
    const partnerId = d.partnerId ?? actor.partnerId;
    if (!partnerId) throw invalid('partnerId', 'is required for tenant users');
    if (d.partnerId && !canSeePartner(actor, d.partnerId)) throw notFound('partner', d.partnerId);
    return this.store.write(actor, async (w) => {
      const [p] = await w.tx
        .select({ id: partners.id })
        .from(partners)
        .where(and(eq(partners.tenantId, w.tenantId), eq(partners.id, partnerId)));
      if (!p) throw invalid('partnerId', `no partner '${partnerId}'`);
      const [t] = await w.tx
        .select({ id: territories.id })
        .from(territories)
        .where(and(eq(territories.tenantId, w.tenantId), eq(territories.id, d.territoryId)));
      if (!t) throw invalid('territoryId', `no territory '${d.territoryId}'`);
      if (d.productLineId) await assertProductLines(w, [d.productLineId], 'productLineId');
      if (d.productId) {
        const [pr] = await w.tx
          .select({ id: products.id })
          .from(products)
          .where(and(eq(products.tenantId, w.tenantId), eq(products.id, d.productId)));
        if (!pr) throw invalid('productId', `no product '${d.productId}'`);
      }
      const [row] = await w.tx
        .insert(crossRegionRequests)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          partnerId,
          territoryId: d.territoryId,
          productLineId: d.productLineId ?? null,
          productId: d.productId ?? null,
          validFrom: d.validFrom,
          validTo: d.validTo,
          reason: d.reason,
          requestedBy: actor.subject,
        })
        .returning();
      const out = toCrossRegion(row!);
      w.audit({ resourceType: 'cross_region_request', resourceId: out.id, action: 'create', after: out });
      w.emit({ type: 'cross_region_request.created', resourceType: 'cross_region_request', resourceId: out.id, payload: { request: out } });
      return out;
    });
  }

  async getCrossRegion(actor: Actor, id: string): Promise<CrossRegionRequest> {
    requireScope(actor, 'onboarding:read', 'onboarding:write');
    const [row] = await this.store.db
      .select()
      .from(crossRegionRequests)
      .where(and(eq(crossRegionRequests.tenantId, actor.tenantId), eq(crossRegionRequests.id, id)));
    if (!row || !canSeePartner(actor, row.partnerId)) throw notFound('cross-region request', id);
    return toCrossRegion(row);
  }

  async listCrossRegion(
    actor: Actor,
    input: { partnerId?: string | undefined; status?: string | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<CrossRegionRequest>> {
    requireScope(actor, 'onboarding:read', 'onboarding:write');
    const conds: (SQL | undefined)[] = [eq(crossRegionRequests.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, crossRegionRequests.partnerId));
    if (input.partnerId) conds.push(eq(crossRegionRequests.partnerId, onboardingSql.idOf('partners', actor.tenantId, input.partnerId)));
    if (input.status) conds.push(eq(crossRegionRequests.status, input.status));
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [crossRegionRequests.id], after);
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(crossRegionRequests)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toCrossRegion), input, (r) => [r.id]);
  }

  async decideCrossRegion(actor: Actor, id: string, decision: 'approve' | 'reject', note?: string | null): Promise<CrossRegionRequest> {
    requireTenantUser(actor, 'onboarding:write');
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(crossRegionRequests)
        .where(and(eq(crossRegionRequests.tenantId, w.tenantId), eq(crossRegionRequests.id, id)))
        .for('update');
      if (!before) throw notFound('cross-region request', id);
      if (before.status !== 'pending') {
        throw new DomainError('ILLEGAL_TRANSITION', `The request is already ${before.status}`, { extra: { currentStatus: before.status, allowed: [] } });
      }
      const [row] = await w.tx
        .update(crossRegionRequests)
        .set({
          status: decision === 'approve' ? 'approved' : 'rejected',
          decidedBy: actor.subject,
          decidedAt: new Date(),
          decisionNote: note ?? null,
          version: before.version + 1,
          updatedAt: new Date(),
        })
        .where(and(eq(crossRegionRequests.tenantId, w.tenantId), eq(crossRegionRequests.id, id)))
        .returning();
      const out = toCrossRegion(row!);
      w.audit({ resourceType: 'cross_region_request', resourceId: id, action: decision, before: toCrossRegion(before), after: out });
      w.emit({ type: 'cross_region_request.decided', resourceType: 'cross_region_request', resourceId: id, payload: { request: out } });
      return out;
    });
  }
}
