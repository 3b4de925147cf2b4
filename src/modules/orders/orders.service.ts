import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { toCsv } from '../../platform/csv.js';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  dec,
  decodeUuidCursor,
  iso,
  type Page,
  partnerCondition,
  partnerSql,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  formatFixed,
  roundMoney,
  rowsOf,
  toPage,
  today,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { rebateUseFacts, releaseRebate, reserveRebate } from '../incentive/contract.js';
import { codesToIds, findPartner, onboardingSql, productsByRef, type PartnerFacts } from '../onboarding/contract.js';
import type { OrderApprovalGate } from './contract.js';
import { noteOverLimit } from './credit.sweep.js';
import { checkOrder, LIVE_CODES, liveRefusals } from './orders.check.js';
import {
  OptionalReason,
  OrderInput,
  OrderListQuery,
  OrderRuleInput,
  QuotaInput,
  ReasonInput,
  type CheckResult,
  type Order,
  type Refusal,
} from './orders.schemas.js';
import { creditAccounts, orderLines, orderQuotas, orderRules, orders, type OrderLineRow, type OrderRow, type OrderStatus } from './orders.tables.js';

export const ORDER_EVENTS = {
  created: 'order.created',
  submitted: 'order.submitted',
  approved: 'order.approved',
  overrideRequested: 'order.override_requested',
  overrideRejected: 'order.override_rejected',
  cancelled: 'order.cancelled',
  shipped: 'order.shipped',
  invoiced: 'order.invoiced',
  closed: 'order.closed',
  creditOverLimit: 'credit.over_limit',
  collectionRecorded: 'credit.collection_recorded',
} as const;

const productCodeOf = (tenantId: string) => sql<string>`(select p.code from ${onboardingSql.products(tenantId)} p where p.id = ${orderLines.productId})`;

