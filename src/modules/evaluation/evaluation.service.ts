import { and, asc, desc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { requireScope, type Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, notFound, toDomainError, validationError, type FieldError } from '../../platform/errors.js';
import type { ImportSpec, RowError } from '../../platform/imports.js';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { partners } from '../onboarding/partners.tables.js';
import type { OnboardingServices } from '../onboarding/index.js';
import type { TargetServices } from '../target/index.js';
import {
  calendarPeriod,
  conditionMet,
  KPI_KINDS,
  nextTier,
  rank,
  scorePartner,
  validateTemplate,
  type ActionCondition,
  type GradeBand,
  type KpiDef,
  type KpiKind,
  type PeriodRange,
  type TemplateDef,
} from './evaluation.rules.js';
import {
  ActionListQuery,
  ActionRuleCreate,
  ManualValueImportRow,
  ManualValueQuery,
  ManualValuesPut,
  ResultQuery,
  RunCreate,
  RunListQuery,
  SimulationIn,
  TemplateCreate,
  TemplateUpdate,
  type Action,
  type ActionRule,
  type HistoryEntry,
  type ManualValue,
  type Result,
  type Run,
  type Simulation,
  type Template,
  type TemplateVersion,
} from './evaluation.schemas.js';
import { insertResultKpisSql, insertResultsSql, type ComputedSource } from './evaluation.sql.js';
import {
  evaluationActionRules,
  evaluationActions,
  evaluationManualValues,
  evaluationResultKpis,
  evaluationResults,
  evaluationRuns,
  scorecardTemplates,
  scorecardTemplateVersions,
} from './evaluation.tables.js';

export const EVALUATION_EVENTS = {
  finalised: 'evaluation.finalised',
  actionAccepted: 'evaluation.action_accepted',
  warningOpened: 'warning.opened',
  warningClosed: 'warning.closed',
} as const;

const READ = 'evaluations:read';
const WRITE = 'evaluations:write';

/** Templates, runs and actions are the tenant's; partner users only read their own results. */
function requireTenantUser(actor: Actor) {
  if (actor.partnerId) throw new DomainError('FORBIDDEN', 'Partner users can read only their own evaluation results');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** Normalises a definition from input (numbers to strings, optional keys dropped). */
function toDef(input: { kpis: KpiDef[]; gradeBands: GradeBand[] }): TemplateDef {
  return {
    kpis: input.kpis.map((k) => {
      const out: KpiDef = { code: k.code, name: k.name, weight: k.weight, direction: k.direction, source: k.source, scoring: k.scoring };
      if (k.kind) out.kind = k.kind;
      if (k.defaultValue !== undefined) out.defaultValue = k.defaultValue;
      if (k.scoring.type === 'linear') {
        out.scoring = { type: 'linear', floor: k.scoring.floor, target: k.scoring.target, ...(k.scoring.cap !== undefined ? { cap: k.scoring.cap } : {}) };
      } else {
        out.scoring = { type: 'banded', bands: k.scoring.bands.map((b) => ({ threshold: b.threshold, score: b.score })), ...(k.scoring.otherwise !== undefined ? { otherwise: k.scoring.otherwise } : {}) };
      }
      return out;
    }),
    gradeBands: input.gradeBands.map((b) => ({ grade: b.grade, min: b.min })),
  };
}

function checkDef(def: TemplateDef) {
  const issues = validateTemplate(def);
  if (issues.length) throw validationError(issues);
}

type VersionRow = typeof scorecardTemplateVersions.$inferSelect;
type TemplateRow = typeof scorecardTemplates.$inferSelect;
type RunRow = typeof evaluationRuns.$inferSelect;

function toVersion(v: VersionRow): TemplateVersion {
  return { versionNo: v.versionNo, kpis: v.kpis, gradeBands: v.gradeBands, note: v.note, used: v.usedAt !== null, createdAt: iso(v.createdAt)! };
}

function toTemplate(t: TemplateRow, v: VersionRow): Template {
  return { id: t.id, code: t.code, name: t.name, latestVersion: t.latestVersion, version: t.version, current: toVersion(v), createdAt: iso(t.createdAt)!, updatedAt: iso(t.updatedAt)! };
}

export interface EvaluationDeps {
  onboarding: OnboardingServices;
  target?: TargetServices;
  /** SQL for computed KPIs (the target and policy modules' facts); absent kinds make runs refuse such templates */
  computed?: { kinds: readonly KpiKind[]; source: ComputedSource };
}

export class EvaluationService {
  constructor(
    private readonly store: Store,
    private readonly deps: EvaluationDeps,
  ) {}

  private get db(): Db {
    return this.store.db;
  }

  /** Period label -> range (the target module's parser, with the tenant's fiscal year, when it is present). */
  async period(actor: Actor, label: string, path = 'period'): Promise<PeriodRange> {
    if (this.deps.target) return this.deps.target.targets.period(actor, label, path);
    const p = calendarPeriod(label);
    if (!p) throw invalid(path, `'${label}' is not a period: use YYYY, YYYY-Qn or YYYY-MM`);
    return p;
  }

  // ================================================================ templates

  async createTemplate(actor: Actor, input: unknown): Promise<Template> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    const data = parseInput(TemplateCreate, input);
    const def = toDef(data as unknown as TemplateDef);
    checkDef(def);
    return this.store.write(actor, async (w) => {
      const [dup] = await w.tx.select({ id: scorecardTemplates.id }).from(scorecardTemplates).where(and(eq(scorecardTemplates.tenantId, w.tenantId), eq(scorecardTemplates.code, data.code)));
      if (dup) throw new DomainError('CONFLICT', `A scorecard template with code '${data.code}' already exists`, { errors: [{ path: 'code', message: 'is already used' }], extra: { existingId: dup.id } });
      const id = uuidv7();
      const [t] = await w.tx.insert(scorecardTemplates).values({ tenantId: w.tenantId, id, code: data.code, name: data.name }).returning();
      const [v] = await w.tx
        .insert(scorecardTemplateVersions)
        .values({ tenantId: w.tenantId, templateId: id, versionNo: 1, kpis: def.kpis, gradeBands: def.gradeBands, note: data.note ?? null })
        .returning();
      const out = toTemplate(t!, v!);
      w.audit({ resourceType: 'scorecard_template', resourceId: id, action: 'create', before: null, after: out });
      return out;
    });
  }

  /**
   * Replaces the definition. The latest version is changed in place while no run has used it; once used, the
   * change becomes a new version (runs keep the version they used).
   */
  async updateTemplate(actor: Actor, idOrCode: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Template> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    const data = parseInput(TemplateUpdate, input);
    const def = toDef(data as unknown as TemplateDef);
    checkDef(def);
    return this.store.write(actor, async (w) => {
      const t = await this.lockTemplate(w, idOrCode);
      if (opts.ifMatch !== undefined && opts.ifMatch !== t.version) {
        throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the template is at version ${t.version}`, { extra: { currentVersion: t.version } });
      }
      if (data.version !== undefined && data.version !== t.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${data.version} is stale; the template is at version ${t.version}`, { extra: { currentVersion: t.version } });
      }
      const [latest] = await w.tx
        .select()
        .from(scorecardTemplateVersions)
        .where(and(eq(scorecardTemplateVersions.tenantId, w.tenantId), eq(scorecardTemplateVersions.templateId, t.id), eq(scorecardTemplateVersions.versionNo, t.latestVersion)))
        .for('update');
      const before = toTemplate(t, latest!);
      let v: VersionRow;
      let versionNo = t.latestVersion;
      if (latest!.usedAt === null) {
        [v] = (await w.tx
          .update(scorecardTemplateVersions)
          .set({ kpis: def.kpis, gradeBands: def.gradeBands, note: data.note ?? null, updatedAt: new Date() })
          .where(and(eq(scorecardTemplateVersions.tenantId, w.tenantId), eq(scorecardTemplateVersions.templateId, t.id), eq(scorecardTemplateVersions.versionNo, versionNo)))
          .returning()) as [VersionRow];
      } else {
        versionNo++;
        [v] = (await w.tx
          .insert(scorecardTemplateVersions)
          .values({ tenantId: w.tenantId, templateId: t.id, versionNo, kpis: def.kpis, gradeBands: def.gradeBands, note: data.note ?? null })
          .returning()) as [VersionRow];
      }
      const [t2] = await w.tx
        .update(scorecardTemplates)
        .set({ name: data.name ?? t.name, latestVersion: versionNo, version: sql`${scorecardTemplates.version} + 1`, updatedAt: new Date() })
        .where(and(eq(scorecardTemplates.tenantId, w.tenantId), eq(scorecardTemplates.id, t.id)))
        .returning();
      const out = toTemplate(t2!, v);
      w.audit({ resourceType: 'scorecard_template', resourceId: t.id, action: 'update', before, after: out });
      return out;
    });
  }

  async getTemplate(actor: Actor, idOrCode: string): Promise<Template> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const t = await this.findTemplate(this.db, actor.tenantId, idOrCode);
    const v = await this.findVersion(this.db, actor.tenantId, t.id, t.latestVersion);
    return toTemplate(t, v);
  }

  async getTemplateVersion(actor: Actor, idOrCode: string, versionNo: number): Promise<TemplateVersion> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const t = await this.findTemplate(this.db, actor.tenantId, idOrCode);
    return toVersion(await this.findVersion(this.db, actor.tenantId, t.id, versionNo));
  }

  async listTemplateVersions(actor: Actor, idOrCode: string): Promise<TemplateVersion[]> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const t = await this.findTemplate(this.db, actor.tenantId, idOrCode);
    const rows = await this.db
      .select()
      .from(scorecardTemplateVersions)
      .where(and(eq(scorecardTemplateVersions.tenantId, actor.tenantId), eq(scorecardTemplateVersions.templateId, t.id)))
      .orderBy(desc(scorecardTemplateVersions.versionNo));
    return rows.map(toVersion);
  }

  async listTemplates(actor: Actor, input: { limit: number; cursor?: string | undefined }): Promise<Page<Template>> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const after = decodeCursor(input.cursor) as [string] | undefined;
    const rows = await this.db
      .select({ t: scorecardTemplates, v: scorecardTemplateVersions })
      .from(scorecardTemplates)
      .innerJoin(
        scorecardTemplateVersions,
        and(
          eq(scorecardTemplateVersions.tenantId, scorecardTemplates.tenantId),
          eq(scorecardTemplateVersions.templateId, scorecardTemplates.id),
          eq(scorecardTemplateVersions.versionNo, scorecardTemplates.latestVersion),
        ),
      )
      .where(and(eq(scorecardTemplates.tenantId, actor.tenantId), after ? gt(scorecardTemplates.code, String(after[0])) : undefined))
      .orderBy(asc(scorecardTemplates.code))
      .limit(input.limit + 1);
    return toPage(rows.map((r) => toTemplate(r.t, r.v)), input.limit, (t) => [t.code]);
  }

  private async findTemplate(db: Db, tenantId: string, idOrCode: string): Promise<TemplateRow> {
    const cond = UUID_RE.test(idOrCode) ? eq(scorecardTemplates.id, idOrCode) : eq(scorecardTemplates.code, idOrCode);
    const [t] = await db.select().from(scorecardTemplates).where(and(eq(scorecardTemplates.tenantId, tenantId), cond));
    if (!t) throw notFound('scorecard template', idOrCode);
    return t;
  }

  private async lockTemplate(w: Work, idOrCode: string): Promise<TemplateRow> {
    const cond = UUID_RE.test(idOrCode) ? eq(scorecardTemplates.id, idOrCode) : eq(scorecardTemplates.code, idOrCode);
    const [t] = await w.tx.select().from(scorecardTemplates).where(and(eq(scorecardTemplates.tenantId, w.tenantId), cond)).for('update');
    if (!t) throw notFound('scorecard template', idOrCode);
    return t;
  }

  private async findVersion(db: Db, tenantId: string, templateId: string, versionNo: number): Promise<VersionRow> {
    const [v] = await db
      .select()
      .from(scorecardTemplateVersions)
      .where(and(eq(scorecardTemplateVersions.tenantId, tenantId), eq(scorecardTemplateVersions.templateId, templateId), eq(scorecardTemplateVersions.versionNo, versionNo)));
    if (!v) throw notFound('scorecard template version', String(versionNo));
    return v;
  }

  // ================================================================ manual values

  async setManualValues(actor: Actor, input: unknown): Promise<{ written: number }> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    const data = parseInput(ManualValuesPut, input);
    return this.store.write(actor, async (w) => {
      const rows = data.values.map((v, i) => ({ line: i, value: { ...v } }));
      const { errors } = await this.writeManualValues(w, rows);
      if (errors.length) {
        throw validationError(errors.map((e) => ({ path: `values.${e.line}${e.path ? '.' + e.path : ''}`, message: e.message })));
      }
      return { written: rows.length };
    });
  }

  /** Upserts manual values in one statement; returns refused rows (unknown partner, period locked by a finalised run). */
  async writeManualValues(
    w: Work,
    rows: { line: number; value: { partnerId?: string | undefined; partnerCode?: string | undefined; period: string; kpi: string; value: string; note?: string | undefined } }[],
  ): Promise<{ errors: RowError[]; created: number; updated: number }> {
    const errors: RowError[] = [];
    let created = 0;
    let updated = 0;
    const codes = [...new Set(rows.map((r) => r.value.partnerCode).filter((c): c is string => !!c))];
    const ids = [...new Set(rows.map((r) => r.value.partnerId).filter((c): c is string => !!c))];
    const found = codes.length || ids.length
      ? await w.tx
          .select({ id: partners.id, code: partners.code })
          .from(partners)
          .where(and(eq(partners.tenantId, w.tenantId), or(codes.length ? inArray(partners.code, codes) : undefined, ids.length ? inArray(partners.id, ids) : undefined)))
      : [];
    const byCode = new Map(found.map((p) => [p.code, p.id]));
    const byId = new Set(found.map((p) => p.id));
    const periods = [...new Set(rows.map((r) => r.value.period))].sort();
    const kpis = [...new Set(rows.map((r) => r.value.kpi))];
    // serialises with finalising a run of the same period, so no value changes under a run being finalised
    for (const p of periods) await w.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`evaluation:${w.tenantId}:${p}`}))`);
    const locked = await this.store.database.rows<{ period: string; code: string; run_id: string }>(
      sql`select distinct r.period, k->>'code' as code, r.id as run_id
          from evaluation_runs r
          join scorecard_template_versions v on v.tenant_id = r.tenant_id and v.template_id = r.template_id and v.version_no = r.template_version
          cross join jsonb_array_elements(v.kpis) k
          where r.tenant_id = ${w.tenantId} and r.status = 'finalised'
            and r.period in (select jsonb_array_elements_text(${JSON.stringify(periods)}::jsonb))
            and k->>'code' in (select jsonb_array_elements_text(${JSON.stringify(kpis)}::jsonb))`,
      w.tx,
    );
    const lockedBy = new Map(locked.map((l) => [`${l.period}|${l.code}`, l.run_id]));
    const good: { period: string; kpi: string; partner_id: string; value: string; note: string | null }[] = [];
    for (const r of rows) {
      const v = r.value;
      const pid = v.partnerId ? (byId.has(v.partnerId) ? v.partnerId : undefined) : byCode.get(v.partnerCode!);
      if (!pid) {
        errors.push({ line: r.line, path: v.partnerId ? 'partnerId' : 'partnerCode', message: `no partner '${v.partnerId ?? v.partnerCode}' in this tenant` });
        continue;
      }
      const run = lockedBy.get(`${v.period}|${v.kpi}`);
      if (run) {
        errors.push({ line: r.line, path: 'period', message: `period ${v.period} is finalised for KPI '${v.kpi}' (run ${run}); its values can no longer change` });
        continue;
      }
      good.push({ period: v.period, kpi: v.kpi, partner_id: pid, value: v.value, note: v.note ?? null });
    }
    if (good.length) {
      const written = await this.store.database.rows<{ period: string; kpi_code: string; partner_id: string; value: string; inserted: boolean }>(
        sql`insert into evaluation_manual_values (tenant_id, period, kpi_code, partner_id, value, note, entered_by, updated_at)
            select ${w.tenantId}, x.period, x.kpi, x.partner_id, x.value, x.note, ${w.actor.subject}, now()
            from jsonb_to_recordset(${JSON.stringify(good)}::jsonb) as x(period text, kpi text, partner_id uuid, value numeric, note text)
            on conflict (tenant_id, period, kpi_code, partner_id) do update
              set value = excluded.value, note = excluded.note, entered_by = excluded.entered_by, updated_at = now()
            returning period, kpi_code, partner_id, value::text as value, (xmax = 0) as inserted`,
        w.tx,
      );
      for (const r of written) {
        if (r.inserted) created++;
        else updated++;
        w.audit({
          resourceType: 'evaluation_manual_value',
          resourceId: r.partner_id,
          action: r.inserted ? 'create' : 'update',
          before: null,
          after: { period: r.period, kpi: r.kpi_code, value: r.value },
        });
      }
    }
    return { errors, created, updated };
  }

  manualValuesImportSpec(actor: Actor): ImportSpec<{ partnerCode: string; period: string; kpi: string; value: string; note?: string | undefined }> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    return {
      schema: ManualValueImportRow as never,
      batchSize: 1000,
      key: (r) => `${r.partnerCode}|${r.period}|${r.kpi}`,
      writeBatch: async (w, rows) => this.writeManualValues(w, rows),
    };
  }

  async listManualValues(actor: Actor, input: unknown & { limit: number; cursor?: string | undefined }): Promise<Page<ManualValue>> {
    requireScope(actor, READ);
    const f = parseInput(ManualValueQuery, { period: (input as Record<string, unknown>).period, kpi: (input as Record<string, unknown>).kpi, partnerId: (input as Record<string, unknown>).partnerId });
    const after = decodeCursor(input.cursor, 3) as [string, string, string] | undefined;
    const m = evaluationManualValues;
    const conds: (SQL | undefined)[] = [eq(m.tenantId, actor.tenantId)];
    if (actor.partnerId) conds.push(eq(m.partnerId, actor.partnerId));
    if (f.period) conds.push(eq(m.period, f.period));
    if (f.kpi) conds.push(eq(m.kpiCode, f.kpi));
    if (f.partnerId) conds.push(eq(m.partnerId, f.partnerId));
    if (after) conds.push(sql`(${m.period}, ${m.kpiCode}, ${m.partnerId}) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`);
    const rows = await this.db
      .select({ mv: m, code: partners.code })
      .from(m)
      .innerJoin(partners, and(eq(partners.tenantId, m.tenantId), eq(partners.id, m.partnerId)))
      .where(and(...conds))
      .orderBy(asc(m.period), asc(m.kpiCode), asc(m.partnerId))
      .limit(input.limit + 1);
    const items: ManualValue[] = rows.map((r) => ({
      partnerId: r.mv.partnerId,
      partnerCode: r.code,
      period: r.mv.period,
      kpi: r.mv.kpiCode,
      value: r.mv.value,
      note: r.mv.note,
      enteredBy: r.mv.enteredBy,
      updatedAt: iso(r.mv.updatedAt)!,
    }));
    return toPage(items, input.limit, (v) => [v.period, v.kpi, v.partnerId]);
  }

  // ================================================================ runs

  /** Computes every partner's KPI values, scores, total, grade and rank (set-based) and stores the run. */
  async startRun(actor: Actor, input: unknown): Promise<Run> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    const data = parseInput(RunCreate, input);
    const range = await this.period(actor, data.period);
    return this.store.write(actor, async (w) => {
      const t = await this.findTemplate(w.tx, w.tenantId, data.template);
      const versionNo = data.templateVersion ?? t.latestVersion;
      const [v] = await w.tx
        .select()
        .from(scorecardTemplateVersions)
        .where(and(eq(scorecardTemplateVersions.tenantId, w.tenantId), eq(scorecardTemplateVersions.templateId, t.id), eq(scorecardTemplateVersions.versionNo, versionNo)))
        .for('update');
      if (!v) throw invalid('templateVersion', `template '${t.code}' has no version ${versionNo}`);
      const kinds = [...new Set(v.kpis.filter((k) => k.source === 'computed' && k.kind && k.kind !== 'training_completion').map((k) => k.kind!))];
      const available = new Set(this.deps.computed?.kinds ?? []);
      const unavailable = kinds.filter((k) => !available.has(k));
      if (unavailable.length) {
        throw new DomainError('UNPROCESSABLE', `computed KPI kind(s) ${unavailable.join(', ')} cannot be computed on this server yet (their source data is not available)`, {
          extra: { unavailableKinds: unavailable },
        });
      }
      let partnerIds: string[] | null = null;
      if (data.partners) partnerIds = await this.resolvePartners(w, data.partners);
      const runId = uuidv7();
      await w.tx.insert(evaluationRuns).values({
        tenantId: w.tenantId,
        id: runId,
        templateId: t.id,
        templateVersion: versionNo,
        period: data.period,
        periodStart: range.start,
        periodEnd: range.end,
        allowDefaults: data.allowDefaults,
        partnerIds,
        createdBy: actor.subject,
      });
      // the planner over-estimates the KPI x partner product (jsonb_to_recordset) and would spend seconds on JIT
      // compilation of a query that runs in well under one: no JIT for this transaction
      await w.tx.execute(sql`set local jit = off`);
      const computed = kinds.length && this.deps.computed ? this.deps.computed.source({ tenantId: w.tenantId, period: data.period, start: range.start, end: range.end, kinds }) : null;
      await w.tx.execute(
        insertResultKpisSql({ tenantId: w.tenantId, runId, period: data.period, start: range.start, end: range.end, kpis: v.kpis, partnerIds, allowDefaults: data.allowDefaults, computed }),
      );
      await w.tx.execute(insertResultsSql(w.tenantId, runId, v.gradeBands));
      const [counts] = await this.store.database.rows<{ n: number; c: number }>(
        sql`select count(*)::int as n, count(*) filter (where complete)::int as c from evaluation_results where tenant_id = ${w.tenantId} and run_id = ${runId}::uuid`,
        w.tx,
      );
      if (v.usedAt === null) {
        await w.tx
          .update(scorecardTemplateVersions)
          .set({ usedAt: new Date() })
          .where(and(eq(scorecardTemplateVersions.tenantId, w.tenantId), eq(scorecardTemplateVersions.templateId, t.id), eq(scorecardTemplateVersions.versionNo, versionNo)));
      }
      const [row] = await w.tx
        .update(evaluationRuns)
        .set({ partnerCount: counts!.n, completeCount: counts!.c })
        .where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.id, runId)))
        .returning();
      const run = this.toRun(row!, t.code);
      w.audit({ resourceType: 'evaluation_run', resourceId: runId, action: 'create', before: null, after: run });
      return run;
    });
  }

  /** ids or codes -> ids; unknown ones refused together. */
  private async resolvePartners(w: Work, keys: string[]): Promise<string[]> {
    const ids = keys.filter((k) => UUID_RE.test(k));
    const codes = keys.filter((k) => !UUID_RE.test(k));
    const rows = await w.tx
      .select({ id: partners.id, code: partners.code })
      .from(partners)
      .where(and(eq(partners.tenantId, w.tenantId), or(ids.length ? inArray(partners.id, ids) : undefined, codes.length ? inArray(partners.code, codes) : undefined)));
    const known = new Set(rows.flatMap((r) => [r.id, r.code]));
    const errors: FieldError[] = [];
    keys.forEach((k, i) => {
      if (!known.has(k)) errors.push({ path: `partners.${i}`, message: `no partner '${k}' in this tenant` });
    });
    if (errors.length) throw validationError(errors);
    return [...new Set(rows.map((r) => r.id))];
  }

  private toRun(r: RunRow, templateCode: string): Run {
    return {
      id: r.id,
      templateId: r.templateId,
      templateCode,
      templateVersion: r.templateVersion,
      period: r.period,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      status: r.status,
      allowDefaults: r.allowDefaults,
      partnerCount: r.partnerCount,
      completeCount: r.completeCount,
      incompleteCount: r.partnerCount - r.completeCount,
      createdBy: r.createdBy,
      createdAt: iso(r.createdAt)!,
      finalisedAt: iso(r.finalisedAt),
      finalisedBy: r.finalisedBy,
      version: r.version,
    };
  }

  private async runRow(db: Db, tenantId: string, id: string, lock = false): Promise<{ run: RunRow; code: string }> {
    if (!UUID_RE.test(id)) throw notFound('evaluation run', id);
    const q = db
      .select({ run: evaluationRuns, code: scorecardTemplates.code })
      .from(evaluationRuns)
      .innerJoin(scorecardTemplates, and(eq(scorecardTemplates.tenantId, evaluationRuns.tenantId), eq(scorecardTemplates.id, evaluationRuns.templateId)))
      .where(and(eq(evaluationRuns.tenantId, tenantId), eq(evaluationRuns.id, id)));
    const [r] = lock ? await q.for('update', { of: evaluationRuns }) : await q;
    if (!r) throw notFound('evaluation run', id);
    return r;
  }

  async getRun(actor: Actor, id: string): Promise<Run> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const r = await this.runRow(this.db, actor.tenantId, id);
    return this.toRun(r.run, r.code);
  }

  async listRuns(actor: Actor, input: Record<string, unknown> & { limit: number; cursor?: string | undefined }): Promise<Page<Run>> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const f = parseInput(RunListQuery, { template: input.template, period: input.period, status: input.status });
    const after = decodeCursor(input.cursor) as [string] | undefined;
    const conds: (SQL | undefined)[] = [eq(evaluationRuns.tenantId, actor.tenantId)];
    if (f.template) {
      const t = await this.findTemplate(this.db, actor.tenantId, f.template);
      conds.push(eq(evaluationRuns.templateId, t.id));
    }
    if (f.period) conds.push(eq(evaluationRuns.period, f.period));
    if (f.status) conds.push(eq(evaluationRuns.status, f.status));
    if (after) {
      if (!UUID_RE.test(String(after[0]))) throw invalid('cursor', 'is not a cursor this endpoint issued');
      conds.push(sql`${evaluationRuns.id} < ${String(after[0])}::uuid`);
    }
    const rows = await this.db
      .select({ run: evaluationRuns, code: scorecardTemplates.code })
      .from(evaluationRuns)
      .innerJoin(scorecardTemplates, and(eq(scorecardTemplates.tenantId, evaluationRuns.tenantId), eq(scorecardTemplates.id, evaluationRuns.templateId)))
      .where(and(...conds))
      .orderBy(desc(evaluationRuns.id))
      .limit(input.limit + 1);
    return toPage(rows.map((r) => this.toRun(r.run, r.code)), input.limit, (r) => [r.id]);
  }

  /** A run's results by rank (ties by partner code; incomplete last). Partner users get only their own. */
  async listResults(actor: Actor, runId: string, input: Record<string, unknown> & { limit: number; cursor?: string | undefined }): Promise<Page<Result>> {
    requireScope(actor, READ);
    const f = parseInput(ResultQuery, { complete: input.complete, grade: input.grade });
    const { run } = await this.runRow(this.db, actor.tenantId, runId);
    const after = decodeCursor(input.cursor, 2) as [number, string] | undefined;
    const r = evaluationResults;
    const rankKey = sql`coalesce(${r.rank}, 2147483647)`;
    const conds: (SQL | undefined)[] = [eq(r.tenantId, actor.tenantId), eq(r.runId, runId)];
    if (actor.partnerId) conds.push(eq(r.partnerId, actor.partnerId));
    if (f.complete) conds.push(eq(r.complete, f.complete === 'true'));
    if (f.grade) conds.push(eq(r.grade, f.grade));
    if (after) conds.push(sql`(${rankKey}, ${r.partnerCode} collate "C") > (${Number(after[0])}, ${String(after[1])} collate "C")`);
    const rows = await this.db
      .select()
      .from(r)
      .where(and(...conds))
      .orderBy(rankKey, sql`${r.partnerCode} collate "C"`)
      .limit(input.limit + 1);
    const page = toPage(rows, input.limit, (x) => [x.rank ?? 2147483647, x.partnerCode]);
    const kpis = await this.kpisOf(actor.tenantId, [{ runId, partnerIds: page.items.map((x) => x.partnerId) }]);
    return { items: page.items.map((x) => this.toResult(run, x, kpis.get(`${runId}|${x.partnerId}`) ?? [])), nextCursor: page.nextCursor };
  }

  async getResult(actor: Actor, runId: string, partnerId: string): Promise<Result> {
    requireScope(actor, READ);
    if (actor.partnerId && actor.partnerId !== partnerId) throw notFound('evaluation result', partnerId);
    const { run } = await this.runRow(this.db, actor.tenantId, runId);
    const [x] = await this.db
      .select()
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, actor.tenantId), eq(evaluationResults.runId, runId), eq(evaluationResults.partnerId, partnerId)));
    if (!x) throw notFound('evaluation result', partnerId);
    const kpis = await this.kpisOf(actor.tenantId, [{ runId, partnerIds: [partnerId] }]);
    return this.toResult(run, x, kpis.get(`${runId}|${partnerId}`) ?? []);
  }

  /** KPI rows of (run, partners) pairs in one query, keyed `run|partner`. */
  private async kpisOf(tenantId: string, sets: { runId: string; partnerIds: string[] }[]) {
    const pairs = sets.flatMap((s) => s.partnerIds.map((p) => ({ r: s.runId, p })));
    const out = new Map<string, Result['kpis']>();
    if (!pairs.length) return out;
    const rows = await this.store.database.rows<{ run_id: string; partner_id: string; kpi_code: string; value: string | null; score: string | null; weight: string; weighted: string | null; defaulted: boolean }>(
      sql`select k.run_id, k.partner_id, k.kpi_code, k.value::text as value, k.score::text as score, k.weight::text as weight, k.weighted::text as weighted, k.defaulted
          from evaluation_result_kpis k
          join jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x(r uuid, p uuid) on k.run_id = x.r and k.partner_id = x.p
          where k.tenant_id = ${tenantId}
          order by k.run_id, k.partner_id, k.position`,
    );
    for (const k of rows) {
      const key = `${k.run_id}|${k.partner_id}`;
      const list = out.get(key) ?? [];
      list.push({ code: k.kpi_code, value: trimDec(k.value), score: trimDec(k.score), weight: trimDec(k.weight)!, weighted: trimDec(k.weighted), defaulted: k.defaulted });
      out.set(key, list);
    }
    return out;
  }

  private toResult(run: RunRow, x: typeof evaluationResults.$inferSelect, kpis: Result['kpis']): Result {
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

  /** Deletes a draft run (a finalised one is immutable). */
  async deleteRun(actor: Actor, id: string): Promise<void> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    await this.store.write(actor, async (w) => {
      const { run, code } = await this.runRow(w.tx, w.tenantId, id, true);
      if (run.status === 'finalised') throw new DomainError('CONFLICT', `run ${id} is finalised: it can no longer change`);
      const where = (t: typeof evaluationResultKpis | typeof evaluationResults | typeof evaluationActions) => and(eq(t.tenantId, w.tenantId), eq(t.runId, id));
      await w.tx.delete(evaluationActions).where(where(evaluationActions));
      await w.tx.delete(evaluationResultKpis).where(where(evaluationResultKpis));
      await w.tx.delete(evaluationResults).where(where(evaluationResults));
      await w.tx.delete(evaluationRuns).where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.id, id)));
      w.audit({ resourceType: 'evaluation_run', resourceId: id, action: 'delete', before: this.toRun(run, code), after: null });
    });
  }

  /**
   * Finalises a run: from then on its results, its manual values and the run itself refuse every change. At most
   * one finalised run per template and period (partial unique index). Recommended actions are derived now.
   */
  async finaliseRun(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<Run> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    try {
      return await this.store.write(actor, async (w) => {
        const { run, code } = await this.runRow(w.tx, w.tenantId, id, true);
        await w.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`evaluation:${w.tenantId}:${run.period}`}))`);
        if (opts.ifMatch !== undefined && opts.ifMatch !== run.version) {
          throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the run is at version ${run.version}`);
        }
        if (run.status === 'finalised') throw new DomainError('ILLEGAL_TRANSITION', `run ${id} is already finalised`, { extra: { currentStatus: run.status, allowed: [] } });
        const [other] = await w.tx
          .select({ id: evaluationRuns.id })
          .from(evaluationRuns)
          .where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.templateId, run.templateId), eq(evaluationRuns.period, run.period), eq(evaluationRuns.status, 'finalised')));
        if (other) throw new DomainError('CONFLICT', `template '${code}' already has a finalised run for ${run.period}: ${other.id}`, { extra: { finalisedRunId: other.id } });
        const [row] = await w.tx
          .update(evaluationRuns)
          .set({ status: 'finalised', finalisedAt: new Date(), finalisedBy: actor.subject, version: sql`${evaluationRuns.version} + 1` })
          .where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.id, id)))
          .returning();
        const out = this.toRun(row!, code);
        const actions = await this.deriveActions(w, row!);
        w.audit({ resourceType: 'evaluation_run', resourceId: id, action: 'finalise', before: this.toRun(run, code), after: out });
        w.emit({
          type: EVALUATION_EVENTS.finalised,
          resourceType: 'evaluation_run',
          resourceId: id,
          payload: { run: out, recommendedActions: actions },
        });
        return out;
      });
    } catch (e) {
      const d = toDomainError(e);
      if (d.code === 'CONFLICT' && (d.extra?.['constraint'] === 'evaluation_runs_finalised_uq')) {
        throw new DomainError('CONFLICT', 'another run of this template and period was finalised at the same time');
      }
      throw e;
    }
  }

  // ================================================================ history and reports

  /** Finalised results of partners, newest period first (one query for all partners: loaders use it). */
  async historyOf(actor: Actor, partnerIds: readonly string[], opts: { template?: string; limit?: number } = {}): Promise<HistoryEntry[][]> {
    requireScope(actor, READ);
    const ids = [...new Set(partnerIds)].filter((p) => UUID_RE.test(p) && (!actor.partnerId || actor.partnerId === p));
    if (!ids.length) return partnerIds.map(() => []);
    let templateId: string | undefined;
    if (opts.template) templateId = (await this.findTemplate(this.db, actor.tenantId, opts.template)).id;
    const rows = await this.store.database.rows<{
      partner_id: string; run_id: string; period: string; period_start: string; template_id: string; template_code: string; template_version: number;
      total: string | null; grade: string | null; rank: number | null; complete: boolean; finalised_at: Date | string | null; n: number;
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
    if (actor.partnerId && actor.partnerId !== partnerId) throw notFound('partner', partnerId);
    const [p] = await this.db.select({ id: partners.id }).from(partners).where(and(eq(partners.tenantId, actor.tenantId), eq(partners.id, partnerId)));
    if (!p) throw notFound('partner', partnerId);
    return (await this.historyOf(actor, [partnerId], template ? { template } : {}))[0]!;
  }

  /** Network grade distribution of a run. */
  async gradeDistribution(actor: Actor, runId: string) {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const { run } = await this.runRow(this.db, actor.tenantId, runId);
    const v = await this.findVersion(this.db, actor.tenantId, run.templateId, run.templateVersion);
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
    requireScope(actor, READ);
    requireTenantUser(actor);
    await this.runRow(this.db, actor.tenantId, runId);
    const group = by === 'territory' ? sql`p.region_code` : sql`p.type`;
    const rows = await this.store.database.rows<{ grp: string | null; kpi: string; partners: number; avg_value: string | null; avg_score: string | null }>(sql`
      select ${group} as grp, k.kpi_code as kpi, count(k.value)::int as partners,
        round(avg(k.value), 4)::text as avg_value, round(avg(k.score), 4)::text as avg_score, min(k.position) as pos
      from evaluation_result_kpis k join partners p on p.tenant_id = k.tenant_id and p.id = k.partner_id
      where k.tenant_id = ${actor.tenantId} and k.run_id = ${runId}::uuid
      group by 1, 2 order by 1 nulls last, pos`);
    return rows.map((r) => ({ group: r.grp, kpi: r.kpi, partners: Number(r.partners), avgValue: trimDec(r.avg_value), avgScore: trimDec(r.avg_score) }));
  }

  /** Every result of a run with its KPIs, by rank (for export); partner users get their own row. */
  async exportRun(actor: Actor, runId: string): Promise<{ kpiCodes: string[]; results: Result[] }> {
    requireScope(actor, READ);
    const { run } = await this.runRow(this.db, actor.tenantId, runId);
    const v = await this.findVersion(this.db, actor.tenantId, run.templateId, run.templateVersion);
    const rows = await this.db
      .select()
      .from(evaluationResults)
      .where(and(eq(evaluationResults.tenantId, actor.tenantId), eq(evaluationResults.runId, runId), actor.partnerId ? eq(evaluationResults.partnerId, actor.partnerId) : undefined))
      .orderBy(sql`coalesce(${evaluationResults.rank}, 2147483647)`, sql`${evaluationResults.partnerCode} collate "C"`);
    const kpis = await this.kpisOf(actor.tenantId, [{ runId, partnerIds: rows.map((r) => r.partnerId) }]);
    return { kpiCodes: v.kpis.map((k) => k.code), results: rows.map((x) => this.toResult(run, x, kpis.get(`${runId}|${x.partnerId}`) ?? [])) };
  }

  // ================================================================ simulation

  /**
   * Re-scores a finalised run's stored KPI values under a changed definition (pure rules, nothing stored) and
   * reports which partners would change grade and rank.
   */
  async simulate(actor: Actor, input: unknown): Promise<Simulation> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const data = parseInput(SimulationIn, input);
    const { run } = await this.runRow(this.db, actor.tenantId, data.run);
    if (run.status !== 'finalised') throw new DomainError('CONFLICT', `run ${run.id} is not finalised; simulate against a finalised period`);
    const v = await this.findVersion(this.db, actor.tenantId, run.templateId, run.templateVersion);
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

  // ================================================================ actions

  async createActionRule(actor: Actor, input: unknown): Promise<ActionRule> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    const data = parseInput(ActionRuleCreate, input);
    const isTier = data.action === 'tier_up' || data.action === 'tier_down';
    if (isTier && !data.tierLadder && !data.targetTier) throw invalid('tierLadder', `${data.action} needs a tierLadder (lowest first) or a targetTier`);
    if (!isTier && (data.tierLadder || data.targetTier)) throw invalid('tierLadder', `only tier_up and tier_down take a tier ladder or target tier`);
    if (data.lifecycleAction && data.action !== 'termination_review') throw invalid('lifecycleAction', 'only termination_review performs a lifecycle action');
    return this.store.write(actor, async (w) => {
      const templateId = data.template ? (await this.findTemplate(w.tx, w.tenantId, data.template)).id : null;
      const [dup] = await w.tx.select({ id: evaluationActionRules.id }).from(evaluationActionRules).where(and(eq(evaluationActionRules.tenantId, w.tenantId), eq(evaluationActionRules.code, data.code)));
      if (dup) throw new DomainError('CONFLICT', `An action rule with code '${data.code}' already exists`, { errors: [{ path: 'code', message: 'is already used' }] });
      const condition: ActionCondition = {};
      if (data.condition.grades) condition.grades = data.condition.grades;
      if (data.condition.consecutive) condition.consecutive = data.condition.consecutive;
      if (data.condition.kpi) condition.kpi = data.condition.kpi;
      const [row] = await w.tx
        .insert(evaluationActionRules)
        .values({ tenantId: w.tenantId, id: uuidv7(), code: data.code, name: data.name, templateId, action: data.action, condition, tierLadder: data.tierLadder ?? null, targetTier: data.targetTier ?? null, lifecycleAction: data.lifecycleAction ?? null })
        .returning();
      const out = toRule(row!);
      w.audit({ resourceType: 'evaluation_action_rule', resourceId: out.id, action: 'create', before: null, after: out });
      return out;
    });
  }

  async listActionRules(actor: Actor): Promise<ActionRule[]> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const rows = await this.db.select().from(evaluationActionRules).where(eq(evaluationActionRules.tenantId, actor.tenantId)).orderBy(asc(evaluationActionRules.code));
    return rows.map(toRule);
  }

  /** Recommended actions of a finalised run: every active rule over every complete result, with grade history. */
  private async deriveActions(w: Work, run: RunRow): Promise<number> {
    const rules = await w.tx
      .select()
      .from(evaluationActionRules)
      .where(and(eq(evaluationActionRules.tenantId, w.tenantId), eq(evaluationActionRules.active, true), or(sql`${evaluationActionRules.templateId} is null`, eq(evaluationActionRules.templateId, run.templateId))));
    if (!rules.length) return 0;
    const results = await this.store.database.rows<{ partner_id: string; grade: string | null; tier: string | null; kpis: { code: string; value: string | null }[] }>(
      sql`select r.partner_id, r.grade, p.tier,
            (select coalesce(jsonb_agg(jsonb_build_object('code', k.kpi_code, 'value', k.value::text) order by k.position), '[]'::jsonb)
             from evaluation_result_kpis k where k.tenant_id = r.tenant_id and k.run_id = r.run_id and k.partner_id = r.partner_id) as kpis
          from evaluation_results r join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
          where r.tenant_id = ${w.tenantId} and r.run_id = ${run.id}::uuid and r.complete`,
      w.tx,
    );
    // earlier finalised periods of the same template, newest first (up to 12)
    const hist = await this.store.database.rows<{ partner_id: string; period: string; grade: string | null }>(
      sql`select partner_id, period, grade from (
            select r.partner_id, ru.period, r.grade, row_number() over (partition by r.partner_id order by ru.period_start desc) as n
            from evaluation_results r join evaluation_runs ru on ru.tenant_id = r.tenant_id and ru.id = r.run_id
            where r.tenant_id = ${w.tenantId} and ru.template_id = ${run.templateId}::uuid and ru.status = 'finalised'
              and ru.id <> ${run.id}::uuid and ru.period_start < ${run.periodStart}::date
          ) h where n <= 12 order by partner_id, n`,
      w.tx,
    );
    const history = new Map<string, { period: string; grade: string | null }[]>();
    for (const h of hist) history.set(h.partner_id, [...(history.get(h.partner_id) ?? []), { period: h.period, grade: h.grade }]);
    const rowsOut: (typeof evaluationActions.$inferInsert)[] = [];
    for (const r of results) {
      const earlier = history.get(r.partner_id) ?? [];
      for (const rule of rules) {
        if (!conditionMet(rule.condition, { grade: r.grade, kpis: r.kpis }, earlier.map((e) => e.grade))) continue;
        let fromTier: string | null = null;
        let toTier: string | null = null;
        if (rule.action === 'tier_up' || rule.action === 'tier_down') {
          fromTier = r.tier;
          toTier = rule.targetTier ?? nextTier(rule.tierLadder ?? [], r.tier, rule.action);
          if (toTier === null || toTier === fromTier) continue; // nothing to change (top or bottom of the ladder, or unknown tier)
        }
        rowsOut.push({
          tenantId: w.tenantId,
          id: uuidv7(),
          runId: run.id,
          partnerId: r.partner_id,
          ruleId: rule.id,
          action: rule.action,
          grade: r.grade,
          gradeHistory: [{ period: run.period, grade: r.grade }, ...earlier],
          fromTier,
          toTier,
          lifecycleAction: rule.lifecycleAction,
          reason: describeCondition(rule.condition, rule.name),
        });
      }
    }
    for (let i = 0; i < rowsOut.length; i += 1000) await w.tx.insert(evaluationActions).values(rowsOut.slice(i, i + 1000));
    return rowsOut.length;
  }

  async listActions(actor: Actor, input: Record<string, unknown> & { limit: number; cursor?: string | undefined }): Promise<Page<Action>> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    const f = parseInput(ActionListQuery, { run: input.run, partnerId: input.partnerId, status: input.status });
    const after = decodeCursor(input.cursor) as [string] | undefined;
    const a = evaluationActions;
    const conds: (SQL | undefined)[] = [eq(a.tenantId, actor.tenantId)];
    if (f.run) conds.push(eq(a.runId, f.run));
    if (f.partnerId) conds.push(eq(a.partnerId, f.partnerId));
    if (f.status) conds.push(eq(a.status, f.status));
    if (after) {
      if (!UUID_RE.test(String(after[0]))) throw invalid('cursor', 'is not a cursor this endpoint issued');
      conds.push(sql`${a.id} > ${String(after[0])}::uuid`);
    }
    const rows = await this.actionQuery(this.db).where(and(...conds)).orderBy(asc(a.id)).limit(input.limit + 1);
    return toPage(rows.map(toAction), input.limit, (x) => [x.id]);
  }

  private actionQuery(db: Db) {
    const a = evaluationActions;
    return db
      .select({ a, partnerCode: partners.code, ruleCode: evaluationActionRules.code, period: evaluationRuns.period })
      .from(a)
      .innerJoin(partners, and(eq(partners.tenantId, a.tenantId), eq(partners.id, a.partnerId)))
      .innerJoin(evaluationActionRules, and(eq(evaluationActionRules.tenantId, a.tenantId), eq(evaluationActionRules.id, a.ruleId)))
      .innerJoin(evaluationRuns, and(eq(evaluationRuns.tenantId, a.tenantId), eq(evaluationRuns.id, a.runId)));
  }

  async getAction(actor: Actor, id: string): Promise<Action> {
    requireScope(actor, READ);
    requireTenantUser(actor);
    if (!UUID_RE.test(id)) throw notFound('evaluation action', id);
    const [row] = await this.actionQuery(this.db).where(and(eq(evaluationActions.tenantId, actor.tenantId), eq(evaluationActions.id, id)));
    if (!row) throw notFound('evaluation action', id);
    return toAction(row);
  }

  /**
   * Accepts a recommended action and performs it through the owning module: tier_up / tier_down change the
   * partner's tier with the onboarding PartnerService (its own audited write); the other kinds are recorded.
   * The action row stays locked while the change is made, so two accepts cannot both perform it.
   */
  async decideAction(actor: Actor, id: string, decision: 'accept' | 'dismiss', input: unknown = {}): Promise<Action> {
    requireScope(actor, WRITE);
    requireTenantUser(actor);
    const note = (parseInput(z_ActionDecision(), input) as { note?: string }).note ?? null;
    if (!UUID_RE.test(id)) throw notFound('evaluation action', id);
    // The tier change is the onboarding module's own audited write, made before this one (a nested transaction
    // would deadlock the single-connection embedded database). It is guarded by the partner's version and is a
    // no-op when the tier already is the target, so a retried or concurrent accept never moves the tier twice.
    let performed: Record<string, unknown> | null = null;
    const [pre] = await this.db.select().from(evaluationActions).where(and(eq(evaluationActions.tenantId, actor.tenantId), eq(evaluationActions.id, id)));
    if (!pre) throw notFound('evaluation action', id);
    if (pre.status !== 'recommended') throw new DomainError('ILLEGAL_TRANSITION', `action ${id} is already ${pre.status}`, { extra: { currentStatus: pre.status, allowed: [] } });
    if (decision === 'accept' && (pre.action === 'tier_up' || pre.action === 'tier_down')) {
      const partner = await this.deps.onboarding.partners.get(actor, pre.partnerId);
      if (partner.tier !== pre.toTier) {
        if (partner.tier !== pre.fromTier) {
          throw new DomainError('CONFLICT', `the partner's tier is now '${partner.tier}', not '${pre.fromTier}' as when the action was recommended; dismiss it and re-evaluate`, {
            extra: { currentTier: partner.tier },
          });
        }
        const updated = await this.deps.onboarding.partners.update(actor, pre.partnerId, { tier: pre.toTier, version: partner.version });
        performed = { partnerId: pre.partnerId, tier: { from: partner.tier, to: updated.tier }, partnerVersion: updated.version };
      }
    }
    if (decision === 'accept' && pre.lifecycleAction) {
      // the onboarding state machine decides (409 ILLEGAL_TRANSITION with the allowed actions when it refuses)
      const target = pre.lifecycleAction === 'suspend' ? 'suspended' : 'terminated';
      const partner = await this.deps.onboarding.partners.get(actor, pre.partnerId);
      if (partner.status !== target) {
        const changed = await this.deps.onboarding.partners.transition(actor, pre.partnerId, pre.lifecycleAction, `evaluation action ${id}: ${pre.reason}`);
        performed = { partnerId: pre.partnerId, status: { from: partner.status, to: changed.status } };
      }
    }
    await this.store.write(actor, async (w) => {
      const [a] = await w.tx.select().from(evaluationActions).where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, id))).for('update');
      if (!a) throw notFound('evaluation action', id);
      if (a.status !== 'recommended') {
        throw new DomainError('ILLEGAL_TRANSITION', `action ${id} is already ${a.status}`, { extra: { currentStatus: a.status, allowed: [] } });
      }
      const [row] = await w.tx
        .update(evaluationActions)
        .set({ status: decision === 'accept' ? 'accepted' : 'dismissed', decidedBy: actor.subject, decidedAt: new Date(), note })
        .where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, id)))
        .returning();
      w.audit({
        resourceType: 'evaluation_action',
        resourceId: id,
        action: decision,
        before: { status: a.status },
        after: { status: row!.status, action: a.action, partnerId: a.partnerId, fromTier: a.fromTier, toTier: a.toTier, note, ...(performed ? { performed } : {}) },
      });
      if (decision === 'accept') {
        w.emit({ type: EVALUATION_EVENTS.actionAccepted, resourceType: 'evaluation_action', resourceId: id, payload: { action: a.action, partnerId: a.partnerId, runId: a.runId, fromTier: a.fromTier, toTier: a.toTier, lifecycleAction: a.lifecycleAction, performed } });
      }
    });
    return this.getAction(actor, id);
  }
}

