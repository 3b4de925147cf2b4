import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { decodeUuidCursor, isUuid, requireScope, requireTenantUser, toPage, type Actor, type Page, keyset } from '../../platform/kernel/index.js';
import { DomainError, notFound } from '../../platform/errors.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { assertRuleSet } from './incentive.rules.js';
import { ProgramCreate, ProgramListQuery, ProgramUpdate, type Program } from './incentive.schemas.js';
import { incentivePrograms, type ProgramRow, type ProgramStatus } from './incentive.tables.js';

export const PROGRAM_EVENTS = {
  created: 'incentive_program.created',
  updated: 'incentive_program.updated',
  activated: 'incentive_program.activated',
  closed: 'incentive_program.closed',
} as const;

export function toProgram(r: ProgramRow): Program {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    type: r.type,
    granularity: r.granularity,
    currency: r.currency,
    base: r.base,
    eligibility: r.eligibility,
    rules: r.rules as Program['rules'],
    orderCap: r.orderCap ? { maxPercent: r.orderCap.maxPercent ?? null, maxAmount: r.orderCap.maxAmount ?? null } : null,
    status: r.status,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const TRANSITIONS: Record<ProgramStatus, ProgramStatus[]> = { draft: ['active', 'closed'], active: ['closed'], closed: [] };

export class ProgramService {
  constructor(private readonly store: Store) {}

  async get(actor: Actor, id: string): Promise<Program> {
    requireScope(actor, 'incentives:read');
    const [row] = await this.store.db
      .select()
      .from(incentivePrograms)
      .where(and(eq(incentivePrograms.tenantId, actor.tenantId), isUuid(id) ? eq(incentivePrograms.id, id) : eq(incentivePrograms.code, id)));
    if (!row) throw notFound('program', id);
    return toProgram(row);
  }

  /** Batch read for loaders, in the order of ids. */
  async getMany(actor: Actor, ids: readonly string[]): Promise<(Program | null)[]> {
    requireScope(actor, 'incentives:read');
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.store.db
      .select()
      .from(incentivePrograms)
      .where(and(eq(incentivePrograms.tenantId, actor.tenantId), inArray(incentivePrograms.id, unique)));
    const byId = new Map(rows.map((r) => [r.id, toProgram(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async list(
    actor: Actor,
    input: { status?: string | undefined; type?: string | undefined; limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<Program>> {
    requireScope(actor, 'incentives:read');
    const f = parseInput(ProgramListQuery, { status: input.status, type: input.type });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [incentivePrograms.id], after);
    const conds: (SQL | undefined)[] = [eq(incentivePrograms.tenantId, actor.tenantId)];
    if (f.status) conds.push(eq(incentivePrograms.status, f.status));
    if (f.type) conds.push(eq(incentivePrograms.type, f.type));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(incentivePrograms)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toProgram), input, (p) => [p.id]);
  }

  async create(actor: Actor, input: unknown): Promise<Program> {
    requireTenantUser(actor, 'incentives:write');
    const data = parseInput(ProgramCreate, input);
    return this.store.write(actor, async (w) => {
      const [dup] = await w.tx
        .select({ id: incentivePrograms.id })
        .from(incentivePrograms)
        .where(and(eq(incentivePrograms.tenantId, w.tenantId), eq(incentivePrograms.code, data.code)));
      if (dup) {
        throw new DomainError('CONFLICT', `A program with code '${data.code}' already exists`, {
          errors: [{ path: 'code', message: 'is already used by another program' }],
          extra: { existingId: dup.id },
        });
      }
      const [row] = await w.tx
        .insert(incentivePrograms)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          code: data.code,
          name: data.name,
          description: data.description ?? null,
          type: data.type,
          granularity: data.granularity,
          currency: data.currency,
          base: data.base,
          eligibility: data.eligibility,
          rules: data.rules,
          orderCap: data.orderCap ?? null,
        })
        .returning();
      const p = toProgram(row!);
      w.audit({ resourceType: 'incentive_program', resourceId: p.id, action: 'create', before: null, after: p });
      w.emit({ type: PROGRAM_EVENTS.created, resourceType: 'incentive_program', resourceId: p.id, payload: { program: p } });
      return p;
    });
  }

  /** Draft and active programs can change (the version increments; runs record it). Closed ones cannot. */
  async update(actor: Actor, id: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Program> {
    requireTenantUser(actor, 'incentives:write');
    const patch = parseInput(ProgramUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      checkVersion(before.version, opts.ifMatch, patch.version);
      if (before.status === 'closed') throw new DomainError('ILLEGAL_TRANSITION', `Program '${before.code}' is closed and cannot be changed`);
      const { version: _v, ...fields } = patch;
      if (before.status !== 'draft') {
        for (const k of ['currency', 'granularity'] as const) {
          if (fields[k] !== undefined && fields[k] !== before[k]) {
            throw new DomainError('CONFLICT', `${k} is fixed once a program is active (runs and statements are booked in it)`, {
              errors: [{ path: k, message: 'cannot change after activation' }],
            });
          }
        }
      }
      const rules = fields.rules ?? (before.rules as Program['rules']);
      assertRuleSet(before.type, rules);
      const changes: Partial<typeof incentivePrograms.$inferInsert> = {};
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) (changes as Record<string, unknown>)[k] = v;
      const old = toProgram(before);
      if (!Object.entries(changes).some(([k, v]) => JSON.stringify((old as Record<string, unknown>)[k]) !== JSON.stringify(v))) return old;
      const [row] = await w.tx
        .update(incentivePrograms)
        .set({ ...changes, version: sql`${incentivePrograms.version} + 1`, updatedAt: new Date() })
        .where(and(eq(incentivePrograms.tenantId, w.tenantId), eq(incentivePrograms.id, id)))
        .returning();
      const p = toProgram(row!);
      w.audit({ resourceType: 'incentive_program', resourceId: p.id, action: 'update', before: old, after: p });
      w.emit({ type: PROGRAM_EVENTS.updated, resourceType: 'incentive_program', resourceId: p.id, payload: { program: p } });
      return p;
    });
  }

  async transition(actor: Actor, id: string, to: 'active' | 'closed', opts: { ifMatch?: number } = {}): Promise<Program> {
    requireTenantUser(actor, 'incentives:write');
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      checkVersion(before.version, opts.ifMatch, undefined);
      if (!TRANSITIONS[before.status].includes(to)) {
        throw new DomainError('ILLEGAL_TRANSITION', `Program '${before.code}' is ${before.status}; it cannot become ${to}`, {
          extra: { currentStatus: before.status, allowed: TRANSITIONS[before.status] },
        });
      }
      const [row] = await w.tx
        .update(incentivePrograms)
        .set({ status: to, version: sql`${incentivePrograms.version} + 1`, updatedAt: new Date() })
        .where(and(eq(incentivePrograms.tenantId, w.tenantId), eq(incentivePrograms.id, id)))
        .returning();
      const p = toProgram(row!);
      w.audit({ resourceType: 'incentive_program', resourceId: p.id, action: to === 'active' ? 'activate' : 'close', before: toProgram(before), after: p });
      w.emit({
        type: to === 'active' ? PROGRAM_EVENTS.activated : PROGRAM_EVENTS.closed,
        resourceType: 'incentive_program',
        resourceId: p.id,
        payload: { program: p },
      });
      return p;
    });
  }

  async lock(w: Work, id: string): Promise<ProgramRow> {
    const [row] = await w.tx
      .select()
      .from(incentivePrograms)
      .where(and(eq(incentivePrograms.tenantId, w.tenantId), eq(incentivePrograms.id, id)))
      .for('update');
    if (!row) throw notFound('program', id);
    return row;
  }
}

export function checkVersion(current: number, ifMatch: number | undefined, bodyVersion: number | undefined) {
  if (ifMatch !== undefined && ifMatch !== current) {
    throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${ifMatch}; the resource is at version ${current}`, {
      extra: { currentVersion: current },
    });
  }
  if (bodyVersion !== undefined && bodyVersion !== current) {
    throw new DomainError('VERSION_CONFLICT', `Version ${bodyVersion} is stale; the resource is at version ${current}`, { extra: { currentVersion: current } });
  }
}
