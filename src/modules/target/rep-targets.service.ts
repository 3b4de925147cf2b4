/**
 * The direct channel's sales reps (直营 销售人员, issue 17): targets whose subject is a staff member with post
 * `sales_rep`, and achievement against the sell-through attributed to them at ingestion (kept per rep, month and
 * partner in rep_monthly_totals). A separate table beside the partner targets (which stay partner-keyed): the least
 * invasive design, with the same period parser, period locks, versioning, audit and events.
 *
 * Data scope: reps are staff, so a credential sees the reps `organisationSql.visibleStaff` gives it (its org
 * subtree, or itself for a portfolio scope); partner credentials are refused (403).
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  decodeCursorOf,
  decodeUuidCursor,
  offsetPage,
  encodeCursor,
  iso,
  type Page,
  requireTenantUser,
  rowsOf,
  toPage,
  keyset,
} from '../../platform/kernel/index.js';
import type { Period } from '../../platform/kernel/periods.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findRep, organisationSql, type RepRef } from '../organisation/contract.js';
import { targetSql } from './contract.js';
import {
  RepAchievementQuery,
  RepTargetCreate,
  RepTargetListQuery,
  RepTargetUpdate,
  type RepAchievement,
  type RepMetric,
  type RepTarget,
} from './rep-targets.schemas.js';
import { repTargets, type RepTargetRow } from './target.tables.js';
import type { TargetService } from './target.service.js';

export const REP_TARGET_EVENT = 'target.rep_target_set';

function toRepTarget(r: RepTargetRow): RepTarget {
  return {
    id: r.id,
    repId: r.repId,
    period: r.period,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    metric: r.metric,
    value: r.value,
    note: r.note,
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

const sameDecimal = (a: string, b: string) => {
  const n = (s: string) => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return n(a) === n(b);
};

/** ` and <expr> in (visible staff)`, or nothing for credentials without a data scope. */
function repScope(actor: Actor, expr: SQL): SQL {
  const v = organisationSql.visibleStaff(actor);
  return v ? sql` and ${expr} in ${v}` : sql``;
}

interface RepAchRow {
  id: string;
  code: string;
  name: string;
  org_unit_id: string | null;
  target: string | null;
  actual: string;
  pct: string | null;
  gap: string | null;
  partners: number | string;
  rank: number | string;
}

export class RepTargetService {
  constructor(
    private readonly store: Store,
    private readonly targets: TargetService,
  ) {}

  /** A rep the actor may see, by id or code; 404 otherwise (out of scope, unknown, or not a sales rep). */
  private async rep(actor: Actor, ref: string, db = this.store.db, path?: string): Promise<RepRef> {
    const r = await findRep(db, actor.tenantId, ref);
    if (r) {
      const v = organisationSql.visibleStaff(actor);
      if (!v) return r;
      const [ok] = await rowsOf<{ ok: boolean }>(db, sql`select ${r.id}::uuid in ${v} as ok`);
      if (ok?.ok) return r;
    }
    if (path) throw invalid(path, `no sales rep '${ref}'`);
    throw new DomainError('NOT_FOUND', 'sales rep was not found');
  }

  async get(actor: Actor, id: string): Promise<RepTarget> {
    requireTenantUser(actor, 'targets:read');
    const rows = await this.store.db
      .select()
      .from(repTargets)
      .where(and(eq(repTargets.tenantId, actor.tenantId), eq(repTargets.id, id), sql`true${repScope(actor, sql`${repTargets.repId}`)}`));
    if (!rows[0]) throw notFound('rep target', id);
    return toRepTarget(rows[0]);
  }