import { ActionDecision } from './evaluation.schemas.js';
const z_ActionDecision = () => ActionDecision;

function trimDec(v: string | null): string | null {
  if (v === null) return null;
  if (!v.includes('.')) return v;
  return v.replace(/0+$/, '').replace(/\.$/, '');
}

function toRule(r: typeof evaluationActionRules.$inferSelect): ActionRule {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    templateId: r.templateId,
    action: r.action,
    condition: r.condition,
    tierLadder: r.tierLadder,
    targetTier: r.targetTier,
    lifecycleAction: r.lifecycleAction,
    active: r.active,
    createdAt: iso(r.createdAt)!,
  };
}

function toAction(r: { a: typeof evaluationActions.$inferSelect; partnerCode: string; ruleCode: string; period: string }): Action {
  const a = r.a;
  return {
    id: a.id,
    runId: a.runId,
    period: r.period,
    partnerId: a.partnerId,
    partnerCode: r.partnerCode,
    ruleId: a.ruleId,
    ruleCode: r.ruleCode,
    action: a.action,
    status: a.status,
    grade: a.grade,
    gradeHistory: a.gradeHistory,
    fromTier: a.fromTier,
    toTier: a.toTier,
    lifecycleAction: a.lifecycleAction,
    reason: a.reason,
    decidedBy: a.decidedBy,
    decidedAt: iso(a.decidedAt),
    note: a.note,
    createdAt: iso(a.createdAt)!,
  };
}

function describeCondition(c: ActionCondition, name: string): string {
  const parts: string[] = [];
  if (c.grades) parts.push(`grade in ${c.grades.join('/')}${c.consecutive && c.consecutive > 1 ? ` for ${c.consecutive} consecutive periods` : ''}`);
  if (c.kpi) parts.push(`${c.kpi.code} ${c.kpi.op} ${c.kpi.value}`);
  return `${name}: ${parts.join(' and ')}`;
}

export { KPI_KINDS };
