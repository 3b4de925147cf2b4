/**
 * The rep scorecard (issue 17, 直营 销售人员的业绩考核): per sales rep and period, KPIs computed from the rep's own data
 * (achievement of its sales_amount target, attributed sell-through, distinct partners sold through, growth against
 * the same period a year earlier), scored and weighted with the module's scoring rules (`scorePartner` of
 * evaluation.rules.ts: scores at 4 decimals, totals at 2, grade bands, competition ranking). The definition is one
 * per tenant (the documented default until one is stored); scorecards are computed on read in one statement over
 * the target module's per-rep monthly totals (never fact lines), so they always reflect the latest imports.
 *
 * Data scope: a credential sees the reps `organisationSql.visibleStaff` gives it (a regional manager: the reps of
 * its org subtree); partner credentials are refused.
 */
import { eq, sql } from 'drizzle-orm';
import { DomainError, invalid, validationError } from '../../platform/errors.js';
import { type Actor, decodeCursorOf, iso, offsetPage, type Page, type Period, requireTenantUser, rowsOf } from '../../platform/kernel/index.js';
import { previousYear } from '../../platform/kernel/periods.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findRep, organisationSql } from '../organisation/contract.js';
import { targetSql } from '../target/contract.js';
import { READ, WRITE } from './evaluation.common.js';
import { rank, scorePartner, validateTemplate, type GradeBand, type TemplateDef } from './evaluation.rules.js';
import {
  RepScorecardDefinitionPut,
  RepScorecardQuery,
  type RepKpiDef,
  type RepKpiKind,
  type RepScorecard,
  type RepScorecardDefinition,
} from './rep-scorecards.schemas.js';
import { repScorecardDefinitions } from './rep-scorecards.tables.js';

export const REP_SCORECARD_EVENT = 'evaluation.rep_scorecard_changed';

/** The definition used until a tenant stores its own (docs/evaluation.md "Rep scorecard"). */
export const DEFAULT_REP_SCORECARD: { kpis: RepKpiDef[]; gradeBands: GradeBand[] } = {
  kpis: [
    {
      code: 'ach',
      name: 'Target achievement',
      kind: 'achievement',
      weight: '60',
      direction: 'higher',
      scoring: { type: 'linear', floor: '50', target: '100' },
    },
    {
      code: 'growth',
      name: 'Growth on last year',
      kind: 'growth_yoy',
      weight: '20',
      direction: 'higher',
      scoring: { type: 'linear', floor: '0', target: '20' },
      defaultValue: '0',
    },
    {
      code: 'partners',
      name: 'Partners sold through',
      kind: 'partners',
      weight: '20',
      direction: 'higher',
      scoring: {
        type: 'banded',
        bands: [
          { threshold: '1', score: '50' },
          { threshold: '3', score: '80' },
          { threshold: '5', score: '100' },
        ],
      },
    },
  ],
  gradeBands: [
    { grade: 'A', min: '90' },
    { grade: 'B', min: '75' },
    { grade: 'C', min: '60' },
    { grade: 'D', min: '0' },
  ],
};

/** The rep KPIs under the module's template rules (the kind is this module's, the scoring the same). */
function asTemplate(def: { kpis: RepKpiDef[]; gradeBands: GradeBand[] }): TemplateDef {
  return {
    kpis: def.kpis.map((k) => ({
      code: k.code,
      name: k.name,
      weight: k.weight,
      direction: k.direction,
      source: 'manual' as const,
      scoring: k.scoring,
      ...(k.defaultValue !== undefined ? { defaultValue: k.defaultValue } : {}),
    })),
    gradeBands: def.gradeBands,
  };
}

/** JSON with sorted keys (jsonb does not keep the key order), to tell an unchanged definition. */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
}

interface RepRow {
  id: string;
  code: string;
  name: string;
  org_unit_id: string | null;
  amount: string;
  ly_amount: string;
  target: string | null;
  pct: string | null;
  partners: number | string;
  growth: string | null;
}

