import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { type Actor, dec, formatFixed, iso, requireOwnPartner, requireTenantUser, roundMoney } from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { spendReservedRebate } from '../incentive/contract.js';
import { partnersById } from '../onboarding/contract.js';
import { recordSellInFacts } from '../target/contract.js';
import { InvoiceInput, ShipmentInput, type Invoice, type Shipment } from './orders.schemas.js';
import { assertMove, ORDER_EVENTS, summary, type OrderService } from './orders.service.js';
import { invoices, orders, shipments } from './orders.tables.js';

type ShipmentRow = typeof shipments.$inferSelect;
const toShipment = (r: ShipmentRow, currency: string): Shipment => ({
  id: r.id,
  externalId: r.externalId,
  orderId: r.orderId,
  shippedOn: r.shippedOn,
  amount: roundMoney(r.amount, currency),
  // stored as written; answered on the decimal rule: quantities at 4 decimals, amounts at the minor units
  lines: r.lines.map((l) => ({ lineNo: l.lineNo, quantity: formatFixed(l.quantity), amount: roundMoney(l.amount, currency) })),
  createdAt: iso(r.createdAt)!,
});

const addDays = (d: string, n: number) => {
  const x = new Date(d + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
};

/** Shipments (become sell-in facts of the target module) and invoices (become receivables). */
export class FulfilmentService {
  constructor(
    private readonly store: Store,
    private readonly orders: OrderService,
  ) {}

  /**
   * POST /v1/orders/{id}/shipments: quantities per line; idempotent by externalId (a repeat answers the first
   * shipment, 200). Each shipped line is a sell-in fact (external id `order-shipment:<externalId>:<lineNo>`) with
   * its share of the line amount (cumulative rounding: the shares of a fully shipped line add up to its amount).
   */
  async ship(actor: Actor, orderId: string, input: unknown): Promise<{ shipment: Shipment; created: boolean }> {
    requireTenantUser(actor, 'orders:write');
    const data = parseInput(ShipmentInput, input);
    return this.store.write(actor, async (w) => {
      const [o] = await w.tx
        .select()
        .from(orders)
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, orderId)))
        .for('update');
      if (!o) throw notFound('order', orderId);
      const [dup] = await w.tx
        .select()
        .from(shipments)
        .where(and(eq(shipments.tenantId, w.tenantId), eq(shipments.externalId, data.externalId)));
      if (dup) {
        if (dup.orderId !== orderId) throw new DomainError('CONFLICT', `shipment '${data.externalId}' belongs to another order`);
        return { shipment: toShipment(dup, o.currency ?? 'CNY'), created: false };
      }
      assertMove(o, 'ship');
      const cur = o.currency ?? 'CNY';
      const before = await this.orders.load(w.tx, actor, orderId);
      const byNo = new Map(before.lines.map((l) => [l.lineNo, l]));
      const seen = new Set<number>();
      const lines = data.lines.map((l, i) => {
        const line = byNo.get(l.lineNo);
        if (!line) throw invalid(`lines.${i}.lineNo`, `the order has no line ${l.lineNo}`);
        if (seen.has(l.lineNo)) throw invalid(`lines.${i}.lineNo`, `line ${l.lineNo} is named twice`);
        seen.add(l.lineNo);
        const prev = dec(line.shippedQuantity);
        const next = prev.add(l.quantity);
        if (next.gt(line.quantity)) throw invalid(`lines.${i}.quantity`, `${l.quantity} more would ship ${next.toFixed()} of ${line.quantity}`);
        const share = (q: ReturnType<typeof dec>) =>
          dec(
            roundMoney(
              dec(line.amount ?? '0')
                .mul(q)
                .div(line.quantity),
              cur,
            ),
          );
        return { lineNo: l.lineNo, quantity: dec(l.quantity).toFixed(), amount: roundMoney(share(next).sub(share(prev)), cur), productCode: line.productCode };
      });
      const amount = lines.reduce((s, l) => s.add(l.amount), dec(0));
      const [row] = await w.tx
        .insert(shipments)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          externalId: data.externalId,
          orderId,
          shippedOn: data.shippedOn,
          lines: lines.map(({ lineNo, quantity, amount }) => ({ lineNo, quantity, amount })),
          amount: amount.toFixed(),
        })
        .returning();
      await w.tx.execute(sql`update order_lines ol set shipped_quantity = ol.shipped_quantity + x.q
        from jsonb_to_recordset(${JSON.stringify(lines.map((l) => ({ n: l.lineNo, q: l.quantity })))}::jsonb) as x(n int, q numeric)
        where ol.tenant_id = ${w.tenantId} and ol.order_id = ${orderId}::uuid and ol.line_no = x.n`);
      const [{ open } = { open: 0 }] = (await w.tx
        .execute(
          sql`select count(*)::int as open from order_lines where tenant_id = ${w.tenantId} and order_id = ${orderId}::uuid and shipped_quantity < quantity`,
        )
        .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as { open: number }[];
      const status = Number(open) === 0 ? 'shipped' : 'partially_shipped';
      await w.tx
        .update(orders)
        .set({ status, version: sql`${orders.version} + 1`, updatedAt: new Date() })
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, orderId)));
      const partner = (await partnersById(w.tx, w.tenantId, [o.partnerId])).get(o.partnerId)!;
      const facts = await recordSellInFacts(
        w,
        lines.map((l) => ({
          externalId: `order-shipment:${data.externalId}:${l.lineNo}`,
          date: data.shippedOn,
          partnerCode: partner.code,
          productCode: l.productCode,
          quantity: l.quantity,
          amount: l.amount,
        })),
      );
      if (facts.errors.length) throw new DomainError('CONFLICT', `sell-in facts were refused: ${facts.errors.map((e) => e.message).join('; ')}`);
      const shipment = toShipment(row!, cur);
      const after = await this.orders.load(w.tx, actor, orderId);
      w.audit({ resourceType: 'order', resourceId: orderId, action: 'ship', before, after });
      w.emit({ type: ORDER_EVENTS.shipped, resourceType: 'order', resourceId: orderId, payload: { order: summary(after), shipment } });
      return { shipment, created: true };
    });
  }

  /**
   * POST /v1/orders/{id}/invoices: a shipped order is invoiced for what shipped less the rebate it uses (the amount
   * payable); the invoice is a receivable, and the order's rebate reservation becomes a spend in the rebate ledger
   * (orderRef = the order id).
   */
  async invoice(actor: Actor, orderId: string, input: unknown): Promise<Invoice> {
    requireTenantUser(actor, 'orders:write');
    const data = parseInput(InvoiceInput, input);
    return this.store.write(actor, async (w) => {
      const [o] = await w.tx
        .select()
        .from(orders)
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, orderId)))
        .for('update');
      if (!o) throw notFound('order', orderId);
      assertMove(o, 'invoice');
      const cur = o.currency ?? 'CNY';
      const dueOn = data.dueOn ?? addDays(data.issuedOn, o.paymentTermDays ?? 0);
      if (dueOn < data.issuedOn) throw invalid('dueOn', 'must not be before issuedOn');
      const before = await this.orders.load(w.tx, actor, orderId);
      const [{ amount } = { amount: '0' }] = (await w.tx
        .execute(sql`select coalesce(sum(amount), 0)::text as amount from order_shipments where tenant_id = ${w.tenantId} and order_id = ${orderId}::uuid`)
        .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as { amount: string }[];
      const payable = dec(amount).sub(o.rebateStatus === 'reserved' ? (o.rebateAmount ?? 0) : 0);
      if (payable.isNegative())
        throw new DomainError('CONFLICT', `the rebate ${roundMoney(o.rebateAmount ?? 0, cur)} exceeds what shipped, ${roundMoney(amount, cur)}`);
      if (o.rebateStatus === 'reserved') await spendReservedRebate(w, orderId);
      const [inv] = await w.tx
        .insert(invoices)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          number: data.number,
          orderId,
          partnerId: o.partnerId,
          issuedOn: data.issuedOn,
          dueOn,
          amount: payable.toFixed(),
          currency: cur,
        })
        .returning();
      await w.tx
        .update(orders)
        .set({
          status: 'invoiced',
          invoicedOn: data.issuedOn,
          ...(o.rebateStatus === 'reserved' ? { rebateStatus: 'spent' as const } : {}),
          version: sql`${orders.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(orders.tenantId, w.tenantId), eq(orders.id, orderId)));
      const out: Invoice = {
        id: inv!.id,
        number: inv!.number,
        orderId,
        partnerId: o.partnerId,
        issuedOn: inv!.issuedOn,
        dueOn: inv!.dueOn,
        amount: roundMoney(inv!.amount, cur),
        paid: roundMoney(0, cur),
        balance: roundMoney(inv!.amount, cur),
        currency: cur,
      };
      const after = await this.orders.load(w.tx, actor, orderId);
      w.audit({ resourceType: 'order', resourceId: orderId, action: 'invoice', before, after });
      w.audit({ resourceType: 'invoice', resourceId: out.id, action: 'create', before: null, after: out });
      w.emit({ type: ORDER_EVENTS.invoiced, resourceType: 'order', resourceId: orderId, payload: { order: summary(after), invoice: out } });
      return out;
    });
  }

  /** GET /v1/orders/{id}/shipments */
  async shipmentsOf(actor: Actor, orderId: string): Promise<Shipment[]> {
    const o = await this.orders.get(actor, orderId);
    requireOwnPartner(actor, o.partnerId, 'order');
    const rows = await this.store.db
      .select()
      .from(shipments)
      .where(and(eq(shipments.tenantId, actor.tenantId), eq(shipments.orderId, orderId)))
      .orderBy(shipments.shippedOn, shipments.id);
    return rows.map((r) => toShipment(r, o.currency ?? 'CNY'));
  }
}
