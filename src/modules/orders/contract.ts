/**
 * The orders module's contract: the only file of this module another module may import (checked by the boundary
 * check), and the port it needs from a higher layer (approvals of the sales organisation).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/kernel/index.js';
import type { Work } from '../../platform/store.js';

export interface OrderApprovalRequest {
  /** credit_override when the order is over credit; order_override for quota refusals */
  kind: 'order_override' | 'credit_override';
  orderId: string;
  partnerId: string;
  /** the order total */
  amount: string;
  reason: string;
}

/**
 * Who may override an order's credit or quota refusals: `approved` approves the order now, `pending` leaves it
 * submitted until the approval request is decided (orders.approvals.ts: the sales organisation's approval policies).
 */
export interface OrderApprovalGate {
  request(w: Work, actor: Actor, req: OrderApprovalRequest): Promise<'approved' | 'pending'>;
}

export const ordersSql = {
  /**
   * Order lines with their order's header: tenant_id, order_id, line_no, partner_id, status, requested_date,
   * approved_on, product_id, quantity, shipped_quantity, unit_price, amount, currency.
   */
  lines: (tenantId: string): SQL =>
    sql`(select l.tenant_id, l.order_id, l.line_no, o.partner_id, o.status, o.requested_date, o.approved_on, l.product_id, l.quantity,
               l.shipped_quantity, l.unit_price, l.amount, o.currency
          from order_lines l join orders o on o.tenant_id = l.tenant_id and o.id = l.order_id where l.tenant_id = ${tenantId})`,
  /** Receivables: tenant_id, invoice_id, number, partner_id, order_id, issued_on, due_on, amount, paid, balance, currency. */
  receivables: (tenantId: string): SQL =>
    sql`(select i.tenant_id, i.id as invoice_id, i.number, i.partner_id, i.order_id, i.issued_on, i.due_on, i.amount,
               coalesce(a.paid, 0) as paid, i.amount - coalesce(a.paid, 0) as balance, i.currency
          from order_invoices i left join (select invoice_id, sum(amount) as paid from credit_allocations where tenant_id = ${tenantId} group by invoice_id) a
            on a.invoice_id = i.id
          where i.tenant_id = ${tenantId})`,
  /**
   * Receivables on a day: invoices issued on or before `date` with what was collected on them by then (evaluation's
   * collections_overdue warning). Columns: tenant_id, invoice_id, number, partner_id, order_id, issued_on, due_on,
   * amount (the payable: total less rebate use), paid, balance, currency.
   */
  receivablesOn: (tenantId: string, date: string): SQL =>
    sql`(select i.tenant_id, i.id as invoice_id, i.number, i.partner_id, i.order_id, i.issued_on, i.due_on, i.amount,
               coalesce(a.paid, 0) as paid, i.amount - coalesce(a.paid, 0) as balance, i.currency
          from order_invoices i left join (select invoice_id, sum(amount) as paid from credit_allocations
                                           where tenant_id = ${tenantId} and allocated_on <= ${date}::date group by invoice_id) a
            on a.invoice_id = i.id
          where i.tenant_id = ${tenantId} and i.issued_on <= ${date}::date)`,
};