export class RepScorecardService {
  constructor(
    private readonly store: Store,
    private readonly period: (actor: Actor, label: string) => Promise<Period>,
  ) {}

  private async stored(tenantId: string, db = this.store.db) {
    const [row] = await db.select().from(repScorecardDefinitions).where(eq(repScorecardDefinitions.tenantId, tenantId));
    return row;
  }

  private toDefinition(row: typeof repScorecardDefinitions.$inferSelect | undefined): RepScorecardDefinition {
    if (!row) return { ...DEFAULT_REP_SCORECARD, note: null, version: 0, isDefault: true, updatedAt: null };
    return { kpis: row.kpis, gradeBands: row.gradeBands, note: row.note, version: row.version, isDefault: false, updatedAt: iso(row.updatedAt)! };
  }

  async getDefinition(actor: Actor): Promise<RepScorecardDefinition> {
    requireTenantUser(actor, READ);
    return this.toDefinition(await this.stored(actor.tenantId));
  }

  /** Replaces the tenant's definition (validated like a template: weights sum to 100, rules point the right way...). */
  async putDefinition(actor: Actor, input: unknown, opts: { ifMatch?: number } = {}): Promise<RepScorecardDefinition> {
    requireTenantUser(actor, WRITE);
    const data = parseInput(RepScorecardDefinitionPut, input);
    const issues = validateTemplate(asTemplate({ kpis: data.kpis, gradeBands: data.gradeBands }));
    if (issues.length) throw validationError(issues);
    if (organisationSql.visibleStaff(actor))
      throw new DomainError('FORBIDDEN', 'a credential limited by a data scope cannot change the tenant-wide rep scorecard');
    return this.store.write(actor, async (w) => {
      const before = await this.stored(w.tenantId, w.tx);
      const current = before?.version ?? 0;
      const expected = opts.ifMatch ?? data.version;
      if (expected !== undefined && expected !== current) {
        throw new DomainError(
          opts.ifMatch !== undefined ? 'PRECONDITION_FAILED' : 'VERSION_CONFLICT',
          `the rep scorecard definition is at version ${current}`,
          {
            extra: { currentVersion: current },
          },
        );
      }
      const next = { kpis: data.kpis, gradeBands: data.gradeBands, note: data.note ?? null };
      if (before && canon([before.kpis, before.gradeBands, before.note]) === canon([next.kpis, next.gradeBands, next.note])) {
        return this.toDefinition(before);
      }
      const [row] = await w.tx
        .insert(repScorecardDefinitions)
        .values({ tenantId: w.tenantId, ...next })
        .onConflictDoUpdate({
          target: repScorecardDefinitions.tenantId,
          set: { ...next, version: sql`${repScorecardDefinitions.version} + 1`, updatedAt: new Date() },
        })
        .returning();
      const after = this.toDefinition(row);
      w.audit({
        resourceType: 'rep_scorecard_definition',
        resourceId: w.tenantId,
        action: before ? 'update' : 'create',
        before: before ? this.toDefinition(before) : null,
        after,
      });
      w.emit({ type: REP_SCORECARD_EVENT, resourceType: 'rep_scorecard_definition', resourceId: w.tenantId, payload: { version: after.version } });
      return after;
    });
  }

