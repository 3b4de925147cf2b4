import { sql, type SQL } from 'drizzle-orm';
import { DomainError, invalid } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  decodeCursorOf,
  elapsedDays,
  encodeCursor,
  toPage,
  type Page,
  partnerSql,
  type Period,
  periodDays,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  isUuid,
  rowsOf,
  systemActor,
  today,
} from '../../platform/kernel/index.js';
import { withTenant } from '../../platform/db.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { codesToIds, findPartner, onboardingSql } from '../onboarding/contract.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
import { targetSql } from './contract.js';
import { rebuildGroupTotals, regroupChangedPartners, type TotalsStream } from './target.groups.js';
import { applyAllPending, lockStream, pendingSliceRows, STREAMS_WITH_TOTALS } from './target.ingest.js';
import type { Metric } from './target.rules.js';
import { AchievementQuery, ViolationQuery, type Achievement, type CrossRegionViolation } from './target.schemas.js';
import type { TargetService } from './target.service.js';

interface AchRow {
  id: string;
  code: string;
  legal_name: string;
  target: string | null;
  actual: string;
  pct: string | null;
  gap: string | null;
  forecast: string | null;
  forecast_pct: string | null;
  rank: string | number;
  months?: { month: string; actual: string; target: string | null; pct: string | null }[] | string | null;
}

/** a product-line or territory target's scope (none: the partner-level target) */
type Scope = { productLineId?: string; territoryId?: string };

export class ActualsService {
  constructor(
    private readonly store: Store,
    private readonly targets: TargetService,
  ) {}

  // ----- achievement

  /**
   * The metric's source: monthly totals of a stream (amount or quantity), or first-seen customers; for a
   * product-line or territory target, the fact lines of that line or territory aggregated by month. `perPartner`
   * (no month breakdown wanted): a stream's totals for the whole period, a row per partner (`perPartner: true` in
   * the answer); the other sources stay by month.
   */
  private async source(
    actor: Actor,
    metric: Metric,
    p: Period,
    ids: string[] | null,
    scope: Scope,
    perPartner: boolean,
  ): Promise<{ perPartner: boolean; sql: SQL }> {
    const t = actor.tenantId;
    const only = ids ? sql` and partner_id = any(${`{${ids.join(',')}}`}::uuid[])` : sql``;
    if (scope.productLineId || scope.territoryId) {
      const settings = await this.targets.settings(actor);
      if (scope.territoryId && settings.salesBasis !== 'sell_through') {
        throw invalid('territoryId', 'territory achievement needs the sell-through sales basis (sell-in lines carry no territory)');
      }
      const facts = targetSql.factLines(t, settings.salesBasis);
      const col = sql.raw(metric === 'quantity' ? 'quantity' : 'amount');
      // a territory counts with its descendants (a province target includes its cities)
      const cond = scope.productLineId
        ? sql`product_line_id = ${scope.productLineId}::uuid`
        : sql`territory_id in (with recursive d as (
            select id from ${onboardingSql.territories(t)} r where id = ${scope.territoryId!}::uuid
            union all select c.id from ${onboardingSql.territories(t)} c join d on c.parent_id = d.id)
          select id from d)`;
      return {
        perPartner: false,
        sql: sql`select partner_id, date_trunc('month', date)::date as month, sum(${col}) as v from ${facts} f
        where date between ${p.start}::date and ${p.end}::date and ${cond}${only} group by 1, 2`,
      };
    }
    if (metric === 'new_customers') {
      return {
        perPartner: false,
        sql: sql`select partner_id, date_trunc('month', first_date)::date as month, count(*)::numeric as v from partner_customers
        where tenant_id = ${t} and first_date between ${p.start}::date and ${p.end}::date${only} group by 1, 2`,
      };
    }
    const settings = await this.targets.settings(actor);
    const stream = metric === 'collection_amount' ? 'collection' : settings.salesBasis;
    const col = sql.raw(metric === 'quantity' ? 'quantity' : 'amount');
    if (perPartner) {
      // whole quarters from the quarterly totals, the other months from the monthly: a row per partner, fewest rows read
      const partners = ids ? sql`(select unnest(${`{${ids.join(',')}}`}::uuid[]))` : undefined;
      return { perPartner: true, sql: sql`select partner_id, ${col} as v from ${targetSql.periodTotals(t, stream, p.start, p.end, partners)} pt` };
    }
    return {
      perPartner: false,
      sql: sql`select partner_id, month, ${col} as v from ${targetSql.monthlyTotals(t)} mt
      where stream = ${stream} and month between ${p.start}::date and ${p.end}::date${only}`,
    };
  }

