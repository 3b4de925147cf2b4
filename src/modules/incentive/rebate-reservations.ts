/**
 * Rebate use on orders (返利抵扣), called by the orders module through this module's contract in the order's own
 * transaction: the facts a check needs (one statement), and the three movements of a reservation. Each movement
 * locks the partner's rebate account row (SELECT ... FOR UPDATE) first, like every ledger movement, so concurrent
 * reservations and spends serialise on it and `available` never goes below zero.
 *
 *   reserve  (order submitted): available -> reserved
 *   release  (order cancelled): reserved -> available
 *   spend    (order invoiced):  reserved -> spent, a ledger `spend` row with the order as orderRef
 */
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError } from '../../platform/errors.js';
import type { Db } from '../../platform/db.js';
import { Dec, isUuid, minorUnits, roundMoney, rowsOf, today } from '../../platform/kernel/index.js';
import type { Work } from '../../platform/store.js';
import { rebateAccounts, rebateLedger, rebateReservations } from './incentive.tables.js';
import { lockRebateAccount, toBalance, toEntry } from './rebates.service.js';

export const RESERVATION_EVENTS = { reserved: 'rebate.reserved', released: 'rebate.released', spent: 'rebate.spent' } as const;

/** A rebate program whose per-order cap may apply. */
export interface RebateCapProgram {
  id: string;
  code: string;
  type: string;
  status: string;
  currency: string;
  maxPercent: string | null;
  maxAmount: string | null;
}

export interface RebateUseFacts {
  /** the rebate account's currency (null: the partner has no rebate account) */
  currency: string | null;
  /** available now, plus what this order already holds (a re-check of a submitted order) */
  available: string;
  /** what `orderRef` holds now (0 when nothing) */
  heldByOrder: string;
  /** the named program (null when none was named or it does not exist); without one, every active rebate program with a cap */
  programs: RebateCapProgram[];
  /** a program was named and found */
  programFound: boolean;
}

/**
 * What a check of an order paying `partnerId`'s rebate needs, one statement: the account (currency, available), what
 * the order already holds, and the caps: the named program's (id or code), or without one every active rebate
 * program's that has a cap (the strictest applies).
 */
export async function rebateUseFacts(
  db: Db,
  tenantId: string,
  q: { partnerId: string; program: string | null; orderRef: string | null },
): Promise<RebateUseFacts> {
  const progCond = q.program
    ? isUuid(q.program)
      ? sql`(id = ${q.program}::uuid or code = ${q.program})`
      : sql`code = ${q.program}`
    : sql`type = 'rebate' and status = 'active' and order_cap is not null`;
  const [r] = await rowsOf<{ currency: string | null; available: string; held: string; programs: RebateCapProgram[] }>(
    db,
    sql`select a.currency, coalesce(a.available, 0)::text as available,
        coalesce((select amount from rebate_reservations where tenant_id = ${tenantId} and order_ref = ${q.orderRef} and status = 'reserved'), 0)::text as held,
        coalesce((select json_agg(json_build_object('id', id, 'code', code, 'type', type, 'status', status, 'currency', currency,
            'maxPercent', order_cap->>'maxPercent', 'maxAmount', order_cap->>'maxAmount') order by code)
          from incentive_programs where tenant_id = ${tenantId} and ${progCond}), '[]'::json) as programs
      from (select 1) one
      left join rebate_accounts a on a.tenant_id = ${tenantId} and a.partner_id = ${q.partnerId}::uuid`,
  );
  return {
    currency: r!.currency,
    available: new Dec(r!.available).plus(r!.held).toFixed(),
    heldByOrder: new Dec(r!.held).toFixed(),
    programs: r!.programs,
    programFound: q.program !== null && r!.programs.length > 0,
  };
}

type AccountRow = typeof rebateAccounts.$inferSelect;

async function updateAccount(w: Work, acc: AccountRow, set: Partial<typeof rebateAccounts.$inferInsert>): Promise<AccountRow> {
  const [after] = await w.tx
    .update(rebateAccounts)
    .set({ ...set, version: sql`${rebateAccounts.version} + 1`, updatedAt: new Date() })
    .where(and(eq(rebateAccounts.tenantId, w.tenantId), eq(rebateAccounts.partnerId, acc.partnerId)))
    .returning();
  return after!;
}

/**
 * Reserves `amount` of the partner's available rebate for an order (idempotent: an order that already holds the same
 * amount holds it still). Answers `{ ok: false, available }` when the account (locked first) has not enough: the
 * caller refuses the order (REBATE_INSUFFICIENT) and rolls back.
 */
