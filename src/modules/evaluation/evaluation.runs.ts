import { and, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, toDomainError, validationError, type FieldError } from '../../platform/errors.js';
import { decodeUuidCursor, isUuid, keyset, requireTenantUser, toPage, type Actor, type Page, type PageInput } from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { codesToIds, partnersById } from '../onboarding/contract.js';
import type { ActionService } from './evaluation.actions.js';
import { EVALUATION_EVENTS, findTemplate, READ, runRow, toRun, versionRow, WRITE } from './evaluation.common.js';
import type { KpiKind } from './evaluation.rules.js';
import { RunCreate, RunListQuery, type Run } from './evaluation.schemas.js';
import { insertResultKpisSql, insertResultsSql, type ComputedSource } from './evaluation.sql.js';
import {
  evaluationActions,
  evaluationResultKpis,
  evaluationResults,
  evaluationRuns,
  scorecardTemplates,
  scorecardTemplateVersions,
} from './evaluation.tables.js';

/**
 * Evaluation runs: computing every partner's KPI values, scores, total, grade and rank (set-based), reading,
 * deleting drafts and finalising (which derives the recommended actions).
 */
export class RunService {
  constructor(
    private readonly store: Store,
    private readonly period: (actor: Actor, label: string) => Promise<{ start: string; end: string }>,
    private readonly actions: ActionService,
    /** SQL for computed KPIs (the target and policy modules' facts); absent kinds make runs refuse such templates */
    private readonly computed?: { kinds: readonly KpiKind[]; source: ComputedSource },
  ) {}

  private get db(): Db {
    return this.store.db;
  }