  /**
   * Achievement rows for the given partners (ids) or the whole network (null: partners with a target or an
   * actual in the period), ranked by achievement. One statement: aggregates over the monthly totals, never facts.
   */
  private async compute(
    actor: Actor,
    p: Period,
    metric: Metric,
    asOf: string,
    ids: string[] | null,
    page: { limit: number; offset: number; backward?: { beforeRank: number | undefined } } | null,
    withMonths: boolean,
    scope: Scope = {},
  ): Promise<AchRow[]> {
    const t = actor.tenantId;
    const elapsed = elapsedDays(p, asOf);
    const days = periodDays(p);
    const src = await this.source(actor, metric, p, ids, scope, !withMonths);
    // the target's scope as `is null` or `= value`, never `is not distinct from $n`: the planner estimates that as
    // one row whatever the data, which once made it nest-loop 10,000 targets over 10,000 partners' totals
    const targetScope = (alias: string) => {
      const col = (c: string) => sql.raw(`${alias}.${c}`);
      const line = scope.productLineId ? sql`${col('product_line_id')} = ${scope.productLineId}::uuid` : sql`${col('product_line_id')} is null`;
      const terr = scope.territoryId ? sql`${col('territory_id')} = ${scope.territoryId}::uuid` : sql`${col('territory_id')} is null`;
      return sql`${line} and ${terr}`;
    };
    const idList = ids ? sql`${`{${ids.join(',')}}`}::uuid[]` : undefined;
    const own = partnerSql(actor, sql`p.id`);
    const months = withMonths
      ? sql`, (select json_agg(json_build_object('month', to_char(g.month, 'YYYY-MM'), 'actual', coalesce(mm.v, 0.0000)::text,
              'target', mt.value::text,
              'pct', (${targetSql.achievementPct(sql`coalesce(mm.v, 0)`, sql`mt.value`)})::text) order by g.month)
            from generate_series(${p.start}::date, ${p.end}::date, interval '1 month') as g(month)
            left join (select month, sum(v) as v from m where m.partner_id = r.id group by month) mm on mm.month = g.month::date
            left join targets mt on mt.tenant_id = ${t} and mt.partner_id = r.id and mt.period = to_char(g.month, 'YYYY-MM')
              and mt.metric = ${metric} and ${targetScope('mt')}) as months`
      : sql``;
    // Targets (one per partner, period, metric and scope: targets_key_uq) and the actuals summed per partner meet in
    // a FULL join, which PostgreSQL can only run as a hash or merge join: no estimate can turn it into a nested loop.
    // Partners are then looked up by key. For given ids the partners drive (a partner without target or actual
    // still answers).
    const order = sql`pct desc nulls last, actual desc, code`;
    // a page is the top N of that order (a bounded sort), not a rank for every partner; the rank is the page's
    // offset plus the position in it. Backward: the rows ranked before a rank (or the last rows of the ranking).
    let window: { limit: SQL; offset: SQL } | null = null;
    if (page?.backward) {
      const end =
        page.backward.beforeRank !== undefined
          ? sql`least(${page.backward.beforeRank - 1}::int, (select count(*) from ranked)::int)`
          : sql`(select count(*) from ranked)::int`;
      window = {
        limit: sql`(select least(${page.limit}::int, greatest(e, 0)) from (select ${end} as e) x)`,
        offset: sql`(select greatest(e - ${page.limit}::int, 0) from (select ${end} as e) x)`,
      };
    } else if (page) window = { limit: sql`${page.limit}::int`, offset: sql`${page.offset}::int` };
    const q = sql`with m as (${src.sql}),
      a as (${src.perPartner ? sql`select partner_id, v from m` : sql`select partner_id, sum(v) as v from m group by partner_id`}),
      ta as (
        select coalesce(tg.partner_id, a.partner_id) as partner_id, tg.value as target, a.v as actual
        from (
          select partner_id, value from targets tg
          where tg.tenant_id = ${t} and tg.period = ${p.label} and tg.metric = ${metric} and ${targetScope('tg')}${idList ? sql` and tg.partner_id = any(${idList})` : sql``}
        ) tg full join a on a.partner_id = tg.partner_id
      ),
      ranked as (
        select p.id, p.code, p.legal_name, ta.target, coalesce(ta.actual, 0.0000) as actual,
          ${targetSql.achievementPct(sql`coalesce(ta.actual, 0.0000)`, sql`ta.target`)} as pct
        ${
          idList
            ? sql`from ${onboardingSql.partners(t)} p left join ta on ta.partner_id = p.id where p.id = any(${idList})`
            : sql`from ta join ${onboardingSql.partners(t)} p on p.id = ta.partner_id where true`
        }${own}
      ),
      top as (
        ${
          window
            ? sql`select w.*, ${window.offset} + row_number() over (order by ${order}) as rank
          from (select * from ranked order by ${order} limit ${window.limit} offset ${window.offset}) w`
            : sql`select ranked.*, row_number() over (order by ${order}) as rank from ranked`
        }
      ),
      calc as (
        select top.*, target - actual as gap,
          case when ${elapsed}::int > 0 then round(actual * ${days}::int / ${elapsed}::int, 4) end as forecast
        from top
      )
      select r.id, r.code, r.legal_name, r.target::text as target, r.actual::text as actual, r.pct::text as pct,
        r.gap::text as gap, r.forecast::text as forecast, (${targetSql.achievementPct(sql`r.forecast`, sql`r.target`)})::text as forecast_pct,
        r.rank${months}
      from calc r
      order by r.rank${page?.backward ? sql` desc` : sql``}`;
    return rowsOf<AchRow>(this.store.db, q);
  }

