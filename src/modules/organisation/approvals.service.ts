import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  dec,
  decodeUuidCursor,
  formatFixed,
  iso,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireTenantUser,
  toPage,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findPartner } from '../onboarding/contract.js';
import { ORGANISATION_EVENTS, requireOrgAdmin, staffOfActor } from './org.service.js';
import {
  ApprovalDecision,
  ApprovalListQuery,
  ApprovalPolicyPut,
  ApprovalRequestCreate,
  type ApprovalKind,
  type ApprovalPolicy,
  type ApprovalRequest,
  type Post,
} from './organisation.schemas.js';
import {
  approvalPolicies,
  approvalRequests,
  approvalSteps,
  type ApprovalPolicyRow,
  type ApprovalRequestRow,
  type ApprovalStepRow,
  type ApprovalStepRule,
} from './organisation.tables.js';

/** What an owning module asks approval for (inside its own transaction). */
export interface ApprovalSubject {
  kind: ApprovalKind;
  /** the subject's id in the owning module (e.g. the deviation id) */
  ref: string;
  partnerId?: string | null | undefined;
  /** decimal strings; the policy's measure picks one. A step with a threshold applies when its measure is missing. */
  amount?: string | null | undefined;
  pct?: string | null | undefined;
}

/** `not_required`: no policy (or no step of it) applies: the owning module keeps its own one-step decision. */
export type ApprovalAnswer = { status: 'not_required' } | { status: 'pending'; requestId: string };

export interface ApprovalOutcome {
  kind: ApprovalKind;
  ref: string;
  requestId: string;
  outcome: 'approved' | 'rejected';
  note: string | null;
}

/** Called in the deciding transaction when a request of its kind is finally approved or rejected. */
export type ApprovalHandler = (w: Work, outcome: ApprovalOutcome) => Promise<void>;

