import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { uuidv7 } from 'uuidv7';
import {
  Dec,
  decodeUuidCursor,
  formatFixed,
  isUuid,
  periodOf,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  roundMoney,
  today,
  toPage,
  type Actor,
  type Page,
  type Period as PeriodInfo,
  keyset,
  pgArray,
} from '../../platform/kernel/index.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { Db } from '../../platform/db.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import type { AwardService } from './awards.service.js';
import type { PeriodSource } from './contract.js';
import { computeProgram, nextTier, assertRuleSet, type Line, type PartnerInput, type ProgramSpec, type RuleSet } from './incentive.rules.js';
import { Period, RuleSetSchema } from './incentive.schemas.js';

export type { Run, RunLine } from './runs.model.js';
import { incentivePrograms, incentiveRunLines, incentiveRuns, incentiveStatementLines, incentiveStatements, type ProgramRow } from './incentive.tables.js';
import type { RunInputs } from './run-inputs.js';
import { assertStorable, toRun, type Run, type RunLine } from './runs.model.js';
import { type NewLine, type StatementService } from './statements.service.js';

export const RUN_EVENTS = { completed: 'incentive_run.completed' } as const;

export const RunCreate = z
  .strictObject({
    program: z.string().min(1).max(64).describe('Program id or code'),
    period: Period,
    dryRun: z.boolean().default(false).describe('Compute and return the lines; store nothing'),
  })
  .meta({ id: 'IncentiveRunCreate' });

export const Simulate = z
  .strictObject({
    period: Period.optional().describe('Default: the period of the latest stored run of the program'),
    rules: RuleSetSchema,
  })
  .meta({ id: 'IncentiveSimulate' });

/**
 * Calculation runs. The inputs of every eligible partner come from ONE aggregate query over the other modules'
 * contracts (see RunInputs); the pure engine computes the lines; stored runs write run lines and statement lines in one
 * transaction, serialized per program by a row lock on the program.
 */
/**
 * A run or simulation computes every eligible partner of the tenant: a credential limited to a staff data scope
 * (actor.scopedPartnerIds) would write or read partners outside it, so it is refused (403), like the tenant-wide feeds.
 */
function requireUnscoped(actor: Actor, what: string): void {
  if (actor.scopedPartnerIds)
    throw new DomainError('FORBIDDEN', `${what} covers every eligible partner of the tenant; a credential limited to a staff data scope cannot start it`);
}

export class RunService {
  constructor(
    private readonly store: Store,
    private readonly statements: StatementService,
    private readonly awards: AwardService,
    private readonly inputs: RunInputs,
    private readonly periods: PeriodSource,
  ) {}

  private async program(actor: Actor, ref: string, db: Db = this.store.db, lock = false): Promise<ProgramRow> {
    const q = db
      .select()
      .from(incentivePrograms)
      .where(and(eq(incentivePrograms.tenantId, actor.tenantId), isUuid(ref) ? eq(incentivePrograms.id, ref) : eq(incentivePrograms.code, ref)));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw notFound('program', ref);
    return row;
  }

  private async periodFor(actor: Actor, program: ProgramRow, label: string): Promise<PeriodInfo> {
    const p = await this.periods.period(actor, label);
    if (p.kind !== program.granularity) {
      throw invalid('period', `program '${program.code}' is calculated per ${program.granularity}; '${label}' is a ${p.kind}`);
    }
    return p;
  }

  private spec(program: ProgramRow, rules: RuleSet = program.rules): ProgramSpec {
    return { type: program.type, currency: program.currency, rules };
  }