export function toOrder(r: OrderRow, lines: (OrderLineRow & { productCode: string })[]): Order {
  return {
    id: r.id,
    externalId: r.externalId,
    partnerId: r.partnerId,
    shipToTerritoryId: r.shipToTerritoryId,
    shipToAddress: r.shipToAddress,
    requestedDate: r.requestedDate,
    paymentTermDays: r.paymentTermDays,
    currency: r.currency,
    status: r.status,
    total: r.totalAmount === null ? null : money(r.totalAmount, r.currency),
    rebate: r.rebateAmount === null ? null : { amount: money(r.rebateAmount, r.currency), programId: r.rebateProgramId, status: r.rebateStatus ?? 'requested' },
    payable:
      r.totalAmount === null
        ? null
        : money(
            dec(r.totalAmount)
              .sub(r.rebateAmount ?? 0)
              .toFixed(),
            r.currency,
          ),
    refusals: r.refusals as Refusal[],
    overrideReason: r.overrideReason,
    note: r.note,
    submittedAt: iso(r.submittedAt),
    approvedOn: r.approvedOn,
    invoicedOn: r.invoicedOn,
    cancelledOn: r.cancelledOn,
    lines: lines
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((l) => ({
        lineNo: l.lineNo,
        productId: l.productId,
        productCode: l.productCode,
        quantity: formatFixed(l.quantity),
        requestedPrice: l.requestedPrice === null ? null : formatFixed(l.requestedPrice),
        unitPrice: l.unitPrice === null ? null : formatFixed(l.unitPrice),
        amount: l.amount === null ? null : money(l.amount, r.currency),
        shippedQuantity: formatFixed(l.shippedQuantity),
      })),
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

const canonical = (v: string) => dec(v).toFixed();
/** "12.5000" -> "12.5": definitions echoed as written (order rule minimums, quota quantities) */
const trim = (v: string) => (v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v);
/** amounts: the currency's minor units */
const money = (v: string, currency: string | null) => roundMoney(v, currency ?? 'CNY');

/** The transitions the lifecycle allows (anything else: 409 ILLEGAL_TRANSITION). */
const MOVES: Record<string, readonly OrderStatus[]> = {
  submit: ['draft', 'submitted'],
  override: ['submitted'],
  cancel: ['draft', 'submitted', 'approved'],
  ship: ['approved', 'partially_shipped'],
  invoice: ['shipped'],
};

const PAST: Record<keyof typeof MOVES, string> = { submit: 'submitted', override: 'overridden', cancel: 'cancelled', ship: 'shipped', invoice: 'invoiced' };

export function assertMove(order: OrderRow, move: keyof typeof MOVES): void {
  if (!MOVES[move]!.includes(order.status))
    throw new DomainError('ILLEGAL_TRANSITION', `An order that is ${order.status} cannot be ${PAST[move]}`, {
      extra: { status: order.status, allowedFrom: MOVES[move] },
    });
}

/** Orders (订单): drafts, the check, the lifecycle to approval, cancellation. */
export class OrderService {
  constructor(
    private readonly store: Store,
    private readonly gate: OrderApprovalGate,
  ) {}

  private async partnerOf(db: Db, actor: Actor, ref: string | undefined): Promise<PartnerFacts> {
    const r = ref ?? actor.partnerId;
    if (!r) throw invalid('partner', 'is required');
    const p = await findPartner(db, actor.tenantId, r);
    if (!p) throw new DomainError('NOT_FOUND', `partner '${r}' was not found`, { errors: [{ path: 'partner', message: 'no such partner' }] });
    requireOwnPartner(actor, p.id);
    return p;
  }

  private async territoryId(db: Db, tenantId: string, ref: string | undefined): Promise<string | null> {
    if (!ref) return null;
    const [row] = await rowsOf<{ id: string }>(
      db,
      sql`select id::text as id from ${onboardingSql.territories(tenantId)} t where t.id = ${onboardingSql.idOf('territories', tenantId, ref)}`,
    );
    if (!row) throw invalid('shipTo', `no territory '${ref}'`);
    return row.id;
  }

  /** POST /v1/orders:check: what submit would answer for this order, nothing written. */
  async checkInput(actor: Actor, input: unknown): Promise<CheckResult> {
    requireScope(actor, 'orders:read');
    const data = parseInput(OrderInput, input);
    const db = this.store.db;
    // independent reads, sent together; a failure of the partner's is reported first
    const [p, s] = await Promise.allSettled([this.partnerOf(db, actor, data.partner), this.territoryId(db, actor.tenantId, data.shipTo)]);
    if (p.status === 'rejected') throw p.reason;
    if (s.status === 'rejected') throw s.reason;
    const partner = p.value;
    const shipTo = s.value;
    const date = data.requestedDate ?? today();
    const { productIds: _ids, ...r } = await checkOrder(db, actor.tenantId, {
      partner,
      date,
      creditDate: date > today() ? date : today(),
      shipToTerritoryId: shipTo,
      currency: data.currency ?? null,
      paymentTermDays: data.paymentTermDays ?? null,
      lines: data.lines.map((l) => ({ product: l.product, quantity: l.quantity, requestedPrice: l.requestedPrice ?? null })),
      orderId: null,
      rebate: data.rebate ? { amount: data.rebate.amount, program: data.rebate.program ?? null } : null,
    });
    return r;
  }

  /** POST /v1/orders/{id}:check: the check of a stored order. */
  async checkStored(actor: Actor, id: string): Promise<CheckResult> {
    requireScope(actor, 'orders:read');
    const { productIds: _ids, ...r } = await this.checkRow(this.store.db, actor, await this.load(this.store.db, actor, id));
    return r;
  }

  private async checkRow(db: Db, actor: Actor, o: Order) {
    const partner = (await findPartner(db, actor.tenantId, o.partnerId))!;
    return checkOrder(db, actor.tenantId, {
      partner,
      date: o.requestedDate,
      creditDate: o.requestedDate > today() ? o.requestedDate : today(),
      shipToTerritoryId: o.shipToTerritoryId,
      currency: o.currency,
      paymentTermDays: o.paymentTermDays,
      lines: o.lines.map((l) => ({ product: l.productId, quantity: l.quantity, requestedPrice: l.requestedPrice })),
      orderId: o.id,
      rebate: o.rebate ? { amount: o.rebate.amount, program: o.rebate.programId } : null,
    });
  }

  /** POST /v1/orders: a draft; with an externalId already used by a draft, that draft is replaced (upsert). */
  async create(actor: Actor, input: unknown): Promise<{ order: Order; created: boolean }> {
    requireScope(actor, 'orders:write');
    const data = parseInput(OrderInput, input);
    const partner = await this.partnerOf(this.store.db, actor, data.partner);
    const shipTo = await this.territoryId(this.store.db, actor.tenantId, data.shipTo);
    const products = await productsByRef(
      this.store.db,
      actor.tenantId,
      data.lines.map((l) => l.product),
    );
    const bad = data.lines.findIndex((l) => !products.get(l.product));
    if (bad >= 0) throw invalid(`lines.${bad}.product`, `no product '${data.lines[bad]!.product}'`);
    let rebateProgramId: string | null = null;
    if (data.rebate?.program) {
      const f = await rebateUseFacts(this.store.db, actor.tenantId, { partnerId: partner.id, program: data.rebate.program, orderRef: null });
      const pr = f.programs[0];
      if (!pr || pr.type !== 'rebate') throw invalid('rebate.program', `no rebate program '${data.rebate.program}'`);
      rebateProgramId = pr.id;
    }
    return this.store.write(actor, async (w) => {
      let existing: OrderRow | undefined;
      if (data.externalId) {
        [existing] = await w.tx
          .select()
          .from(orders)
          .where(and(eq(orders.tenantId, w.tenantId), eq(orders.externalId, data.externalId)))
          .for('update');
        if (existing) {
          requireOwnPartner(actor, existing.partnerId, 'order');
          if (existing.status !== 'draft')
            throw new DomainError('ILLEGAL_TRANSITION', `order '${data.externalId}' is ${existing.status}: only a draft can be replaced`, {
              extra: { status: existing.status },
            });
          if (existing.partnerId !== partner.id) throw invalid('partner', `order '${data.externalId}' belongs to another partner`);
        }
      }
      const id = existing?.id ?? uuidv7();
      const values = {
        partnerId: partner.id,
        shipToTerritoryId: shipTo,
        shipToAddress: data.shipToAddress ?? null,
        requestedDate: data.requestedDate ?? today(),
        paymentTermDays: data.paymentTermDays ?? null,
        currency: data.currency ?? null,
        note: data.note ?? null,
        rebateAmount: data.rebate?.amount ?? null,
        rebateProgramId,
        totalAmount: null,
        refusals: [],
      };
      let row: OrderRow;
      const before = existing ? await this.load(w.tx, actor, existing.id) : null;
      if (existing) {
        [row] = (await w.tx
          .update(orders)
          .set({ ...values, version: sql`${orders.version} + 1`, updatedAt: new Date() })
          .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, id)))
          .returning()) as [OrderRow];
        await w.tx.delete(orderLines).where(and(eq(orderLines.tenantId, w.tenantId), eq(orderLines.orderId, id)));
      } else {
        [row] = (await w.tx
          .insert(orders)
          .values({ tenantId: w.tenantId, id, externalId: data.externalId ?? null, ...values })
          .returning()) as [OrderRow];
      }
      await w.tx.insert(orderLines).values(
        data.lines.map((l, i) => ({
          tenantId: w.tenantId,
          orderId: id,
          lineNo: i + 1,
          productId: products.get(l.product)!.id,
          quantity: l.quantity,
          requestedPrice: l.requestedPrice ?? null,
        })),
      );
      void row;
      const order = await this.load(w.tx, actor, id);
      w.audit({ resourceType: 'order', resourceId: id, action: existing ? 'replace' : 'create', before, after: order });
      w.emit({ type: ORDER_EVENTS.created, resourceType: 'order', resourceId: id, payload: { order: summary(order) } });
      return { order, created: !existing };
    });
  }

  async get(actor: Actor, id: string): Promise<Order> {
    requireScope(actor, 'orders:read');
    return this.load(this.store.db, actor, id);
  }

  async load(db: Db, actor: Actor, id: string): Promise<Order> {
    const [row] = await db
      .select()
      .from(orders)
      .where(and(eq(orders.tenantId, actor.tenantId), eq(orders.id, id)));
    if (!row) throw notFound('order', id);
    requireOwnPartner(actor, row.partnerId, 'order');
    const lines = await db
      .select({ l: orderLines, code: productCodeOf(actor.tenantId) })
      .from(orderLines)
      .where(and(eq(orderLines.tenantId, actor.tenantId), eq(orderLines.orderId, id)));
    return toOrder(
      row,
      lines.map((x) => ({ ...x.l, productCode: x.code })),
    );
  }

  /** Orders of many partners or ids with their lines: two statements (lists, loaders). */
  async withLines(db: Db, tenantId: string, rows: OrderRow[]): Promise<Order[]> {
    if (!rows.length) return [];
    const lines = await db
      .select({ l: orderLines, code: productCodeOf(tenantId) })
      .from(orderLines)
      .where(
        and(
          eq(orderLines.tenantId, tenantId),
          inArray(
            orderLines.orderId,
            rows.map((r) => r.id),
          ),
        ),
      );
    const by = new Map<string, (OrderLineRow & { productCode: string })[]>();
    for (const x of lines) by.set(x.l.orderId, [...(by.get(x.l.orderId) ?? []), { ...x.l, productCode: x.code }]);
    return rows.map((r) => toOrder(r, by.get(r.id) ?? []));
  }

  async list(
    actor: Actor,
    input: { partner?: string | undefined; status?: string | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<Order>> {
    requireScope(actor, 'orders:read');
    const f = parseInput(OrderListQuery, { partner: input.partner, status: input.status });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [orders.id], after);
    const conds: (SQL | undefined)[] = [eq(orders.tenantId, actor.tenantId), partnerCondition(actor, orders.partnerId)];
    if (f.partner) conds.push(eq(orders.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partner)));
    if (f.status) conds.push(eq(orders.status, f.status));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(orders)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    const page = toPage(rows, input, (r) => [r.id]);
    return { ...page, items: await this.withLines(this.store.db, actor.tenantId, page.items) };
  }

  /** Orders of many partners (GraphQL Partner.orders): one statement for the orders, one for their lines. */
  async ofPartners(actor: Actor, partnerIds: string[], status: string | null, limit: number): Promise<Map<string, Order[]>> {
    requireScope(actor, 'orders:read');
    const ids = partnerIds.filter((p) => {
      try {
        requireOwnPartner(actor, p);
        return true;
      } catch {
        return false;
      }
    });
    const out = new Map<string, Order[]>();
    if (!ids.length) return out;
    const rows = await this.store.db
      .select()
      .from(orders)
      .where(and(eq(orders.tenantId, actor.tenantId), inArray(orders.partnerId, ids), status ? eq(orders.status, status as OrderStatus) : undefined))
      .orderBy(asc(orders.partnerId), asc(orders.id));
    const kept: OrderRow[] = [];
    const count = new Map<string, number>();
    for (const r of rows) {
      const n = count.get(r.partnerId) ?? 0;
      if (n < limit) kept.push(r);
      count.set(r.partnerId, n + 1);
    }
    for (const o of await this.withLines(this.store.db, actor.tenantId, kept)) out.set(o.partnerId, [...(out.get(o.partnerId) ?? []), o]);
    return out;
  }

  /**
   * The check of a submission: the whole check first (pricing, rights, minimums: nothing other orders change),
   * then the partner's credit lock, then the credit and quota refusals read again under it. Submissions of one
   * partner queue only for those two reads and their write.
   */
  private async lockedCheck(w: Work, actor: Actor, o: Order) {
    const check = await this.checkRow(w.tx, actor, o);
    await OrderService.lockCredit(w, o.partnerId);
    const partner = (await findPartner(w.tx, actor.tenantId, o.partnerId))!;
    const live = await liveRefusals(w.tx, actor.tenantId, {
      partner,
      date: o.requestedDate,
      creditDate: o.requestedDate > today() ? o.requestedDate : today(),
      orderId: o.id,
      currency: check.pricedIn,
      total: check.payable,
      quantities: check.quantities,
    });
    const refusals = [...check.refusals.filter((r) => !LIVE_CODES.includes(r.code)), ...live.refusals];
    return { ...check, refusals, credit: live.credit, wouldApprove: refusals.length === 0 };
  }

  /** GET /v1/orders:export: one CSV row per order line (filters as the list), one statement, at most 100,000 lines. */
  async exportCsv(actor: Actor, input: { partner?: string | undefined; status?: string | undefined }): Promise<string> {
    requireScope(actor, 'orders:read');
    const f = parseInput(OrderListQuery, input);
    const t = actor.tenantId;
    const rows = await rowsOf<Record<string, string | number | null>>(
      this.store.db,
      sql`select o.id::text as order_id, o.external_id, pa.code as partner_code, o.status, o.requested_date::text as requested_date, l.line_no,
          pr.code as product_code, l.quantity::text as quantity, l.requested_price::text as requested_price, l.unit_price::text as unit_price,
          l.amount::text as amount, o.currency, l.shipped_quantity::text as shipped_quantity
        from orders o
        join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
        join ${onboardingSql.partners(t)} pa on pa.id = o.partner_id
        join ${onboardingSql.products(t)} pr on pr.id = l.product_id
        where o.tenant_id = ${t}${partnerSql(actor, sql`o.partner_id`)}
          ${f.partner ? sql`and o.partner_id = ${onboardingSql.idOf('partners', t, f.partner)}` : sql``}
          ${f.status ? sql`and o.status = ${f.status}` : sql``}
        order by o.id, l.line_no limit 100000`,
    );
    const cols = [
      'order_id',
      'external_id',
      'partner_code',
      'status',
      'requested_date',
      'line_no',
      'product_code',
      'quantity',
      'requested_price',
      'unit_price',
      'amount',
      'currency',
      'shipped_quantity',
    ];
    // the decimal rule, as in JSON: quantities and unit prices at 4 decimals, the amount at the currency's minor units
    const FIXED = new Set(['quantity', 'requested_price', 'unit_price', 'shipped_quantity']);
    const cell = (r: Record<string, string | number | null>, c: string) => {
      const v = r[c] ?? null;
      if (v === null) return null;
      if (c === 'amount') return money(String(v), r.currency as string | null);
      return FIXED.has(c) ? formatFixed(String(v)) : v;
    };
    return toCsv(
      [
        'orderId',
        'externalId',
        'partnerCode',
        'status',
        'requestedDate',
        'lineNo',
        'productCode',
        'quantity',
        'requestedPrice',
        'unitPrice',
        'amount',
        'currency',
        'shippedQuantity',
      ],
      rows.map((r) => cols.map((c) => cell(r, c))),
    );
  }

  /** Locks the partner's credit row (created on first use): submissions, overrides and collections of a partner queue here. */
  static async lockCredit(w: Work, partnerId: string): Promise<void> {
    await w.tx.insert(creditAccounts).values({ tenantId: w.tenantId, partnerId }).onConflictDoNothing();
    await w.tx
      .select({ p: creditAccounts.partnerId })
      .from(creditAccounts)
      .where(and(eq(creditAccounts.tenantId, w.tenantId), eq(creditAccounts.partnerId, partnerId)))
      .for('update');
  }

  private async lockOrder(w: Work, id: string): Promise<OrderRow> {
    const [row] = await w.tx
      .select()
      .from(orders)
      .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, id)))
      .for('update');
    if (!row) throw notFound('order', id);
    requireOwnPartner(w.actor, row.partnerId, 'order');
    return row;
  }

  /**
   * POST /v1/orders/{id}:submit: under the partner's credit lock, runs the check. Refusals nobody may override:
   * 422 with every reason, the order stays a draft. Only credit or quota refusals: submitted, waiting for an
   * override. None: approved at once (prices and total fixed).
   */
  async submit(actor: Actor, id: string): Promise<Order> {
    requireScope(actor, 'orders:write');
    return this.store.write(actor, async (w) => {
      const pre = await this.lockOrder(w, id);
      assertMove(pre, 'submit');
      const before = await this.load(w.tx, actor, id);
      const check = await this.lockedCheck(w, actor, before);
      const hard = check.refusals.filter((r) => !r.overridable);
      if (hard.length)
        throw new DomainError('UNPROCESSABLE', `The order is refused: ${hard.map((r) => r.code).join(', ')}`, {
          extra: { refusals: check.refusals },
          errors: hard.map((r) => ({ path: r.line === null ? 'order' : `lines.${r.line - 1}`, message: `${r.code}: ${r.message}` })),
        });
      await this.reserveRebate(w, pre, check);
      await this.fixPrices(w, id, check);
      const approve = check.refusals.length === 0;
      const [row] = await w.tx
        .update(orders)
        .set({
          status: approve ? 'approved' : 'submitted',
          currency: check.currency,
          totalAmount: check.total,
          refusals: check.refusals,
          submittedAt: pre.submittedAt ?? new Date(),
          approvedOn: approve ? today() : null,
          version: sql`${orders.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, id)))
        .returning();
      void row;
      const after = await this.load(w.tx, actor, id);
      w.audit({ resourceType: 'order', resourceId: id, action: approve ? 'submit_approve' : 'submit', before, after });
      if (pre.status === 'draft') w.emit({ type: ORDER_EVENTS.submitted, resourceType: 'order', resourceId: id, payload: { order: summary(after) } });
      if (approve) w.emit({ type: ORDER_EVENTS.approved, resourceType: 'order', resourceId: id, payload: { order: summary(after), override: null } });
      return after;
    });
  }

  /**
   * The order's rebate use is reserved on the partner's rebate account (its row locked by incentive's contract):
   * when it no longer has enough (a concurrent reservation or spend took it), the order is refused
   * REBATE_INSUFFICIENT (422) and nothing is written.
   */
  private async reserveRebate(w: Work, pre: OrderRow, check: CheckResult): Promise<void> {
    if (pre.rebateAmount === null || pre.rebateStatus === 'reserved') return;
    const cur = check.currency ?? 'CNY';
    const r = await reserveRebate(w, {
      partnerId: pre.partnerId,
      orderRef: pre.id,
      amount: canonical(pre.rebateAmount),
      currency: cur,
      programId: pre.rebateProgramId,
    });
    if (!r.ok) {
      const amount = money(pre.rebateAmount, cur);
      const refusal: Refusal = {
        code: 'REBATE_INSUFFICIENT',
        message: `rebate ${amount} asked, ${r.available} available`,
        line: null,
        overridable: false,
        details: { amount, available: r.available },
      };
      throw new DomainError('UNPROCESSABLE', 'The order is refused: REBATE_INSUFFICIENT', {
        extra: { refusals: [...check.refusals, refusal] },
        errors: [{ path: 'rebate.amount', message: `REBATE_INSUFFICIENT: ${refusal.message}` }],
      });
    }
    await w.tx
      .update(orders)
      .set({ rebateStatus: 'reserved' })
      .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, pre.id)));
  }

  /** Fixes each line's unit price and amount as checked (one statement). */
  private async fixPrices(w: Work, id: string, check: CheckResult): Promise<void> {
    const rows = check.lines.map((l) => ({ n: l.lineNo, u: l.unitPrice, a: l.amount }));
    await w.tx.execute(sql`update order_lines ol set unit_price = x.u, amount = x.a
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(n int, u numeric, a numeric)
      where ol.tenant_id = ${w.tenantId} and ol.order_id = ${id}::uuid and ol.line_no = x.n`);
  }

  /**
   * POST /v1/orders/{id}:override: an approver overrides the credit or quota refusals of a submitted order, with a
   * reason, through the approval gate (audited). Refusals that cannot be overridden (which may have appeared since)
   * still refuse it (422).
   */
  async override(actor: Actor, id: string, input: unknown): Promise<Order> {
    requireTenantUser(actor);
    const data = parseInput(ReasonInput, input);
    return this.store.write(actor, async (w) => {
      const pre = await this.lockOrder(w, id);
      assertMove(pre, 'override');
      const before = await this.load(w.tx, actor, id);
      const check = await this.lockedCheck(w, actor, before);
      const hard = check.refusals.filter((r) => !r.overridable);
      if (hard.length)
        throw new DomainError('UNPROCESSABLE', `The order is refused: ${hard.map((r) => r.code).join(', ')} cannot be overridden`, {
          extra: { refusals: check.refusals },
        });
      const overCredit = check.refusals.some((r) => r.code === 'OVER_CREDIT');
      const decision = check.refusals.length
        ? await this.gate.request(w, actor, {
            kind: overCredit ? 'credit_override' : 'order_override',
            orderId: id,
            partnerId: pre.partnerId,
            amount: check.total ?? '0',
            reason: data.reason,
          })
        : 'approved';
      await this.fixPrices(w, id, check);
      const approve = decision === 'approved';
      await w.tx
        .update(orders)
        .set({
          status: approve ? 'approved' : 'submitted',
          totalAmount: check.total,
          currency: check.currency,
          refusals: check.refusals,
          overrideReason: data.reason,
          overriddenBy: approve ? actor.subject : null,
          approvedOn: approve ? today() : null,
          version: sql`${orders.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, id)));
      const after = await this.load(w.tx, actor, id);
      w.audit({ resourceType: 'order', resourceId: id, action: approve ? 'override_approve' : 'override_request', before, after });
      const overridden = check.refusals.map((r) => r.code);
      if (approve) {
        w.emit({
          type: ORDER_EVENTS.approved,
          resourceType: 'order',
          resourceId: id,
          payload: { order: summary(after), override: { reason: data.reason, refusals: overridden, by: actor.subject } },
        });
        if (overCredit) await noteOverLimit(w, pre.partnerId, today(), { orderId: id, credit: check.credit });
        if (overCredit)
          w.emit({
            type: ORDER_EVENTS.creditOverLimit,
            resourceType: 'partner',
            resourceId: pre.partnerId,
            payload: { partnerId: pre.partnerId, orderId: id, credit: check.credit, order: check.total },
          });
      } else {
        w.emit({
          type: ORDER_EVENTS.overrideRequested,
          resourceType: 'order',
          resourceId: id,
          payload: { order: summary(after), reason: data.reason, refusals: overridden },
        });
      }
      return after;
    });
  }

  /**
   * The final decision of an override's approval request (organisation approval policies), applied in the deciding
   * transaction: approved -> the submitted order is approved; rejected -> it stays submitted (cancel it or override
   * again). Orders no longer submitted (cancelled meanwhile) are left alone.
   */
  async applyOverrideDecision(w: Work, decision: { ref: string; requestId: string; outcome: 'approved' | 'rejected'; note: string | null }): Promise<void> {
    const pre = await this.lockOrder(w, decision.ref);
    if (pre.status !== 'submitted') return;
    const before = await this.load(w.tx, w.actor, pre.id);
    const approve = decision.outcome === 'approved';
    if (approve)
      await w.tx
        .update(orders)
        .set({ status: 'approved', overriddenBy: w.actor.subject, approvedOn: today(), version: sql`${orders.version} + 1`, updatedAt: new Date() })
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, pre.id)));
    const after = approve ? await this.load(w.tx, w.actor, pre.id) : before;
    w.audit({ resourceType: 'order', resourceId: pre.id, action: approve ? 'override_approve' : 'override_reject', before, after });
    const refusals = (pre.refusals as { code: string }[] | null)?.map((r) => r.code) ?? [];
    w.emit({
      type: approve ? ORDER_EVENTS.approved : ORDER_EVENTS.overrideRejected,
      resourceType: 'order',
      resourceId: pre.id,
      payload: {
        order: summary(after),
        override: { reason: pre.overrideReason, refusals, by: w.actor.subject, approvalRequestId: decision.requestId, note: decision.note },
      },
    });
  }

  /** POST /v1/orders/{id}:cancel: draft, submitted or approved (nothing shipped) -> cancelled. */
  async cancel(actor: Actor, id: string, input: unknown): Promise<Order> {
    requireScope(actor, 'orders:write');
    const data = parseInput(OptionalReason, input ?? {});
    return this.store.write(actor, async (w) => {
      const pre = await this.lockOrder(w, id);
      assertMove(pre, 'cancel');
      const before = await this.load(w.tx, actor, id);
      if (pre.rebateStatus === 'reserved') await releaseRebate(w, id);
      await w.tx
        .update(orders)
        .set({
          status: 'cancelled',
          cancelledOn: today(),
          cancelReason: data.reason ?? null,
          ...(pre.rebateStatus === 'reserved' ? { rebateStatus: 'released' as const } : {}),
          version: sql`${orders.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, id)));
      const after = await this.load(w.tx, actor, id);
      w.audit({ resourceType: 'order', resourceId: id, action: 'cancel', before, after });
      w.emit({ type: ORDER_EVENTS.cancelled, resourceType: 'order', resourceId: id, payload: { order: summary(after), reason: data.reason ?? null } });
      return after;
    });
  }

  // ---- rules and quotas ----------------------------------------------------------------------------------------

  async createRule(actor: Actor, input: unknown) {
    requireTenantUser(actor, 'orders:write');
    const d = parseInput(OrderRuleInput, input);
    const partnerId = d.partner ? (await this.partnerOf(this.store.db, actor, d.partner)).id : null;
    const productId = d.product ? (await productsByRef(this.store.db, actor.tenantId, [d.product])).get(d.product)?.id : null;
    if (d.product && !productId) throw invalid('product', `no product '${d.product}'`);
    return this.store.write(actor, async (w) => {
      const [r] = await w.tx
        .insert(orderRules)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          partnerId,
          productId: productId ?? null,
          minQuantity: d.minQuantity ?? null,
          minAmount: d.minAmount ?? null,
          currency: d.currency ?? null,
        })
        .returning();
      const out = {
        id: r!.id,
        partnerId: r!.partnerId,
        productId: r!.productId,
        minQuantity: r!.minQuantity && trim(r!.minQuantity),
        minAmount: r!.minAmount && trim(r!.minAmount),
        currency: r!.currency,
      };
      w.audit({ resourceType: 'order_rule', resourceId: r!.id, action: 'create', before: null, after: out });
      return out;
    });
  }

  async createQuota(actor: Actor, input: unknown) {
    requireTenantUser(actor, 'orders:write');
    const d = parseInput(QuotaInput, input);
    const partner = await this.partnerOf(this.store.db, actor, d.partner);
    const productId =
      (await codesToIds.products(this.store.db, actor.tenantId, [d.product])).get(d.product) ??
      (await productsByRef(this.store.db, actor.tenantId, [d.product])).get(d.product)?.id;
    if (!productId) throw invalid('product', `no product '${d.product}'`);
    return this.store.write(actor, async (w) => {
      const [r] = await w.tx
        .insert(orderQuotas)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          partnerId: partner.id,
          productId,
          periodStart: d.periodStart,
          periodEnd: d.periodEnd,
          quantity: d.quantity,
        })
        .onConflictDoUpdate({
          target: [orderQuotas.tenantId, orderQuotas.partnerId, orderQuotas.productId, orderQuotas.periodStart],
          set: { periodEnd: d.periodEnd, quantity: d.quantity },
        })
        .returning();
      const out = {
        id: r!.id,
        partnerId: r!.partnerId,
        productId: r!.productId,
        periodStart: r!.periodStart,
        periodEnd: r!.periodEnd,
        quantity: trim(r!.quantity),
      };
      w.audit({ resourceType: 'order_quota', resourceId: r!.id, action: 'upsert', before: null, after: out });
      return out;
    });
  }
}

/** The order in an event payload: header and total, no lines (a 1,000-line order stays a small event). */
export function summary(o: Order) {
  return {
    id: o.id,
    externalId: o.externalId,
    partnerId: o.partnerId,
    status: o.status,
    currency: o.currency,
    total: o.total,
    rebate: o.rebate,
    payable: o.payable,
    requestedDate: o.requestedDate,
    lines: o.lines.length,
  };
}
