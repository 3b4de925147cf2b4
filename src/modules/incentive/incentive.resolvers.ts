import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { argsInput, orNull, pageArgs, pageSize, patchInput, toConnection } from '../../platform/kernel/index.js';
import type { IncentiveServices } from './index.js';
import type { StatementLine } from './incentive.schemas.js';

type Ctx = MercuriusContext;

const byId = (x: { id: string }) => [x.id];

/**
 * The kernel's rule for null: `updateIncentiveProgram` is a patch (null clears, as REST PATCH: `description: null`
 * unlinks the description); create inputs and filters read null as not given.
 */
export function incentiveResolvers(s: IncentiveServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  return {
    resolvers: {
      Query: {
        incentiveProgram: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(s.programs.get(ctx.actor, a.id)),
        incentiveProgramByCode: (_: unknown, a: { code: string }, ctx: Ctx) => orNull(s.programs.get(ctx.actor, a.code)),
        incentivePrograms: async (_: unknown, a: { first?: number; after?: string; status?: string; type?: string }, ctx: Ctx) =>
          toConnection(await s.programs.list(ctx.actor, { ...argsInput({ status: a.status, type: a.type }), ...pageArgs(a) }), byId),
        incentiveStatement: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(s.statements.get(ctx.actor, a.id)),
        incentiveStatements: async (_: unknown, a: { first?: number; after?: string; partnerId?: string; period?: string; status?: string }, ctx: Ctx) =>
          toConnection(
            await s.statements.list(ctx.actor, { ...argsInput({ partnerId: a.partnerId, period: a.period, status: a.status }), ...pageArgs(a) }),
            byId,
          ),
        rebateBalance: (_: unknown, a: { partnerId: string; asOf?: string | null }, ctx: Ctx) =>
          orNull(s.rebates.balance(ctx.actor, a.partnerId, a.asOf ?? undefined)),
        rebateLedger: async (_: unknown, a: { partnerId: string; first?: number; after?: string }, ctx: Ctx) =>
          toConnection(await s.rebates.ledger(ctx.actor, a.partnerId, pageArgs(a)), byId),
        incentiveRun: (_: unknown, a: { id: string }, ctx: Ctx) => orNull(s.runs.get(ctx.actor, a.id)),
        incentiveRuns: async (_: unknown, a: { first?: number; after?: string; programId?: string; period?: string }, ctx: Ctx) =>
          toConnection(await s.runs.list(ctx.actor, { ...argsInput({ programId: a.programId, period: a.period }), ...pageArgs(a) }), (r) => [r.id]),
        incentiveRunDiff: (_: unknown, a: { run: string; against: string }, ctx: Ctx) => s.runs.diff(ctx.actor, a.run, a.against),
        incentiveProjection: (_: unknown, a: { program: string; partnerId: string; period?: string | null }, ctx: Ctx) =>
          s.runs.projection(ctx.actor, a.program, { partnerId: a.partnerId, ...(a.period ? { period: a.period } : {}) }),
        recognitionAwards: async (_: unknown, a: { first?: number; after?: string; partnerId?: string; period?: string; programId?: string }, ctx: Ctx) =>
          toConnection(
            await s.awards.list(ctx.actor, { ...argsInput({ partnerId: a.partnerId, period: a.period, programId: a.programId }), ...pageArgs(a) }),
            byId,
          ),
      },
      Mutation: {
        createIncentiveProgram: (_: unknown, a: { input: object }, ctx: Ctx) => s.programs.create(ctx.actor, argsInput(a.input)),
        updateIncentiveProgram: (_: unknown, a: { id: string; input: object; version?: number | null }, ctx: Ctx) =>
          s.programs.update(ctx.actor, a.id, { ...patchInput(a.input), ...(a.version != null ? { version: a.version } : {}) }),
        activateIncentiveProgram: (_: unknown, a: { id: string }, ctx: Ctx) => s.programs.transition(ctx.actor, a.id, 'active'),
        closeIncentiveProgram: (_: unknown, a: { id: string }, ctx: Ctx) => s.programs.transition(ctx.actor, a.id, 'closed'),
        addIncentiveManualLine: (_: unknown, a: { input: object }, ctx: Ctx) => s.statements.addManualLine(ctx.actor, argsInput(a.input)),
        approveIncentiveStatement: (_: unknown, a: { id: string; version?: number | null }, ctx: Ctx) =>
          s.statements.approve(ctx.actor, a.id, a.version != null ? { version: a.version } : {}),
        payIncentiveStatement: (_: unknown, a: { id: string; paymentReference: string; version?: number | null }, ctx: Ctx) =>
          s.statements.pay(ctx.actor, a.id, { paymentReference: a.paymentReference, ...(a.version != null ? { version: a.version } : {}) }),
        spendRebate: (_: unknown, a: { partnerId: string; input: object }, ctx: Ctx) => s.rebates.spend(ctx.actor, a.partnerId, argsInput(a.input)),
        recordRebateEntry: (_: unknown, a: { partnerId: string; kind: string; amount: string; reason: string }, ctx: Ctx) =>
          s.rebates.record(ctx.actor, a.partnerId, { kind: a.kind, amount: a.amount, reason: a.reason }),
        grantRecognitionAward: (_: unknown, a: { input: object }, ctx: Ctx) => s.awards.grant(ctx.actor, argsInput(a.input)),
        runIncentiveProgram: (_: unknown, a: { program: string; period: string; dryRun?: boolean | null }, ctx: Ctx) =>
          s.runs.create(ctx.actor, { program: a.program, period: a.period, dryRun: a.dryRun ?? false }),
        simulateIncentiveProgram: (_: unknown, a: { program: string; rules: unknown; period?: string | null }, ctx: Ctx) =>
          s.runs.simulate(ctx.actor, a.program, { rules: a.rules, ...(a.period ? { period: a.period } : {}) }),
      },
    },
    loaders: {
      IncentiveStatement: {
        lines: async (queries: { obj: { id: string; lines?: StatementLine[] } }[], ctx: Ctx) => {
          const need = queries.filter((q) => !q.obj.lines).map((q) => q.obj.id);
          const fetched = need.length ? await s.statements.linesOf(ctx.actor, need) : [];
          const map = new Map(need.map((id, i) => [id, fetched[i] ?? []]));
          return queries.map((q) => q.obj.lines ?? map.get(q.obj.id) ?? []);
        },
      },
      IncentiveRun: {
        lines: async (queries: { obj: { id: string | null; lines?: unknown[] }; params: { first?: number } }[], ctx: Ctx) => {
          const ids = queries.map((q) => q.obj.id).filter((x): x is string => !!x);
          const limit = Math.max(...queries.map((q) => pageSize(q.params.first, 100)));
          const got = ids.length ? await s.runs.linesOfRuns(ctx.actor, ids, limit) : new Map();
          return queries.map((q) => (q.obj.id ? (got.get(q.obj.id) ?? []).slice(0, pageSize(q.params.first, 100)) : []));
        },
      },
      IncentiveStatementLine: {
        program: async (queries: { obj: StatementLine }[], ctx: Ctx) => {
          const ids = queries.map((q) => q.obj.programId);
          const found = await s.programs.getMany(
            ctx.actor,
            ids.filter((x): x is string => !!x),
          );
          const m = new Map(found.filter((p) => !!p).map((p) => [p!.id, p]));
          return ids.map((id) => (id ? (m.get(id) ?? null) : null));
        },
      },
    },
  };
}