const toPolicy = (r: ApprovalPolicyRow): ApprovalPolicy => ({
  id: r.id,
  kind: r.kind as ApprovalKind,
  measure: r.measure,
  steps: r.steps.map((s) => ({ post: s.post as Post, over: s.over ?? null, inclusive: !!s.inclusive })),
  note: r.note,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

const toRequest = (r: ApprovalRequestRow, steps: ApprovalStepRow[]): ApprovalRequest => {
  const mine = steps.filter((s) => s.requestId === r.id).sort((a, b) => a.seq - b.seq);
  return {
    id: r.id,
    kind: r.kind as ApprovalKind,
    ref: r.ref,
    partnerId: r.partnerId,
    // the measures compared with the policy's thresholds, at the scale they are compared at (4 decimals): a request
    // carries no currency, and a pct of 10.0001 needs the step `over: 10` although 2 decimals would say 10.00
    amount: r.amount === null ? null : formatFixed(r.amount),
    pct: r.pct === null ? null : formatFixed(r.pct),
    status: r.status,
    currentPost: r.status === 'pending' ? ((mine.find((s) => s.status === 'pending')?.post as Post | undefined) ?? null) : null,
    steps: mine.map((s) => ({
      seq: s.seq,
      post: s.post as Post,
      status: s.status,
      decidedBy: s.decidedBy,
      decidedBySubject: s.decidedBySubject,
      decidedAt: iso(s.decidedAt),
      note: s.note,
    })),
    requestedBy: r.requestedBy,
    decidedAt: iso(r.decidedAt),
    version: r.version,
    createdAt: iso(r.createdAt)!,
  };
};

/** The steps of a policy that a subject needs: `over` absent, or the measure above it (at it too when inclusive). */
function requiredSteps(steps: readonly ApprovalStepRule[], value: string | null | undefined): ApprovalStepRule[] {
  return steps.filter((s) => {
    if (s.over === undefined || s.over === null) return true;
    if (value === undefined || value === null) return true; // fail closed: an unknown measure needs every step
    const c = dec(value).cmp(s.over);
    return s.inclusive ? c >= 0 : c > 0;
  });
}

/**
 * Approval authority (审批权限): policies by kind (a chain of steps, each by a post above a threshold) and the
 * request engine. Owning modules call `request` in their transaction and register a handler per kind
 * (`onDecided`) that applies the final outcome in the deciding transaction.
 */
export class ApprovalService {
  private readonly handlers = new Map<string, ApprovalHandler>();

  constructor(private readonly store: Store) {}

  onDecided(kind: ApprovalKind, handler: ApprovalHandler): void {
    this.handlers.set(kind, handler);
  }

  // ---------------------------------------------------------------------------------------------- policies
  async putPolicy(actor: Actor, kind: ApprovalKind, input: unknown): Promise<{ policy: ApprovalPolicy; created: boolean }> {
    requireOrgAdmin(actor);
    const d = parseInput(ApprovalPolicyPut, input);
    const steps: ApprovalStepRule[] = d.steps.map((s) => ({
      post: s.post,
      ...(s.over !== undefined ? { over: s.over } : {}),
      ...(s.inclusive ? { inclusive: true } : {}),
    }));
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(approvalPolicies)
        .where(and(eq(approvalPolicies.tenantId, w.tenantId), eq(approvalPolicies.kind, kind)))
        .for('update');
      if (before && d.version !== undefined && d.version !== before.version)
        throw new DomainError('VERSION_CONFLICT', `Version ${d.version} is stale; the approval policy is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      const [row] = before
        ? await w.tx
            .update(approvalPolicies)
            .set({ measure: d.measure, steps, note: d.note ?? null, version: before.version + 1, updatedAt: new Date() })
            .where(and(eq(approvalPolicies.tenantId, w.tenantId), eq(approvalPolicies.id, before.id)))
            .returning()
        : await w.tx
            .insert(approvalPolicies)
            .values({ tenantId: w.tenantId, id: uuidv7(), kind, measure: d.measure, steps, note: d.note ?? null })
            .returning();
      const out = toPolicy(row!);
      w.audit({
        resourceType: 'approval_policy',
        resourceId: out.id,
        action: before ? 'update' : 'create',
        before: before ? toPolicy(before) : null,
        after: out,
      });
      return { policy: out, created: !before };
    });
  }

  async getPolicy(actor: Actor, kind: ApprovalKind): Promise<ApprovalPolicy> {
    requireTenantUser(actor, 'organisation:read');
    const [row] = await this.store.db
      .select()
      .from(approvalPolicies)
      .where(and(eq(approvalPolicies.tenantId, actor.tenantId), eq(approvalPolicies.kind, kind)));
    if (!row) throw notFound('approval policy', kind);
    return toPolicy(row);
  }

  async listPolicies(actor: Actor): Promise<ApprovalPolicy[]> {
    requireTenantUser(actor, 'organisation:read');
    const rows = await this.store.db.select().from(approvalPolicies).where(eq(approvalPolicies.tenantId, actor.tenantId)).orderBy(asc(approvalPolicies.kind));
    return rows.map(toPolicy);
  }

  /** Removes the policy of a kind: its subjects go back to the owning module's one-step decision. Open requests stay. */
  async deletePolicy(actor: Actor, kind: ApprovalKind): Promise<void> {
    requireOrgAdmin(actor);
    await this.store.write(actor, async (w) => {
      const [row] = await w.tx
        .select()
        .from(approvalPolicies)
        .where(and(eq(approvalPolicies.tenantId, w.tenantId), eq(approvalPolicies.kind, kind)))
        .for('update');
      if (!row) throw notFound('approval policy', kind);
      const open = await w.tx
        .select({ id: approvalRequests.id })
        .from(approvalRequests)
        .where(and(eq(approvalRequests.tenantId, w.tenantId), eq(approvalRequests.policyId, row.id)))
        .limit(1);
      if (open.length) throw new DomainError('CONFLICT', `the approval policy of '${kind}' has requests; change its steps instead`);
      await w.tx.delete(approvalPolicies).where(and(eq(approvalPolicies.tenantId, w.tenantId), eq(approvalPolicies.id, row.id)));
      w.audit({ resourceType: 'approval_policy', resourceId: row.id, action: 'delete', before: toPolicy(row), after: null });
    });
  }

  // ---------------------------------------------------------------------------------------------- engine
  /** In the owning module's transaction: opens a request with the steps the policy requires, or `not_required`. */
  async request(w: Work, actor: Actor, s: ApprovalSubject): Promise<ApprovalAnswer> {
    const [policy] = await w.tx
      .select()
      .from(approvalPolicies)
      .where(and(eq(approvalPolicies.tenantId, w.tenantId), eq(approvalPolicies.kind, s.kind)));
    if (!policy) return { status: 'not_required' };
    const steps = requiredSteps(policy.steps, policy.measure === 'pct' ? s.pct : s.amount);
    if (!steps.length) return { status: 'not_required' };
    const open = await this.openRequestFor(w, s.kind, s.ref);
    if (open) throw new DomainError('CONFLICT', `an approval request for ${s.kind} '${s.ref}' is already pending`);
    const id = uuidv7();
    const [row] = await w.tx
      .insert(approvalRequests)
      .values({
        tenantId: w.tenantId,
        id,
        kind: s.kind,
        ref: s.ref,
        partnerId: s.partnerId ?? null,
        amount: s.amount ?? null,
        pct: s.pct ?? null,
        policyId: policy.id,
        requestedBy: actor.subject,
      })
      .returning();
    const stepRows = await w.tx
      .insert(approvalSteps)
      .values(steps.map((st, i) => ({ tenantId: w.tenantId, requestId: id, seq: i + 1, post: st.post })))
      .returning();
    const out = toRequest(row!, stepRows);
    w.audit({ resourceType: 'approval_request', resourceId: id, action: 'create', after: out });
    w.emit({ type: ORGANISATION_EVENTS.approvalRequested, resourceType: 'approval_request', resourceId: id, payload: { request: out } });
    return { status: 'pending', requestId: id };
  }

  /** The pending request of a subject, if any. */
  async openRequestFor(w: Work, kind: ApprovalKind, ref: string): Promise<string | undefined> {
    const [row] = await w.tx
      .select({ id: approvalRequests.id })
      .from(approvalRequests)
      .where(
        and(eq(approvalRequests.tenantId, w.tenantId), eq(approvalRequests.kind, kind), eq(approvalRequests.ref, ref), eq(approvalRequests.status, 'pending')),
      );
    return row?.id;
  }

  /**
   * Decides the current step as the caller: they must be an active staff member holding the step's post and see the
   * request's partner (data scope; 404 otherwise). The last approval, or any rejection, decides the request and
   * calls the kind's handler in this transaction.
   */
  async decideIn(w: Work, actor: Actor, requestId: string, decision: 'approved' | 'rejected', note?: string): Promise<ApprovalRequest> {
    requireTenantUser(actor);
    const [req] = await w.tx
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.tenantId, w.tenantId), eq(approvalRequests.id, requestId)))
      .for('update');
    if (!req || (req.partnerId && !canSeePartner(actor, req.partnerId))) throw notFound('approval request', requestId);
    if (req.status !== 'pending') throw new DomainError('ILLEGAL_TRANSITION', `The approval request is already ${req.status}`);
    const steps = await w.tx
      .select()
      .from(approvalSteps)
      .where(and(eq(approvalSteps.tenantId, w.tenantId), eq(approvalSteps.requestId, requestId)))
      .orderBy(asc(approvalSteps.seq));
    const current = steps.find((s) => s.status === 'pending')!;
    const staff = await staffOfActor(w.tx, actor);
    if (!staff || staff.post !== current.post)
      throw new DomainError('FORBIDDEN', `step ${current.seq} of this approval needs a staff member with the post '${current.post}'`, {
        extra: { requiredPost: current.post },
      });
    if (steps.some((s) => s.decidedBy === staff.id))
      throw new DomainError('FORBIDDEN', 'the same staff member cannot decide two steps of one approval request');
    const before = toRequest(req, steps);
    const now = new Date();
    await w.tx
      .update(approvalSteps)
      .set({ status: decision, decidedBy: staff.id, decidedBySubject: actor.subject, decidedAt: now, note: note ?? null })
      .where(and(eq(approvalSteps.tenantId, w.tenantId), eq(approvalSteps.requestId, requestId), eq(approvalSteps.seq, current.seq)));
    const last = !steps.some((s) => s.seq > current.seq && s.status === 'pending');
    const final = decision === 'rejected' ? 'rejected' : last ? 'approved' : null;
    if (decision === 'rejected')
      await w.tx
        .update(approvalSteps)
        .set({ status: 'skipped' })
        .where(and(eq(approvalSteps.tenantId, w.tenantId), eq(approvalSteps.requestId, requestId), eq(approvalSteps.status, 'pending')));
    const [row] = await w.tx
      .update(approvalRequests)
      .set({ version: req.version + 1, ...(final ? { status: final, decidedAt: now } : {}) })
      .where(and(eq(approvalRequests.tenantId, w.tenantId), eq(approvalRequests.id, requestId)))
      .returning();
    const afterSteps = await w.tx
      .select()
      .from(approvalSteps)
      .where(and(eq(approvalSteps.tenantId, w.tenantId), eq(approvalSteps.requestId, requestId)));
    const out = toRequest(row!, afterSteps);
    w.audit({
      resourceType: 'approval_request',
      resourceId: requestId,
      action: decision === 'approved' ? `approve_step_${current.seq}` : `reject_step_${current.seq}`,
      before,
      after: out,
    });
    w.emit({
      type: ORGANISATION_EVENTS.approvalStepDecided,
      resourceType: 'approval_request',
      resourceId: requestId,
      payload: { request: out, step: current.seq, decision },
    });
    if (final) {
      w.emit({ type: ORGANISATION_EVENTS.approvalDecided, resourceType: 'approval_request', resourceId: requestId, payload: { request: out } });
      await this.handlers.get(req.kind)?.(w, { kind: req.kind as ApprovalKind, ref: req.ref, requestId, outcome: final, note: note ?? null });
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- API
  /** A request for a kind whose owning module does not open them itself (422 when no policy step applies). */
  async create(actor: Actor, input: unknown): Promise<ApprovalRequest> {
    requireTenantUser(actor, 'organisation:write');
    const d = parseInput(ApprovalRequestCreate, input);
    let partnerId: string | null = null;
    if (d.partner) {
      const p = await findPartner(this.store.db, actor.tenantId, d.partner);
      if (!p) throw invalid('partner', `no partner '${d.partner}'`);
      requireOwnPartner(actor, p.id);
      partnerId = p.id;
    }
    const id = await this.store.write(actor, async (w) => {
      const a = await this.request(w, actor, { kind: d.kind, ref: d.ref, partnerId, amount: d.amount ?? null, pct: d.pct ?? null });
      if (a.status === 'not_required')
        throw new DomainError('UNPROCESSABLE', `no approval policy step applies to ${d.kind} with these values: nothing to approve`);
      return a.requestId;
    });
    return this.get(actor, id);
  }

  async decide(actor: Actor, id: string, decision: 'approved' | 'rejected', input: unknown = {}): Promise<ApprovalRequest> {
    const d = parseInput(ApprovalDecision, input ?? {});
    return this.store.write(actor, (w) => this.decideIn(w, actor, id, decision, d.note));
  }

  async get(actor: Actor, id: string): Promise<ApprovalRequest> {
    requireTenantUser(actor, 'organisation:read');
    const [row] = await this.store.db
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.tenantId, actor.tenantId), eq(approvalRequests.id, id)));
    if (!row || (row.partnerId && !canSeePartner(actor, row.partnerId))) throw notFound('approval request', id);
    const steps = await this.store.db
      .select()
      .from(approvalSteps)
      .where(and(eq(approvalSteps.tenantId, actor.tenantId), eq(approvalSteps.requestId, id)));
    return toRequest(row, steps);
  }

  /** Requests (data scope applies); `mine`: pending ones whose current step is for the caller's post. */
  async list(
    actor: Actor,
    input: {
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
      kind?: string | undefined;
      status?: string | undefined;
      mine?: string | boolean | undefined;
    },
  ): Promise<Page<ApprovalRequest>> {
    requireTenantUser(actor, 'organisation:read');
    const f = parseInput(ApprovalListQuery, { kind: input.kind, status: input.status, mine: input.mine === undefined ? undefined : String(input.mine) });
    const after = decodeUuidCursor(input.cursor);
    const r = approvalRequests;
    const ks = keyset(input, [r.id], after);
    const conds: (SQL | undefined)[] = [eq(r.tenantId, actor.tenantId)];
    const scope = partnerCondition(actor, r.partnerId);
    if (scope) conds.push(sql`(${r.partnerId} is null or ${scope})`);
    if (f.kind) conds.push(eq(r.kind, f.kind));
    if (f.status) conds.push(eq(r.status, f.status));
    if (f.mine === 'true') {
      const staff = await staffOfActor(this.store.db, actor);
      if (!staff) return { items: [], nextCursor: null };
      conds.push(eq(r.status, 'pending'));
      conds.push(
        sql`(select s.post from ${approvalSteps} s where s.tenant_id = ${r.tenantId} and s.request_id = ${r.id} and s.status = 'pending' order by s.seq limit 1) = ${staff.post}`,
      );
    }
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(r)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    const ids = rows.map((x) => x.id);
    const steps = ids.length
      ? await this.store.db
          .select()
          .from(approvalSteps)
          .where(and(eq(approvalSteps.tenantId, actor.tenantId), inArray(approvalSteps.requestId, ids)))
      : [];
    return toPage(
      rows.map((x) => toRequest(x, steps)),
      input,
      (x) => [x.id],
    );
  }
}