  /** Computes a run; stores it (run, run lines, statement lines, awards) unless dryRun. */
  async create(actor: Actor, input: unknown): Promise<{ run: Run; lines?: RunLine[] }> {
    const data = parseInput(RunCreate, input);
    requireTenantUser(actor, data.dryRun ? 'incentives:read' : 'incentives:write');
    requireUnscoped(actor, 'an incentive run');
    if (data.dryRun) {
      const program = await this.program(actor, data.program);
      const p = await this.periodFor(actor, program, data.period);
      const inputs = await this.inputs.read(actor.tenantId, program, p);
      const result = computeProgram(this.spec(program), inputs);
      return {
        run: this.summary(actor, program, p, this.inputs.hash(program, program.rules, p, inputs), result, inputs.length, true),
        lines: result.lines.map((l) => ({ partnerId: l.partnerId, amount: l.amount, explanation: l.explanation as unknown as Record<string, unknown> })),
      };
    }
    // resolve the period before the transaction (reads settings)
    const pre = await this.program(actor, data.program);
    const p = await this.periodFor(actor, pre, data.period);
    return this.store.write(actor, async (w) => {
      // bulk statements over thousands of rows: hash and merge joins stay linear even when the planner's
      // statistics of freshly written incentive tables are stale (a nested loop over them is quadratic)
      await w.tx.execute(sql`set local enable_nestloop = off`);
      const program = await this.program(actor, pre.id, w.tx, true); // serializes runs of one program
      if (program.status !== 'active') {
        throw new DomainError('ILLEGAL_TRANSITION', `Program '${program.code}' is ${program.status}: only active programs are run (use dryRun to preview)`, {
          extra: { currentStatus: program.status },
        });
      }
      const inputs = await this.inputs.read(w.tenantId, program, p, w.tx);
      const result = computeProgram(this.spec(program), inputs);
      assertStorable(result);
      const inputHash = this.inputs.hash(program, program.rules, p, inputs);
      const id = uuidv7();
      const [row] = await w.tx
        .insert(incentiveRuns)
        .values({
          tenantId: w.tenantId,
          id,
          programId: program.id,
          programVersion: program.version,
          period: p.label,
          periodStart: p.start,
          periodEnd: p.end,
          rules: program.rules,
          inputHash,
          unit: result.unit,
          partnerCount: inputs.length,
          total: result.total,
          requested: result.requested,
          prorated: result.prorated ? 1 : 0,
          createdBy: w.actor.subject,
        })
        .returning();
      const runLines = result.lines.map((l) => ({ partner_id: l.partnerId, amount: l.amount, explanation: l.explanation }));
      for (let i = 0; i < runLines.length; i += 5000) {
        await w.tx.execute(sql`
          insert into ${incentiveRunLines} (tenant_id, run_id, partner_id, amount, explanation)
          select ${w.tenantId}, ${id}, x.partner_id, x.amount, x.explanation
          from jsonb_to_recordset(${JSON.stringify(runLines.slice(i, i + 5000))}::jsonb) as x(partner_id uuid, amount numeric, explanation jsonb)`);
      }
      const run = toRun(row!);
      if (program.type === 'recognition') {
        run.awards = await this.grantTop(w, program, p, inputs);
      } else {
        run.statementLines = await this.settle(w, program, p, id, result.lines, result.unit);
      }
      w.audit({ resourceType: 'incentive_run', resourceId: id, action: 'create', before: null, after: { ...run } as Record<string, unknown> });
      w.emit({ type: RUN_EVENTS.completed, resourceType: 'incentive_run', resourceId: id, payload: { run } });
      // a stored run answers with its lines, like a dry run (issue 14 #11)
      return {
        run,
        lines: result.lines.map((l) => ({ partnerId: l.partnerId, amount: l.amount, explanation: l.explanation as unknown as Record<string, unknown> })),
      };
    });
  }

