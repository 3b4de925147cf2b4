import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  type Actor,
  canSeePartner,
  decodeUuidCursor,
  formatFixed,
  iso,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  rowsOf,
  toPage,
  keyset,
} from '../../platform/kernel/index.js';
import { targetSql, type FactStream } from './contract.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findAgreement, onboardingSql, partnersById } from '../onboarding/contract.js';
import { children, parsePeriod, PeriodError, previousYear, type Period } from '../../platform/kernel/periods.js';
import { defaultUnit, splitExact, SplitError, weightsFor, type Metric } from './target.rules.js';
import {
  AllocateInput,
  DecomposeInput,
  TargetCreate,
  TargetListQuery,
  TargetSettingsUpdate,
  TargetUpdate,
  type SplitResult,
  type Target,
} from './target.schemas.js';
import { targetPeriodLocks, targets, targetSettings, type TargetRow } from './target.tables.js';
import type { Db } from '../../platform/db.js';

export const TARGET_EVENTS = { set: 'target.set', periodLocked: 'target.period_locked', periodUnlocked: 'target.period_unlocked' } as const;

export type Settings = {
  fiscalYearStartMonth: number;
  salesBasis: 'sell_through' | 'sell_in';
  version: number;
};

export function toTarget(r: TargetRow): Target {
  return {
    id: r.id,
    partnerId: r.partnerId,
    period: r.period,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    metric: r.metric,
    productLineId: r.productLineId,
    territoryId: r.territoryId,
    value: r.value,
    agreementId: r.agreementId,
    note: r.note,
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

const splitErr = (e: unknown): never => {
  if (e instanceof SplitError) throw invalid(e.path, e.message);
  throw e;
};

export class TargetService {
  constructor(private readonly store: Store) {}

  // ----- settings

  /** inside a write pass its transaction: on the embedded database (one connection) a read beside it would wait forever */
  async settings(actor: Actor, db: Db = this.store.db): Promise<Settings> {
    const [row] = await db.select().from(targetSettings).where(eq(targetSettings.tenantId, actor.tenantId));
    return row
      ? { fiscalYearStartMonth: row.fiscalYearStartMonth, salesBasis: row.salesBasis, version: row.version }
      : { fiscalYearStartMonth: 1, salesBasis: 'sell_through', version: 0 };
  }

  async getSettings(actor: Actor): Promise<Settings> {
    requireScope(actor, 'targets:read');
    return this.settings(actor);
  }

  async updateSettings(actor: Actor, input: unknown): Promise<Settings> {
    requireTenantUser(actor, 'targets:write');
    const data = parseInput(TargetSettingsUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.settings(actor, w.tx);
      if (data.fiscalYearStartMonth !== undefined && data.fiscalYearStartMonth !== before.fiscalYearStartMonth) {
        // years and quarters already stored were resolved with the old start month
        const [{ m } = { m: 0 }] = await rowsOf<{ m: number }>(
          w.tx,
          sql`select count(*)::int as m from ${targets} where tenant_id = ${w.tenantId} and (length(period) = 4 or period like '%-Q%')`,
        );
        if (Number(m) > 0) {
          throw new DomainError('CONFLICT', 'the fiscal year start cannot change while year or quarter targets exist', {
            errors: [{ path: 'fiscalYearStartMonth', message: 'year or quarter targets exist' }],
          });
        }
      }
      const next = {
        fiscalYearStartMonth: data.fiscalYearStartMonth ?? before.fiscalYearStartMonth,
        salesBasis: data.salesBasis ?? before.salesBasis,
      };
      const [row] = await w.tx
        .insert(targetSettings)
        .values({ tenantId: w.tenantId, ...next })
        .onConflictDoUpdate({ target: targetSettings.tenantId, set: { ...next, version: sql`${targetSettings.version} + 1`, updatedAt: new Date() } })
        .returning();
      const after = { fiscalYearStartMonth: row!.fiscalYearStartMonth, salesBasis: row!.salesBasis, version: row!.version };
      w.audit({ resourceType: 'target_settings', resourceId: w.tenantId, action: 'update', before, after });
      return after;
    });
  }

  async period(actor: Actor, label: string, path = 'period'): Promise<Period> {
    const s = await this.settings(actor);
    try {
      return parsePeriod(label, s.fiscalYearStartMonth);
    } catch (e) {
      if (e instanceof PeriodError) throw invalid(path, e.message);
      throw e;
    }
  }

  // ----- targets

  async get(actor: Actor, id: string): Promise<Target> {
    requireScope(actor, 'targets:read');
    const [row] = await this.store.db
      .select()
      .from(targets)
      .where(and(eq(targets.tenantId, actor.tenantId), eq(targets.id, id)));
    if (!row || !canSeePartner(actor, row.partnerId)) throw notFound('target', id);
    return toTarget(row);
  }

  async list(
    actor: Actor,
    input: {
      partnerId?: string | undefined;
      period?: string | undefined;
      metric?: Metric | undefined;
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
    },
  ): Promise<Page<Target>> {
    requireScope(actor, 'targets:read');
    const f = parseInput(TargetListQuery, { partnerId: input.partnerId, period: input.period, metric: input.metric });
    const conds: (SQL | undefined)[] = [eq(targets.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, targets.partnerId));
    if (f.partnerId) conds.push(eq(targets.partnerId, onboardingSql.idOf('partners', actor.tenantId, f.partnerId)));
    if (f.period) conds.push(eq(targets.period, (await this.period(actor, f.period)).label));
    if (f.metric) conds.push(eq(targets.metric, f.metric));
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [targets.id], after);
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(targets)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toTarget), input, (t) => [t.id]);
  }

  async create(actor: Actor, input: unknown): Promise<Target> {
    requireScope(actor, 'targets:write');
    const data = parseInput(TargetCreate, input);
    if (actor.partnerId) throw new DomainError('FORBIDDEN', 'partner users cannot set targets');
    requireOwnPartner(actor, data.partnerId); // a staff data scope confines tenant-side writes (404)
    const p = await this.period(actor, data.period);
    return this.store.write(actor, async (w) => {
      await this.assertPartners(w, [data.partnerId]);
      await this.assertUnlocked(w, p);
      const existing = await this.findByKey(w, data.partnerId, p.label, data.metric, data.productLineId ?? null, data.territoryId ?? null);
      if (existing) {
        throw new DomainError('CONFLICT', `a ${data.metric} target for this partner and period ${p.label} already exists`, {
          errors: [{ path: 'period', message: 'target already exists; update it' }],
          extra: { existingId: existing.id },
        });
      }
      return this.insert(w, { ...data, productLineId: data.productLineId ?? null, territoryId: data.territoryId ?? null }, p);
    });
  }

  async update(actor: Actor, id: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Target> {
    requireTenantUser(actor, 'targets:write');
    const patch = parseInput(TargetUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(targets)
        .where(and(eq(targets.tenantId, w.tenantId), eq(targets.id, id)))
        .for('update');
      if (!before || !canSeePartner(actor, before.partnerId)) throw notFound('target', id);
      if (opts.ifMatch !== undefined && opts.ifMatch !== before.version) {
        throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the target is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the target is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      await this.assertUnlocked(w, { label: before.period, start: before.periodStart, end: before.periodEnd });
      return this.applyUpdate(w, before, patch);
    });
  }

  /** A target is an appendix of an agreement of the same partner (any status: drafts are being negotiated). */
  private async assertAgreement(w: Work, partnerId: string, agreementId: string | null | undefined) {
    if (!agreementId) return;
    const a = await findAgreement(w.tx, w.tenantId, agreementId);
    if (!a) throw invalid('agreementId', `no agreement '${agreementId}' in this tenant`);
    if (a.partnerId !== partnerId) throw invalid('agreementId', 'is an agreement of another partner');
  }

  private async applyUpdate(
    w: Work,
    before: TargetRow,
    patch: { value?: string | undefined; agreementId?: string | null | undefined; note?: string | null | undefined },
  ): Promise<Target> {
    const old = toTarget(before);
    if (patch.agreementId !== undefined && patch.agreementId !== before.agreementId) await this.assertAgreement(w, before.partnerId, patch.agreementId);
    const changes: Partial<typeof targets.$inferInsert> = {};
    if (patch.value !== undefined && !sameDecimal(patch.value, before.value)) changes.value = patch.value;
    if (patch.agreementId !== undefined && patch.agreementId !== before.agreementId) changes.agreementId = patch.agreementId;
    if (patch.note !== undefined && patch.note !== before.note) changes.note = patch.note;
    if (!Object.keys(changes).length) return old;
    const [row] = await w.tx
      .update(targets)
      .set({ ...changes, version: sql`${targets.version} + 1`, updatedAt: new Date() })
      .where(and(eq(targets.tenantId, w.tenantId), eq(targets.id, before.id)))
      .returning();
    const t = toTarget(row!);
    w.audit({ resourceType: 'target', resourceId: t.id, action: 'update', before: old, after: t });
    w.emit({ type: TARGET_EVENTS.set, resourceType: 'target', resourceId: t.id, payload: { target: t, previousValue: old.value } });
    return t;
  }

  private async insert(
    w: Work,
    d: {
      partnerId: string;
      metric: Metric;
      productLineId: string | null;
      territoryId: string | null;
      value: string;
      agreementId?: string | null | undefined;
      note?: string | null | undefined;
    },
    p: Period,
  ): Promise<Target> {
    await this.assertAgreement(w, d.partnerId, d.agreementId);
    const [row] = await w.tx
      .insert(targets)
      .values({
        tenantId: w.tenantId,
        id: uuidv7(),
        partnerId: d.partnerId,
        period: p.label,
        periodStart: p.start,
        periodEnd: p.end,
        metric: d.metric,
        productLineId: d.productLineId,
        territoryId: d.territoryId,
        value: d.value,
        agreementId: d.agreementId ?? null,
        note: d.note ?? null,
      })
      .returning();
    const t = toTarget(row!);
    w.audit({ resourceType: 'target', resourceId: t.id, action: 'create', before: null, after: t });
    w.emit({ type: TARGET_EVENTS.set, resourceType: 'target', resourceId: t.id, payload: { target: t, previousValue: null } });
    return t;
  }

  /** create or update by key (decompose / allocate with save) */
  private async upsert(
    w: Work,
    partnerId: string,
    p: Period,
    metric: Metric,
    productLineId: string | null,
    territoryId: string | null,
    value: string,
  ): Promise<Target> {
    const existing = await this.findByKey(w, partnerId, p.label, metric, productLineId, territoryId, true);
    if (existing) return this.applyUpdate(w, existing, { value });
    return this.insert(w, { partnerId, metric, productLineId, territoryId, value }, p);
  }

  /**
   * Set-based upsert of partner-level targets (no product line, no territory) for one period and metric: the
   * existing rows are locked in one statement, the changed ones updated in one, the new ones inserted in chunks of
   * 1,000. Each changed or new row is audited and emits target.set like a single upsert. Returns partnerId -> id.
   */
  private async upsertMany(w: Work, p: Period, metric: Metric, items: { partnerId: string; value: string }[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!items.length) return out;
    const existing = await w.tx
      .select()
      .from(targets)
      .where(
        and(
          eq(targets.tenantId, w.tenantId),
          eq(targets.period, p.label),
          eq(targets.metric, metric),
          sql`${targets.productLineId} is null and ${targets.territoryId} is null`,
          sql`${targets.partnerId} = any(${`{${items.map((i) => i.partnerId).join(',')}}`}::uuid[])`,
        ),
      )
      .for('update');
    const byPartner = new Map(existing.map((r) => [r.partnerId, r]));
    const changed: { before: TargetRow; value: string }[] = [];
    const fresh: (typeof targets.$inferInsert)[] = [];
    for (const it of items) {
      const before = byPartner.get(it.partnerId);
      if (before) {
        out.set(it.partnerId, before.id);
        if (!sameDecimal(it.value, before.value)) changed.push({ before, value: it.value });
      } else {
        const id = uuidv7();
        out.set(it.partnerId, id);
        fresh.push({
          tenantId: w.tenantId,
          id,
          partnerId: it.partnerId,
          period: p.label,
          periodStart: p.start,
          periodEnd: p.end,
          metric,
          productLineId: null,
          territoryId: null,
          value: it.value,
          agreementId: null,
          note: null,
        });
      }
    }
    if (changed.length) {
      const now = new Date();
      const rows = await rowsOf<{ id: string; value: string; version: number }>(
        w.tx,
        sql`update ${targets} t set value = x.value, version = t.version + 1, updated_at = ${now.toISOString()}::timestamptz
            from unnest(${`{${changed.map((c) => c.before.id).join(',')}}`}::uuid[], ${`{${changed.map((c) => c.value).join(',')}}`}::numeric[]) as x(id, value)
            where t.tenant_id = ${w.tenantId} and t.id = x.id
            returning t.id, t.value::text as value, t.version`,
      );
      const after = new Map(rows.map((r) => [r.id, r]));
      for (const c of changed) {
        const r = after.get(c.before.id)!;
        const old = toTarget(c.before);
        const t = toTarget({ ...c.before, value: r.value, version: Number(r.version), updatedAt: now });
        w.audit({ resourceType: 'target', resourceId: t.id, action: 'update', before: old, after: t });
        w.emit({ type: TARGET_EVENTS.set, resourceType: 'target', resourceId: t.id, payload: { target: t, previousValue: old.value } });
      }
    }
    for (let i = 0; i < fresh.length; i += 1000) {
      const rows = await w.tx
        .insert(targets)
        .values(fresh.slice(i, i + 1000))
        .returning();
      for (const row of rows) {
        const t = toTarget(row);
        w.audit({ resourceType: 'target', resourceId: t.id, action: 'create', before: null, after: t });
        w.emit({ type: TARGET_EVENTS.set, resourceType: 'target', resourceId: t.id, payload: { target: t, previousValue: null } });
      }
    }
    return out;
  }

  private async findByKey(
    w: Work,
    partnerId: string,
    period: string,
    metric: Metric,
    productLineId: string | null,
    territoryId: string | null,
    lock = false,
  ): Promise<TargetRow | undefined> {
    const q = w.tx
      .select()
      .from(targets)
      .where(
        and(
          eq(targets.tenantId, w.tenantId),
          eq(targets.partnerId, partnerId),
          eq(targets.period, period),
          eq(targets.metric, metric),
          productLineId ? eq(targets.productLineId, productLineId) : sql`${targets.productLineId} is null`,
          territoryId ? eq(targets.territoryId, territoryId) : sql`${targets.territoryId} is null`,
        ),
      );
    const [row] = lock ? await q.for('update') : await q;
    return row;
  }

  private async assertPartners(w: Work, ids: string[]) {
    const unique = [...new Set(ids)];
    const found = new Set((await partnersById(w.tx, w.tenantId, unique)).keys());
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length)
      throw new DomainError('VALIDATION_FAILED', `no partner ${missing.map((m) => `'${m}'`).join(', ')} in this tenant`, {
        errors: missing.map((m) => ({ path: 'partnerId', message: `no partner '${m}'` })),
      });
  }

  /** A locked period refuses every target whose period overlaps it (locking 2026-Q3 freezes 2026, 2026-Q3 and 2026-07..09). */
  async assertUnlocked(w: Work, p: { label: string; start: string; end: string }): Promise<void> {
    const rows = await w.tx
      .select({ period: targetPeriodLocks.period })
      .from(targetPeriodLocks)
      .where(
        and(eq(targetPeriodLocks.tenantId, w.tenantId), sql`${targetPeriodLocks.periodStart} <= ${p.end} and ${targetPeriodLocks.periodEnd} >= ${p.start}`),
      )
      .for('share');
    if (rows.length) {
      throw new DomainError('CONFLICT', `period ${rows.map((r) => r.period).join(', ')} is locked: targets for ${p.label} cannot change`, {
        errors: [{ path: 'period', message: `locked (${rows.map((r) => r.period).join(', ')})` }],
        extra: { lockedPeriods: rows.map((r) => r.period) },
      });
    }
  }

  // ----- locks

  async lockPeriod(actor: Actor, label: string) {
    requireTenantUser(actor, 'targets:write');
    const p = await this.period(actor, label);
    return this.store.write(actor, async (w) => {
      const [row] = await w.tx
        .insert(targetPeriodLocks)
        .values({ tenantId: w.tenantId, period: p.label, periodStart: p.start, periodEnd: p.end, lockedBy: actor.subject })
        .onConflictDoNothing()
        .returning();
      const [current] = row
        ? [row]
        : await w.tx
            .select()
            .from(targetPeriodLocks)
            .where(and(eq(targetPeriodLocks.tenantId, w.tenantId), eq(targetPeriodLocks.period, p.label)));
      const lock = toLock(current!);
      if (row) {
        w.audit({ resourceType: 'target_period', resourceId: p.label, action: 'lock', before: null, after: lock });
        w.emit({ type: TARGET_EVENTS.periodLocked, resourceType: 'target_period', resourceId: p.label, payload: lock });
      }
      return lock;
    });
  }

  async unlockPeriod(actor: Actor, label: string): Promise<void> {
    requireTenantUser(actor, 'targets:write');
    const p = await this.period(actor, label);
    await this.store.write(actor, async (w) => {
      const rows = await w.tx
        .delete(targetPeriodLocks)
        .where(and(eq(targetPeriodLocks.tenantId, w.tenantId), eq(targetPeriodLocks.period, p.label)))
        .returning();
      if (!rows.length) throw notFound('period lock', p.label);
      w.audit({ resourceType: 'target_period', resourceId: p.label, action: 'unlock', before: toLock(rows[0]!), after: null });
      w.emit({ type: TARGET_EVENTS.periodUnlocked, resourceType: 'target_period', resourceId: p.label, payload: { period: p.label } });
    });
  }

  async locks(actor: Actor) {
    requireScope(actor, 'targets:read');
    const rows = await this.store.db
      .select()
      .from(targetPeriodLocks)
      .where(eq(targetPeriodLocks.tenantId, actor.tenantId))
      .orderBy(asc(targetPeriodLocks.periodStart));
    return rows.map(toLock);
  }

  // ----- decomposition and allocation

  async decompose(actor: Actor, input: unknown): Promise<SplitResult> {
    const d = parseInput(DecomposeInput, input);
    requireScope(actor, d.save ? 'targets:write' : 'targets:read');
    if (d.save && actor.partnerId) throw new DomainError('FORBIDDEN', 'partner users cannot set targets');
    requireOwnPartner(actor, d.partnerId);
    if (d.productLineId && d.territoryId) throw invalid('territoryId', 'a target is per product line or per territory, not both');
    const p = await this.period(actor, d.period);
    if (p.kind === 'month') throw invalid('period', 'a month cannot be decomposed further');
    const parts = d.into === 'months' ? children(p, 'month') : p.kind === 'year' ? children(p) : children(p, 'month');
    const unit = d.unit ?? defaultUnit(d.metric);
    const line = d.productLineId ?? null;
    const terr = d.territoryId ?? null;
    const run = async (w: Work | null) => {
      let total = d.value;
      if (total === undefined) {
        const rows = await rowsOf<{ value: string }>(
          w?.tx ?? this.store.db,
          sql`select value::text as value from ${targets} where tenant_id = ${actor.tenantId} and partner_id = ${d.partnerId} and period = ${p.label}
              and metric = ${d.metric} and product_line_id is not distinct from ${line}::uuid and territory_id is not distinct from ${terr}::uuid`,
        );
        if (!rows[0]) throw invalid('value', `no stored ${d.metric} target for ${p.label}: send value`);
        total = rows[0].value;
      }
      let values: string[] = [];
      try {
        values = splitExact(total, weightsFor(parts.length, d.weights), unit);
      } catch (e) {
        splitErr(e);
      }
      const out: SplitResult = { period: p.label, metric: d.metric, total: normalizeTotal(total, unit), unit, saved: !!w, parts: [] };
      for (let i = 0; i < parts.length; i++) {
        const part: SplitResult['parts'][number] = { period: parts[i]!.label, value: formatFixed(values[i]!) };
        if (w) {
          await this.assertUnlocked(w, parts[i]!);
          part.targetId = (await this.upsert(w, d.partnerId, parts[i]!, d.metric, line, terr, values[i]!)).id;
        }
        out.parts.push(part);
      }
      return out;
    };
    if (!d.save) return run(null);
    return this.store.write(actor, async (w) => {
      await this.assertPartners(w, [d.partnerId]);
      return run(w);
    });
  }

  async allocate(actor: Actor, input: unknown): Promise<SplitResult> {
    const d = parseInput(AllocateInput, input);
    requireTenantUser(actor, d.save ? 'targets:write' : 'targets:read');
    // a staff data scope confines the partners named (404, like the partner itself)
    if (d.parentPartnerId) requireOwnPartner(actor, d.parentPartnerId);
    for (const r of d.partners ?? []) requireOwnPartner(actor, r.partnerId);
    const p = await this.period(actor, d.period);
    const unit = d.unit ?? defaultUnit(d.metric);
    const run = async (w: Work | null) => {
      let total = d.value;
      let recipients = d.partners?.map((r) => ({ partnerId: r.partnerId, weight: r.weight ?? '1' }));
      if (d.parentPartnerId) {
        if (total === undefined) {
          const rows = await rowsOf<{ value: string }>(
            w?.tx ?? this.store.db,
            sql`select value::text as value from ${targets} where tenant_id = ${actor.tenantId} and partner_id = ${d.parentPartnerId} and period = ${p.label}
                and metric = ${d.metric} and product_line_id is null and territory_id is null`,
          );
          if (!rows[0]) throw invalid('value', `the parent partner has no ${d.metric} target for ${p.label}: send value`);
          total = rows[0].value;
        }
        if (!recipients) {
          const kids = await rowsOf<{ id: string }>(
            w?.tx ?? this.store.db,
            sql`select id from ${onboardingSql.partners(actor.tenantId)} p where parent_id = ${d.parentPartnerId} order by code`,
          );
          if (!kids.length) throw invalid('parentPartnerId', 'the parent partner has no child partners');
          recipients = kids.map((k) => ({ partnerId: k.id, weight: '1' }));
        }
      }
      if (total === undefined) throw invalid('value', 'is required for a tenant-level allocation');
      if (!recipients) throw invalid('partners', 'are required');
      for (const r of recipients) requireOwnPartner(actor, r.partnerId); // the parent's children too
      const seen = new Set<string>();
      recipients.forEach((r, i) => {
        if (seen.has(r.partnerId)) throw invalid(`partners.${i}.partnerId`, 'is listed twice');
        seen.add(r.partnerId);
      });
      const ids = recipients.map((r) => r.partnerId);
      const knownSet = new Set((await partnersById(w?.tx ?? this.store.db, actor.tenantId, ids)).keys());
      const missing = ids.findIndex((id) => !knownSet.has(id));
      if (missing >= 0) throw invalid(`partners.${missing}.partnerId`, `no partner '${ids[missing]}' in this tenant`);
      let weights = recipients.map((r) => r.weight);
      if (d.basis === 'last_year') {
        const prev = previousYear(p);
        const settings = await this.settings(actor, w?.tx);
        const actual = await lastYearActuals(this.store, actor.tenantId, ids, prev, d.metric, settings.salesBasis, w);
        weights = ids.map((id) => actual.get(id) ?? '0');
        if (weights.every((x) => Number(x) <= 0))
          throw new DomainError('UNPROCESSABLE', `no positive actuals for ${prev.label} to allocate by`, {
            errors: [{ path: 'basis', message: `no actuals in ${prev.label}` }],
          });
        weights = weights.map((x) => (x.startsWith('-') ? '0' : x));
      }
      let values: string[] = [];
      try {
        values = splitExact(total, weights, unit);
      } catch (e) {
        if (e instanceof SplitError && e.path.startsWith('weights.')) throw invalid(`partners.${e.path.slice(8)}.weight`, e.message);
        splitErr(e);
      }
      const out: SplitResult = { period: p.label, metric: d.metric, total: normalizeTotal(total, unit), unit, saved: !!w, parts: [] };
      if (w) await this.assertUnlocked(w, p);
      const saved = w
        ? await this.upsertMany(
            w,
            p,
            d.metric,
            ids.map((partnerId, i) => ({ partnerId, value: values[i]! })),
          )
        : null;
      for (let i = 0; i < ids.length; i++) {
        const part: SplitResult['parts'][number] = { period: p.label, partnerId: ids[i]!, value: formatFixed(values[i]!) };
        if (saved) part.targetId = saved.get(ids[i]!)!;
        out.parts.push(part);
      }
      return out;
    };
    if (!d.save) return run(null);
    return this.store.write(actor, (w) => run(w));
  }
}

