import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid } from '../../platform/errors.js';
import {
  type Actor,
  dec,
  formatFixed,
  iso,
  partnerSql,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  roundMoney,
  rowsOf,
  today,
} from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findPartner, onboardingSql } from '../onboarding/contract.js';
import { recordCollectionFacts } from '../target/contract.js';
import {
  CollectionInput,
  CreditAccountUpdate,
  CreditLimitInput,
  TemporaryIncreaseInput,
  type AgingRow,
  type Collection,
  type CreditLimitEntry,
  type CreditStatus,
} from './credit.schemas.js';
import { creditFacts } from './credit.sql.js';
import { ORDER_EVENTS, OrderService } from './orders.service.js';
import { allocations, collections, creditAccounts, creditLimits, invoices, orders } from './orders.tables.js';

const DateStr = /^\d{4}-\d{2}-\d{2}$/;
const toEntry = (r: typeof creditLimits.$inferSelect): CreditLimitEntry => ({
  id: r.id,
  kind: r.kind,
  amount: roundMoney(r.amount, r.currency),
  currency: r.currency,
  effectiveFrom: r.effectiveFrom,
  expiresOn: r.expiresOn,
  reason: r.reason,
  createdBy: r.createdBy,
  createdAt: iso(r.createdAt)!,
});

/** Credit management (信用管理): limits with history, temporary increases, hold, exposure, collections, aging. */
export class CreditService {
  constructor(private readonly store: Store) {}

  private async partner(db: Db, actor: Actor, ref: string) {
    const p = await findPartner(db, actor.tenantId, ref);
    if (!p) throw new DomainError('NOT_FOUND', `partner '${ref}' was not found`);
    requireOwnPartner(actor, p.id);
    return p;
  }

  private date(d: string | undefined): string {
    if (d === undefined) return today();
    if (!DateStr.test(d) || Number.isNaN(Date.parse(d))) throw invalid('date', 'must be a calendar date YYYY-MM-DD');
    return d;
  }

  /** Credit of many partners on a date: two statements whatever the count (GraphQL Partner.credit, the status). */
  async statusOf(actor: Actor, partnerIds: string[], dateIn?: string): Promise<Map<string, CreditStatus>> {
    requireScope(actor, 'credit:read', 'orders:read');
    const date = this.date(dateIn);
    const ids = partnerIds.filter((id) => {
      try {
        requireOwnPartner(actor, id);
        return true;
      } catch {
        return false;
      }
    });
    const facts = await creditFacts(this.store.db, actor.tenantId, ids, date);
    const hist = ids.length
      ? await this.store.db
          .select()
          .from(creditLimits)
          .where(and(eq(creditLimits.tenantId, actor.tenantId), inArray(creditLimits.partnerId, ids)))
          .orderBy(asc(creditLimits.effectiveFrom), asc(creditLimits.createdAt))
      : [];
    const out = new Map<string, CreditStatus>();
    for (const id of ids) {
      const f = facts.get(id)!;
      const cur = f.limit_currency ?? 'CNY';
      const exposure = dec(f.open_orders).add(f.receivables);
      const limit = f.limit_amount === null ? null : dec(f.limit_amount).add(f.temporary);
      out.set(id, {
        partnerId: id,
        date,
        currency: f.limit_currency,
        baseLimit: f.limit_amount === null ? null : roundMoney(f.limit_amount, cur),
        temporary: roundMoney(f.temporary, cur),
        limit: limit === null ? null : roundMoney(limit, cur),
        openOrders: roundMoney(f.open_orders, cur),
        receivables: roundMoney(f.receivables, cur),
        exposure: roundMoney(exposure, cur),
        available: limit === null ? null : roundMoney(limit.sub(exposure), cur),
        overLimit: limit !== null && exposure.gt(limit),
        overdue: roundMoney(f.overdue, cur),
        onHold: f.on_hold,
        holdReason: f.hold_reason,
        overdueToleranceDays: f.tolerance_days,
        history: hist.filter((h) => h.partnerId === id).map(toEntry),
      });
    }
    return out;
  }

  /** GET /v1/credit/partners/{id}?date= */
  async status(actor: Actor, ref: string, date?: string): Promise<CreditStatus> {
    requireScope(actor, 'credit:read', 'orders:read');
    const p = await this.partner(this.store.db, actor, ref);
    return (await this.statusOf(actor, [p.id], date)).get(p.id)!;
  }