  async list(
    actor: Actor,
    input: {
      rep?: string | undefined;
      period?: string | undefined;
      metric?: RepMetric | undefined;
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
    },
  ): Promise<Page<RepTarget>> {
    requireTenantUser(actor, 'targets:read');
    const f = parseInput(RepTargetListQuery, { rep: input.rep, period: input.period, metric: input.metric });
    const conds: (SQL | undefined)[] = [eq(repTargets.tenantId, actor.tenantId), sql`true${repScope(actor, sql`${repTargets.repId}`)}`];
    // an unknown rep and one outside the caller's data scope: the same 400 naming the filter
    if (f.rep) conds.push(eq(repTargets.repId, (await this.rep(actor, f.rep, this.store.db, 'rep')).id));
    if (f.period) conds.push(eq(repTargets.period, (await this.targets.period(actor, f.period)).label));
    if (f.metric) conds.push(eq(repTargets.metric, f.metric));
    const ks = keyset(input, [repTargets.id], decodeUuidCursor(input.cursor));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(repTargets)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toRepTarget), input, (t) => [t.id]);
  }

  /** Sets a rep's target for a period and metric: 201 created; an existing one answers 409 with its id (update it). */
  async create(actor: Actor, input: unknown): Promise<RepTarget> {
    requireTenantUser(actor, 'targets:write');
    const data = parseInput(RepTargetCreate, input);
    const p = await this.targets.period(actor, data.period);
    return this.store.write(actor, async (w) => {
      const rep = await this.rep(actor, data.rep, w.tx, 'rep');
      await this.targets.assertUnlocked(w, p);
      const [existing] = await w.tx
        .select({ id: repTargets.id })
        .from(repTargets)
        .where(and(eq(repTargets.tenantId, w.tenantId), eq(repTargets.repId, rep.id), eq(repTargets.period, p.label), eq(repTargets.metric, data.metric)));
      if (existing) {
        throw new DomainError('CONFLICT', `a ${data.metric} target for this rep and period ${p.label} already exists`, {
          errors: [{ path: 'period', message: 'target already exists; update it' }],
          extra: { existingId: existing.id },
        });
      }
      const [row] = await w.tx
        .insert(repTargets)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          repId: rep.id,
          period: p.label,
          periodStart: p.start,
          periodEnd: p.end,
          metric: data.metric,
          value: data.value,
          note: data.note ?? null,
        })
        .returning();
      const t = toRepTarget(row!);
      w.audit({ resourceType: 'rep_target', resourceId: t.id, action: 'create', before: null, after: t });
      w.emit({ type: REP_TARGET_EVENT, resourceType: 'rep_target', resourceId: t.id, payload: { target: t, previousValue: null } });
      return t;
    });
  }

  async update(actor: Actor, id: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<RepTarget> {
    requireTenantUser(actor, 'targets:write');
    const patch = parseInput(RepTargetUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(repTargets)
        .where(and(eq(repTargets.tenantId, w.tenantId), eq(repTargets.id, id), sql`true${repScope(actor, sql`${repTargets.repId}`)}`))
        .for('update');
      if (!before) throw notFound('rep target', id);
      if (opts.ifMatch !== undefined && opts.ifMatch !== before.version) {
        throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the rep target is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the rep target is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      await this.targets.assertUnlocked(w, { label: before.period, start: before.periodStart, end: before.periodEnd });
      const old = toRepTarget(before);
      const changes: Partial<typeof repTargets.$inferInsert> = {};
      if (patch.value !== undefined && !sameDecimal(patch.value, before.value)) changes.value = patch.value;
      if (patch.note !== undefined && patch.note !== before.note) changes.note = patch.note;
      if (!Object.keys(changes).length) return old;
      const [row] = await w.tx
        .update(repTargets)
        .set({ ...changes, version: sql`${repTargets.version} + 1`, updatedAt: new Date() })
        .where(and(eq(repTargets.tenantId, w.tenantId), eq(repTargets.id, id)))
        .returning();
      const t = toRepTarget(row!);
      w.audit({ resourceType: 'rep_target', resourceId: t.id, action: 'update', before: old, after: t });
      w.emit({ type: REP_TARGET_EVENT, resourceType: 'rep_target', resourceId: t.id, payload: { target: t, previousValue: old.value } });
      return t;
    });
  }

  // ----- achievement

  /**
   * Achievement rows of the given reps (ids: each answers, with or without target or actual) or of every visible rep
   * with a target or an attributed actual in the period, ranked by achievement desc (nulls last), actual desc, code.
   * One statement over the per-rep monthly totals, never the fact lines.
   */
  private async compute(actor: Actor, p: Period, metric: RepMetric, ids: string[] | null, page: { limit: number; offset: number } | null) {
    const t = actor.tenantId;
    const col = sql.raw(metric === 'quantity' ? 'quantity' : 'amount');
    const idList = ids ? sql`${`{${ids.join(',')}}`}::uuid[]` : undefined;
    const q = sql`with act as (select rep_id, ${col} as v, partners from ${targetSql.repPeriodTotals(t, p.start, p.end)} a${idList ? sql` where rep_id = any(${idList})` : sql``}),
      ta as (
        select rep_id, max(target) as target, sum(actual) as actual, max(partners) as partners from (
          select rep_id, value as target, null::numeric as actual, null::int as partners from ${targetSql.repTargets(t, p.label, metric)} rt${idList ? sql` where rep_id = any(${idList})` : sql``}
          union all select rep_id, null, v, partners from act) u group by rep_id
      ),
      base as (
        select r.id, r.code, r.name, r.org_unit_id, ta.target, coalesce(ta.actual, 0.0000) as actual, coalesce(ta.partners, 0) as partners
        ${idList ? sql`from ${organisationSql.reps(t)} r left join ta on ta.rep_id = r.id where r.id = any(${idList})` : sql`from ta join ${organisationSql.reps(t)} r on r.id = ta.rep_id where true`}
        ${repScope(actor, sql`r.id`)}
      ),
      ranked as (
        select base.*, ${targetSql.achievementPct(sql`actual`, sql`target`)} as pct, target - actual as gap from base
      )
      select id, code, name, org_unit_id, target::text as target, actual::text as actual, pct::text as pct, gap::text as gap, partners,
        row_number() over (order by pct desc nulls last, actual desc, code collate "C") as rank
      from ranked order by rank ${page ? sql`limit ${page.limit} offset ${page.offset}` : sql``}`;
    return rowsOf<RepAchRow>(this.store.db, q);
  }

  private toAchievement(r: RepAchRow, p: Period, metric: RepMetric, withRank: boolean): RepAchievement {
    return {
      repId: r.id,
      repCode: r.code,
      repName: r.name,
      orgUnitId: r.org_unit_id,
      period: p.label,
      periodStart: p.start,
      periodEnd: p.end,
      metric,
      target: r.target,
      actual: r.actual,
      achievementPct: r.pct,
      gap: r.gap,
      partners: Number(r.partners),
      ...(withRank ? { rank: Number(r.rank) } : {}),
    };
  }

  async forRep(actor: Actor, ref: string, input: unknown): Promise<RepAchievement> {
    requireTenantUser(actor, 'targets:read', 'actuals:read');
    const q = parseInput(RepAchievementQuery, input);
    const rep = await this.rep(actor, ref);
    const p = await this.targets.period(actor, q.period);
    const [row] = await this.compute(actor, p, q.metric, [rep.id], null);
    if (!row) throw new DomainError('NOT_FOUND', 'sales rep was not found');
    return this.toAchievement(row, p, q.metric, false);
  }

  /** Batch for GraphQL: one statement for all reps asked (invisible or unknown ones answer null). */
  async forReps(actor: Actor, repIds: readonly string[], input: unknown): Promise<(RepAchievement | null)[]> {
    requireTenantUser(actor, 'targets:read', 'actuals:read');
    const q = parseInput(RepAchievementQuery, input);
    const p = await this.targets.period(actor, q.period);
    const ids = [...new Set(repIds)].filter((x) => /^[0-9a-f-]{36}$/i.test(x));
    const rows = ids.length ? await this.compute(actor, p, q.metric, ids, null) : [];
    const byId = new Map(rows.map((r) => [r.id, this.toAchievement(r, p, q.metric, false)]));
    return repIds.map((id) => byId.get(id) ?? null);
  }

  /** Reps with a target or an attributed actual in the period, ranked by achievement; offset cursor. */
  async ranking(
    actor: Actor,
    input: { period: string; metric?: RepMetric | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<RepAchievement> & { start: number }> {
    requireTenantUser(actor, 'targets:read', 'actuals:read');
    const q = parseInput(RepAchievementQuery, { period: input.period, metric: input.metric });
    const p = await this.targets.period(actor, q.period);
    const offset = decodeCursorOf(input.cursor, ['number'])?.[0] ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalid('cursor', 'is not a cursor this endpoint issued');
    if (input.backward) {
      // backward from a position (or from the end): the whole ranking (staff scale), then the window before it
      const all = (await this.compute(actor, p, q.metric, null, null)).map((r) => this.toAchievement(r, p, q.metric, true));
      return offsetPage(all, input, offset);
    }
    const rows = await this.compute(actor, p, q.metric, null, { limit: input.limit + 1, offset });
    const items = rows.slice(0, input.limit).map((r) => this.toAchievement(r, p, q.metric, true));
    const more = rows.length > input.limit;
    return { items, nextCursor: more ? encodeCursor([offset + input.limit]) : null, hasPreviousPage: offset > 0, hasNextPage: more, start: offset };
  }
}
