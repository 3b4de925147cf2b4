import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  type Actor,
  canSeePartner,
  Dec,
  decodeUuidCursor,
  minorUnits,
  type Page,
  partnerCondition,
  partnerSql,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  roundMoney,
  toPage,
  keyset,
  pgArray,
} from '../../platform/kernel/index.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, partnersById } from '../onboarding/contract.js';
import { ApproveInput, ManualLineCreate, PayInput, StatementListQuery, type Statement, type StatementLine } from './incentive.schemas.js';
import {
  incentivePrograms,
  incentiveStatementLines,
  incentiveStatements,
  type LineKind,
  type StatementLineRow,
  type StatementRow,
} from './incentive.tables.js';
import { checkVersion } from './programs.service.js';
import type { RebateService } from './rebates.service.js';
import type { ApprovalsPort } from '../organisation/contract.js';

export const STATEMENT_EVENTS = {
  approved: 'statement.approved',
  paid: 'statement.paid',
  approvalRequested: 'statement.approval_requested',
  approvalRejected: 'statement.approval_rejected',
} as const;

const fix = (v: string, unit: string) => roundMoney(new Dec(v), unit);

export function toStatement(r: StatementRow): Statement {
  return {
    id: r.id,
    partnerId: r.partnerId,
    period: r.period,
    unit: r.unit,
    status: r.status,
    total: fix(r.total, r.unit),
    paymentReference: r.paymentReference,
    approvedBy: r.approvedBy,
    approvedAt: r.approvedAt?.toISOString() ?? null,
    paidBy: r.paidBy,
    paidAt: r.paidAt?.toISOString() ?? null,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toLine(r: StatementLineRow, unit: string): StatementLine {
  return {
    id: r.id,
    statementId: r.statementId,
    partnerId: r.partnerId,
    period: r.period,
    programId: r.programId,
    runId: r.runId,
    kind: r.kind,
    amount: fix(r.amount, unit),
    reason: r.reason,
    explanation: r.explanation ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

export interface NewLine {
  partnerId: string;
  period: string;
  unit: string;
  programId: string | null;
  runId: string | null;
  kind: LineKind;
  amount: string;
  reason: string | null;
  explanation: Record<string, unknown> | null;
}

export class StatementService {
  constructor(
    private readonly store: Store,
    private readonly rebates: RebateService,
    /** the sales organisation's approval engine (statement approval chains); absent: one-step approvals */
    private readonly approvals?: ApprovalsPort,
  ) {}

  async get(actor: Actor, id: string): Promise<Statement & { lines: StatementLine[] }> {
    requireScope(actor, 'incentives:read');
    const [row] = await this.store.db
      .select()
      .from(incentiveStatements)
      .where(and(eq(incentiveStatements.tenantId, actor.tenantId), eq(incentiveStatements.id, id)));
    if (!row || !canSeePartner(actor, row.partnerId)) throw notFound('statement', id);
    const lines = await this.linesOf(actor, [id]);
    return { ...toStatement(row), lines: lines[0]! };
  }

  /** Lines of many statements in one query (GraphQL loader). */
  async linesOf(actor: Actor, statementIds: readonly string[]): Promise<StatementLine[][]> {
    requireScope(actor, 'incentives:read');
    const unique = [...new Set(statementIds)];
    if (!unique.length) return [];
    const rows = await this.store.db
      .select({ line: incentiveStatementLines, unit: incentiveStatements.unit, owner: incentiveStatements.partnerId })
      .from(incentiveStatementLines)
      .innerJoin(
        incentiveStatements,
        and(eq(incentiveStatements.tenantId, incentiveStatementLines.tenantId), eq(incentiveStatements.id, incentiveStatementLines.statementId)),
      )
      .where(and(eq(incentiveStatementLines.tenantId, actor.tenantId), inArray(incentiveStatementLines.statementId, unique)))
      .orderBy(asc(incentiveStatementLines.id));
    const groups = new Map<string, StatementLine[]>();
    for (const r of rows) {
      if (!canSeePartner(actor, r.owner)) continue;
      const list = groups.get(r.line.statementId) ?? [];
      list.push(toLine(r.line, r.unit));
      groups.set(r.line.statementId, list);
    }
    return statementIds.map((id) => groups.get(id) ?? []);
  }

  async list(
    actor: Actor,
    input: {
      partnerId?: string | undefined;
      period?: string | undefined;
      status?: string | undefined;
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
    },
  ): Promise<Page<Statement>> {
    requireScope(actor, 'incentives:read');
    const f = parseInput(StatementListQuery, { partnerId: input.partnerId, period: input.period, status: input.status });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [incentiveStatements.id], after);
    const conds: (SQL | undefined)[] = [eq(incentiveStatements.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, incentiveStatements.partnerId));
    if (f.partnerId) conds.push(eq(incentiveStatements.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partnerId)));
    if (f.period) conds.push(eq(incentiveStatements.period, f.period));
    if (f.status) conds.push(eq(incentiveStatements.status, f.status));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(incentiveStatements)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toStatement), input, (s) => [s.id]);
  }

  /** A manual line (bonus, correction) on the partner's open statement for the period. */
  async addManualLine(actor: Actor, input: unknown): Promise<StatementLine> {
    requireTenantUser(actor, 'incentives:write');
    const data = parseInput(ManualLineCreate, input);
    requireOwnPartner(actor, data.partnerId); // a staff data scope confines tenant-side writes (404)
    return this.store.write(actor, async (w) => {
      let unit = data.unit ?? 'CNY';
      if (data.programId) {
        const [p] = await w.tx
          .select({ currency: incentivePrograms.currency, type: incentivePrograms.type })
          .from(incentivePrograms)
          .where(and(eq(incentivePrograms.tenantId, w.tenantId), eq(incentivePrograms.id, data.programId)));
        if (!p) throw invalid('programId', `no program '${data.programId}' in this tenant`);
        unit = p.type === 'points' ? 'PTS' : p.currency;
        if (data.unit && data.unit !== unit) throw invalid('unit', `the program books in ${unit}`);
      }
      if (!(await partnersById(w.tx, w.tenantId, [data.partnerId])).has(data.partnerId))
        throw invalid('partnerId', `no partner '${data.partnerId}' in this tenant`);
      const amount = new Dec(data.amount);
      if (amount.decimalPlaces() > minorUnits(unit)) throw invalid('amount', `${unit} has ${minorUnits(unit)} decimal places; nothing is rounded silently`);
      const [line] = await this.addLinesInWork(w, [
        {
          partnerId: data.partnerId,
          period: data.period,
          unit,
          programId: data.programId ?? null,
          runId: null,
          kind: 'manual',
          amount: roundMoney(amount, unit),
          reason: data.reason,
          explanation: null,
        },
      ]);
      return line!;
    });
  }

  /**
   * Appends lines to the open (draft) statement of each (partner, period, unit), creating it when absent, with
   * a fixed number of statements whatever the number of lines. A draft approved meanwhile is not touched:
   * a new draft takes the lines.
   */
  async addLinesInWork(w: Work, lines: NewLine[]): Promise<StatementLine[]> {
    if (!lines.length) return [];
    const keyOf = (l: { partnerId: string; period: string; unit: string }) => `${l.partnerId}|${l.period}|${l.unit}`;
    const keys = [...new Map(lines.map((l) => [keyOf(l), { partnerId: l.partnerId, period: l.period, unit: l.unit }])).values()];
    const drafts = new Map<string, { id: string; unit: string }>();
    for (let attempt = 0; attempt < 3 && drafts.size < keys.length; attempt++) {
      const missing = keys.filter((k) => !drafts.has(keyOf(k)));
      const json = JSON.stringify(missing.map((k) => ({ id: uuidv7(), partner_id: k.partnerId, period: k.period, unit: k.unit })));
      await w.tx.execute(sql`
        insert into ${incentiveStatements} (tenant_id, id, partner_id, period, unit)
        select ${w.tenantId}, x.id, x.partner_id, x.period, x.unit
        from jsonb_to_recordset(${json}::jsonb) as x(id uuid, partner_id uuid, period text, unit text)
        on conflict (tenant_id, partner_id, period, unit) where status = 'draft' do nothing`);
      // lock the open drafts; one approved meanwhile no longer matches status = 'draft' and is retried
      const rows = await this.store.database.rows<{ id: string; partner_id: string; period: string; unit: string }>(
        sql`select s.id, s.partner_id, s.period, s.unit from ${incentiveStatements} s
            join jsonb_to_recordset(${json}::jsonb) as x(id uuid, partner_id uuid, period text, unit text)
              on s.partner_id = x.partner_id and s.period = x.period and s.unit = x.unit
            where s.tenant_id = ${w.tenantId} and s.status = 'draft'
            order by s.id for update of s`,
        w.tx,
      );
      for (const r of rows) drafts.set(keyOf({ partnerId: r.partner_id, period: r.period, unit: r.unit }), { id: r.id, unit: r.unit });
    }
    if (drafts.size < keys.length) throw new DomainError('CONFLICT', 'Statements changed concurrently; retry the request');
    const values = lines.map((l) => ({
      id: uuidv7(),
      statement_id: drafts.get(keyOf(l))!.id,
      partner_id: l.partnerId,
      period: l.period,
      program_id: l.programId,
      run_id: l.runId,
      kind: l.kind,
      amount: l.amount,
      reason: l.reason,
      explanation: l.explanation,
    }));
    // one statement per 5,000 lines, the rows travel as one JSON parameter
    const created = new Map<string, Date>();
    for (let i = 0; i < values.length; i += 5000) {
      const rows = await this.store.database.rows<{ id: string; created_at: string | Date }>(
        sql`insert into ${incentiveStatementLines} (tenant_id, id, statement_id, partner_id, period, program_id, run_id, kind, amount, reason, explanation)
            select ${w.tenantId}, x.id, x.statement_id, x.partner_id, x.period, x.program_id, x.run_id, x.kind, x.amount, x.reason, x.explanation
            from jsonb_to_recordset(${JSON.stringify(values.slice(i, i + 5000))}::jsonb)
              as x(id uuid, statement_id uuid, partner_id uuid, period text, program_id uuid, run_id uuid, kind text, amount numeric, reason text, explanation jsonb)
            returning id, created_at`,
        w.tx,
      );
      for (const r of rows) created.set(r.id, new Date(r.created_at));
    }
    await this.refreshTotals(w, [...new Set(values.map((v) => v.statement_id))]);
    const unitOf = new Map([...drafts.values()].map((d) => [d.id, d.unit]));
    return values.map((v) =>
      toLine(
        {
          tenantId: w.tenantId,
          id: v.id,
          statementId: v.statement_id,
          partnerId: v.partner_id,
          period: v.period,
          programId: v.program_id,
          runId: v.run_id,
          kind: v.kind,
          amount: v.amount,
          reason: v.reason,
          explanation: v.explanation,
          createdAt: created.get(v.id) ?? new Date(),
        },
        unitOf.get(v.statement_id)!,
      ),
    );
  }

  /** total = sum of lines, for the given statements, in one statement. */
  async refreshTotals(w: Work, statementIds: string[]): Promise<void> {
    if (!statementIds.length) return;
    const ids = pgArray(statementIds);
    await w.tx.execute(sql`
      update ${incentiveStatements} s set total = coalesce(t.total, 0), version = s.version + 1, updated_at = now()
      from unnest(${ids}::uuid[]) as x(id)
      left join (select statement_id, sum(amount) as total from ${incentiveStatementLines}
                 where tenant_id = ${w.tenantId} and statement_id = any(${ids}::uuid[]) group by statement_id) t on t.statement_id = x.id
      where s.tenant_id = ${w.tenantId} and s.id = x.id`);
  }

  /**
   * draft -> approved. The statement row is locked first, so of two concurrent approvals exactly one sees
   * 'draft'; the other gets ILLEGAL_TRANSITION. Rebate-program lines accrue to the partner's rebate account.
   * When the tenant's `statement` approval policy has steps for the statement's total, the statement becomes
   * `pending_approval` instead and waits for the chain (incentive.approvals.ts); approving a pending statement
   * here decides the chain's current step as the caller (their post must match).
   */
  async approve(actor: Actor, id: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Statement> {
    requireScope(actor, 'incentives:approve');
    const data = parseInput(ApproveInput, input ?? {});
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      checkVersion(before.version, opts.ifMatch, data.version);
      if (before.status === 'pending_approval' && this.approvals) {
        const open = await this.approvals.openRequestFor(w, 'statement', id);
        if (open) {
          await this.approvals.decideIn(w, actor, open, 'approved');
          return toStatement(await this.lock(w, id));
        }
      }
      if (before.status !== 'draft') throw illegal(before, 'approved');
      const [n] = await this.store.database.rows<{ n: number }>(
        sql`select count(*)::int as n from ${incentiveStatementLines} l where l.tenant_id = ${w.tenantId} and l.statement_id = ${id}`,
        w.tx,
      );
      if (!n || n.n === 0) throw new DomainError('UNPROCESSABLE', 'An empty statement cannot be approved');
      const answer = this.approvals
        ? await this.approvals.request(w, actor, { kind: 'statement', ref: id, partnerId: before.partnerId, amount: new Dec(before.total).toFixed() })
        : ({ status: 'not_required' } as const);
      if (answer.status === 'pending') {
        const [row] = await w.tx
          .update(incentiveStatements)
          .set({ status: 'pending_approval', version: sql`${incentiveStatements.version} + 1`, updatedAt: new Date() })
          .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, id), eq(incentiveStatements.status, 'draft')))
          .returning();
        if (!row) throw illegal(before, 'pending_approval');
        const s = toStatement(row);
        w.audit({ resourceType: 'incentive_statement', resourceId: id, action: 'request_approval', before: toStatement(before), after: s });
        w.emit({
          type: STATEMENT_EVENTS.approvalRequested,
          resourceType: 'incentive_statement',
          resourceId: id,
          payload: { statement: s, approvalRequestId: answer.requestId },
        });
        return s;
      }
      return this.completeApproval(w, before, 'draft', null);
    });
  }

  /**
   * The approval itself (draft, or pending_approval once the chain approved it): status approved, rebate lines
   * accrue, audit `approve` and `statement.approved`.
   */
  private async completeApproval(w: Work, before: StatementRow, from: 'draft' | 'pending_approval', approvalRequestId: string | null): Promise<Statement> {
    const id = before.id;
    const [n] = await this.store.database.rows<{ rebate: string | null }>(
      sql`select sum(l.amount) filter (where p.type = 'rebate')::text as rebate
          from ${incentiveStatementLines} l
          left join ${incentivePrograms} p on p.tenant_id = l.tenant_id and p.id = l.program_id
          where l.tenant_id = ${w.tenantId} and l.statement_id = ${id}`,
      w.tx,
    );
    const [row] = await w.tx
      .update(incentiveStatements)
      .set({
        status: 'approved',
        approvedBy: w.actor.subject,
        approvedAt: new Date(),
        version: sql`${incentiveStatements.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, id), eq(incentiveStatements.status, from)))
      .returning();
    if (!row) throw illegal(before, 'approved');
    const rebate = n?.rebate ? new Dec(n.rebate) : new Dec(0);
    if (rebate.gt(0) && row.unit !== 'PTS') await this.rebates.accrueInWork(w, row.partnerId, row.unit, rebate.toFixed(), row.id);
    const s = toStatement(row);
    w.audit({ resourceType: 'incentive_statement', resourceId: id, action: 'approve', before: toStatement(before), after: s });
    w.emit({
      type: STATEMENT_EVENTS.approved,
      resourceType: 'incentive_statement',
      resourceId: id,
      payload: { statement: s, rebateAccrued: roundMoney(rebate.gt(0) ? rebate : 0, row.unit), ...(approvalRequestId ? { approvalRequestId } : {}) },
    });
    return s;
  }

  /**
   * The final decision of a statement's approval chain, in the deciding transaction. Approved: the statement is
   * approved as a one-step approval would have (accrual, `statement.approved`). Rejected: it returns to `draft`
   * (audit `approval_rejected`, event `statement.approval_rejected`); when a newer draft of the same partner, period
   * and unit opened meanwhile (lines booked while it was pending), that draft's lines move onto it and the emptied
   * draft is deleted, so there is again one open statement per partner, period and unit.
   */
  async applyApprovalOutcome(w: Work, outcome: { ref: string; requestId: string; outcome: 'approved' | 'rejected'; note: string | null }): Promise<void> {
    const [before] = await w.tx
      .select()
      .from(incentiveStatements)
      .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, outcome.ref)))
      .for('update');
    if (!before || before.status !== 'pending_approval') return; // nothing waits on this request any more
    if (outcome.outcome === 'approved') {
      await this.completeApproval(w, before, 'pending_approval', outcome.requestId);
      return;
    }
    const [other] = await w.tx
      .select()
      .from(incentiveStatements)
      .where(
        and(
          eq(incentiveStatements.tenantId, w.tenantId),
          eq(incentiveStatements.partnerId, before.partnerId),
          eq(incentiveStatements.period, before.period),
          eq(incentiveStatements.unit, before.unit),
          eq(incentiveStatements.status, 'draft'),
        ),
      )
      .for('update');
    let merged: string | null = null;
    if (other) {
      await w.tx
        .update(incentiveStatementLines)
        .set({ statementId: before.id })
        .where(and(eq(incentiveStatementLines.tenantId, w.tenantId), eq(incentiveStatementLines.statementId, other.id)));
      await w.tx.delete(incentiveStatements).where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, other.id)));
      w.audit({
        resourceType: 'incentive_statement',
        resourceId: other.id,
        action: 'merge',
        before: toStatement(other),
        after: { mergedInto: before.id },
      });
      merged = other.id;
    }
    await w.tx
      .update(incentiveStatements)
      .set({ status: 'draft', version: sql`${incentiveStatements.version} + 1`, updatedAt: new Date() })
      .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, before.id)));
    if (merged) await this.refreshTotals(w, [before.id]);
    const [row] = await w.tx
      .select()
      .from(incentiveStatements)
      .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, before.id)));
    const s = toStatement(row!);
    w.audit({ resourceType: 'incentive_statement', resourceId: before.id, action: 'approval_rejected', before: toStatement(before), after: s });
    w.emit({
      type: STATEMENT_EVENTS.approvalRejected,
      resourceType: 'incentive_statement',
      resourceId: before.id,
      payload: { statement: s, approvalRequestId: outcome.requestId, note: outcome.note, mergedDraftId: merged },
    });
  }

  /** approved -> paid with the payment reference; what the statement accrued becomes available. */
  async pay(actor: Actor, id: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Statement> {
    requireScope(actor, 'incentives:approve');
    const data = parseInput(PayInput, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      checkVersion(before.version, opts.ifMatch, data.version);
      if (before.status !== 'approved') throw illegal(before, 'paid');
      const [row] = await w.tx
        .update(incentiveStatements)
        .set({
          status: 'paid',
          paymentReference: data.paymentReference,
          paidBy: w.actor.subject,
          paidAt: new Date(),
          version: sql`${incentiveStatements.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, id), eq(incentiveStatements.status, 'approved')))
        .returning();
      if (!row) throw illegal(before, 'paid');
      await this.rebates.releaseInWork(w, row.partnerId, row.id);
      const s = toStatement(row);
      w.audit({ resourceType: 'incentive_statement', resourceId: id, action: 'pay', before: toStatement(before), after: s });
      w.emit({ type: STATEMENT_EVENTS.paid, resourceType: 'incentive_statement', resourceId: id, payload: { statement: s } });
      return s;
    });
  }

  /** Statement lines for the ERP's payables, one row per line (period required; optional status). */
  async exportLines(actor: Actor, input: { period: string; status?: string | undefined }) {
    requireScope(actor, 'incentives:read');
    const f = parseInput(StatementListQuery, { period: input.period, status: input.status });
    return this.store.database.rows<{
      statement_id: string;
      partner_id: string;
      partner_code: string;
      period: string;
      unit: string;
      status: string;
      statement_total: string;
      payment_reference: string | null;
      line_id: string;
      kind: string;
      program_code: string | null;
      amount: string;
      reason: string | null;
    }>(sql`
      select s.id as statement_id, s.partner_id, pa.code as partner_code, s.period, s.unit, s.status,
             s.total::text as statement_total, s.payment_reference, l.id as line_id, l.kind, pr.code as program_code,
             l.amount::text as amount, l.reason
      from ${incentiveStatements} s
      join ${onboardingSql.partners(actor.tenantId)} pa on pa.id = s.partner_id
      join ${incentiveStatementLines} l on l.tenant_id = s.tenant_id and l.statement_id = s.id
      left join ${incentivePrograms} pr on pr.tenant_id = l.tenant_id and pr.id = l.program_id
      where s.tenant_id = ${actor.tenantId} and s.period = ${f.period!}
        ${f.status ? sql`and s.status = ${f.status}` : sql``}
        ${partnerSql(actor, sql`s.partner_id`)}
      order by pa.code, s.id, l.id`);
  }

  private async lock(w: Work, id: string): Promise<StatementRow> {
    const [row] = await w.tx
      .select()
      .from(incentiveStatements)
      .where(and(eq(incentiveStatements.tenantId, w.tenantId), eq(incentiveStatements.id, id)))
      .for('update');
    if (!row || !canSeePartner(w.actor, row.partnerId)) throw notFound('statement', id);
    return row;
  }
}

function illegal(s: StatementRow, to: string) {
  return new DomainError('ILLEGAL_TRANSITION', `Statement is ${s.status}; it cannot become ${to}`, { extra: { currentStatus: s.status } });
}