  /**
   * Statement lines from a stored run. For each partner: L = sum of this program's lines for the period on
   * approved/paid statements (never edited), the program's lines on draft statements are replaced, and the
   * partner's draft gets A - L: a 'calculated' line when nothing was locked yet, else an 'adjustment' line
   * with the reason (only when A - L is not zero).
   */
  private async settle(w: Work, program: ProgramRow, p: PeriodInfo, runId: string, lines: Line[], unit: string) {
    // lock the drafts holding this program's lines for the period; a draft approved meanwhile drops out
    const drafts = await this.store.database.rows<{ id: string }>(
      sql`select s.id from ${incentiveStatements} s
          where s.tenant_id = ${w.tenantId} and s.status = 'draft' and s.period = ${p.label}
            and exists (select 1 from ${incentiveStatementLines} l
                        where l.tenant_id = s.tenant_id and l.statement_id = s.id and l.program_id = ${program.id})
          order by s.id for update of s`,
      w.tx,
    );
    let removed = 0;
    if (drafts.length) {
      const del = await this.store.database.rows<{ statement_id: string }>(
        sql`delete from ${incentiveStatementLines} l using ${incentiveStatements} s
            where l.tenant_id = ${w.tenantId} and l.program_id = ${program.id} and l.period = ${p.label} and l.kind <> 'manual'
              and s.tenant_id = l.tenant_id and s.id = l.statement_id and s.status = 'draft'
            returning l.statement_id`,
        w.tx,
      );
      removed = del.length;
      await this.statements.refreshTotals(w, [...new Set(del.map((d) => d.statement_id))]);
    }
    const locked = await this.store.database.rows<{ partner_id: string; total: string }>(
      sql`select l.partner_id, sum(l.amount)::text as total from ${incentiveStatementLines} l
          join ${incentiveStatements} s on s.tenant_id = l.tenant_id and s.id = l.statement_id
          where l.tenant_id = ${w.tenantId} and l.program_id = ${program.id} and l.period = ${p.label} and s.status <> 'draft' and l.kind <> 'manual'
          group by l.partner_id`,
      w.tx,
    );
    const lockedBy = new Map(locked.map((r) => [r.partner_id, new Dec(r.total)]));
    const out: NewLine[] = [];
    let calculated = 0;
    let adjustments = 0;
    const seen = new Set<string>();
    for (const l of lines) {
      seen.add(l.partnerId);
      const a = new Dec(l.amount);
      const before = lockedBy.get(l.partnerId);
      if (before === undefined) {
        if (a.isZero()) continue;
        calculated++;
        out.push({
          partnerId: l.partnerId,
          period: p.label,
          unit,
          programId: program.id,
          runId,
          kind: 'calculated',
          amount: l.amount,
          reason: null,
          explanation: l.explanation as unknown as Record<string, unknown>,
        });
      } else {
        const delta = a.minus(before);
        if (delta.isZero()) continue;
        adjustments++;
        out.push({
          partnerId: l.partnerId,
          period: p.label,
          unit,
          programId: program.id,
          runId,
          kind: 'adjustment',
          amount: roundMoney(delta, unit),
          reason: `recalculation: ${program.code} ${p.label} is now ${l.amount}; ${roundMoney(before, unit)} was already approved or paid`,
          explanation: { ...(l.explanation as unknown as Record<string, unknown>), alreadySettled: roundMoney(before, unit), newAmount: l.amount },
        });
      }
    }
    // a partner no longer eligible but already settled: reverse what was settled
    for (const [partnerId, before] of lockedBy) {
      if (seen.has(partnerId) || before.isZero()) continue;
      adjustments++;
      out.push({
        partnerId,
        period: p.label,
        unit,
        programId: program.id,
        runId,
        kind: 'adjustment',
        amount: roundMoney(before.negated(), unit),
        reason: `recalculation: partner no longer eligible for ${program.code} ${p.label}; reverses ${roundMoney(before, unit)} already approved or paid`,
        explanation: null,
      });
    }
    await this.statements.addLinesInWork(w, out);
    return { calculated, adjustments, removedDraftLines: removed };
  }

  /** Recognition programs: the top N by base (ties: lower partner id), partners with a base of 0 excluded. */
  private async grantTop(w: Work, program: ProgramRow, p: PeriodInfo, inputs: PartnerInput[]): Promise<number> {
    const rule = program.rules.recognition!;
    const ranked = inputs
      .filter((i) => new Dec(i.base).gt(0))
      .sort((a, b) => {
        const c = new Dec(b.base).cmp(a.base);
        return c !== 0 ? c : a.partnerId < b.partnerId ? -1 : 1;
      })
      .slice(0, rule.topN);
    const existing = await this.store.database.rows<{ partner_id: string }>(
      sql`select partner_id from recognition_awards where tenant_id = ${w.tenantId} and program_id = ${program.id} and period = ${p.label}`,
      w.tx,
    );
    const have = new Set(existing.map((e) => e.partner_id));
    const awards = ranked
      .map((r, i) => ({ r, rank: i + 1 }))
      .filter(({ r }) => !have.has(r.partnerId))
      .map(({ r, rank }) => ({
        partnerId: r.partnerId,
        programId: program.id,
        period: p.label,
        title: rule.title,
        citation: `Rank ${rank} of ${program.name} (${p.label}) with a base of ${r.base}`,
        rank,
        basis: { base: r.base, metric: program.base.metric, sourceRows: r.sourceRows ?? null },
      }));
    await this.awards.insertInWork(w, awards);
    return awards.length;
  }

  private summary(
    actor: Actor,
    program: ProgramRow,
    p: PeriodInfo,
    inputHash: string,
    result: ReturnType<typeof computeProgram>,
    count: number,
    dryRun: boolean,
  ): Run {
    return {
      id: null,
      programId: program.id,
      programVersion: program.version,
      period: p.label,
      periodStart: p.start,
      periodEnd: p.end,
      inputHash,
      unit: result.unit,
      partnerCount: count,
      total: result.total,
      requested: result.requested,
      prorated: result.prorated,
      dryRun,
      createdBy: actor.subject,
      createdAt: null,
    };
  }

