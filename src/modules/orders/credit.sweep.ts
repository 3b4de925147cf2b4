/**
 * The credit sweep (scheduled hourly: one process of those running the background work takes each round (the `scheduled_jobs` claim); or on demand for one tenant: `POST /v1/credit:sweep`):
 *
 * - `credit.overdue` once per invoice, when its unpaid balance on the day is past its due date + the partner's
 *   tolerated overdue days;
 * - `credit.over_limit` once per crossing, when the partner's exposure on the day exceeds its limit (typically after a
 *   temporary increase expired or the limit was lowered); when exposure is back within the limit the crossing is
 *   closed, so a later one is announced again. An approver's override over the limit announces its own crossing.
 *
 * What was announced is kept in `credit_notices` (primary key tenant, kind, invoice or partner); the inserts are
 * `on conflict do nothing ... returning`, so two processes sweeping at once announce each thing once. Set-based: per
 * tenant four statements whatever the number of invoices or partners.
 */
import { sql } from 'drizzle-orm';
import { systemActor } from '../../platform/actor.js';
import { invalid } from '../../platform/errors.js';
import { type Actor, dec, requireTenantUser, roundMoney, rowsOf, today } from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { z } from 'zod';
import { creditFactsSql, type CreditFactsRow } from './credit.sql.js';
import { DateStr } from './orders.schemas.js';

export const CREDIT_SWEEP_EVENTS = { overdue: 'credit.overdue', overLimit: 'credit.over_limit' } as const;

export const CreditSweepInput = z
  .strictObject({ date: DateStr.optional().describe('the day swept (default today): invoices overdue and exposure over the limit on it') })
  .meta({ id: 'CreditSweepRun' });
export const CreditSweepResult = z
  .object({
    date: z.string(),
    overdue: z.number().int().describe('credit.overdue events emitted (invoices newly past due + tolerated days)'),
    overLimit: z.number().int().describe('credit.over_limit events emitted (new crossings)'),
    cleared: z.number().int().describe('crossings closed (exposure back within the limit)'),
  })
  .meta({ id: 'CreditSweepResult' });
export type CreditSweepResult = z.infer<typeof CreditSweepResult>;

/** Records an over-limit crossing announced elsewhere (an override), so that the sweep does not announce it again. */
export async function noteOverLimit(w: Work, partnerId: string, day: string, details: Record<string, unknown>): Promise<void> {
  await w.tx.execute(sql`insert into credit_notices (tenant_id, kind, key, partner_id, noticed_on, details)
    values (${w.tenantId}, 'over_limit', ${partnerId}::uuid, ${partnerId}::uuid, ${day}::date, ${JSON.stringify(details)}::jsonb)
    on conflict do nothing`);
}

interface OverdueRow {
  invoice_id: string;
  number: string;
  order_id: string;
  partner_id: string;
  issued_on: string;
  due_on: string;
  amount: string;
  balance: string;
  currency: string;
  tolerance_days: number;
}

export class CreditSweep {
  constructor(private readonly store: Store) {}

  /** POST /v1/credit:sweep: the sweep of the caller's tenant on a day (default today). */
  async runNow(actor: Actor, input: unknown): Promise<CreditSweepResult> {
    requireTenantUser(actor, 'credit:write');
    const d = parseInput(CreditSweepInput, input ?? {});
    if (d.date && Number.isNaN(Date.parse(d.date))) throw invalid('date', 'must be a calendar date YYYY-MM-DD');
    const r = await this.sweepTenant(actor.tenantId, d.date ?? today());
    return { date: d.date ?? today(), ...r };
  }

  /** The scheduled job: every tenant with invoices or credit limits (one tenant's failure does not hold up the others). */
  async sweep(opts: { today?: string } = {}): Promise<CreditSweepResult> {
    const day = opts.today ?? today();
    const tenants = await this.store.database.rows<{ tenant_id: string }>(
      sql`select tenant_id from order_invoices union select tenant_id from credit_limits order by 1`,
    );
    const total = { date: day, overdue: 0, overLimit: 0, cleared: 0 };
    const failed: unknown[] = [];
    for (const { tenant_id } of tenants) {
      try {
        const r = await this.sweepTenant(tenant_id, day);
        total.overdue += r.overdue;
        total.overLimit += r.overLimit;
        total.cleared += r.cleared;
      } catch (e) {
        failed.push(e);
      }
    }
    if (failed.length) throw new AggregateError(failed, `credit sweep failed for ${failed.length} tenant(s)`);
    return total;
  }