  private toAchievement(r: AchRow, p: Period, metric: Metric, asOf: string, withRank: boolean): Achievement {
    const a: Achievement = {
      partnerId: r.id,
      partnerCode: r.code,
      partnerName: r.legal_name,
      period: p.label,
      periodStart: p.start,
      periodEnd: p.end,
      metric,
      asOf,
      target: r.target,
      actual: r.actual,
      achievementPct: r.pct,
      gap: r.gap,
      elapsedDays: elapsedDays(p, asOf),
      periodDays: periodDays(p),
      forecast: r.forecast,
      forecastPct: r.forecast_pct,
    };
    if (withRank) a.rank = Number(r.rank);
    if (r.months !== undefined) {
      const months = (typeof r.months === 'string' ? JSON.parse(r.months) : r.months) ?? [];
      a.byMonth = (months as { month: string; actual: string; target: string | null; pct: string | null }[]).map((m) => ({
        month: m.month,
        target: m.target ?? null,
        actual: m.actual,
        achievementPct: m.pct ?? null,
      }));
    }
    return a;
  }

  private async args(actor: Actor, input: unknown) {
    requireScope(actor, 'actuals:read', 'targets:read');
    const q = parseInput(AchievementQuery, input);
    const p = await this.targets.period(actor, q.period);
    const asOf = q.asOf ?? today();
    if (Number.isNaN(Date.parse(asOf + 'T00:00:00Z'))) throw invalid('asOf', 'is not a date');
    const ref = async (kind: 'productLines' | 'territories', path: string, v: string | undefined) => {
      if (!v || isUuid(v)) return v;
      const id = (await codesToIds[kind](this.store.db, actor.tenantId, [v])).get(v);
      if (!id) throw invalid(path, `no ${kind === 'territories' ? 'territory' : 'product line'} '${v}'`);
      return id;
    };
    const productLineId = await ref('productLines', 'productLineId', q.productLineId);
    const territoryId = await ref('territories', 'territoryId', q.territoryId);
    const scope: Scope = { ...(productLineId ? { productLineId } : {}), ...(territoryId ? { territoryId } : {}) };
    return { p, metric: q.metric, asOf, scope };
  }

  /** One partner's achievement with its by-month breakdown. */
  async forPartner(actor: Actor, partnerId: string, input: unknown): Promise<Achievement> {
    const { p, metric, asOf, scope } = await this.args(actor, input);
    requireOwnPartner(actor, partnerId);
    const [row] = await this.compute(actor, p, metric, asOf, [partnerId], null, true, scope);
    if (!row) throw new DomainError('NOT_FOUND', `partner '${partnerId}' was not found`);
    return this.toAchievement(row, p, metric, asOf, false);
  }

  /** Batch for the GraphQL loader: one statement for all partners of a result. */
  async forPartners(actor: Actor, partnerIds: readonly string[], input: unknown): Promise<(Achievement | null)[]> {
    const { p, metric, asOf, scope } = await this.args(actor, input);
    const ids = [...new Set(partnerIds)].filter((id) => canSeePartner(actor, id));
    if (!ids.length) return partnerIds.map(() => null);
    const rows = await this.compute(actor, p, metric, asOf, ids, null, true, scope);
    const byId = new Map(rows.map((r) => [r.id, this.toAchievement(r, p, metric, asOf, false)]));
    return partnerIds.map((id) => byId.get(id) ?? null);
  }