export async function reserveRebate(
  w: Work,
  q: { partnerId: string; orderRef: string; amount: string; currency: string; programId: string | null },
): Promise<{ ok: true } | { ok: false; available: string }> {
  const acc = await lockRebateAccount(w, q.partnerId);
  if (!acc) return { ok: false, available: roundMoney(0, q.currency) };
  if (acc.currency !== q.currency)
    throw new DomainError('UNPROCESSABLE', `The rebate account is kept in ${acc.currency}; the order is in ${q.currency}`, {
      errors: [{ path: 'rebate.amount', message: 'REBATE_CURRENCY_MISMATCH' }],
    });
  const amt = new Dec(q.amount);
  if (amt.decimalPlaces() > minorUnits(acc.currency)) throw new DomainError('VALIDATION_FAILED', `${acc.currency} has ${minorUnits(acc.currency)} decimals`);
  const [held] = await w.tx
    .select()
    .from(rebateReservations)
    .where(and(eq(rebateReservations.tenantId, w.tenantId), eq(rebateReservations.orderRef, q.orderRef)));
  if (held?.status === 'reserved' && amt.eq(held.amount)) return { ok: true };
  if (held) throw new DomainError('CONFLICT', `order '${q.orderRef}' already has a rebate reservation (${held.status})`);
  if (new Dec(acc.available).lt(amt)) return { ok: false, available: roundMoney(acc.available, acc.currency) };
  await w.tx.insert(rebateReservations).values({
    tenantId: w.tenantId,
    orderRef: q.orderRef,
    partnerId: q.partnerId,
    programId: q.programId,
    amount: amt.toFixed(),
    reservedOn: today(),
  });
  const after = await updateAccount(w, acc, {
    available: new Dec(acc.available).minus(amt).toFixed(),
    reserved: new Dec(acc.reserved).plus(amt).toFixed(),
  });
  const reservation = { orderRef: q.orderRef, amount: roundMoney(amt, acc.currency), programId: q.programId, status: 'reserved' };
  w.audit({ resourceType: 'rebate_account', resourceId: acc.partnerId, action: 'reserve', before: toBalance(acc), after: toBalance(after) });
  w.emit({
    type: RESERVATION_EVENTS.reserved,
    resourceType: 'rebate_account',
    resourceId: acc.partnerId,
    payload: { reservation, balance: toBalance(after) },
  });
  return { ok: true };
}

/** Settles an order's reservation: `release` (cancelled: back to available) or `spend` (invoiced). Nothing held: nothing. */
async function settle(w: Work, orderRef: string, how: 'release' | 'spend'): Promise<void> {
  const [held] = await w.tx
    .select()
    .from(rebateReservations)
    .where(and(eq(rebateReservations.tenantId, w.tenantId), eq(rebateReservations.orderRef, orderRef)));
  if (!held) return;
  const acc = (await lockRebateAccount(w, held.partnerId))!;
  // read again under the account lock: a concurrent settlement of the same order has finished by now
  const [r] = await w.tx
    .select()
    .from(rebateReservations)
    .where(and(eq(rebateReservations.tenantId, w.tenantId), eq(rebateReservations.orderRef, orderRef)));
  if (r!.status !== 'reserved') return;
  const amt = new Dec(r!.amount);
  const day = today();
  await w.tx
    .update(rebateReservations)
    .set({ status: how === 'release' ? 'released' : 'spent', settledOn: day, updatedAt: new Date() })
    .where(and(eq(rebateReservations.tenantId, w.tenantId), eq(rebateReservations.orderRef, orderRef)));
  const reserved = new Dec(acc.reserved).minus(amt).toFixed();
  const reservation = { orderRef, amount: roundMoney(amt, acc.currency), programId: r!.programId, status: how === 'release' ? 'released' : 'spent' };
  if (how === 'release') {
    const after = await updateAccount(w, acc, { available: new Dec(acc.available).plus(amt).toFixed(), reserved });
    w.audit({ resourceType: 'rebate_account', resourceId: acc.partnerId, action: 'release_reservation', before: toBalance(acc), after: toBalance(after) });
    w.emit({
      type: RESERVATION_EVENTS.released,
      resourceType: 'rebate_account',
      resourceId: acc.partnerId,
      payload: { reservation, balance: toBalance(after) },
    });
    return;
  }
  const [row] = await w.tx
    .insert(rebateLedger)
    .values({
      tenantId: w.tenantId,
      id: uuidv7(),
      partnerId: acc.partnerId,
      entryDate: day,
      kind: 'spend',
      amount: amt.toFixed(),
      orderRef,
      reason: 'order invoiced',
      createdBy: w.actor.subject,
    })
    .returning();
  const after = await updateAccount(w, acc, { reserved, spent: new Dec(acc.spent).plus(amt).toFixed() });
  const entry = toEntry(row!, acc.currency);
  w.audit({ resourceType: 'rebate_account', resourceId: acc.partnerId, action: 'spend', before: toBalance(acc), after: toBalance(after) });
  w.emit({
    type: RESERVATION_EVENTS.spent,
    resourceType: 'rebate_account',
    resourceId: acc.partnerId,
    payload: { entry, reservation, balance: toBalance(after) },
  });
}

/** The order was cancelled: what it held goes back to available. */
export const releaseRebate = (w: Work, orderRef: string) => settle(w, orderRef, 'release');
/** The order was invoiced: what it held is spent (ledger `spend`, orderRef = the order). */
export const spendReservedRebate = (w: Work, orderRef: string) => settle(w, orderRef, 'spend');
