/**
 * Analytics (数据分析与决策支持): trends with year-over-year, partner share in its territory, a seasonal forecast and
 * roll-ups over a grouping tree. Read-only: every figure comes from the target module's maintained monthly totals
 * (per tenant, stream, month and partner; per product line and sale territory too for those groupings) through its
 * contract, joined set-based with onboarding's partners and territories; no fact line is read. The caller's partner confinement (`partnerSql`) applies to every query.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DomainError } from '../../platform/errors.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { Dec, formatFixed, partnerSql, PERCENT_SCALE, requireScope, visiblePartnerIds, type Actor } from '../../platform/kernel/index.js';
import { onboardingSql } from '../onboarding/contract.js';
import { targetSql, type Period, type StreamOrBasis } from '../target/contract.js';
import {
  ForecastQuery,
  PCT_SCALE,
  RollupQuery,
  SHARE_SCALE,
  ShareQuery,
  TrendQuery,
  type Forecast,
  type Rollup,
  type RollupRow,
  type ShareRow,
  type Trends,
} from './analytics.schemas.js';
import type { GroupingTree } from './contract.js';
import type { z } from 'zod';

/** The territory tree: each partner belongs to its home territory (partners.regionCode = territories.code). */
export const territoryTree: GroupingTree = {
  onePerPartner: true,
  nodes: (t) => sql`(select id::text as id, parent_id::text as parent_id, code, name from ${onboardingSql.territories(t)} tr)`,
  members: (t) =>
    sql`(select pa.id as partner_id, tr.id::text as node_id from ${onboardingSql.partners(t)} pa join ${onboardingSql.territories(t)} tr on tr.code = pa.region_code)`,
};

