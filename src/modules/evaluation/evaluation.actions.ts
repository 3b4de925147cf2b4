import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { decodeUuidCursor, isUuid, iso, keyset, requireTenantUser, toPage, type Actor, type Page, type PageInput } from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql } from '../onboarding/contract.js';
import { EVALUATION_EVENTS, findTemplate, READ, WRITE, type PartnerPort, type RunRow } from './evaluation.common.js';
import { conditionMet, nextTier, type ActionCondition } from './evaluation.rules.js';
import { ActionDecision, ActionListQuery, ActionRuleCreate, type Action, type ActionRule } from './evaluation.schemas.js';
import { evaluationActionRules, evaluationActions, evaluationRuns } from './evaluation.tables.js';

/**
 * Action rules and the recommended actions a finalised run derives from them; accepting one performs it through
 * the owning module (onboarding's PartnerService, wired as a port).
 */
export class ActionService {
  constructor(
    private readonly store: Store,
    private readonly partners: PartnerPort,
  ) {}

  private get db(): Db {
    return this.store.db;
  }

  async createActionRule(actor: Actor, input: unknown): Promise<ActionRule> {
    requireTenantUser(actor, WRITE);
    const data = parseInput(ActionRuleCreate, input);
    const isTier = data.action === 'tier_up' || data.action === 'tier_down';
    if (isTier && !data.tierLadder && !data.targetTier) throw invalid('tierLadder', `${data.action} needs a tierLadder (lowest first) or a targetTier`);
    if (!isTier && (data.tierLadder || data.targetTier)) throw invalid('tierLadder', `only tier_up and tier_down take a tier ladder or target tier`);
    if (data.lifecycleAction && data.action !== 'termination_review') throw invalid('lifecycleAction', 'only termination_review performs a lifecycle action');
    return this.store.write(actor, async (w) => {
      const templateId = data.template ? (await findTemplate(w.tx, w.tenantId, data.template)).id : null;
      const [dup] = await w.tx
        .select({ id: evaluationActionRules.id })
        .from(evaluationActionRules)
        .where(and(eq(evaluationActionRules.tenantId, w.tenantId), eq(evaluationActionRules.code, data.code)));
      if (dup)
        throw new DomainError('CONFLICT', `An action rule with code '${data.code}' already exists`, { errors: [{ path: 'code', message: 'is already used' }] });
      const condition: ActionCondition = {};
      if (data.condition.grades) condition.grades = data.condition.grades;
      if (data.condition.consecutive) condition.consecutive = data.condition.consecutive;
      if (data.condition.kpi) condition.kpi = data.condition.kpi;
      const [row] = await w.tx
        .insert(evaluationActionRules)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          code: data.code,
          name: data.name,
          templateId,
          action: data.action,
          condition,
          tierLadder: data.tierLadder ?? null,
          targetTier: data.targetTier ?? null,
          lifecycleAction: data.lifecycleAction ?? null,
        })
        .returning();
      const out = toRule(row!);
      w.audit({ resourceType: 'evaluation_action_rule', resourceId: out.id, action: 'create', before: null, after: out });
      return out;
    });
  }

  async listActionRules(actor: Actor): Promise<ActionRule[]> {
    requireTenantUser(actor, READ);
    const rows = await this.db
      .select()
      .from(evaluationActionRules)
      .where(eq(evaluationActionRules.tenantId, actor.tenantId))
      .orderBy(asc(evaluationActionRules.code));
    return rows.map(toRule);
  }

  /** One action rule by the tenant's code. */
  async actionRuleByCode(actor: Actor, code: string): Promise<ActionRule> {
    const r = (await this.listActionRules(actor)).find((x) => x.code === code);
    if (!r) throw notFound('Action rule', code);
    return r;
  }

  /** Recommended actions of a finalised run: every active rule over every complete result, with grade history. */
  async deriveActions(w: Work, run: RunRow): Promise<number> {
    const rules = await w.tx
      .select()
      .from(evaluationActionRules)
      .where(
        and(
          eq(evaluationActionRules.tenantId, w.tenantId),
          eq(evaluationActionRules.active, true),
          or(sql`${evaluationActionRules.templateId} is null`, eq(evaluationActionRules.templateId, run.templateId)),
        ),
      );
    if (!rules.length) return 0;
    const results = await this.store.database.rows<{
      partner_id: string;
      grade: string | null;
      tier: string | null;
      kpis: { code: string; value: string | null }[];
    }>(
      sql`select r.partner_id, r.grade, p.tier,
            (select coalesce(jsonb_agg(jsonb_build_object('code', k.kpi_code, 'value', k.value::text) order by k.position), '[]'::jsonb)
             from evaluation_result_kpis k where k.tenant_id = r.tenant_id and k.run_id = r.run_id and k.partner_id = r.partner_id) as kpis
          from evaluation_results r join ${onboardingSql.partners(w.tenantId)} p on p.id = r.partner_id
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
        if (
          !conditionMet(
            rule.condition,
            { grade: r.grade, kpis: r.kpis },
            earlier.map((e) => e.grade),
          )
        )
          continue;
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

  async listActions(actor: Actor, input: Record<string, unknown> & PageInput): Promise<Page<Action>> {
    requireTenantUser(actor, READ);
    const f = parseInput(ActionListQuery, { run: input.run, partnerId: input.partnerId, status: input.status });
    const after = decodeUuidCursor(input.cursor);
    const a = evaluationActions;
    const conds: (SQL | undefined)[] = [eq(a.tenantId, actor.tenantId)];
    if (f.run) conds.push(eq(a.runId, f.run));
    if (f.partnerId) conds.push(eq(a.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partnerId)));
    if (f.status) conds.push(eq(a.status, f.status));
    const ks = keyset(input, [a.id], after);
    conds.push(ks.where);
    const rows = await this.actionQuery(this.db, actor.tenantId)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toAction), input, (x) => [x.id]);
  }

  private actionQuery(db: Db, tenantId: string) {
    const a = evaluationActions;
    return db
      .select({
        a,
        partnerCode: sql<string>`(select p.code from ${onboardingSql.partners(tenantId)} p where p.id = ${a.partnerId})`,
        ruleCode: evaluationActionRules.code,
        period: evaluationRuns.period,
      })
      .from(a)
      .innerJoin(evaluationActionRules, and(eq(evaluationActionRules.tenantId, a.tenantId), eq(evaluationActionRules.id, a.ruleId)))
      .innerJoin(evaluationRuns, and(eq(evaluationRuns.tenantId, a.tenantId), eq(evaluationRuns.id, a.runId)));
  }

  async getAction(actor: Actor, id: string): Promise<Action> {
    requireTenantUser(actor, READ);
    if (!isUuid(id)) throw notFound('evaluation action', id);
    const [row] = await this.actionQuery(this.db, actor.tenantId).where(and(eq(evaluationActions.tenantId, actor.tenantId), eq(evaluationActions.id, id)));
    if (!row) throw notFound('evaluation action', id);
    return toAction(row);
  }

  /**
   * Accepts a recommended action and performs it through the owning module: tier_up / tier_down change the
   * partner's tier with the onboarding PartnerService (its own audited write); the other kinds are recorded.
   * The action row stays locked while the change is made, so two accepts cannot both perform it.
   */
  async decideAction(actor: Actor, id: string, decision: 'accept' | 'dismiss', input: unknown = {}): Promise<Action> {
    requireTenantUser(actor, WRITE);
    const note = (parseInput(ActionDecision, input) as { note?: string }).note ?? null;
    if (!isUuid(id)) throw notFound('evaluation action', id);
    // The tier change is the onboarding module's own audited write, made before this one (a nested transaction
    // would deadlock the single-connection embedded database). It is guarded by the partner's version and is a
    // no-op when the tier already is the target, so a retried or concurrent accept never moves the tier twice.
    let performed: Record<string, unknown> | null = null;
    const [pre] = await this.db
      .select()
      .from(evaluationActions)
      .where(and(eq(evaluationActions.tenantId, actor.tenantId), eq(evaluationActions.id, id)));
    if (!pre) throw notFound('evaluation action', id);
    if (pre.status !== 'recommended')
      throw new DomainError('ILLEGAL_TRANSITION', `action ${id} is already ${pre.status}`, { extra: { currentStatus: pre.status, allowed: [] } });
    if (decision === 'accept' && (pre.action === 'tier_up' || pre.action === 'tier_down')) {
      const partner = await this.partners.get(actor, pre.partnerId);
      if (partner.tier !== pre.toTier) {
        if (partner.tier !== pre.fromTier) {
          throw new DomainError(
            'CONFLICT',
            `the partner's tier is now '${partner.tier}', not '${pre.fromTier}' as when the action was recommended; dismiss it and re-evaluate`,
            {
              extra: { currentTier: partner.tier },
            },
          );
        }
        const updated = await this.partners.update(actor, pre.partnerId, { tier: pre.toTier, version: partner.version });
        performed = { partnerId: pre.partnerId, tier: { from: partner.tier, to: updated.tier }, partnerVersion: updated.version };
      }
    }
    if (decision === 'accept' && pre.lifecycleAction) {
      // the onboarding state machine decides (409 ILLEGAL_TRANSITION with the allowed actions when it refuses)
      const target = pre.lifecycleAction === 'suspend' ? 'suspended' : 'terminated';
      const partner = await this.partners.get(actor, pre.partnerId);
      if (partner.status !== target) {
        const changed = await this.partners.transition(actor, pre.partnerId, pre.lifecycleAction, `evaluation action ${id}: ${pre.reason}`);
        performed = { partnerId: pre.partnerId, status: { from: partner.status, to: changed.status } };
      }
    }
    await this.store.write(actor, async (w) => {
      const [a] = await w.tx
        .select()
        .from(evaluationActions)
        .where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, id)))
        .for('update');
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
        after: {
          status: row!.status,
          action: a.action,
          partnerId: a.partnerId,
          fromTier: a.fromTier,
          toTier: a.toTier,
          note,
          ...(performed ? { performed } : {}),
        },
      });
      if (decision === 'accept') {
        w.emit({
          type: EVALUATION_EVENTS.actionAccepted,
          resourceType: 'evaluation_action',
          resourceId: id,
          payload: {
            action: a.action,
            partnerId: a.partnerId,
            runId: a.runId,
            fromTier: a.fromTier,
            toTier: a.toTier,
            lifecycleAction: a.lifecycleAction,
            performed,
          },
        });
      }
    });
    return this.getAction(actor, id);
  }
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
