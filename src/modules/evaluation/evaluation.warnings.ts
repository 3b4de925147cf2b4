import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { systemActor } from '../../platform/actor.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  canon,
  decodeCursorOf,
  decodeUuidCursor,
  isUuid,
  iso,
  keyset,
  type Page,
  type PageInput,
  partnerCondition,
  requireScope,
  requireTenantUser,
  today,
  toPage,
} from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql } from '../onboarding/contract.js';
import { ordersSql } from '../orders/contract.js';
import { policySql } from '../policy/contract.js';
import { targetSql } from '../target/contract.js';
import type { PeriodRange } from './evaluation.rules.js';
import { WarningCheckIn, WarningListQuery, WarningRuleCreate, type Warning, type WarningCheckResult, type WarningRule } from './evaluation.schemas.js';
import { evaluationWarningRules, evaluationWarnings, type WarningKind } from './evaluation.tables.js';

type RuleRow = typeof evaluationWarningRules.$inferSelect;

function toRule(r: RuleRow): WarningRule {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    kind: r.kind,
    // definitions echo what was written, canonical (the decimal rule): "50", not the stored "50.0000"
    threshold: canon(r.threshold),
    minElapsedPct: canon(r.minElapsedPct),
    active: r.active,
    createdAt: iso(r.createdAt)!,
  };
}