  async get(actor: Actor, id: string): Promise<Run> {
    requireScope(actor, 'incentives:read');
    if (actor.partnerId) throw notFound('run', id);
    const [row] = await this.store.db
      .select()
      .from(incentiveRuns)
      .where(and(eq(incentiveRuns.tenantId, actor.tenantId), eq(incentiveRuns.id, id)));
    if (!row) throw notFound('run', id);
    return toRun(row);
  }

  async list(
    actor: Actor,
    input: { programId?: string | undefined; period?: string | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<Run>> {
    requireScope(actor, 'incentives:read');
    if (actor.partnerId) return { items: [], nextCursor: null };
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [{ col: incentiveRuns.id, desc: true }], after);
    const rows = await this.store.db
      .select()
      .from(incentiveRuns)
      .where(
        and(
          eq(incentiveRuns.tenantId, actor.tenantId),
          input.programId ? eq(incentiveRuns.programId, input.programId) : undefined,
          input.period ? eq(incentiveRuns.period, input.period) : undefined,
          ks.where,
        ),
      )
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toRun), input, (r) => [r.id]);
  }

  async lines(actor: Actor, runId: string, input: { limit: number; cursor?: string | undefined; backward?: boolean | undefined }): Promise<Page<RunLine>> {
    const run = await this.get(actor, runId);
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [incentiveRunLines.partnerId], after);
    const rows = await this.store.db
      .select()
      .from(incentiveRunLines)
      .where(and(eq(incentiveRunLines.tenantId, actor.tenantId), eq(incentiveRunLines.runId, runId), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(
      rows.map((r) => ({
        partnerId: r.partnerId,
        amount: roundMoney(new Dec(r.amount), run.unit),
        explanation: r.explanation as unknown as Record<string, unknown>,
      })),
      input,
      (l) => [l.partnerId],
    );
  }

  /** The first `limit` lines (by partner id) of many runs in one query (GraphQL loader). */
  async linesOfRuns(actor: Actor, runIds: string[], limit: number): Promise<Map<string, RunLine[]>> {
    requireScope(actor, 'incentives:read');
    const out = new Map<string, RunLine[]>();
    if (actor.partnerId) return out;
    const rows = await this.store.database.rows<{ run_id: string; partner_id: string; amount: string; explanation: Record<string, unknown>; unit: string }>(sql`
      select l.run_id, l.partner_id, l.amount::text as amount, l.explanation, r.unit
      from ${incentiveRuns} r
      cross join lateral (select * from ${incentiveRunLines} l where l.tenant_id = r.tenant_id and l.run_id = r.id order by l.partner_id limit ${limit}) l
      where r.tenant_id = ${actor.tenantId} and r.id = any(${pgArray(runIds)}::uuid[])
      order by l.run_id, l.partner_id`);
    for (const r of rows) {
      const list = out.get(r.run_id) ?? [];
      list.push({ partnerId: r.partner_id, amount: roundMoney(new Dec(r.amount), r.unit), explanation: r.explanation });
      out.set(r.run_id, list);
    }
    return out;
  }

  /** Line-by-line comparison of two runs (full outer join by partner), changed lines only, with totals. */
  async diff(actor: Actor, runId: string, againstId: string) {
    const a = await this.get(actor, againstId);
    const b = await this.get(actor, runId);
    const rows = await this.store.database.rows<{
      partner_id: string;
      before: string | null;
      after: string | null;
      before_tier: number | null;
      after_tier: number | null;
    }>(sql`
      select coalesce(x.partner_id, y.partner_id) as partner_id, x.amount::text as before, y.amount::text as after,
             (x.explanation->>'tierReached')::int as before_tier, (y.explanation->>'tierReached')::int as after_tier
      from (select partner_id, amount, explanation from ${incentiveRunLines} where tenant_id = ${actor.tenantId} and run_id = ${againstId}) x
      full outer join (select partner_id, amount, explanation from ${incentiveRunLines} where tenant_id = ${actor.tenantId} and run_id = ${runId}) y
        on x.partner_id = y.partner_id
      where x.amount is distinct from y.amount or (x.explanation->>'tierReached') is distinct from (y.explanation->>'tierReached')
      order by 1`);
    const unit = b.unit;
    const fx = (v: string | null) => (v === null ? null : roundMoney(new Dec(v), unit));
    return {
      run: runId,
      against: againstId,
      sameInputs: a.inputHash === b.inputHash,
      totalBefore: a.total,
      totalAfter: b.total,
      totalDelta: roundMoney(new Dec(b.total).minus(a.total), unit),
      changed: rows.map((r) => ({
        partnerId: r.partner_id,
        before: fx(r.before),
        after: fx(r.after),
        delta: roundMoney(new Dec(r.after ?? '0').minus(r.before ?? '0'), unit),
        tierBefore: r.before_tier,
        tierAfter: r.after_tier,
        change: r.before === null ? ('added' as const) : r.after === null ? ('removed' as const) : ('changed' as const),
      })),
    };
  }

  /**
   * Projection for a partner portal: the partner's base so far in the current (or given) period, what it earns
   * now, the next tier, the gap to it and the amount there.
   */
  async projection(actor: Actor, programRef: string, input: { partnerId: string; period?: string | undefined }) {
    requireScope(actor, 'incentives:read');
    requireOwnPartner(actor, input.partnerId);
    const program = await this.program(actor, programRef);
    const settings = await this.periods.settings(actor);
    const label = input.period ?? periodOf(today(), program.granularity, settings.fiscalYearStartMonth).label;
    const p = await this.periodFor(actor, program, label);
    const rows = await this.inputs.read(actor.tenantId, program, p);
    const mine = rows.find((r) => r.partnerId === input.partnerId);
    if (!mine) {
      return { programId: program.id, partnerId: input.partnerId, period: p.label, eligible: false, base: null, target: null, current: null, nextTier: null };
    }
    const n = nextTier(this.spec(program), mine);
    return {
      programId: program.id,
      partnerId: input.partnerId,
      period: p.label,
      eligible: true,
      // measures at 4 decimals (the decimal rule); the threshold is a definition, echoed as written
      base: formatFixed(mine.base),
      target: mine.target === undefined || mine.target === null ? null : formatFixed(mine.target),
      current: {
        amount: n.current.amount,
        tierReached: n.current.explanation.tierReached,
        explanation: n.current.explanation as unknown as Record<string, unknown>,
      },
      nextTier:
        n.nextTierIndex === null
          ? null
          : {
              index: n.nextTierIndex,
              threshold: n.nextThreshold!,
              gap: formatFixed(n.gap!),
              amountAtNext: n.amountAtNext!,
              increase: roundMoney(new Dec(n.amountAtNext!).minus(n.current.amount), n.current.unit),
            },
    };
  }

  /**
   * Simulation: a changed rule set against the period's data (default: the latest stored run's period), compared
   * per partner with the latest stored run of the program for that period. Stores nothing.
   */
  async simulate(actor: Actor, programRef: string, input: unknown) {
    requireTenantUser(actor, 'incentives:read');
    requireUnscoped(actor, 'a simulation');
    const data = parseInput(Simulate, input);
    const program = await this.program(actor, programRef);
    assertRuleSet(program.type, data.rules);
    const [last] = await this.store.db
      .select()
      .from(incentiveRuns)
      .where(
        and(
          eq(incentiveRuns.tenantId, actor.tenantId),
          eq(incentiveRuns.programId, program.id),
          data.period ? eq(incentiveRuns.period, data.period) : undefined,
        ),
      )
      .orderBy(desc(incentiveRuns.id))
      .limit(1);
    if (!last && !data.period) throw new DomainError('UNPROCESSABLE', `Program '${program.code}' has no stored run: name a period`);
    const p = await this.periodFor(actor, program, data.period ?? last!.period);
    const inputs = await this.inputs.read(actor.tenantId, program, p);
    const result = computeProgram(this.spec(program, data.rules), inputs);
    const stored = last
      ? await this.store.db
          .select({ partnerId: incentiveRunLines.partnerId, amount: incentiveRunLines.amount })
          .from(incentiveRunLines)
          .where(and(eq(incentiveRunLines.tenantId, actor.tenantId), eq(incentiveRunLines.runId, last.id)))
      : [];
    const storedBy = new Map(stored.map((s) => [s.partnerId, new Dec(s.amount)]));
    const unit = result.unit;
    const partnersOut = result.lines.map((l) => {
      const before = storedBy.get(l.partnerId) ?? new Dec(0);
      return { partnerId: l.partnerId, stored: roundMoney(before, unit), simulated: l.amount, delta: roundMoney(new Dec(l.amount).minus(before), unit) };
    });
    const storedTotal = last ? roundMoney(new Dec(last.total), unit) : roundMoney(new Dec(0), unit);
    return {
      programId: program.id,
      period: p.label,
      againstRun: last?.id ?? null,
      storedTotal,
      simulatedTotal: result.total,
      delta: roundMoney(new Dec(result.total).minus(storedTotal), unit),
      prorated: result.prorated,
      partners: partnersOut,
    };
  }
}