  private async sweepTenant(tenantId: string, day: string): Promise<{ overdue: number; overLimit: number; cleared: number }> {
    return this.store.write(systemActor(tenantId, 'credit-sweep'), async (w) => {
      const t = tenantId;
      // invoices unpaid on the day beyond due date + tolerated days, not announced yet: recorded and returned at once
      const overdue = await rowsOf<OverdueRow>(
        w.tx,
        sql`with inv as (
            select i.id, i.number, i.order_id, i.partner_id, i.issued_on, i.due_on, i.amount, i.currency, coalesce(acc.overdue_tolerance_days, 0) as tol,
              i.amount - coalesce((select sum(a.amount) from credit_allocations a where a.tenant_id = i.tenant_id and a.invoice_id = i.id
                and a.allocated_on <= ${day}::date), 0) as balance
            from order_invoices i
            left join credit_accounts acc on acc.tenant_id = i.tenant_id and acc.partner_id = i.partner_id
            where i.tenant_id = ${t} and i.issued_on <= ${day}::date and i.due_on < ${day}::date
              and not exists (select 1 from credit_notices n where n.tenant_id = ${t} and n.kind = 'overdue' and n.key = i.id)),
          due as (select * from inv where balance > 0 and due_on + tol < ${day}::date),
          ins as (
            insert into credit_notices (tenant_id, kind, key, partner_id, noticed_on, details)
            select ${t}, 'overdue', id, partner_id, ${day}::date, jsonb_build_object('number', number, 'balance', balance::text, 'dueOn', due_on)
            from due on conflict do nothing returning key)
          select due.id::text as invoice_id, due.number, due.order_id::text as order_id, due.partner_id::text as partner_id,
            due.issued_on::text as issued_on, due.due_on::text as due_on, due.amount::text as amount, due.balance::text as balance, due.currency,
            due.tol::int as tolerance_days
          from due join ins on ins.key = due.id order by due.due_on, due.number`,
      );
      for (const r of overdue) {
        const invoice = {
          id: r.invoice_id,
          number: r.number,
          orderId: r.order_id,
          partnerId: r.partner_id,
          issuedOn: r.issued_on,
          dueOn: r.due_on,
          amount: roundMoney(r.amount, r.currency),
          balance: roundMoney(r.balance, r.currency),
          currency: r.currency,
        };
        const daysOverdue = Math.round((Date.parse(day) - Date.parse(r.due_on)) / 86_400_000);
        const payload = { partnerId: r.partner_id, date: day, invoice, daysOverdue, toleratedDays: Number(r.tolerance_days) };
        w.audit({ resourceType: 'invoice', resourceId: r.invoice_id, action: 'overdue_notice', before: null, after: payload });
        w.emit({ type: CREDIT_SWEEP_EVENTS.overdue, resourceType: 'invoice', resourceId: r.invoice_id, payload });
      }

      // exposure against the limit on the day, for every partner with a limit
      const ids = (
        await rowsOf<{ id: string }>(
          w.tx,
          sql`select distinct partner_id::text as id from credit_limits where tenant_id = ${t} and kind = 'limit' and effective_from <= ${day}::date`,
        )
      ).map((r) => r.id);
      const facts = ids.length ? await rowsOf<CreditFactsRow>(w.tx, creditFactsSql(t, ids, day)) : [];
      const over: { partnerId: string; details: Record<string, string | null> }[] = [];
      const within: string[] = [];
      for (const f of facts) {
        const cur = f.limit_currency ?? 'CNY';
        const exposure = dec(f.open_orders).add(f.receivables);
        const limit = f.limit_amount === null ? null : dec(f.limit_amount).add(f.temporary);
        if (limit !== null && exposure.gt(limit))
          over.push({
            partnerId: f.partner_id,
            details: {
              limit: roundMoney(limit, cur),
              baseLimit: roundMoney(f.limit_amount!, cur),
              temporary: roundMoney(f.temporary, cur),
              exposure: roundMoney(exposure, cur),
              available: roundMoney(limit.sub(exposure), cur),
              currency: cur,
            },
          });
        else within.push(f.partner_id);
      }
      const fresh = over.length
        ? await rowsOf<{ key: string }>(
            w.tx,
            sql`insert into credit_notices (tenant_id, kind, key, partner_id, noticed_on, details)
              select ${t}, 'over_limit', x.p, x.p, ${day}::date, x.d
              from jsonb_to_recordset(${JSON.stringify(over.map((o) => ({ p: o.partnerId, d: o.details })))}::jsonb) as x(p uuid, d jsonb)
              on conflict do nothing returning key::text as key`,
          )
        : [];
      const isFresh = new Set(fresh.map((r) => r.key));
      for (const o of over.filter((x) => isFresh.has(x.partnerId))) {
        const payload = { partnerId: o.partnerId, date: day, orderId: null, credit: o.details, cause: 'sweep' };
        w.audit({ resourceType: 'partner', resourceId: o.partnerId, action: 'over_limit_notice', before: null, after: payload });
        w.emit({ type: CREDIT_SWEEP_EVENTS.overLimit, resourceType: 'partner', resourceId: o.partnerId, payload });
      }
      // crossings that ended: the next one is announced again
      const cleared = within.length
        ? await rowsOf<{ key: string }>(
            w.tx,
            sql`delete from credit_notices where tenant_id = ${t} and kind = 'over_limit' and key = any(${`{${within.join(',')}}`}::uuid[]) returning key::text as key`,
          )
        : [];
      for (const c of cleared)
        w.audit({
          resourceType: 'partner',
          resourceId: c.key,
          action: 'over_limit_cleared',
          before: { overLimit: true },
          after: { overLimit: false, date: day },
        });
      return { overdue: overdue.length, overLimit: fresh.length, cleared: cleared.length };
    });
  }
}
