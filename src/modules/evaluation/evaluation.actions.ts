import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  canSeePartner,
  decodeCursorOf,
  decodeUuidCursor,
  isUuid,
  iso,
  keyset,
  requireTenantUser,
  toPage,
  type Actor,
  type Page,
  type PageInput,
} from '../../platform/kernel/index.js';
import type { ApprovalsPort } from '../organisation/contract.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, partnerTransition } from '../onboarding/contract.js';
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
    /**
     * the sales organisation's approval engine (tier changes, kind `tier_change`; lifecycle actions, kind `lifecycle`);
     * absent: one-step accepts
     */
    private readonly approvals?: ApprovalsPort,
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

  /** One action rule by id (GraphQL `evaluationActionRule`). */
  async actionRuleById(actor: Actor, id: string): Promise<ActionRule> {
    requireTenantUser(actor, READ);
    const [row] = isUuid(id)
      ? await this.db
          .select()
          .from(evaluationActionRules)
          .where(and(eq(evaluationActionRules.tenantId, actor.tenantId), eq(evaluationActionRules.id, id)))
      : [];
    if (!row) throw notFound('Action rule', id);
    return toRule(row);
  }

  /** Action rules by code, a page at a time (the GraphQL connection; REST lists them all). */
  async pageActionRules(actor: Actor, input: PageInput): Promise<Page<ActionRule>> {
    requireTenantUser(actor, READ);
    const ks = keyset(input, [evaluationActionRules.code], decodeCursorOf(input.cursor, ['string'] as const));
    const rows = await this.db
      .select()
      .from(evaluationActionRules)
      .where(and(eq(evaluationActionRules.tenantId, actor.tenantId), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toRule), input, (r) => [r.code]);
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
    if (!pre || !canSeePartner(actor, pre.partnerId)) throw notFound('evaluation action', id);
    if (pre.status === 'pending_approval' && this.approvals) {
      // accept / dismiss decide the current step of the action's approval chain (the caller's post must match)
      const approvals = this.approvals;
      await this.store.write(actor, async (w) => {
        const open = await approvals.openRequestFor(w, approvalKindOf(pre), id);
        if (!open) throw new DomainError('ILLEGAL_TRANSITION', `action ${id} has no open approval request`, { extra: { currentStatus: pre.status } });
        await approvals.decideIn(w, actor, open, decision === 'accept' ? 'approved' : 'rejected', note ?? undefined);
      });
      return this.getAction(actor, id);
    }
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
        if (this.approvals && (await this.requestApproval(actor, pre))) return this.getAction(actor, id);
        const updated = await this.partners.update(actor, pre.partnerId, { tier: pre.toTier, version: partner.version });
        performed = { partnerId: pre.partnerId, tier: { from: partner.tier, to: updated.tier }, partnerVersion: updated.version };
      }
    }
    if (decision === 'accept' && pre.lifecycleAction) {
      // the onboarding state machine decides (409 ILLEGAL_TRANSITION with the allowed actions when it refuses)
      const target = pre.lifecycleAction === 'suspend' ? 'suspended' : 'terminated';
      const partner = await this.partners.get(actor, pre.partnerId);
      if (partner.status !== target) {
        if (this.approvals) {
          // an illegal transition is refused before any approver is asked (the same 409 as the onboarding state machine)
          const t = partnerTransition(partner.status, pre.lifecycleAction);
          if (!t.ok)
            throw new DomainError(
              'ILLEGAL_TRANSITION',
              `Cannot ${pre.lifecycleAction} a partner that is ${partner.status}; allowed: ${t.allowed.join(', ') || 'none'}`,
              {
                extra: { currentStatus: partner.status, allowed: t.allowed },
              },
            );
          if (await this.requestApproval(actor, pre)) return this.getAction(actor, id);
        }
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
  /**
   * Asks the approval engine for a tier change (kind `tier_change`, amount = tiers moved down, see tiersDown) or a
   * lifecycle action (kind `lifecycle`, amount = its severity, see lifecycleSeverity). When the tenant's policy has
   * steps for it the action becomes `pending_approval` (audit `request_approval`, event
   * `evaluation.action_approval_requested`) and true is answered; false: no step applies, accept as before.
   */
  private async requestApproval(actor: Actor, pre: typeof evaluationActions.$inferSelect): Promise<boolean> {
    const approvals = this.approvals!;
    return this.store.write(actor, async (w) => {
      const [a] = await w.tx
        .select()
        .from(evaluationActions)
        .where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, pre.id)))
        .for('update');
      if (!a || a.status !== 'recommended')
        throw new DomainError('ILLEGAL_TRANSITION', `action ${pre.id} is already ${a?.status}`, { extra: { currentStatus: a?.status, allowed: [] } });
      const kind = approvalKindOf(a);
      let amount: string | null;
      if (kind === 'lifecycle') amount = lifecycleSeverity(a.lifecycleAction);
      else {
        const [rule] = await w.tx
          .select({ tierLadder: evaluationActionRules.tierLadder })
          .from(evaluationActionRules)
          .where(and(eq(evaluationActionRules.tenantId, w.tenantId), eq(evaluationActionRules.id, a.ruleId)));
        amount = tiersDown(rule?.tierLadder ?? null, a.fromTier, a.toTier);
      }
      const answer = await approvals.request(w, actor, { kind, ref: a.id, partnerId: a.partnerId, amount });
      if (answer.status === 'not_required') return false;
      await w.tx
        .update(evaluationActions)
        .set({ status: 'pending_approval' })
        .where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, a.id)));
      const detail = {
        action: a.action,
        partnerId: a.partnerId,
        fromTier: a.fromTier,
        toTier: a.toTier,
        ...(kind === 'lifecycle' ? { lifecycleAction: a.lifecycleAction, severity: amount } : { tiersDown: amount }),
        approvalRequestId: answer.requestId,
      };
      w.audit({
        resourceType: 'evaluation_action',
        resourceId: a.id,
        action: 'request_approval',
        before: { status: a.status },
        after: { status: 'pending_approval', ...detail },
      });
      w.emit({ type: EVALUATION_EVENTS.actionApprovalRequested, resourceType: 'evaluation_action', resourceId: a.id, payload: { runId: a.runId, ...detail } });
      return true;
    });
  }

  /**
   * The final decision of a tier change's or lifecycle action's approval chain, in the deciding transaction.
   * Approved: the partner's tier moves (onboarding's audited update, in this transaction), or its lifecycle action is
   * performed (onboarding's audited transition), and the action is `accepted` (event `evaluation.action_accepted`); a
   * partner whose tier changed meanwhile (neither from nor to tier), or whose status no longer allows the lifecycle
   * action, refuses the decision with 409. Rejected: the action is `dismissed` (event `evaluation.action_approval_rejected`).
   */
  async applyApprovalOutcome(w: Work, outcome: { ref: string; requestId: string; outcome: 'approved' | 'rejected'; note: string | null }): Promise<void> {
    const [a] = await w.tx
      .select()
      .from(evaluationActions)
      .where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, outcome.ref)))
      .for('update');
    if (!a || a.status !== 'pending_approval') return;
    let performed: Record<string, unknown> | null = null;
    if (outcome.outcome === 'approved' && approvalKindOf(a) === 'lifecycle' && a.lifecycleAction) {
      const [p] = await this.store.database.rows<{ status: string }>(
        sql`select status from ${onboardingSql.partners(w.tenantId)} p where p.id = ${a.partnerId}::uuid`,
        w.tx,
      );
      const target = a.lifecycleAction === 'suspend' ? 'suspended' : 'terminated';
      if (p && p.status !== target) {
        const changed = await this.partners.transitionInWork(w, a.partnerId, a.lifecycleAction, `evaluation action ${a.id}: ${a.reason}`);
        performed = { partnerId: a.partnerId, status: { from: p.status, to: changed.status } };
      }
    } else if (outcome.outcome === 'approved') {
      const [p] = await this.store.database.rows<{ tier: string | null }>(
        sql`select tier from ${onboardingSql.partners(w.tenantId)} p where p.id = ${a.partnerId}::uuid`,
        w.tx,
      );
      const tier = p?.tier ?? null;
      if (tier !== a.toTier) {
        if (tier !== a.fromTier)
          throw new DomainError('CONFLICT', `the partner's tier is now '${tier}', not '${a.fromTier}' as when the action was recommended; reject the request`, {
            extra: { currentTier: tier },
          });
        const updated = await this.partners.updateInWork(w, a.partnerId, { tier: a.toTier });
        performed = { partnerId: a.partnerId, tier: { from: tier, to: updated.tier }, partnerVersion: updated.version };
      }
    }
    const status = outcome.outcome === 'approved' ? 'accepted' : 'dismissed';
    await w.tx
      .update(evaluationActions)
      .set({ status, decidedBy: w.actor.subject, decidedAt: new Date(), note: outcome.note })
      .where(and(eq(evaluationActions.tenantId, w.tenantId), eq(evaluationActions.id, a.id)));
    const detail = {
      action: a.action,
      partnerId: a.partnerId,
      fromTier: a.fromTier,
      toTier: a.toTier,
      ...(a.lifecycleAction ? { lifecycleAction: a.lifecycleAction } : {}),
      approvalRequestId: outcome.requestId,
    };
    w.audit({
      resourceType: 'evaluation_action',
      resourceId: a.id,
      action: outcome.outcome === 'approved' ? 'accept' : 'approval_rejected',
      before: { status: a.status },
      after: { status, note: outcome.note, ...detail, ...(performed ? { performed } : {}) },
    });
    w.emit({
      type: outcome.outcome === 'approved' ? EVALUATION_EVENTS.actionAccepted : EVALUATION_EVENTS.actionApprovalRejected,
      resourceType: 'evaluation_action',
      resourceId: a.id,
      payload: { runId: a.runId, lifecycleAction: a.lifecycleAction, performed, note: outcome.note, ...detail },
    });
  }
}