/** Sums of sales and targets (no currency): the fixed scale, 4 decimals (README "Decimals in JSON"). */
const canon = (v: string | null | undefined): string => formatFixed(v ?? 0);
const canonOrNull = (v: string | null | undefined): string | null => (v === null || v === undefined ? null : formatFixed(v));
/** Percentages computed from data (change, achievement): 2 decimals. */
const pctOrNull = (v: string | null | undefined): string | null => (v === null || v === undefined ? null : formatFixed(v, PERCENT_SCALE));
/** Seasonal indices multiply the level: shown at 6 decimals (computed unrounded). */
const SEASONAL_INDEX_SCALE = 6;
const monthStart = (m: string) => `${m}-01`;
/** the last day of a month (YYYY-MM) */
const monthEnd = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
const addMonths = (m: string, n: number): string => {
  const i = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/**
 * Which totals a trend or territory roll-up reads: `auto` (the target module's totals per group when the caller is
 * not confined to some partners, else the per-partner totals), or one of the two forced (tests prove they agree).
 */
export type TotalsPath = 'auto' | 'groups' | 'partners';

/** Trend groupings the target module keeps totals for (`targetSql.monthlyGroupTotals`): its `dim` and the key. */
const GROUPED: Record<z.infer<typeof TrendQuery>['by'], { dim: string; key: SQL } | null> = {
  total: { dim: 'home', key: sql`''` },
  partner_type: { dim: 'home', key: sql`g.partner_type` },
  territory: { dim: 'home', key: sql`g.group_key` },
  product_line: { dim: 'product_line', key: sql`g.group_key` },
  sale_territory: { dim: 'sale_territory', key: sql`g.group_key` },
  partner: null,
};

/** [start, end] covers whole months (periods under the fiscal year always do) */
const wholeMonths = (start: string, end: string): boolean => {
  const next = new Date(end + 'T00:00:00Z');
  next.setUTCDate(next.getUTCDate() + 1);
  return start.endsWith('-01') && next.getUTCDate() === 1;
};

function requireAnalytics(actor: Actor): void {
  requireScope(actor, 'analytics:read', 'actuals:read');
}

export class AnalyticsService {
  constructor(
    private readonly store: Store,
    private readonly period: (actor: Actor, label: string) => Promise<Period>,
    private readonly trees: Record<string, GroupingTree>,
    private readonly salesBasis?: (actor: Actor) => Promise<'sell_through' | 'sell_in'>,
  ) {}

  /**
   * Monthly totals of a stream per group, with the same month a year earlier. One statement: the months of
   * [from - 1 year, to] are aggregated once, then joined to themselves a year apart (a full join, so a month with
   * only prior-year sales still appears with amount 0).
   */
  async trends(actor: Actor, input: unknown, via: TotalsPath = 'auto'): Promise<Trends> {
    requireAnalytics(actor);
    const q = parseInput(TrendQuery, input);
    const t = actor.tenantId;
    const from = monthStart(q.from);
    const to = monthStart(q.to);
    const key = {
      total: sql`''`,
      partner: sql`mt.partner_id::text`,
      partner_type: sql`pa.type`,
      territory: sql`coalesce(pa.region_code, '')`,
      product_line: sql`coalesce(mt.product_line_id::text, '')`,
      sale_territory: sql`coalesce(mt.territory_id::text, '')`,
    }[q.by];
    // product line and sale territory are dimensions of the fact lines: read the totals kept per line and territory
    const source = q.by === 'product_line' || q.by === 'sale_territory' ? targetSql.monthlyDimTotals(t) : targetSql.monthlyTotals(t);
    const needPartner = q.by === 'partner_type' || q.by === 'territory' || q.partnerType !== undefined;
    const label = {
      total: sql`null::text as code, null::text as name from j`,
      partner: sql`pa.code, pa.legal_name as name from j left join ${onboardingSql.partners(t)} pa on pa.id::text = j.gk`,
      partner_type: sql`j.gk as code, null::text as name from j`,
      territory: sql`nullif(j.gk, '') as code, tr.name from j left join ${onboardingSql.territories(t)} tr on tr.code = j.gk`,
      product_line: sql`pl.code, pl.name from j left join ${onboardingSql.productLines(t)} pl on pl.id::text = j.gk`,
      sale_territory: sql`tr.code, tr.name from j left join ${onboardingSql.territories(t)} tr on tr.id::text = j.gk`,
    }[q.by];
    const range = (m: SQL) => sql`${m} between (${from}::date - interval '1 year')::date and ${to}::date`;
    // a group-month is reported when it has lines (a month whose lines all moved away is left out, as after a rebuild)
    const perPartner = sql`
        select ${key} as gk, mt.month, sum(mt.amount) as amount, sum(mt.quantity) as quantity, sum(mt.lines)::int as lines
        from ${source} mt
        ${needPartner ? sql`join ${onboardingSql.partners(t)} pa on pa.id = mt.partner_id` : sql``}
        where mt.stream = ${q.stream} and ${range(sql`mt.month`)}
          ${q.partnerType !== undefined ? sql`and pa.type = ${q.partnerType}` : sql``}
          ${partnerSql(actor, sql`mt.partner_id`)}
        group by 1, 2 having sum(mt.lines) <> 0`;
    // a grouping the stream does not have (sell-in by sale territory, collections by product line) is one group, key
    // null: the stream's `home` rows summed
    const lacks = (q.by === 'product_line' && q.stream === 'collection') || (q.by === 'sale_territory' && q.stream !== 'sell_through');
    const group = lacks ? { dim: 'home', key: sql`''` } : GROUPED[q.by];
    const grouped =
      group &&
      sql`
        select ${group.key} as gk, g.month, sum(g.amount) as amount, sum(g.quantity) as quantity, sum(g.lines)::int as lines
        from ${targetSql.monthlyGroupTotals(t)} g
        where g.stream = ${q.stream} and g.dim = ${group.dim} and ${range(sql`g.month`)}
          ${q.partnerType !== undefined ? sql`and g.partner_type = ${q.partnerType}` : sql``}
        group by 1, 2 having sum(g.lines) <> 0`;
    const rows = await this.store.database.rows<{
      gk: string;
      month: string;
      amount: string | null;
      quantity: string | null;
      lines: number | null;
      prior: string | null;
      change_pct: string | null;
      code: string | null;
      name: string | null;
    }>(sql`
      with ${this.monthly(actor, via, grouped, perPartner)}, j as (
        select coalesce(c.gk, p.gk) as gk, coalesce(c.month, (p.month + interval '1 year')::date) as month,
          c.amount, c.quantity, c.lines, p.amount as prior
        from (select * from m where month >= ${from}::date) c
        full join (select * from m where month <= (${to}::date - interval '1 year')::date) p
          on p.gk = c.gk and p.month = (c.month - interval '1 year')::date
      )
      select j.gk, to_char(j.month, 'YYYY-MM') as month, j.amount::text as amount, j.quantity::text as quantity, j.lines,
        j.prior::text as prior,
        case when coalesce(j.prior, 0) <> 0
          then round((coalesce(j.amount, 0) - j.prior) * 100 / abs(j.prior), ${sql.raw(String(PCT_SCALE))})::text end as change_pct,
        ${label}
      where j.month between ${from}::date and ${to}::date
      order by 1, 2`);
    return {
      stream: q.stream,
      from: q.from,
      to: q.to,
      by: q.by,
      data: rows.map((r) => {
        const amount = canon(r.amount);
        const prior = canon(r.prior);
        return {
          group: { key: r.gk === '' ? null : r.gk, code: r.code, name: r.name },
          month: r.month,
          amount,
          quantity: canon(r.quantity),
          lines: Number(r.lines ?? 0),
          priorYearAmount: prior,
          changeAmount: formatFixed(new Dec(amount).minus(prior)),
          changePct: pctOrNull(r.change_pct),
        };
      }),
    };
  }

  /**
   * The `m` CTE of a trend: monthly sums per group read from the target module's totals per group when the caller
   * sees every partner and the grouping is kept per group (`auto`), else from the per-partner totals. `groups` and
   * `partners` force one path (tests prove they agree).
   */
  private monthly(actor: Actor, via: TotalsPath, grouped: SQL | null, perPartner: SQL): SQL {
    const g = via !== 'partners' && visiblePartnerIds(actor) === undefined ? grouped : null;
    return sql`m as (${g ?? perPartner})`;
  }

  /**
   * Each partner's share of its home territory's amount, per period or per month. Largest remainder at SHARE_SCALE
   * decimals, exact integer arithmetic: every amount is scaled to units of 10^-SHARE_SCALE percent, floored
   * (`div`/`mod`, exact), and the units the floors leave short of 100 go one each to the largest remainders (ties:
   * partner code), so the shares of a territory with a positive total sum to exactly 100. The territory total
   * counts every partner of the territory; a confined caller sees only its own partners' rows. The period's
   * per-partner sums are read first, in ranges of the totals' primary keys (the quarterly totals for the whole
   * quarters of the range, the monthly for the rest: `targetSql.periodTotals`), materialised: probing the partner
   * index once per partner of the territory was chosen by the planner and cost ten times the range read.
   */
  async territoryShare(actor: Actor, input: unknown): Promise<ShareRow[]> {
    requireAnalytics(actor);
    const q = parseInput(ShareQuery, input);
    const t = actor.tenantId;
    const unit = sql.raw(String(10 ** (2 + SHARE_SCALE))); // 100 % in units of 10^-SHARE_SCALE percent
    // one territory: only its partners' totals are read (all of them: its total counts partners the caller may not see)
    const members =
      q.territory === undefined
        ? undefined
        : sql`(select pa.id from ${onboardingSql.partners(t)} pa join ${onboardingSql.territories(t)} tr on tr.code = pa.region_code
              where tr.id = ${onboardingSql.idOf('territories', t, q.territory)})`;
    const rows = await this.store.database.rows<{
      territory_id: string;
      territory_code: string;
      month: string | null;
      partner_id: string;
      partner_code: string;
      amount: string;
      total: string;
      share: string | null;
      rank: number;
    }>(sql`
      with pt as materialized (${
        q.granularity === 'month'
          ? sql`
        select mt.partner_id, mt.month, sum(mt.amount) as amount
        from ${targetSql.monthlyTotals(t)} mt
        where mt.stream = ${q.stream} and mt.month between ${monthStart(q.from)}::date and ${monthStart(q.to)}::date
        group by 1, 2`
          : sql`
        select v.partner_id, null::date as month, v.amount from ${targetSql.periodTotals(t, q.stream, monthStart(q.from), monthEnd(q.to), members)} v`
      }
      ), v as (
        select tr.id as territory_id, tr.code as territory_code, pt.month, pt.partner_id, pa.code as partner_code, pt.amount
        from pt
        join ${onboardingSql.partners(t)} pa on pa.id = pt.partner_id
        join ${onboardingSql.territories(t)} tr on tr.code = pa.region_code
        where true ${q.territory !== undefined ? sql`and tr.id = ${onboardingSql.idOf('territories', t, q.territory)}` : sql``}
      ), w as (
        select v.*, sum(amount) over (partition by territory_id, month) as total from v
      ), f as (
        select w.*, case when total > 0 then div(amount * ${unit}, total) - case when amount < 0 and mod(amount * ${unit}, total) <> 0 then 1 else 0 end end as fl
        from w
      ), r as (
        select f.*, ${unit} - sum(fl) over (partition by territory_id, month) as short,
          row_number() over (partition by territory_id, month order by amount * ${unit} - fl * total desc, partner_code) as rr,
          rank() over (partition by territory_id, month order by amount desc)::int as rank
        from f
      )
      select territory_id::text, territory_code, to_char(month, 'YYYY-MM') as month, partner_id::text, partner_code, amount::text, total::text,
        ((fl + case when rr <= short then 1 else 0 end) / ${sql.raw(String(10 ** SHARE_SCALE))})::text as share, rank
      from r where true ${partnerSql(actor, sql`partner_id`)}
      order by territory_code, month nulls first, rank, partner_code`);
    return rows.map((r) => ({
      territoryId: r.territory_id,
      territoryCode: r.territory_code,
      month: r.month,
      partnerId: r.partner_id,
      partnerCode: r.partner_code,
      amount: canon(r.amount),
      territoryAmount: canon(r.total),
      sharePct: r.share === null ? null : new Dec(r.share).toFixed(SHARE_SCALE),
      rank: Number(r.rank),
    }));
  }

  /**
   * Seasonal forecast (see FORECAST_METHOD): one statement reads the monthly series of the 12 x seasonYears months
   * ending at asOf; the rest is exact decimal arithmetic on at most 60 numbers.
   */
  async forecast(actor: Actor, input: unknown, via: TotalsPath = 'auto'): Promise<Forecast> {
    requireAnalytics(actor);
    const q = parseInput(ForecastQuery, input);
    const t = actor.tenantId;
    const n = 12 * q.seasonYears;
    const first = addMonths(q.asOf, -(n - 1));
    const months = (m: SQL) => sql`${m} between ${monthStart(first)}::date and ${monthStart(q.asOf)}::date`;
    // the network (or one partner type) for a caller who sees every partner: the `home` group totals, summed over
    // the groups (each partner is filed under exactly one home group, under its current type); one partner or a
    // confined caller: the per-partner totals
    const grouped = via !== 'partners' && q.partner === undefined && visiblePartnerIds(actor) === undefined;
    const rows = await this.store.database.rows<{ month: string; amount: string }>(
      grouped
        ? sql`
      select to_char(g.month, 'YYYY-MM') as month, sum(g.amount)::text as amount
      from ${targetSql.monthlyGroupTotals(t)} g
      where g.stream = ${q.stream} and g.dim = 'home' and ${months(sql`g.month`)}
        ${q.partnerType !== undefined ? sql`and g.partner_type = ${q.partnerType}` : sql``}
      group by 1 order by 1`
        : sql`
      select to_char(mt.month, 'YYYY-MM') as month, sum(mt.amount)::text as amount
      from ${targetSql.monthlyTotals(t)} mt
      ${q.partnerType !== undefined ? sql`join ${onboardingSql.partners(t)} pa on pa.id = mt.partner_id and pa.type = ${q.partnerType}` : sql``}
      where mt.stream = ${q.stream} and ${months(sql`mt.month`)}
        ${q.partner !== undefined ? sql`and mt.partner_id = ${onboardingSql.idOf('partners', t, q.partner)}` : sql``}
        ${partnerSql(actor, sql`mt.partner_id`)}
      group by 1 order by 1`,
    );
    const byMonth = new Map(rows.map((r) => [r.month, new Dec(r.amount)]));
    const history = Array.from({ length: n }, (_, i) => {
      const month = addMonths(first, i);
      return { month, amount: byMonth.get(month) ?? new Dec(0) };
    });
    const cal = (m: string) => Number(m.slice(5, 7));
    const total = history.reduce((s, h) => s.plus(h.amount), new Dec(0));
    const perCal = Array.from({ length: 12 }, () => new Dec(0));
    for (const h of history) perCal[cal(h.month) - 1] = perCal[cal(h.month) - 1]!.plus(h.amount);
    // SI_c = (sum of calendar month c) x 12 / (sum of all months); all 1 when the history's sum is not positive
    let si = perCal.map((s) => (total.gt(0) ? s.times(12).div(total) : new Dec(1)));
    const recent = history.slice(n - q.window);
    const recentSum = recent.reduce((s, h) => s.plus(h.amount), new Dec(0));
    let siSum = recent.reduce((s, h) => s.plus(si[cal(h.month) - 1]!), new Dec(0));
    if (siSum.lte(0)) {
      si = si.map(() => new Dec(1));
      siSum = new Dec(q.window);
    }
    const level = recentSum.div(siSum);
    const runRate = recentSum.div(q.window);
    // the decimal rule: sums and forecasts are measures at 4 decimals; the indices, factors, shown at 6
    const r4 = (d: Dec) => formatFixed(d);
    return {
      stream: q.stream,
      asOf: q.asOf,
      method: { name: 'seasonal_index_x_level', seasonYears: q.seasonYears, window: q.window, description: FORECAST_METHOD },
      history: history.map((h) => ({ month: h.month, amount: r4(h.amount) })),
      seasonalIndex: si.map((x, i) => ({ calendarMonth: i + 1, index: formatFixed(x, SEASONAL_INDEX_SCALE) })),
      level: r4(level),
      runRate: r4(runRate),
      forecast: Array.from({ length: q.horizon }, (_, i) => {
        const month = addMonths(q.asOf, i + 1);
        return { month, seasonal: r4(level.times(si[cal(month) - 1]!)), runRate: r4(runRate) };
      }),
    };
  }

  /**
   * Actual (and partner-level target, achievement) of a period rolled up a grouping tree. One recursive statement:
   * each node is paired with itself and every ancestor, each partner is attached to its node(s) and the distinct
   * (ancestor, partner) pairs are summed, so an ancestor is exactly the sum of the partners below it, each once.
   */
  async rollup(actor: Actor, input: unknown, via: TotalsPath = 'auto'): Promise<Rollup> {
    requireAnalytics(actor);
    const q = parseInput(RollupQuery, input);
    const tree = this.trees[q.tree];
    if (!tree) {
      const known = Object.keys(this.trees).join(', ');
      throw new DomainError('VALIDATION_FAILED', `tree must be one of: ${known}`, { errors: [{ path: 'tree', message: `must be one of: ${known}` }] });
    }
    // the sales basis resolved with the period (in parallel) and sent as a value: under the tenant wall (row-level
    // security) the basis subquery in the totals' predicate cannot be an index condition, and the range read of
    // the per-partner totals became a scan of the tenant's
    const [p, basis] = await Promise.all([
      this.period(actor, q.period),
      q.metric === 'collection_amount' || !this.salesBasis ? undefined : this.salesBasis(actor),
    ]);
    const t = actor.tenantId;
    const stream: StreamOrBasis = q.metric === 'collection_amount' ? 'collection' : (basis ?? 'basis');
    const col = sql.raw(q.metric === 'quantity' ? 'quantity' : 'amount');
    const rows = await this.store.database.rows<{
      id: string;
      code: string | null;
      name: string | null;
      parent_id: string | null;
      depth: number;
      partners: number;
      own_actual: string | null;
      actual: string | null;
      target: string | null;
      pct: string | null;
    }>(sql`
      with recursive nodes as (select * from ${tree.nodes(t)} n),
      up(node_id, anc_id, hops) as (
        select id, id, 0 from nodes
        union all
        select u.node_id, n.parent_id, u.hops + 1 from up u join nodes n on n.id = u.anc_id where n.parent_id is not null and u.hops < 20
      ),
      ${this.rollupResult(actor, tree, q, p, stream, col, via)}
      select id, code, name, parent_id, depth, partners, own_actual::text, actual::text, target::text,
        ${targetSql.achievementPct(sql`actual`, sql`target`)}::text as pct
      from result order by id is null, depth, code, id`);
    const toRow = (r: (typeof rows)[number]): RollupRow => ({
      nodeId: r.id ?? 'unassigned',
      code: r.code,
      name: r.name,
      parentId: r.parent_id,
      depth: Number(r.depth),
      partners: Number(r.partners),
      ownActual: canon(r.own_actual),
      actual: canon(r.actual),
      target: canonOrNull(r.target),
      achievementPct: pctOrNull(r.pct),
    });
    const loose = rows.find((r) => r.id === null);
    return {
      tree: q.tree,
      period: p.label,
      metric: q.metric,
      from: p.start,
      to: p.end,
      unassigned: loose && Number(loose.partners) > 0 ? toRow(loose) : null,
      data: rows.filter((r) => r.id !== null).map(toRow),
    };
  }

  /**
   * The roll-up's `result` CTE (after `nodes` and `up`). Per partner: each partner attached to its node(s), the
   * distinct (ancestor, partner) pairs summed. Over the territory tree, for a caller who sees every partner, the same
   * figures come from the target module's totals per home territory: each partner belongs to exactly one node (the
   * territory of its code), so a node's own actual is its group's total and an ancestor's the sum of its nodes';
   * partners and targets are counted per node from the partners and targets (no per-partner totals read).
   */
  private rollupResult(
    actor: Actor,
    tree: GroupingTree,
    q: { tree: string; metric: string },
    p: Period,
    stream: StreamOrBasis,
    col: SQL,
    via: TotalsPath,
  ): SQL {
    const t = actor.tenantId;
    // Per partner, aggregated once per node: the period's totals per partner (one range read of the per-partner
    // monthly totals), joined to the members once; each node's own sums (partners, actual, target) are then rolled
    // up the `up` pairs, O(nodes) rows. A partner attached to one node counts once in every ancestor that way; the
    // few attached to several nodes (a crafted tree) are counted by distinct (ancestor, partner) pairs instead, so an
    // ancestor is still exactly the sum of the distinct partners below it.
    // (the per-partner join is written on the base relations, not on CTEs, so the planner estimates it from their
    // statistics: joins of CTEs are guessed from default selectivities, which overestimated them a hundredfold and
    // made the statement pay seconds of JIT compilation)
    const perPartner = sql`
      pv as materialized (
        select m.partner_id is not null as member, m.node_id, coalesce(m.partner_id, v.partner_id, g.partner_id) as partner_id, v.actual, g.value
        from ${tree.members(t, p.end)} m
        full join (select partner_id, ${col} as actual from ${targetSql.periodTotals(t, stream, p.start, p.end)} v) v on v.partner_id = m.partner_id
        full join ${targetSql.partnerTargets(t, p.label, q.metric)} g on g.partner_id = coalesce(m.partner_id, v.partner_id)
      ),
      pm as materialized (${
        tree.onePerPartner
          ? sql`select x.node_id, x.partner_id, x.actual, x.value, false as multi from pv x where x.member ${partnerSql(actor, sql`x.partner_id`)}`
          : sql`select x.node_id, x.partner_id, x.actual, x.value, count(*) over (partition by x.partner_id) > 1 as multi
        from (select distinct node_id, partner_id, actual, value from pv where member) x where true ${partnerSql(actor, sql`x.partner_id`)}`
      }),
      own as (select node_id, count(*)::int as partners, sum(coalesce(actual, 0)) as actual, sum(value) as target from pm group by node_id),
      own1 as (select node_id, count(*)::int as partners, sum(coalesce(actual, 0)) as actual, sum(value) as target from pm where not multi group by node_id),
      multi as (
        select s.anc_id, count(*)::int as partners, sum(coalesce(s.actual, 0)) as actual, sum(s.value) as target
        from (select distinct u.anc_id, x.partner_id, x.actual, x.value from pm x join up u on u.node_id = x.node_id where x.multi) s
        group by s.anc_id
      ),
      agg as (
        select z.anc_id, sum(z.partners)::int as partners, sum(z.actual) as actual, sum(z.target) as target from (
          select u.anc_id, o.partners, o.actual, o.target from up u join own1 o on o.node_id = u.node_id
          union all select * from multi) z
        group by z.anc_id
      ),
      result_p as (
        select n.id, n.code, n.name, n.parent_id, (select max(hops) from up where up.node_id = n.id)::int as depth,
          coalesce(a.partners, 0) as partners, coalesce(o.actual, 0) as own_actual, coalesce(a.actual, 0) as actual, a.target
        from nodes n left join agg a on a.anc_id = n.id left join own o on o.node_id = n.id
        union all
        select null, null, null, null, 0, count(*)::int, sum(coalesce(l.actual, 0)), sum(coalesce(l.actual, 0)), sum(l.value)
        from pv l where not l.member ${partnerSql(actor, sql`l.partner_id`)}
      )`;
    const grouped = via !== 'partners' && visiblePartnerIds(actor) === undefined && tree === territoryTree && wholeMonths(p.start, p.end);
    if (!grouped) return sql`${perPartner}, result as (select * from result_p)`;
    const s = stream === 'basis' ? targetSql.salesBasis(t) : sql`${stream}`;
    const byGroups = sql`
      g_val as (
        select g.group_key, sum(g.${col}) as actual from ${targetSql.monthlyGroupTotals(t)} g
        where g.stream = ${s} and g.dim = 'home' and g.month between ${p.start}::date and ${p.end}::date group by g.group_key
      ),
      g_tg as (select partner_id, value from ${targetSql.partnerTargets(t, p.label, q.metric)} x),
      g_pn as (select pa.id as partner_id, n.id as node_id from ${onboardingSql.partners(t)} pa left join nodes n on n.code = pa.region_code),
      g_node as (
        select m.node_id, count(*)::int as partners, sum(x.value) as target
        from g_pn m left join g_tg x on x.partner_id = m.partner_id where m.node_id is not null group by m.node_id
      ),
      g_own as (select n.id as node_id, v.actual from nodes n join g_val v on v.group_key = n.code),
      g_agg as (
        select u.anc_id, sum(d.partners)::int as partners, sum(coalesce(o.actual, 0)) as actual, sum(d.target) as target
        from up u left join g_node d on d.node_id = u.node_id left join g_own o on o.node_id = u.node_id
        group by u.anc_id
      ),
      g_loose as (
        select m.partner_id from g_pn m
        where m.node_id is null and (exists (select 1 from g_tg x where x.partner_id = m.partner_id)
          or exists (select 1 from ${targetSql.monthlyTotals(t)} mt
                     where mt.partner_id = m.partner_id and mt.stream = ${s} and mt.month between ${p.start}::date and ${p.end}::date))
      ),
      result_g as (
        select n.id, n.code, n.name, n.parent_id, (select max(hops) from up where up.node_id = n.id)::int as depth,
          coalesce(a.partners, 0) as partners, coalesce(o.actual, 0) as own_actual, coalesce(a.actual, 0) as actual, a.target
        from nodes n left join g_agg a on a.anc_id = n.id left join g_own o on o.node_id = n.id
        union all
        select null, null, null, null, 0, l.n, l.actual, l.actual, l.target
        from (select (select count(*)::int from g_loose) as n,
                coalesce((select sum(v.actual) from g_val v where not exists (select 1 from nodes n where n.code = v.group_key)), 0) as actual,
                (select sum(x.value) from g_loose m join g_tg x on x.partner_id = m.partner_id) as target) l
      )`;
    return sql`${byGroups}, result as (select * from result_g)`;
  }
}

export const FORECAST_METHOD =
  'Multiplicative seasonal index times a deseasonalised level. History: the 12 x seasonYears months ending at asOf ' +
  '(missing months count 0). Seasonal index of calendar month c: SI_c = 12 x (sum of the history in month c) / (sum ' +
  'of the whole history), so the 12 indices average 1 (all 1 when the history sum is not positive). Level: the sum ' +
  'of the last `window` months divided by the sum of their indices (a deseasonalised monthly average). Forecast of ' +
  'month F: level x SI of F. For comparison, runRate: the plain average of the last `window` months, the same for ' +
  'every month. Exact decimal arithmetic (40 significant digits); forecasts, level and run-rate rounded half-up to ' +
  '4 decimals, indices shown at 6.';