  /**
   * The scorecards of one rep (repId) or of every rep the actor sees that is active or has a target or attributed
   * sell-through in the period, ranked. One statement for the KPI values; scoring is the module's pure rules.
   */
  private async compute(actor: Actor, p: Period, repId: string | null): Promise<RepScorecard[]> {
    const t = actor.tenantId;
    const ly = previousYear(p);
    const def = this.toDefinition(await this.stored(t));
    const scope = organisationSql.visibleStaff(actor);
    const rows = await rowsOf<RepRow>(
      this.store.db,
      sql`select r.id, r.code, r.name, r.org_unit_id, coalesce(cur.amount, 0.0000)::text as amount, coalesce(ly.amount, 0.0000)::text as ly_amount,
            tg.value::text as target, (${targetSql.achievementPct(sql`coalesce(cur.amount, 0)`, sql`tg.value`)})::text as pct,
            coalesce(cur.partners, 0) as partners,
            (case when ly.amount > 0 then round((coalesce(cur.amount, 0) - ly.amount) * 100 / ly.amount, 4) end)::text as growth
          from ${organisationSql.reps(t)} r
          left join ${targetSql.repPeriodTotals(t, p.start, p.end)} cur on cur.rep_id = r.id
          left join ${targetSql.repPeriodTotals(t, ly.start, ly.end)} ly on ly.rep_id = r.id
          left join ${targetSql.repTargets(t, p.label, 'sales_amount')} tg on tg.rep_id = r.id
          where ${repId ? sql`r.id = ${repId}::uuid` : sql`(r.active or cur.rep_id is not null or tg.rep_id is not null)`}
            ${scope ? sql`and r.id in ${scope}` : sql``}`,
    );
    const tpl = asTemplate(def);
    const kindOf = new Map(def.kpis.map((k) => [k.code, k]));
    const scored = rows.map((r) => {
      const value = (kind: RepKpiKind): string | null =>
        kind === 'achievement' ? r.pct : kind === 'sell_through_amount' ? r.amount : kind === 'partners' ? String(r.partners) : r.growth;
      const s = scorePartner(tpl, Object.fromEntries(def.kpis.map((k) => [k.code, value(k.kind)])), true);
      return {
        code: r.code,
        total: s.total,
        card: {
          repId: r.id,
          repCode: r.code,
          repName: r.name,
          orgUnitId: r.org_unit_id,
          period: p.label,
          periodStart: p.start,
          periodEnd: p.end,
          definitionVersion: def.version,
          sellThroughAmount: r.amount,
          previousYearAmount: r.ly_amount,
          target: r.target,
          achievementPct: r.pct,
          partners: Number(r.partners),
          complete: s.complete,
          missing: s.missing,
          total: s.total,
          grade: s.grade,
          rank: null as number | null,
          kpis: s.kpis.map((k) => ({ ...k, name: kindOf.get(k.code)!.name, kind: kindOf.get(k.code)!.kind })),
        } satisfies RepScorecard,
      };
    });
    return rank(scored).map((x) => ({ ...x.card, rank: x.rank }));
  }

  async forRep(actor: Actor, ref: string, input: unknown): Promise<RepScorecard> {
    requireTenantUser(actor, READ);
    const q = parseInput(RepScorecardQuery, input);
    const rep = await findRep(this.store.db, actor.tenantId, ref);
    const p = await this.period(actor, q.period);
    if (!rep) throw new DomainError('NOT_FOUND', 'sales rep was not found');
    // the rank is the rep's place in the list the caller sees; a rep outside it (inactive, nothing in the period) has none
    const card =
      (await this.compute(actor, p, null)).find((c) => c.repId === rep.id) ?? (await this.compute(actor, p, rep.id)).map((c) => ({ ...c, rank: null }))[0];
    if (!card) throw new DomainError('NOT_FOUND', 'sales rep was not found');
    return card;
  }

  /** Every visible rep's scorecard for the period, ranked (complete ones by total, then code; incomplete last). */
  async list(
    actor: Actor,
    input: { period: string; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<RepScorecard> & { start: number }> {
    requireTenantUser(actor, READ);
    const q = parseInput(RepScorecardQuery, { period: input.period });
    const offset = decodeCursorOf(input.cursor, ['number'])?.[0] ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw invalid('cursor', 'is not a cursor this endpoint issued');
    const p = await this.period(actor, q.period);
    return offsetPage(await this.compute(actor, p, null), input, offset);
  }
}