function toLock(r: typeof targetPeriodLocks.$inferSelect) {
  return { period: r.period, periodStart: r.periodStart, periodEnd: r.periodEnd, lockedBy: r.lockedBy, lockedAt: iso(r.lockedAt)! };
}

function sameDecimal(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return n(a) === n(b);
}

function normalizeTotal(total: string, unit: string): string {
  const dp = unit.includes('.') ? unit.split('.')[1]!.length : 0;
  const [i, f = ''] = total.split('.');
  return dp ? `${i}.${(f + '0'.repeat(dp)).slice(0, dp)}` : i!;
}

/** Last year's actuals per partner for a metric, from the monthly totals (new customers from partner_customers). */
export async function lastYearActuals(
  store: Store,
  tenantId: string,
  ids: string[],
  p: Period,
  metric: Metric,
  basis: string,
  w: Work | null,
): Promise<Map<string, string>> {
  const arr = `{${ids.join(',')}}`;
  let q: SQL;
  if (metric === 'new_customers') {
    q = sql`select partner_id, count(*)::text as v from partner_customers where tenant_id = ${tenantId} and partner_id = any(${arr}::uuid[])
            and first_date between ${p.start} and ${p.end} group by partner_id`;
  } else {
    const stream: FactStream = metric === 'collection_amount' ? 'collection' : basis === 'sell_in' ? 'sell_in' : 'sell_through';
    const col = sql.raw(metric === 'quantity' ? 'quantity' : 'amount');
    q = sql`select partner_id, ${col}::text as v from ${targetSql.periodTotals(tenantId, stream, p.start, p.end)} pt where partner_id = any(${arr}::uuid[])`;
  }
  const rows = await rowsOf<{ partner_id: string; v: string }>(w?.tx ?? store.db, q);
  return new Map(rows.map((r) => [r.partner_id, r.v]));
}