/** The calendar quarter a date is in. */
const quarterOf = (d: string) => `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;

/**
 * The partners whose condition holds now, per rule: (rule_id, partner_id, value). One statement per check,
 * set-based over the target module's facts and the policy module's violations, read through their contracts.
 */
function conditionsSql(tenantId: string, rules: RuleRow[], p: PeriodRange, asOf: string): SQL {
  const t = tenantId;
  const upto = asOf < p.end ? asOf : p.end;
  const days = sql`(${p.end}::date - ${p.start}::date + 1)`;
  const elapsed = sql`greatest(least(${asOf}::date, ${p.end}::date) - ${p.start}::date + 1, 0)`;
  const active = onboardingSql.partners(t);
  const branches: SQL[] = rules.map((r) => {
    const id = sql`${r.id}::uuid`;
    const x = sql`${r.threshold}::numeric`;
    switch (r.kind as WarningKind) {
      case 'achievement_behind_run_rate':
        // expected to date = target x elapsed / days; alert when actual (sales basis) < threshold % of it
        return sql`select ${id} as rule_id, q.partner_id, q.value from (
            select tg.partner_id, round(coalesce(a.amount, 0) * 100 / (tg.value * ${elapsed} / ${days}), 4) as value
            from ${targetSql.partnerTargets(t, p.label, 'sales_amount')} tg
            join ${active} pa on pa.id = tg.partner_id and pa.status = 'active'
            left join ${targetSql.periodTotals(t, 'basis', p.start, upto)} a on a.partner_id = tg.partner_id
            where tg.value > 0 and ${elapsed} * 100 >= ${r.minElapsedPct}::numeric * ${days}
          ) q where q.value < ${x}`;
      case 'collections_overdue':
        // partners with orders' invoices: the unpaid balance on asOf of invoices due at least threshold days before it
        // (orders' receivables, collections allocated by then); other partners: sell-in invoiced on or before
        // asOf - threshold days, minus every collection up to asOf
        return sql`select ${id}, q.partner_id, q.value from (
            select si.partner_id, si.v - coalesce(c.v, 0) as value
            from (select partner_id, sum(amount) as v from ${targetSql.factLines(t, 'sell_in')} f where f.date <= ${asOf}::date - ${r.threshold}::numeric::int group by partner_id) si
            join ${active} pa on pa.id = si.partner_id and pa.status = 'active'
            left join (select partner_id, sum(amount) as v from ${targetSql.factLines(t, 'collection')} f where f.date <= ${asOf}::date group by partner_id) c on c.partner_id = si.partner_id
            where not exists (select 1 from ${ordersSql.receivablesOn(t, asOf)} rx where rx.partner_id = si.partner_id)
            union all
            select rv.partner_id, sum(rv.balance) filter (where rv.due_on <= ${asOf}::date - ${r.threshold}::numeric::int) as value
            from ${ordersSql.receivablesOn(t, asOf)} rv
            join ${active} pa on pa.id = rv.partner_id and pa.status = 'active'
            group by rv.partner_id
          ) q where q.value > 0`;
      case 'inventory_days_above':
        return sql`select ${id}, q.partner_id, q.value from (
            select st.partner_id, round(inv.quantity_on_hand * ${elapsed} / st.quantity, 4) as value
            from ${targetSql.periodTotals(t, 'sell_through', p.start, upto)} st
            join ${active} pa on pa.id = st.partner_id and pa.status = 'active'
            join ${targetSql.latestInventory(t, p.start, upto)} inv on inv.partner_id = st.partner_id
            where st.quantity > 0
          ) q where q.value > ${x}`;
      case 'new_violation':
        return sql`select ${id}, q.partner_id, q.value from (
            select partner_id, count(*)::numeric as value from (
              select partner_id from ${policySql.violations(t)} v where v.observed_on between ${p.start}::date and ${upto}::date
              union all
              select partner_id from ${targetSql.factLines(t, 'sell_through')} l where l.cross_region and l.date between ${p.start}::date and ${upto}::date
            ) v group by partner_id
          ) q join ${active} pa on pa.id = q.partner_id and pa.status = 'active'
          where q.value > ${x}`;
      default:
        throw new DomainError('INTERNAL', `unknown warning kind ${r.kind as string}`);
    }
  });
  return sql.join(branches, sql` union all `);
}

export class WarningService {
  constructor(
    private readonly store: Store,
    private readonly period: (actor: Actor, label: string) => Promise<PeriodRange>,
  ) {}

  async createRule(actor: Actor, input: unknown): Promise<WarningRule> {
    requireTenantUser(actor, 'evaluations:write');
    const data = parseInput(WarningRuleCreate, input);
    if (data.kind === 'collections_overdue' && !/^\d+$/.test(data.threshold)) throw invalid('threshold', 'collections_overdue takes a whole number of days');
    return this.store.write(actor, async (w) => {
      const [dup] = await w.tx
        .select({ id: evaluationWarningRules.id })
        .from(evaluationWarningRules)
        .where(and(eq(evaluationWarningRules.tenantId, w.tenantId), eq(evaluationWarningRules.code, data.code)));
      if (dup)
        throw new DomainError('CONFLICT', `A warning rule with code '${data.code}' already exists`, { errors: [{ path: 'code', message: 'is already used' }] });
      const [row] = await w.tx
        .insert(evaluationWarningRules)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          code: data.code,
          name: data.name,
          kind: data.kind,
          threshold: data.threshold,
          ...(data.minElapsedPct ? { minElapsedPct: data.minElapsedPct } : {}),
        })
        .returning();
      const out = toRule(row!);
      w.audit({ resourceType: 'evaluation_warning_rule', resourceId: out.id, action: 'create', before: null, after: out });
      return out;
    });
  }

  async listRules(actor: Actor): Promise<WarningRule[]> {
    requireTenantUser(actor, 'evaluations:read');
    const rows = await this.store.db
      .select()
      .from(evaluationWarningRules)
      .where(eq(evaluationWarningRules.tenantId, actor.tenantId))
      .orderBy(asc(evaluationWarningRules.code));
    return rows.map(toRule);
  }

  /** One warning rule by the tenant's code. */
  async ruleByCode(actor: Actor, code: string): Promise<WarningRule> {
    const r = (await this.listRules(actor)).find((x) => x.code === code);
    if (!r) throw notFound('Warning rule', code);
    return r;
  }

  /** One warning rule by id (GraphQL `earlyWarningRule`). */
  async ruleById(actor: Actor, id: string): Promise<WarningRule> {
    requireTenantUser(actor, 'evaluations:read');
    const [row] = isUuid(id)
      ? await this.store.db
          .select()
          .from(evaluationWarningRules)
          .where(and(eq(evaluationWarningRules.tenantId, actor.tenantId), eq(evaluationWarningRules.id, id)))
      : [];
    if (!row) throw notFound('Warning rule', id);
    return toRule(row);
  }

  /** Warning rules by code, a page at a time (the GraphQL connection; REST lists them all). */
  async pageRules(actor: Actor, input: PageInput): Promise<Page<WarningRule>> {
    requireTenantUser(actor, 'evaluations:read');
    const ks = keyset(input, [evaluationWarningRules.code], decodeCursorOf(input.cursor, ['string'] as const));
    const rows = await this.store.db
      .select()
      .from(evaluationWarningRules)
      .where(and(eq(evaluationWarningRules.tenantId, actor.tenantId), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toRule), input, (r) => [r.code]);
  }

  /**
   * The scheduled job `evaluation-warnings`: `check` for the current quarter in every tenant with an active rule,
   * each as the system actor of its tenant. One tenant's failure (e.g. no period of that label) does not hold up
   * the others; the failures are thrown together at the end.
   */
  async checkAllTenants(): Promise<void> {
    const tenants = await this.store.database.rows<{ tenant_id: string }>(
      sql`select distinct tenant_id from ${evaluationWarningRules} where active order by tenant_id`,
    );
    const failed: unknown[] = [];
    for (const { tenant_id } of tenants) await this.check(systemActor(tenant_id, 'warnings-check'), {}).catch((e: unknown) => failed.push(e));
    if (failed.length) throw new AggregateError(failed, `warning checks failed for ${failed.length} tenant(s)`);
  }

  /**
   * Evaluates every active rule for a period as of a date: opens an alert for each partner whose condition holds
   * and has none open (warning.opened), refreshes open ones, closes those whose condition cleared
   * (warning.closed). Safe to run concurrently and repeatedly (a partial unique index keeps one open alert).
   * A scheduler calls this with a system actor per tenant.
   */
  async check(actor: Actor, input: unknown = {}): Promise<WarningCheckResult> {
    requireTenantUser(actor, 'evaluations:write');
    const data = parseInput(WarningCheckIn, input);
    const asOf = data.asOf ?? today();
    const p = await this.period(actor, data.period ?? quarterOf(asOf));
    return this.store.write(actor, async (w) => {
      const rules = await w.tx
        .select()
        .from(evaluationWarningRules)
        .where(and(eq(evaluationWarningRules.tenantId, w.tenantId), eq(evaluationWarningRules.active, true)));
      const db = this.store.database;
      const t = w.tenantId;
      await w.tx.execute(sql`create temporary table if not exists evaluation_warning_now (rule_id uuid, partner_id uuid, value numeric) on commit drop`);
      await w.tx.execute(sql`delete from evaluation_warning_now`);
      if (rules.length) await w.tx.execute(sql`insert into evaluation_warning_now (rule_id, partner_id, value) ${conditionsSql(t, rules, p, asOf)}`);
      // new alerts get application ids (UUIDv7); a concurrent check that opened the same alert first wins
      const fresh = await db.rows<{ rule_id: string; partner_id: string; value: string | null }>(
        sql`select n.rule_id, n.partner_id, n.value::text as value from evaluation_warning_now n
            where not exists (select 1 from evaluation_warnings ew where ew.tenant_id = ${t} and ew.status = 'open' and ew.period = ${p.label}
                              and ew.rule_id = n.rule_id and ew.partner_id = n.partner_id)`,
        w.tx,
      );
      const opened = fresh.length
        ? await db.rows<{ id: string }>(
            sql`insert into evaluation_warnings (tenant_id, id, rule_id, partner_id, period, status, value, opened_as_of)
                select ${t}, x.id, x.rule_id, x.partner_id, ${p.label}, 'open', x.value, ${asOf}::date
                from jsonb_to_recordset(${JSON.stringify(fresh.map((f) => ({ ...f, id: uuidv7() })))}::jsonb) as x(id uuid, rule_id uuid, partner_id uuid, value numeric)
                on conflict (tenant_id, rule_id, partner_id, period) where status = 'open' do nothing
                returning id`,
            w.tx,
          )
        : [];
      const openedIds = new Set(opened.map((o) => o.id));
      await w.tx.execute(sql`update evaluation_warnings ew set value = n.value, last_checked_at = now()
        from evaluation_warning_now n
        where ew.tenant_id = ${t} and ew.status = 'open' and ew.period = ${p.label} and ew.rule_id = n.rule_id and ew.partner_id = n.partner_id`);
      const closed = await db.rows<{ id: string }>(
        sql`update evaluation_warnings ew set status = 'closed', closed_at = now(), closed_as_of = ${asOf}::date, last_checked_at = now()
            where ew.tenant_id = ${t} and ew.status = 'open' and ew.period = ${p.label}
              and not exists (select 1 from evaluation_warning_now n where n.rule_id = ew.rule_id and n.partner_id = ew.partner_id)
            returning ew.id`,
        w.tx,
      );
      const touched = await this.byIds(t, [...openedIds, ...closed.map((c) => c.id)], w.tx);
      const openedOut = touched.filter((x) => openedIds.has(x.id));
      const closedOut = touched.filter((x) => !openedIds.has(x.id));
      for (const x of openedOut) {
        w.emit({ type: 'warning.opened', resourceType: 'evaluation_warning', resourceId: x.id, payload: { warning: x } });
        w.audit({ resourceType: 'evaluation_warning', resourceId: x.id, action: 'open', before: null, after: { status: 'open', value: x.value } });
      }
      for (const x of closedOut) {
        w.emit({ type: 'warning.closed', resourceType: 'evaluation_warning', resourceId: x.id, payload: { warning: x } });
        w.audit({ resourceType: 'evaluation_warning', resourceId: x.id, action: 'close', before: { status: 'open' }, after: { status: 'closed' } });
      }
      const [still] = await db.rows<{ n: number }>(
        sql`select count(*)::int as n from evaluation_warnings where tenant_id = ${t} and status = 'open' and period = ${p.label}`,
        w.tx,
      );
      return { period: p.label, asOf, opened: openedOut, closed: closedOut, stillOpen: Number(still!.n) };
    });
  }

  private select(tenantId: string, tx = this.store.db) {
    const ew = evaluationWarnings;
    return tx
      .select({
        w: ew,
        rule: evaluationWarningRules,
        partnerCode: sql<string>`(select p.code from ${onboardingSql.partners(tenantId)} p where p.id = ${ew.partnerId})`,
      })
      .from(ew)
      .innerJoin(evaluationWarningRules, and(eq(evaluationWarningRules.tenantId, ew.tenantId), eq(evaluationWarningRules.id, ew.ruleId)));
  }

  private async byIds(tenantId: string, ids: string[], tx = this.store.db): Promise<Warning[]> {
    if (!ids.length) return [];
    const rows = await this.select(tenantId, tx).where(
      and(
        eq(evaluationWarnings.tenantId, tenantId),
        sql`${evaluationWarnings.id} in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
      ),
    );
    return rows.map(toWarning);
  }

  async list(actor: Actor, input: Record<string, unknown> & PageInput): Promise<Page<Warning>> {
    requireScope(actor, 'evaluations:read');
    const f = parseInput(WarningListQuery, { status: input.status, partnerId: input.partnerId, period: input.period });
    const after = decodeUuidCursor(input.cursor);
    const ew = evaluationWarnings;
    const conds: (SQL | undefined)[] = [eq(ew.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, ew.partnerId));
    if (f.status) conds.push(eq(ew.status, f.status));
    if (f.partnerId) conds.push(eq(ew.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partnerId)));
    if (f.period) conds.push(eq(ew.period, f.period));
    const ks = keyset(input, [ew.id], after);
    conds.push(ks.where);
    const rows = await this.select(actor.tenantId)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toWarning), input, (x) => [x.id]);
  }
}

function toWarning(r: { w: typeof evaluationWarnings.$inferSelect; rule: RuleRow; partnerCode: string }): Warning {
  return {
    id: r.w.id,
    ruleId: r.w.ruleId,
    ruleCode: r.rule.code,
    kind: r.rule.kind,
    partnerId: r.w.partnerId,
    partnerCode: r.partnerCode,
    period: r.w.period,
    status: r.w.status,
    value: r.w.value,
    threshold: canon(r.rule.threshold),
    openedAt: iso(r.w.openedAt)!,
    openedAsOf: r.w.openedAsOf,
    lastCheckedAt: iso(r.w.lastCheckedAt)!,
    closedAt: iso(r.w.closedAt),
    closedAsOf: r.w.closedAsOf,
  };
}
