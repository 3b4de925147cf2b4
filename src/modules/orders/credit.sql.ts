/**
 * Credit facts of many partners on a date, one statement: the limit in force (latest `limit` row on or before the
 * date) plus the temporary increases covering it, the hold, the tolerated overdue days, the open approved orders
 * (approved on or before the date, not invoiced or cancelled by then; their payable amount: total less rebate use), the unpaid receivables (invoices issued by
 * then less collections allocated by then) and the overdue part beyond the tolerated days.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { rowsOf } from '../../platform/kernel/index.js';

export interface CreditFactsRow {
  partner_id: string;
  limit_amount: string | null;
  limit_currency: string | null;
  temporary: string;
  on_hold: boolean;
  hold_reason: string | null;
  tolerance_days: number;
  open_orders: string;
  receivables: string;
  overdue: string;
  overdue_beyond: string;
  max_days_overdue: number | null;
}

/** The relation of credit facts (columns of CreditFactsRow); `excludeOrder` leaves one order out of open orders. */
export function creditFactsSql(tenantId: string, partnerIds: readonly string[], date: string, excludeOrder: string | null = null): SQL {
  const ids = `{${partnerIds.join(',')}}`;
  return sql`with p as (select unnest(${ids}::uuid[]) as partner_id),
    lim as (
      select distinct on (partner_id) partner_id, amount, currency from credit_limits
      where tenant_id = ${tenantId} and kind = 'limit' and effective_from <= ${date}::date and partner_id = any(${ids}::uuid[])
      order by partner_id, effective_from desc, created_at desc, id desc),
    tmp as (
      select partner_id, sum(amount) as amount from credit_limits
      where tenant_id = ${tenantId} and kind = 'temporary' and effective_from <= ${date}::date and expires_on >= ${date}::date
        and partner_id = any(${ids}::uuid[])
      group by partner_id),
    oo as (
      select partner_id, sum(total_amount - coalesce(rebate_amount, 0)) as amount from orders
      where tenant_id = ${tenantId} and partner_id = any(${ids}::uuid[]) and approved_on is not null and approved_on <= ${date}::date
        and (invoiced_on is null or invoiced_on > ${date}::date) and (cancelled_on is null or cancelled_on > ${date}::date)
        and (${excludeOrder}::uuid is null or id <> ${excludeOrder}::uuid)
      group by partner_id),
    inv as (
      select i.partner_id, i.due_on, i.amount - coalesce(a.paid, 0) as balance
      from order_invoices i
      left join (select invoice_id, sum(amount) as paid from credit_allocations where tenant_id = ${tenantId} and allocated_on <= ${date}::date group by invoice_id) a
        on a.invoice_id = i.id
      where i.tenant_id = ${tenantId} and i.partner_id = any(${ids}::uuid[]) and i.issued_on <= ${date}::date)
    select p.partner_id::text as partner_id, lim.amount::text as limit_amount, lim.currency as limit_currency,
      coalesce(tmp.amount, 0)::text as temporary, coalesce(acc.on_hold, false) as on_hold, acc.hold_reason,
      coalesce(acc.overdue_tolerance_days, 0)::int as tolerance_days, coalesce(oo.amount, 0)::text as open_orders,
      coalesce((select sum(balance) from inv where inv.partner_id = p.partner_id), 0)::text as receivables,
      coalesce((select sum(balance) from inv where inv.partner_id = p.partner_id and balance > 0 and due_on < ${date}::date), 0)::text as overdue,
      coalesce((select sum(balance) from inv where inv.partner_id = p.partner_id and balance > 0
        and due_on + coalesce(acc.overdue_tolerance_days, 0) < ${date}::date), 0)::text as overdue_beyond,
      (select max(${date}::date - due_on) from inv where inv.partner_id = p.partner_id and balance > 0 and due_on < ${date}::date)::int as max_days_overdue
    from p
    left join lim on lim.partner_id = p.partner_id
    left join tmp on tmp.partner_id = p.partner_id
    left join oo on oo.partner_id = p.partner_id
    left join credit_accounts acc on acc.tenant_id = ${tenantId} and acc.partner_id = p.partner_id`;
}

export async function creditFacts(db: Db, tenantId: string, partnerIds: readonly string[], date: string, excludeOrder: string | null = null) {
  if (!partnerIds.length) return new Map<string, CreditFactsRow>();
  const rows = await rowsOf<CreditFactsRow>(db, creditFactsSql(tenantId, partnerIds, date, excludeOrder));
  return new Map(
    rows.map((r) => [
      r.partner_id,
      { ...r, tolerance_days: Number(r.tolerance_days), max_days_overdue: r.max_days_overdue === null ? null : Number(r.max_days_overdue) },
    ]),
  );
}