  async startRun(actor: Actor, input: unknown): Promise<Run> {
    requireTenantUser(actor, WRITE);
    const data = parseInput(RunCreate, input);
    const range = await this.period(actor, data.period);
    return this.store.write(actor, async (w) => {
      const t = await findTemplate(w.tx, w.tenantId, data.template);
      const versionNo = data.templateVersion ?? t.latestVersion;
      const v = await versionRow(w.tx, w.tenantId, t.id, versionNo, true);
      if (!v) throw invalid('templateVersion', `template '${t.code}' has no version ${versionNo}`);
      const kinds = [...new Set(v.kpis.filter((k) => k.source === 'computed' && k.kind && k.kind !== 'training_completion').map((k) => k.kind!))];
      const available = new Set(this.computed?.kinds ?? []);
      const unavailable = kinds.filter((k) => !available.has(k));
      if (unavailable.length) {
        throw new DomainError(
          'UNPROCESSABLE',
          `computed KPI kind(s) ${unavailable.join(', ')} cannot be computed on this server yet (their source data is not available)`,
          {
            extra: { unavailableKinds: unavailable },
          },
        );
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
      const computed =
        kinds.length && this.computed ? this.computed.source({ tenantId: w.tenantId, period: data.period, start: range.start, end: range.end, kinds }) : null;
      await w.tx.execute(
        insertResultKpisSql({
          tenantId: w.tenantId,
          runId,
          period: data.period,
          start: range.start,
          end: range.end,
          kpis: v.kpis,
          partnerIds,
          allowDefaults: data.allowDefaults,
          computed,
        }),
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
          .where(
            and(
              eq(scorecardTemplateVersions.tenantId, w.tenantId),
              eq(scorecardTemplateVersions.templateId, t.id),
              eq(scorecardTemplateVersions.versionNo, versionNo),
            ),
          );
      }
      const [row] = await w.tx
        .update(evaluationRuns)
        .set({ partnerCount: counts!.n, completeCount: counts!.c })
        .where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.id, runId)))
        .returning();
      const run = toRun(row!, t.code);
      w.audit({ resourceType: 'evaluation_run', resourceId: runId, action: 'create', before: null, after: run });
      return run;
    });
  }

  /** ids or codes -> ids; unknown ones refused together. */
  private async resolvePartners(w: Work, keys: string[]): Promise<string[]> {
    const byId = await partnersById(
      w.tx,
      w.tenantId,
      keys.filter((k) => isUuid(k)),
    );
    const byCode = await codesToIds.partners(
      w.tx,
      w.tenantId,
      keys.filter((k) => !isUuid(k)),
    );
    const rows = [...[...byId.values()].map((p) => ({ id: p.id, code: p.code })), ...[...byCode].map(([code, id]) => ({ id, code }))];
    const known = new Set(rows.flatMap((r) => [r.id, r.code]));
    const errors: FieldError[] = [];
    keys.forEach((k, i) => {
      if (!known.has(k)) errors.push({ path: `partners.${i}`, message: `no partner '${k}' in this tenant` });
    });
    if (errors.length) throw validationError(errors);
    return [...new Set(rows.map((r) => r.id))];
  }

  async getRun(actor: Actor, id: string): Promise<Run> {
    requireTenantUser(actor, READ);
    const r = await runRow(this.db, actor.tenantId, id);
    return toRun(r.run, r.code);
  }

  async listRuns(actor: Actor, input: Record<string, unknown> & PageInput): Promise<Page<Run>> {
    requireTenantUser(actor, READ);
    const f = parseInput(RunListQuery, { template: input.template, period: input.period, status: input.status });
    const after = decodeUuidCursor(input.cursor);
    const conds: (SQL | undefined)[] = [eq(evaluationRuns.tenantId, actor.tenantId)];
    if (f.template) {
      const t = await findTemplate(this.db, actor.tenantId, f.template);
      conds.push(eq(evaluationRuns.templateId, t.id));
    }
    if (f.period) conds.push(eq(evaluationRuns.period, f.period));
    if (f.status) conds.push(eq(evaluationRuns.status, f.status));
    const ks = keyset(input, [{ col: evaluationRuns.id, desc: true }], after);
    conds.push(ks.where);
    const rows = await this.db
      .select({ run: evaluationRuns, code: scorecardTemplates.code })
      .from(evaluationRuns)
      .innerJoin(scorecardTemplates, and(eq(scorecardTemplates.tenantId, evaluationRuns.tenantId), eq(scorecardTemplates.id, evaluationRuns.templateId)))
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => toRun(r.run, r.code)),
      input,
      (r) => [r.id],
    );
  }

  /** Deletes a draft run (a finalised one is immutable). */
  async deleteRun(actor: Actor, id: string): Promise<void> {
    requireTenantUser(actor, WRITE);
    await this.store.write(actor, async (w) => {
      const { run, code } = await runRow(w.tx, w.tenantId, id, true);
      if (run.status === 'finalised') throw new DomainError('CONFLICT', `run ${id} is finalised: it can no longer change`);
      const where = (t: typeof evaluationResultKpis | typeof evaluationResults | typeof evaluationActions) => and(eq(t.tenantId, w.tenantId), eq(t.runId, id));
      await w.tx.delete(evaluationActions).where(where(evaluationActions));
      await w.tx.delete(evaluationResultKpis).where(where(evaluationResultKpis));
      await w.tx.delete(evaluationResults).where(where(evaluationResults));
      await w.tx.delete(evaluationRuns).where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.id, id)));
      w.audit({ resourceType: 'evaluation_run', resourceId: id, action: 'delete', before: toRun(run, code), after: null });
    });
  }

  /**
   * Finalises a run: from then on its results, its manual values and the run itself refuse every change. At most
   * one finalised run per template and period (partial unique index). Recommended actions are derived now.
   */
  async finaliseRun(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<Run> {
    requireTenantUser(actor, WRITE);
    try {
      return await this.store.write(actor, async (w) => {
        const { run, code } = await runRow(w.tx, w.tenantId, id, true);
        await w.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`evaluation:${w.tenantId}:${run.period}`}))`);
        if (opts.ifMatch !== undefined && opts.ifMatch !== run.version) {
          throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the run is at version ${run.version}`);
        }
        if (run.status === 'finalised')
          throw new DomainError('ILLEGAL_TRANSITION', `run ${id} is already finalised`, { extra: { currentStatus: run.status, allowed: [] } });
        const [other] = await w.tx
          .select({ id: evaluationRuns.id })
          .from(evaluationRuns)
          .where(
            and(
              eq(evaluationRuns.tenantId, w.tenantId),
              eq(evaluationRuns.templateId, run.templateId),
              eq(evaluationRuns.period, run.period),
              eq(evaluationRuns.status, 'finalised'),
            ),
          );
        if (other)
          throw new DomainError('CONFLICT', `template '${code}' already has a finalised run for ${run.period}: ${other.id}`, {
            extra: { finalisedRunId: other.id },
          });
        const [row] = await w.tx
          .update(evaluationRuns)
          .set({ status: 'finalised', finalisedAt: new Date(), finalisedBy: actor.subject, version: sql`${evaluationRuns.version} + 1` })
          .where(and(eq(evaluationRuns.tenantId, w.tenantId), eq(evaluationRuns.id, id)))
          .returning();
        const out = toRun(row!, code);
        const actions = await this.actions.deriveActions(w, row!);
        w.audit({ resourceType: 'evaluation_run', resourceId: id, action: 'finalise', before: toRun(run, code), after: out });
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
      if (d.code === 'CONFLICT' && d.extra?.['constraint'] === 'evaluation_runs_finalised_uq') {
        throw new DomainError('CONFLICT', 'another run of this template and period was finalised at the same time');
      }
      throw e;
    }
  }
}