/** The approval kind an action's accept asks for: tier actions `tier_change`, lifecycle actions `lifecycle`. */
function approvalKindOf(a: { action: string; lifecycleAction: string | null }): 'tier_change' | 'lifecycle' {
  return a.action === 'tier_up' || a.action === 'tier_down' || !a.lifecycleAction ? 'tier_change' : 'lifecycle';
}

/**
 * The measure of a lifecycle action for approval policies (kind `lifecycle`, measure `amount`): its severity, `1` for
 * suspend, `2` for terminate. So `[{post: regional_manager}, {post: channel_director, over: 1}]` needs the regional
 * manager for both and the channel director too for a termination.
 */
export function lifecycleSeverity(action: string | null): string | null {
  return action === 'suspend' ? '1' : action === 'terminate' ? '2' : null;
}

/**
 * The measure of a tier change for approval policies (kind `tier_change`, measure `amount`): the number of tiers
 * moved down the rule's ladder (lowest first), from the recommended from-tier to the to-tier: 1 for a one-step
 * downgrade, -1 for a one-step upgrade, 2 for a jump down two tiers. Null when either tier is not on the ladder
 * (then every step of the policy is required).
 */
export function tiersDown(ladder: readonly string[] | null, from: string | null, to: string | null): string | null {
  if (!ladder || from === null || to === null) return null;
  const i = ladder.indexOf(from);
  const j = ladder.indexOf(to);
  if (i < 0 || j < 0) return null;
  return String(i - j);
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
