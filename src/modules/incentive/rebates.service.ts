import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  Dec,
  decodeUuidCursor,
  hasScope,
  minorUnits,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  roundMoney,
  today,
  toPage,
  type Actor,
  type Page,
  keyset,
} from '../../platform/kernel/index.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { LedgerEntryCreate, SpendInput, type LedgerEntry, type RebateBalance } from './incentive.schemas.js';
import { rebateAccounts, rebateLedger, type LedgerKind, type LedgerRow } from './incentive.tables.js';

export const REBATE_EVENTS = { spent: 'rebate.spent', entry: 'rebate.entry_recorded' } as const;

const fix = (v: string | Dec, currency: string) => roundMoney(new Dec(v), currency);

export function toEntry(r: LedgerRow, currency = 'CNY'): LedgerEntry {
  return {
    id: r.id,
    partnerId: r.partnerId,
    entryDate: r.entryDate,
    kind: r.kind,
    amount: fix(r.amount, currency),
    orderRef: r.orderRef,
    statementId: r.statementId,
    reason: r.reason,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

type AccountRow = typeof rebateAccounts.$inferSelect;

export function toBalance(a: AccountRow): RebateBalance {
  const c = a.currency;
  return {
    partnerId: a.partnerId,
    currency: c,
    asOf: null,
    accrued: fix(a.accrued, c),
    available: fix(a.available, c),
    spent: fix(a.spent, c),
    paidOut: fix(a.paidOut, c),
    expired: fix(a.expired, c),
    reserved: fix(a.reserved, c),
  };
}

/** How each ledger kind moves the buckets (amount is always > 0). */
const EFFECT: Record<LedgerKind, { accrued: number; available: number; column?: 'spent' | 'paidOut' | 'expired' }> = {
  accrue: { accrued: 1, available: 0 },
  release: { accrued: -1, available: 1 },
  spend: { accrued: 0, available: -1, column: 'spent' },
  pay_out: { accrued: 0, available: -1, column: 'paidOut' },
  expire: { accrued: 0, available: -1, column: 'expired' },
};

/**
 * Rebate accounts (返利账户). The ledger is append-only; rebate_accounts holds the running buckets and is the row
 * every movement locks (SELECT ... FOR UPDATE), so concurrent spends serialize and none can overdraw.
 */
/** The partner's rebate account row, locked (FOR UPDATE) for the rest of the transaction: every balance move takes it first. */
export async function lockRebateAccount(w: Work, partnerId: string): Promise<AccountRow | undefined> {
  const [acc] = await w.tx
    .select()
    .from(rebateAccounts)
    .where(and(eq(rebateAccounts.tenantId, w.tenantId), eq(rebateAccounts.partnerId, partnerId)))
    .for('update');
  return acc;
}

export class RebateService {
  constructor(private readonly store: Store) {}

  private canRead(actor: Actor, partnerId: string) {
    requireScope(actor, 'incentives:read', 'rebates:spend');
    requireOwnPartner(actor, partnerId, 'rebate account');
  }

  async balance(actor: Actor, partnerId: string, asOf?: string): Promise<RebateBalance> {
    this.canRead(actor, partnerId);
    const [acc] = await this.store.db
      .select()
      .from(rebateAccounts)
      .where(and(eq(rebateAccounts.tenantId, actor.tenantId), eq(rebateAccounts.partnerId, partnerId)));
    if (!acc) throw notFound('rebate account', partnerId);
    if (asOf === undefined) return toBalance(acc);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) throw invalid('asOf', 'must be a date YYYY-MM-DD');
    // one aggregate over the ledger up to and including asOf, and what orders held at the end of that day
    const rows = await this.store.database.rows<{ kind: LedgerKind | 'reserved'; total: string }>(sql`
      select kind, sum(amount)::text as total from ${rebateLedger}
      where tenant_id = ${actor.tenantId} and partner_id = ${partnerId} and entry_date <= ${asOf}
      group by kind
      union all
      select 'reserved', coalesce(sum(amount), 0)::text from rebate_reservations
      where tenant_id = ${actor.tenantId} and partner_id = ${partnerId} and reserved_on <= ${asOf} and (settled_on is null or settled_on > ${asOf})`);
    const sum = (k: LedgerKind | 'reserved') => new Dec(rows.find((r) => r.kind === k)?.total ?? '0');
    const c = acc.currency;
    return {
      partnerId,
      currency: c,
      asOf,
      accrued: fix(sum('accrue').minus(sum('release')), c),
      available: fix(sum('release').minus(sum('spend')).minus(sum('pay_out')).minus(sum('expire')).minus(sum('reserved')), c),
      spent: fix(sum('spend'), c),
      paidOut: fix(sum('pay_out'), c),
      expired: fix(sum('expire'), c),
      reserved: fix(sum('reserved'), c),
    };
  }

  async ledger(
    actor: Actor,
    partnerId: string,
    input: { limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<LedgerEntry>> {
    this.canRead(actor, partnerId);
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [{ col: rebateLedger.id, desc: true }], after);
    const [acc] = await this.store.db
      .select({ currency: rebateAccounts.currency })
      .from(rebateAccounts)
      .where(and(eq(rebateAccounts.tenantId, actor.tenantId), eq(rebateAccounts.partnerId, partnerId)));
    if (!acc) throw notFound('rebate account', partnerId);
    const rows = await this.store.db
      .select()
      .from(rebateLedger)
      .where(and(eq(rebateLedger.tenantId, actor.tenantId), eq(rebateLedger.partnerId, partnerId), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => toEntry(r, acc.currency)),
      input,
      (e) => [e.id],
    );
  }

  /**
   * Draws on the available balance for an order. Idempotent by orderRef (unique per tenant): the same orderRef
   * and amount return the first spend (replayed: true); a different amount is a 409. Never overdraws.
   */
  async spend(actor: Actor, partnerId: string, input: unknown): Promise<{ entry: LedgerEntry; balance: RebateBalance; replayed: boolean }> {
    if (actor.partnerId) {
      if (!hasScope(actor, 'rebates:spend')) requireScope(actor, 'rebates:spend');
    } else requireScope(actor, 'rebates:spend', 'incentives:write');
    requireOwnPartner(actor, partnerId, 'rebate account'); // partner credentials and staff data scopes alike (404)
    const data = parseInput(SpendInput, input);
    if (data.maxPercent !== undefined) {
      if (data.orderAmount === undefined) throw invalid('orderAmount', 'is required with maxPercent');
      const limit = new Dec(data.orderAmount).times(data.maxPercent).div(100);
      if (new Dec(data.amount).gt(limit)) {
        throw new DomainError('UNPROCESSABLE', `At most ${data.maxPercent}% of the order (${limit.toFixed()}) may be paid from rebate`, {
          errors: [{ path: 'amount', message: `exceeds ${data.maxPercent}% of orderAmount` }],
          extra: { limit: limit.toFixed() },
        });
      }
    }
    return this.store.write(actor, async (w) => {
      const acc = await this.lockAccount(w, partnerId);
      if (!acc) throw notFound('rebate account', partnerId);
      const [prior] = await w.tx
        .select()
        .from(rebateLedger)
        .where(and(eq(rebateLedger.tenantId, w.tenantId), eq(rebateLedger.orderRef, data.orderRef), eq(rebateLedger.kind, 'spend')));
      if (prior) {
        if (prior.partnerId !== partnerId || !new Dec(prior.amount).eq(data.amount)) {
          throw new DomainError('CONFLICT', `orderRef '${data.orderRef}' was already used for another spend`, {
            errors: [{ path: 'orderRef', message: 'already used with a different partner or amount' }],
          });
        }
        return { entry: toEntry(prior, acc.currency), balance: toBalance(acc), replayed: true };
      }
      const { entry, account } = await this.move(w, acc, 'spend', data.amount, { orderRef: data.orderRef });
      w.emit({ type: REBATE_EVENTS.spent, resourceType: 'rebate_account', resourceId: partnerId, payload: { entry, balance: toBalance(account) } });
      return { entry, balance: toBalance(account), replayed: false };
    });
  }

  /** Manual movements: release (accrued -> available), pay_out and expire (out of available). */
  async record(actor: Actor, partnerId: string, input: unknown): Promise<{ entry: LedgerEntry; balance: RebateBalance }> {
    requireTenantUser(actor, 'incentives:approve');
    requireOwnPartner(actor, partnerId, 'rebate account'); // a staff data scope confines tenant-side writes (404)
    const data = parseInput(LedgerEntryCreate, input);
    return this.store.write(actor, async (w) => {
      const acc = await this.lockAccount(w, partnerId);
      if (!acc) throw notFound('rebate account', partnerId);
      const { entry, account } = await this.move(w, acc, data.kind, data.amount, { reason: data.reason });
      w.emit({ type: REBATE_EVENTS.entry, resourceType: 'rebate_account', resourceId: partnerId, payload: { entry, balance: toBalance(account) } });
      return { entry, balance: toBalance(account) };
    });
  }

  /** Inside a statement approval: accrue (creating the account on first use). */
  async accrueInWork(w: Work, partnerId: string, currency: string, amount: string, statementId: string): Promise<void> {
    await w.tx.insert(rebateAccounts).values({ tenantId: w.tenantId, partnerId, currency }).onConflictDoNothing();
    const acc = (await this.lockAccount(w, partnerId))!;
    if (acc.currency !== currency) {
      throw new DomainError('UNPROCESSABLE', `The rebate account of partner '${partnerId}' is kept in ${acc.currency}; this statement is in ${currency}`);
    }
    await this.move(w, acc, 'accrue', amount, { statementId, reason: 'statement approved' });
  }

  /** Inside a statement payment: release what that statement accrued. */
  async releaseInWork(w: Work, partnerId: string, statementId: string): Promise<void> {
    const [accrued] = await w.tx
      .select()
      .from(rebateLedger)
      .where(and(eq(rebateLedger.tenantId, w.tenantId), eq(rebateLedger.statementId, statementId), eq(rebateLedger.kind, 'accrue')));
    if (!accrued) return;
    const acc = (await this.lockAccount(w, partnerId))!;
    await this.move(w, acc, 'release', accrued.amount, { statementId, reason: 'statement paid' });
  }

  private lockAccount(w: Work, partnerId: string): Promise<AccountRow | undefined> {
    return lockRebateAccount(w, partnerId);
  }

  /** One movement on a locked account: checks the buckets, appends the ledger row, updates the running totals. */
  private async move(
    w: Work,
    acc: AccountRow,
    kind: LedgerKind,
    amount: string,
    extra: { orderRef?: string; statementId?: string; reason?: string },
  ): Promise<{ entry: LedgerEntry; account: AccountRow }> {
    const e = EFFECT[kind];
    const amt = new Dec(amount);
    if (amt.decimalPlaces() > minorUnits(acc.currency)) {
      throw invalid('amount', `${acc.currency} has ${minorUnits(acc.currency)} decimal places; nothing is rounded silently`);
    }
    const accrued = new Dec(acc.accrued).plus(amt.times(e.accrued));
    const available = new Dec(acc.available).plus(amt.times(e.available));
    if (accrued.isNegative()) {
      throw new DomainError('CONFLICT', `Only ${fix(acc.accrued, acc.currency)} is accrued; cannot ${kind} ${amount}`, {
        extra: { accrued: fix(acc.accrued, acc.currency) },
      });
    }
    if (available.isNegative()) {
      throw new DomainError('CONFLICT', `Insufficient available rebate: ${fix(acc.available, acc.currency)} available, ${amount} requested`, {
        extra: { available: fix(acc.available, acc.currency) },
      });
    }
    const [row] = await w.tx
      .insert(rebateLedger)
      .values({
        tenantId: w.tenantId,
        id: uuidv7(),
        partnerId: acc.partnerId,
        entryDate: today(),
        kind,
        amount: amt.toFixed(),
        orderRef: extra.orderRef ?? null,
        statementId: extra.statementId ?? null,
        reason: extra.reason ?? null,
        createdBy: w.actor.subject,
      })
      .returning();
    const set: Partial<typeof rebateAccounts.$inferInsert> = { accrued: accrued.toFixed(), available: available.toFixed() };
    if (e.column) set[e.column] = new Dec(acc[e.column]).plus(amt).toFixed();
    const [account] = await w.tx
      .update(rebateAccounts)
      .set({ ...set, version: sql`${rebateAccounts.version} + 1`, updatedAt: new Date() })
      .where(and(eq(rebateAccounts.tenantId, w.tenantId), eq(rebateAccounts.partnerId, acc.partnerId)))
      .returning();
    const entry = toEntry(row!, acc.currency);
    w.audit({ resourceType: 'rebate_account', resourceId: acc.partnerId, action: kind, before: toBalance(acc), after: toBalance(account!) });
    return { entry, account: account! };
  }
}