  /**
   * The network ranked by achievement (partners with a target or an actual in the period). The cursor is a row's
   * rank (forward: the rank to continue after, an offset; backward: the rows ranked before it, in one statement too).
   */
  async network(
    actor: Actor,
    input: {
      period: string;
      metric?: Metric | undefined;
      asOf?: string | undefined;
      productLineId?: string | undefined;
      territoryId?: string | undefined;
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
    },
  ): Promise<Page<Achievement>> {
    const { limit: _l, cursor: _c, backward: _b, ...query } = input;
    const { p, metric, asOf, scope } = await this.args(actor, query);
    const offset = decodeCursorOf(input.cursor, ['number'])?.[0] ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalid('cursor', 'is not a cursor this endpoint issued');
    const page = input.backward
      ? { limit: input.limit + 1, offset: 0, backward: { beforeRank: input.cursor !== undefined ? offset : undefined } }
      : { limit: input.limit + 1, offset };
    const rows = await this.compute(actor, p, metric, asOf, null, page, false, scope);
    return toPage(
      rows.map((r) => this.toAchievement(r, p, metric, asOf, true)),
      input,
      (a) => [a.rank ?? 0],
    );
  }

  // ----- cross-region violations

  async violations(
    actor: Actor,
    input: { partner?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<CrossRegionViolation>> {
    requireScope(actor, 'actuals:read');
    const f = parseInput(ViolationQuery, { partner: input.partner, from: input.from, to: input.to });
    // a partner named by id or code (an unknown one matches nothing); partner users: within their credential
    const partner = f.partner ? ((await findPartner(this.store.db, actor.tenantId, f.partner))?.id ?? NIL_UUID) : undefined;
    if (partner) requireOwnPartner(actor, partner);
    const after = decodeCursorOf(input.cursor, ['date', 'string']);
    const t = actor.tenantId;
    const rows = await rowsOf<Record<string, string | null>>(
      this.store.db,
      sql`
      select f.external_id, f.partner_id, p.code as partner_code, f.product_id, pr.code as product_code, f.territory_id,
        tr.code as territory_code, f.customer_id, f.date::text as date, f.quantity::text as quantity, f.amount::text as amount
      from sell_through_lines f
      join ${onboardingSql.partners(t)} p on p.id = f.partner_id
      join ${onboardingSql.products(t)} pr on pr.id = f.product_id
      join ${onboardingSql.territories(t)} tr on tr.id = f.territory_id
      where f.tenant_id = ${t} and f.cross_region
        ${partner ? sql`and f.partner_id = ${partner}::uuid` : partnerSql(actor, sql`f.partner_id`)}
        ${f.from ? sql`and f.date >= ${f.from}::date` : sql``}
        ${f.to ? sql`and f.date <= ${f.to}::date` : sql``}
        ${after ? sql`and (f.date, f.external_id) > (${after[0]}::date, ${after[1]})` : sql``}
      order by f.date, f.external_id
      limit ${input.limit + 1}`,
    );
    const items = rows.slice(0, input.limit).map((r) => ({
      externalId: r.external_id!,
      partnerId: r.partner_id!,
      partnerCode: r.partner_code!,
      productId: r.product_id!,
      productCode: r.product_code!,
      territoryId: r.territory_id!,
      territoryCode: r.territory_code!,
      customerId: r.customer_id ?? null,
      date: r.date!,
      quantity: r.quantity!,
      amount: r.amount!,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? encodeCursor([last.date, last.externalId]) : null };
  }

  /**
   * Re-evaluates marked cross-region lines of a date range against the rights in force on each line's date (after
   * rights were granted: an approved cross-region request, a back-dated agreement). It only clears marks: rights
   * are dated and kept, so a line found legitimate at ingestion is never re-marked.
   */
  async recheckCrossRegion(actor: Actor, input: { from: string; to: string }): Promise<{ changed: number }> {
    requireTenantUser(actor, 'actuals:write');
    const f = parseInput(ViolationQuery, input);
    if (!f.from || !f.to) throw invalid(!f.from ? 'from' : 'to', 'is required');
    return this.store.write(actor, async (w) => {
      await lockStream(w.tx, w.tenantId, 'sell-through');
      const rows = await rowsOf<{ n: number }>(
        w.tx,
        sql`with ch as (
          update sell_through_lines f set cross_region = x.cr, updated_at = now()
          from (select s.external_id, not exists (
                  select 1 from ${onboardingSql.territoryRights(w.tenantId)} r
                  where r.partner_id = s.partner_id and r.territory_id = s.territory_id
                    and (r.product_line_id is null or r.product_line_id is not distinct from s.product_line_id)
                    and (r.product_id is null or r.product_id = s.product_id)
                    and (r.valid_from is null or r.valid_from <= s.date) and (r.valid_to is null or r.valid_to >= s.date)) as cr
                from sell_through_lines s where s.tenant_id = ${w.tenantId} and s.cross_region
                  and s.date between ${f.from}::date and ${f.to}::date) x
          where f.tenant_id = ${w.tenantId} and f.external_id = x.external_id and f.cross_region and not x.cr
          returning 1) select count(*)::int as n from ch`,
      );
      const changed = Number(rows[0]?.n ?? 0);
      w.audit({ resourceType: 'cross_region', resourceId: `${f.from}..${f.to}`, action: 'recheck', before: null, after: { changed } });
      return { changed };
    });
  }

  /**
   * Rebuilds the monthly totals (per partner, per partner and dimension, per group), the quarterly ones and first-seen customers of the
   * tenant from the fact tables (repair, bulk loads).
   */
  async rebuildTotals(actor: Actor): Promise<{ months: number }> {
    requireTenantUser(actor, 'actuals:write');
    return this.store.write(actor, async (w) => {
      const t = w.tenantId;
      // every stream's facts and totals (an import's batches and its applies wait)
      await lockStream(w.tx, t, STREAMS_WITH_TOTALS, 'both');
      // deltas an import has not applied yet are in the facts: the totals rebuilt from the facts include them
      await w.tx.execute(sql`delete from actual_pending_deltas where tenant_id = ${t}`);
      await w.tx.execute(sql`delete from actual_monthly_totals where tenant_id = ${t}`);
      await w.tx.execute(sql`delete from partner_customers where tenant_id = ${t}`);
      await w.tx.execute(sql`insert into actual_monthly_totals (tenant_id, stream, partner_id, month, amount, quantity, lines)
        select ${t}, 'sell_through', partner_id, date_trunc('month', date)::date, sum(amount), sum(quantity), count(*) from sell_through_lines where tenant_id = ${t} group by 3, 4
        union all
        select ${t}, 'sell_in', partner_id, date_trunc('month', date)::date, sum(amount), sum(quantity), count(*) from sell_in_lines where tenant_id = ${t} group by 3, 4
        union all
        select ${t}, 'collection', partner_id, date_trunc('month', date)::date, sum(amount), 0, count(*) from collections where tenant_id = ${t} group by 3, 4
        order by 2, 4, 3`);
      // written in the order readers take them (a stream's month or quarter for every partner): a period's rows fill
      // few pages, where the aggregate's hash order would spread a quarter's 10,000 rows over thousands
      await w.tx.execute(sql`delete from actual_quarterly_totals where tenant_id = ${t}`);
      await w.tx.execute(sql`insert into actual_quarterly_totals (tenant_id, stream, partner_id, quarter, amount, quantity, lines)
        select ${t}, stream, partner_id, date_trunc('quarter', month)::date, sum(amount), sum(quantity), sum(lines)
        from actual_monthly_totals where tenant_id = ${t} group by 2, 3, 4 order by 2, 4, 3`);
      await w.tx.execute(sql`delete from actual_monthly_dim_totals where tenant_id = ${t}`);
      await w.tx
        .execute(sql`insert into actual_monthly_dim_totals (tenant_id, stream, partner_id, month, product_line_id, territory_id, amount, quantity, lines)
        select ${t}, 'sell_through', partner_id, date_trunc('month', date)::date, product_line_id, territory_id, sum(amount), sum(quantity), count(*) from sell_through_lines where tenant_id = ${t} group by 3, 4, 5, 6
        union all
        select ${t}, 'sell_in', partner_id, date_trunc('month', date)::date, product_line_id, null::uuid, sum(amount), sum(quantity), count(*) from sell_in_lines where tenant_id = ${t} group by 3, 4, 5
        union all
        select ${t}, 'collection', partner_id, date_trunc('month', date)::date, null::uuid, null::uuid, sum(amount), 0, count(*) from collections where tenant_id = ${t} group by 3, 4`);
      // the group totals from the per-partner totals just rebuilt, every partner filed under its current attributes
      await rebuildGroupTotals(w.tx, t);
      // sell-through attributed to sales reps (issue 17)
      await w.tx.execute(sql`delete from rep_monthly_totals where tenant_id = ${t}`);
      await w.tx.execute(sql`insert into rep_monthly_totals (tenant_id, rep_id, month, partner_id, amount, quantity, lines)
        select ${t}, rep_id, date_trunc('month', date)::date, partner_id, sum(amount), sum(quantity), count(*) from sell_through_lines
         where tenant_id = ${t} and rep_id is not null group by 2, 3, 4`);
      await w.tx.execute(sql`insert into partner_customers (tenant_id, partner_id, customer_id, first_date)
        select ${t}, partner_id, customer_id, min(date) from sell_through_lines where tenant_id = ${t} and customer_id is not null group by 2, 3`);
      const [r] = await rowsOf<{ n: number }>(w.tx, sql`select count(*)::int as n from actual_monthly_totals where tenant_id = ${t}`);
      w.audit({ resourceType: 'actual_totals', resourceId: t, action: 'rebuild', before: null, after: { months: Number(r?.n ?? 0) } });
      return { months: Number(r?.n ?? 0) };
    });
  }
  /**
   * The recovery sweep of deferred totals (the `totals-pending` scheduled job, whose first round runs when a server
   * or worker starts): applies the deltas that import batches committed but their import did not apply (the process
   * died before its end), per tenant and stream, each under the stream's totals lock in its own transaction. Safe
   * concurrently with imports and other sweeps (the rows applied are the rows deleted). An import in progress may
   * have its deltas applied early: the totals only catch up sooner. Answers the rows applied.
   */
  async applyPendingTotals(): Promise<{ rows: number }> {
    const due = await this.store.database.rows<{ tenant_id: string; stream: TotalsStream }>(
      sql`select distinct tenant_id, stream from actual_pending_deltas order by tenant_id, stream`,
    );
    let rows = 0;
    for (const { tenant_id, stream } of due) {
      const actor = systemActor(tenant_id, 'totals-pending');
      rows += await applyAllPending((fn) => this.store.write(actor, fn), stream, pendingSliceRows(this.store));
    }
    return { rows };
  }

  /**
   * Moves the group totals of partners whose type or home territory changed since their totals were filed to their
   * new groups (target.groups.ts), under the streams' totals locks: a repair after partners were changed behind the API
   * (bulk SQL), like `totals:rebuild`. Changes through onboarding's API regroup in their own transaction.
   */
  async regroupPartners(actor: Actor): Promise<{ partners: number }> {
    requireTenantUser(actor, 'actuals:write');
    return this.store.write(actor, async (w) => ({ partners: await this.regroupInWork(w) }));
  }

  /**
   * The same in a caller's transaction: onboarding's PartnerAttributesListener port (wired by the composition root),
   * called in the transaction that changed partners' type or home territory, so the group totals never lag. Takes
   * the streams' totals locks (an apply of pending deltas in progress finishes first; applies then see the new
   * filing; import batches write no total and go on). `partnerIds`:
   * only those partners are compared with their filing (the listener's case: cost proportional to the partners
   * changed); absent, every partner of the tenant (the repair).
   */
  readonly regroupInWork = async (w: Work, partnerIds?: readonly string[]): Promise<number> => {
    const t = w.tenantId;
    if (partnerIds !== undefined && partnerIds.length === 0) return 0;
    // the totals' locks: an apply of pending deltas in progress finishes first, and files the partners it meets under
    // their attributes then (import batches write no total: they go on)
    await lockStream(w.tx, t, STREAMS_WITH_TOTALS, 'totals');
    const partners = await regroupChangedPartners(w.tx, t, partnerIds);
    if (partners) w.audit({ resourceType: 'actual_totals', resourceId: t, action: 'regroup', before: null, after: { partners } });
    return partners;
  };

  /** Whether some partner's group totals are filed under another type or home territory than its current one. */
  async groupsStale(tenantId: string): Promise<boolean> {
    const rows = await withTenant(tenantId, () =>
      this.store.database.rows<{ stale: boolean }>(
        sql`select not (${targetSql.groupTotalsCurrent(tenantId, 'sell_in')} and ${targetSql.groupTotalsCurrent(tenantId, 'sell_through')}
          and ${targetSql.groupTotalsCurrent(tenantId, 'collection')}) as stale`,
      ),
    );
    return rows[0]?.stale === true;
  }
}
