import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { DomainError, notFound } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  decodeCursorOf,
  keyset,
  type PageInput,
  iso,
  isUuid,
  type Page,
  partnerCondition,
  requireScope,
  requireTenantUser,
  toPage,
} from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, partnersById } from '../onboarding/contract.js';
import { checkDef, findTemplate, findVersion, fixedOrNull, READ, runRow, toDef, trimDec, type RunRow } from './evaluation.common.js';
import { rank, scorePartner, type GradeBand, type KpiDef } from './evaluation.rules.js';
import { ResultQuery, SimulationIn, type HistoryEntry, type Result, type Simulation } from './evaluation.schemas.js';
import { evaluationResults } from './evaluation.tables.js';

/**
 * Reading evaluation results: a run's results and KPIs, partners' finalised history, grade distribution, KPI
 * averages, export, and the simulation of a changed definition against a finalised run (nothing stored).
 */
export class ResultService {
  constructor(private readonly store: Store) {}

  private get db(): Db {
    return this.store.db;
  }

  /** A run's results by rank (ties by partner code; incomplete last). Partner users get only their own. */
  async listResults(actor: Actor, runId: string, input: Record<string, unknown> & PageInput): Promise<Page<Result>> {
    requireScope(actor, READ);
    const f = parseInput(ResultQuery, { complete: input.complete, grade: input.grade });
    const { run } = await runRow(this.db, actor.tenantId, runId);
    const after = decodeCursorOf(input.cursor, ['number', 'string'] as const);
    const r = evaluationResults;
    const rankKey = sql`coalesce(${r.rank}, 2147483647)`;
    const conds: (SQL | undefined)[] = [eq(r.tenantId, actor.tenantId), eq(r.runId, runId)];
    conds.push(partnerCondition(actor, r.partnerId));
    if (f.complete) conds.push(eq(r.complete, f.complete === 'true'));
    if (f.grade) conds.push(eq(r.grade, f.grade));
    const ks = keyset(input, [rankKey, sql`${r.partnerCode} collate "C"`], after);
    conds.push(ks.where);
    const rows = await this.db
      .select()
      .from(r)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    const page = toPage(rows, input, (x) => [x.rank ?? 2147483647, x.partnerCode]);
    const kpis = await kpisOf(this.store, actor.tenantId, [{ runId, partnerIds: page.items.map((x) => x.partnerId) }]);
    return { ...page, items: page.items.map((x) => toResult(run, x, kpis.get(`${runId}|${x.partnerId}`) ?? [])) };
  }