  /** POST /v1/credit/partners/{id}/limits and .../temporary-increases: a new history entry (never an edit). */
  async addLimit(actor: Actor, ref: string, kind: 'limit' | 'temporary', input: unknown): Promise<CreditStatus> {
    requireTenantUser(actor, 'credit:write');
    const d = kind === 'limit' ? { ...parseInput(CreditLimitInput, input), expiresOn: null } : parseInput(TemporaryIncreaseInput, input);
    const p = await this.partner(this.store.db, actor, ref);
    await this.store.write(actor, async (w) => {
      await OrderService.lockCredit(w, p.id);
      const [row] = await w.tx
        .insert(creditLimits)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          partnerId: p.id,
          kind,
          amount: d.amount,
          currency: d.currency,
          effectiveFrom: d.effectiveFrom,
          expiresOn: d.expiresOn,
          reason: d.reason ?? null,
          createdBy: actor.subject,
        })
        .returning();
      const e = toEntry(row!);
      w.audit({
        resourceType: 'credit_limit',
        resourceId: e.id,
        action: kind === 'limit' ? 'set_limit' : 'temporary_increase',
        before: null,
        after: { partnerId: p.id, ...e },
      });
      w.emit({ type: 'credit.limit_changed', resourceType: 'partner', resourceId: p.id, payload: { partnerId: p.id, entry: e } });
      const f = (await creditFacts(w.tx, w.tenantId, [p.id], today())).get(p.id)!;
      const limit = f.limit_amount === null ? null : dec(f.limit_amount).add(f.temporary);
      if (limit !== null && dec(f.open_orders).add(f.receivables).gt(limit))
        w.emit({
          type: ORDER_EVENTS.creditOverLimit,
          resourceType: 'partner',
          resourceId: p.id,
          // the same strings as the credit position (money at the minor unit)
          payload: {
            partnerId: p.id,
            limit: roundMoney(limit, f.limit_currency ?? 'CNY'),
            exposure: roundMoney(dec(f.open_orders).add(f.receivables), f.limit_currency ?? 'CNY'),
          },
        });
    });
    return this.status(actor, p.id);
  }

  /** PUT /v1/credit/partners/{id}/account: hold, hold reason, tolerated overdue days. */
  async updateAccount(actor: Actor, ref: string, input: unknown): Promise<CreditStatus> {
    requireTenantUser(actor, 'credit:write');
    const d = parseInput(CreditAccountUpdate, input);
    const p = await this.partner(this.store.db, actor, ref);
    await this.store.write(actor, async (w) => {
      await OrderService.lockCredit(w, p.id);
      const [before] = await w.tx
        .select()
        .from(creditAccounts)
        .where(and(eq(creditAccounts.tenantId, w.tenantId), eq(creditAccounts.partnerId, p.id)));
      const set: Partial<typeof creditAccounts.$inferInsert> = {};
      if (d.onHold !== undefined) set.onHold = d.onHold;
      if (d.holdReason !== undefined) set.holdReason = d.holdReason;
      if (d.overdueToleranceDays !== undefined) set.overdueToleranceDays = d.overdueToleranceDays;
      const [after] = await w.tx
        .update(creditAccounts)
        .set({ ...set, version: sql`${creditAccounts.version} + 1`, updatedAt: new Date() })
        .where(and(eq(creditAccounts.tenantId, w.tenantId), eq(creditAccounts.partnerId, p.id)))
        .returning();
      const view = (r: typeof before) => r && { onHold: r.onHold, holdReason: r.holdReason, overdueToleranceDays: r.overdueToleranceDays };
      w.audit({ resourceType: 'credit_account', resourceId: p.id, action: 'update', before: view(before) ?? null, after: view(after) ?? null });
      if (d.onHold !== undefined && d.onHold !== before?.onHold)
        w.emit({
          type: d.onHold ? 'credit.hold_placed' : 'credit.hold_released',
          resourceType: 'partner',
          resourceId: p.id,
          payload: { partnerId: p.id, reason: after!.holdReason },
        });
    });
    return this.status(actor, p.id);
  }

  /**
   * POST /v1/credit/collections: a payment received, idempotent by externalId, allocated to the partner's unpaid
   * invoices: the named invoice first, then oldest first (due date, issue date, number). Orders whose invoices are
   * paid in full close.
   */
  async collect(actor: Actor, input: unknown): Promise<{ collection: Collection; created: boolean }> {
    requireTenantUser(actor, 'credit:write');
    const d = parseInput(CollectionInput, input);
    const p = await this.partner(this.store.db, actor, d.partner);
    return this.store.write(actor, async (w) => {
      await OrderService.lockCredit(w, p.id);
      const [dup] = await w.tx
        .select()
        .from(collections)
        .where(and(eq(collections.tenantId, w.tenantId), eq(collections.externalId, d.externalId)));
      if (dup) return { collection: await this.collectionView(w.tx, dup), created: false };
      const open = await rowsOf<{ id: string; number: string; order_id: string; balance: string; currency: string }>(
        w.tx,
        sql`select i.id::text as id, i.number, i.order_id::text as order_id, (i.amount - coalesce(sum(a.amount), 0))::text as balance, i.currency
          from order_invoices i left join credit_allocations a on a.tenant_id = i.tenant_id and a.invoice_id = i.id
          where i.tenant_id = ${w.tenantId} and i.partner_id = ${p.id}::uuid
          group by i.tenant_id, i.id having i.amount - coalesce(sum(a.amount), 0) > 0
          order by (i.number = ${d.invoiceRef ?? ''}::text) desc, i.due_on, i.issued_on, i.number`,
      );
      if (d.invoiceRef && !open.some((i) => i.number === d.invoiceRef)) throw invalid('invoiceRef', `no unpaid invoice '${d.invoiceRef}' of this partner`);
      let left = dec(d.amount);
      const allocs: { invoiceId: string; invoiceNumber: string; amount: string; orderId: string; full: boolean }[] = [];
      for (const i of open) {
        if (left.lte(0)) break;
        const take = left.lt(i.balance) ? left : dec(i.balance);
        allocs.push({ invoiceId: i.id, invoiceNumber: i.number, amount: take.toFixed(), orderId: i.order_id, full: take.eq(i.balance) });
        left = left.sub(take);
      }
      const id = uuidv7();
      const [row] = await w.tx
        .insert(collections)
        .values({
          tenantId: w.tenantId,
          id,
          externalId: d.externalId,
          partnerId: p.id,
          receivedOn: d.receivedOn,
          amount: d.amount,
          currency: d.currency,
          invoiceRef: d.invoiceRef ?? null,
          unallocated: left.toFixed(),
        })
        .returning();
      if (allocs.length)
        await w.tx
          .insert(allocations)
          .values(
            allocs.map((a) => ({ tenantId: w.tenantId, id: uuidv7(), collectionId: id, invoiceId: a.invoiceId, allocatedOn: d.receivedOn, amount: a.amount })),
          );
      const paidOrders = [...new Set(allocs.filter((a) => a.full).map((a) => a.orderId))];
      if (paidOrders.length) {
        const closed = await w.tx
          .update(orders)
          .set({ status: 'closed', version: sql`${orders.version} + 1`, updatedAt: new Date() })
          .where(
            and(
              eq(orders.tenantId, w.tenantId),
              inArray(orders.id, paidOrders),
              eq(orders.status, 'invoiced'),
              sql`not exists (select 1 from order_invoices i where i.tenant_id = ${w.tenantId} and i.order_id = ${orders.id}
                and i.amount > coalesce((select sum(a.amount) from credit_allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0))`,
            ),
          )
          .returning({ id: orders.id });
        for (const c of closed) {
          w.audit({ resourceType: 'order', resourceId: c.id, action: 'close', before: { status: 'invoiced' }, after: { status: 'closed' } });
          w.emit({ type: ORDER_EVENTS.closed, resourceType: 'order', resourceId: c.id, payload: { orderId: c.id, partnerId: p.id } });
        }
      }
      // the target module's collection fact (collection targets, achievement, collection-based programs): idempotent by external id
      const facts = await recordCollectionFacts(w, [
        { externalId: `order-collection:${d.externalId}`, date: d.receivedOn, partnerCode: p.code, amount: d.amount, invoiceRef: d.invoiceRef ?? null },
      ]);
      if (facts.errors.length) throw new DomainError('CONFLICT', `the collection fact was refused: ${facts.errors.map((e) => e.message).join('; ')}`);
      const view = await this.collectionView(w.tx, row!);
      w.audit({ resourceType: 'collection', resourceId: id, action: 'create', before: null, after: view });
      w.emit({ type: ORDER_EVENTS.collectionRecorded, resourceType: 'collection', resourceId: id, payload: { collection: view } });
      return { collection: view, created: true };
    });
  }

  private async collectionView(db: Db, r: typeof collections.$inferSelect): Promise<Collection> {
    const rows = await db
      .select({ invoiceId: allocations.invoiceId, invoiceNumber: invoices.number, amount: allocations.amount })
      .from(allocations)
      .innerJoin(invoices, and(eq(invoices.tenantId, allocations.tenantId), eq(invoices.id, allocations.invoiceId)))
      .where(and(eq(allocations.tenantId, r.tenantId), eq(allocations.collectionId, r.id)))
      .orderBy(asc(allocations.id));
    return {
      id: r.id,
      externalId: r.externalId,
      partnerId: r.partnerId,
      receivedOn: r.receivedOn,
      amount: roundMoney(r.amount, r.currency),
      currency: r.currency,
      invoiceRef: r.invoiceRef,
      unallocated: roundMoney(r.unallocated, r.currency),
      allocations: rows.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amount: roundMoney(a.amount, r.currency) })),
    };
  }

  /**
   * GET /v1/credit/aging?date=&partner=: unpaid receivables on the date by age since issue (0-30, 31-60, 61-90,
   * 90+ days), the overdue part, and DSO; one statement.
   */
  async aging(actor: Actor, q: { date?: string | undefined; partner?: string | undefined }): Promise<{ date: string; partners: AgingRow[] }> {
    requireScope(actor, 'credit:read', 'orders:read');
    const date = this.date(q.date);
    const t = actor.tenantId;
    const rows = await rowsOf<{
      partner_id: string;
      currency: string;
      b1: string;
      b2: string;
      b3: string;
      b4: string;
      total: string;
      overdue: string;
      billed90: string;
    }>(
      this.store.db,
      sql`with inv as (
          select i.partner_id, i.currency, i.issued_on, i.due_on, i.amount,
            i.amount - coalesce((select sum(a.amount) from credit_allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id and a.allocated_on <= ${date}::date), 0) as balance
          from order_invoices i
          where i.tenant_id = ${t} and i.issued_on <= ${date}::date
            ${q.partner ? sql`and i.partner_id = ${onboardingSql.idOf('partners', t, q.partner)}` : sql``}
            ${partnerSql(actor, sql`i.partner_id`)})
        select partner_id::text as partner_id, currency,
          sum(balance) filter (where ${date}::date - issued_on <= 30)::text as b1,
          sum(balance) filter (where ${date}::date - issued_on between 31 and 60)::text as b2,
          sum(balance) filter (where ${date}::date - issued_on between 61 and 90)::text as b3,
          sum(balance) filter (where ${date}::date - issued_on > 90)::text as b4,
          sum(balance)::text as total,
          sum(balance) filter (where due_on < ${date}::date)::text as overdue,
          sum(amount) filter (where ${date}::date - issued_on < 90)::text as billed90
        from inv group by partner_id, currency having sum(balance) <> 0 order by partner_id, currency`,
    );
    return {
      date,
      partners: rows.map((r) => ({
        partnerId: r.partner_id,
        currency: r.currency,
        d0_30: roundMoney(r.b1 ?? 0, r.currency),
        d31_60: roundMoney(r.b2 ?? 0, r.currency),
        d61_90: roundMoney(r.b3 ?? 0, r.currency),
        d90Plus: roundMoney(r.b4 ?? 0, r.currency),
        total: roundMoney(r.total, r.currency),
        overdue: roundMoney(r.overdue ?? 0, r.currency),
        // days: a measure without a currency, 4 decimals
        dso: r.billed90 && dec(r.billed90).gt(0) ? formatFixed(dec(r.total).mul(90).div(r.billed90)) : null,
      })),
    };
  }
}