  async getResult(actor: Actor, runId: string, partnerId: string): Promise<Result> {
    requireScope(actor, READ);
    if (!canSeePartner(actor, partnerId)) throw notFound('evaluation result', partnerId);
    const { run } = await runRow(this.db, actor.tenantId, runId);
    const [x] = await this.db
      .select()
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, actor.tenantId), eq(evaluationResults.runId, runId), eq(evaluationResults.partnerId, partnerId)));
    if (!x) throw notFound('evaluation result', partnerId);
    const kpis = await kpisOf(this.store, actor.tenantId, [{ runId, partnerIds: [partnerId] }]);
    return toResult(run, x, kpis.get(`${runId}|${partnerId}`) ?? []);
  }

  // ================================================================ history and reports

  /** Finalised results of partners, newest period first (one query for all partners: loaders use it). */
  async historyOf(actor: Actor, partnerIds: readonly string[], opts: { template?: string; limit?: number } = {}): Promise<HistoryEntry[][]> {
    requireScope(actor, READ);
    const ids = [...new Set(partnerIds)].filter((p) => isUuid(p) && canSeePartner(actor, p));
    if (!ids.length) return partnerIds.map(() => []);
    let templateId: string | undefined;
    if (opts.template) templateId = (await findTemplate(this.db, actor.tenantId, opts.template)).id;
    const rows = await this.store.database.rows<{
      partner_id: string;
      run_id: string;
      period: string;
      period_start: string;
      template_id: string;
      template_code: string;
      template_version: number;
      total: string | null;
      grade: string | null;
      rank: number | null;
      complete: boolean;
      finalised_at: Date | string | null;
      n: number;
    }>(sql`
      select * from (
        select r.partner_id, r.run_id, ru.period, ru.period_start::text as period_start, ru.template_id, t.code as template_code, ru.template_version,
          r.total::text as total, r.grade, r.rank, r.complete, ru.finalised_at,
          row_number() over (partition by r.partner_id order by ru.period_start desc, ru.finalised_at desc) as n
        from evaluation_results r
        join evaluation_runs ru on ru.tenant_id = r.tenant_id and ru.id = r.run_id and ru.status = 'finalised'
        join scorecard_templates t on t.tenant_id = ru.tenant_id and t.id = ru.template_id
        where r.tenant_id = ${actor.tenantId}
          and r.partner_id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)
          ${templateId ? sql`and ru.template_id = ${templateId}::uuid` : sql``}
      ) h where n <= ${opts.limit ?? 1000}
      order by partner_id, n`);
    const by = new Map<string, HistoryEntry[]>();
    for (const r of rows) {
      const list = by.get(r.partner_id) ?? [];
      list.push({
        runId: r.run_id,
        period: r.period,
        periodStart: r.period_start,
        templateId: r.template_id,
        templateCode: r.template_code,
        templateVersion: Number(r.template_version),
        total: r.total,
        grade: r.grade,
        rank: r.rank === null ? null : Number(r.rank),
        complete: r.complete,
        finalisedAt: iso(r.finalised_at),
      });
      by.set(r.partner_id, list);
    }
    return partnerIds.map((p) => by.get(p) ?? []);
  }

  async partnerHistory(actor: Actor, partnerId: string, template?: string): Promise<HistoryEntry[]> {
    requireScope(actor, READ);
    if (!canSeePartner(actor, partnerId)) throw notFound('partner', partnerId);
    if (!(await partnersById(this.db, actor.tenantId, [partnerId])).has(partnerId)) throw notFound('partner', partnerId);
    return (await this.historyOf(actor, [partnerId], template ? { template } : {}))[0]!;
  }

  /** Network grade distribution of a run. */
  async gradeDistribution(actor: Actor, runId: string) {
    requireTenantUser(actor, READ);
    const { run } = await runRow(this.db, actor.tenantId, runId);
    const v = await findVersion(this.db, actor.tenantId, run.templateId, run.templateVersion);
    const rows = await this.store.database.rows<{ grade: string | null; n: number }>(
      sql`select grade, count(*)::int as n from evaluation_results where tenant_id = ${actor.tenantId} and run_id = ${runId}::uuid group by grade`,
    );
    const counts = new Map(rows.map((r) => [r.grade, Number(r.n)]));
    const graded = rows.filter((r) => r.grade !== null).reduce((s, r) => s + Number(r.n), 0);
    const bands = [...v.gradeBands].sort((a, b) => Number(b.min) - Number(a.min));
    return {
      runId,
      period: run.period,
      grades: bands.map((b) => {
        const n = counts.get(b.grade) ?? 0;
        return { grade: b.grade, count: n, share: graded ? ((n * 100) / graded).toFixed(2) : '0.00' };
      }),
      incomplete: counts.get(null) ?? 0,
    };
  }

  /**
   * KPI averages of a run by territory (the partner's home region code) or partner type: partners with a value,
   * average value and average score per KPI, rounded half-up to 4 decimals. One aggregate statement.
   */
  async kpiAverages(actor: Actor, runId: string, by: 'territory' | 'partner_type') {
    requireTenantUser(actor, READ);
    await runRow(this.db, actor.tenantId, runId);
    const group = by === 'territory' ? sql`p.region_code` : sql`p.type`;
    const rows = await this.store.database.rows<{ grp: string | null; kpi: string; partners: number; avg_value: string | null; avg_score: string | null }>(sql`
      select ${group} as grp, k.kpi_code as kpi, count(k.value)::int as partners,
        round(avg(k.value), 4)::text as avg_value, round(avg(k.score), 4)::text as avg_score, min(k.position) as pos
      from evaluation_result_kpis k join ${onboardingSql.partners(actor.tenantId)} p on p.id = k.partner_id
      where k.tenant_id = ${actor.tenantId} and k.run_id = ${runId}::uuid
      group by 1, 2 order by 1 nulls last, pos`);
    return rows.map((r) => ({
      group: r.grp,
      kpi: r.kpi,
      partners: Number(r.partners),
      avgValue: fixedOrNull(r.avg_value),
      avgScore: fixedOrNull(r.avg_score),
    }));
  }

  /** Every result of a run with its KPIs, by rank (for export); partner users get their own row. */
  async exportRun(actor: Actor, runId: string): Promise<{ kpiCodes: string[]; results: Result[] }> {
    requireScope(actor, READ);
    const { run } = await runRow(this.db, actor.tenantId, runId);
    const v = await findVersion(this.db, actor.tenantId, run.templateId, run.templateVersion);
    const rows = await this.db
      .select()
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, actor.tenantId), eq(evaluationResults.runId, runId), partnerCondition(actor, evaluationResults.partnerId)))
      .orderBy(sql`coalesce(${evaluationResults.rank}, 2147483647)`, sql`${evaluationResults.partnerCode} collate "C"`);
    const kpis = await kpisOf(this.store, actor.tenantId, [{ runId, partnerIds: rows.map((r) => r.partnerId) }]);
    return { kpiCodes: v.kpis.map((k) => k.code), results: rows.map((x) => toResult(run, x, kpis.get(`${runId}|${x.partnerId}`) ?? [])) };
  }

  // ================================================================ simulation

  /**
   * Re-scores a finalised run's stored KPI values under a changed definition (pure rules, nothing stored) and
   * reports which partners would change grade and rank.
   */
  async simulate(actor: Actor, input: unknown): Promise<Simulation> {
    requireTenantUser(actor, READ);
    const data = parseInput(SimulationIn, input);
    const { run } = await runRow(this.db, actor.tenantId, data.run);
    if (run.status !== 'finalised') throw new DomainError('CONFLICT', `run ${run.id} is not finalised; simulate against a finalised period`);
    const v = await findVersion(this.db, actor.tenantId, run.templateId, run.templateVersion);
    const def = toDef({ kpis: (data.kpis as unknown as KpiDef[]) ?? v.kpis, gradeBands: (data.gradeBands as unknown as GradeBand[]) ?? v.gradeBands });
    checkDef(def);
    const results = await this.db
      .select()
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, actor.tenantId), eq(evaluationResults.runId, run.id)));
    const kpiRows = await this.store.database.rows<{ partner_id: string; kpi_code: string; value: string | null; defaulted: boolean }>(
      sql`select partner_id, kpi_code, value::text as value, defaulted from evaluation_result_kpis where tenant_id = ${actor.tenantId} and run_id = ${run.id}::uuid`,
    );
    const values = new Map<string, Record<string, string | null>>();
    for (const k of kpiRows) {
      const m = values.get(k.partner_id) ?? {};
      // a defaulted value is re-derived from the (possibly changed) default
      m[k.kpi_code] = k.defaulted ? null : k.value;
      values.set(k.partner_id, m);
    }
    const scored = results.map((r) => {
      const s = scorePartner(def, values.get(r.partnerId) ?? {}, run.allowDefaults);
      return { code: r.partnerCode, partnerId: r.partnerId, before: r, total: s.total, grade: s.grade, missing: s.missing };
    });
    const ranked = rank(scored);
    let gradeChanges = 0;
    let rankChanges = 0;
    const out = ranked.map((x) => {
      const gradeChanged = x.before.grade !== x.grade;
      const rankChanged = x.before.rank !== x.rank;
      if (gradeChanged) gradeChanges++;
      if (rankChanged) rankChanges++;
      return {
        partnerId: x.partnerId,
        partnerCode: x.code,
        before: { total: x.before.total, grade: x.before.grade, rank: x.before.rank },
        after: { total: x.total, grade: x.grade, rank: x.rank },
        gradeChanged,
        rankChanged,
        missing: x.missing,
      };
    });
    return { runId: run.id, period: run.period, partners: out.length, gradeChanges, rankChanges, results: out };
  }
}

/** KPI rows of (run, partners) pairs in one query, keyed `run|partner`. */
async function kpisOf(store: Store, tenantId: string, sets: { runId: string; partnerIds: string[] }[]) {
  const pairs = sets.flatMap((s) => s.partnerIds.map((p) => ({ r: s.runId, p })));
  const out = new Map<string, Result['kpis']>();
  if (!pairs.length) return out;
  const rows = await store.database.rows<{
    run_id: string;
    partner_id: string;
    kpi_code: string;
    value: string | null;
    score: string | null;
    weight: string;
    weighted: string | null;
    defaulted: boolean;
  }>(
    sql`select k.run_id, k.partner_id, k.kpi_code, k.value::text as value, k.score::text as score, k.weight::text as weight, k.weighted::text as weighted, k.defaulted
        from evaluation_result_kpis k
        join jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x(r uuid, p uuid) on k.run_id = x.r and k.partner_id = x.p
        where k.tenant_id = ${tenantId}
        order by k.run_id, k.partner_id, k.position`,
  );
  for (const k of rows) {
    const key = `${k.run_id}|${k.partner_id}`;
    const list = out.get(key) ?? [];
    list.push({
      code: k.kpi_code,
      value: fixedOrNull(k.value),
      score: fixedOrNull(k.score),
      weight: trimDec(k.weight)!,
      weighted: fixedOrNull(k.weighted),
      defaulted: k.defaulted,
    });
    out.set(key, list);
  }
  return out;
}

function toResult(run: RunRow, x: typeof evaluationResults.$inferSelect, kpis: Result['kpis']): Result {
  return {
    runId: run.id,
    period: run.period,
    templateId: run.templateId,
    templateVersion: run.templateVersion,
    runStatus: run.status,
    partnerId: x.partnerId,
    partnerCode: x.partnerCode,
    complete: x.complete,
    missing: x.missing,
    total: x.total,
    grade: x.grade,
    rank: x.rank,
    kpis,
  };
}
