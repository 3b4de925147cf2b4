import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, fromDatabaseError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  decodeUuidCursor,
  iso,
  type Page,
  partnerCondition,
  requireScope,
  requireTenantUser,
  rowsOf,
  systemActor,
  today,
  toPage,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import {
  AgreementCreate,
  AgreementUpdate,
  RenewBody,
  TerminateBody,
  type Agreement,
  type AgreementCore,
  type AgreementListQuery,
} from './agreements.schemas.js';
import { products, territories } from './catalog.tables.js';
import { assertProductLines } from './common.js';
import { onboardingSql } from './contract.js';
import { agreementActivation, agreementEnd, addDays, type AgreementStatus, type AgreementEndReason } from './onboarding.rules.js';
import { agreementProducts, agreementTerritories, agreements } from './onboarding.tables.js';
import { partners } from './partners.tables.js';

const ALL_LINES = '00000000-0000-0000-0000-000000000000';

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
type Row = typeof agreements.$inferSelect;
type SweepResult = { expired: number; expiring: number; started: number };

export const AGREEMENT_EVENTS = {
  created: 'agreement.created',
  activated: 'agreement.activated',
  terminated: 'agreement.terminated',
  expired: 'agreement.expired',
  expiring: 'agreement.expiring',
} as const;

export function toAgreementCore(r: Row): AgreementCore {
  return {
    id: r.id,
    number: r.number,
    partnerId: r.partnerId,
    status: r.status as AgreementStatus,
    startDate: r.startDate,
    endDate: r.endDate,
    policyRef: r.policyRef,
    note: r.note,
    applicationId: r.applicationId,
    renewalOfId: r.renewalOfId,
    activatedAt: iso(r.activatedAt),
    endReason: r.endReason as AgreementEndReason | null,
    endedOn: r.endedOn,
    endNote: r.endNote,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Maps the database's "at most one" refusals to clear conflicts (the race a code check cannot see). */
function uniqueRefusal(e: unknown): never {
  const d = fromDatabaseError(e);
  const constraint = d?.extra?.['constraint'];
  if (constraint === 'agreements_one_active_per_partner_uq') {
    throw new DomainError('CONFLICT', 'The partner already has an active agreement', { extra: { constraint } });
  }
  if (constraint === 'agreement_territories_exclusive_uq') {
    throw new DomainError('CONFLICT', 'An exclusive assignment of this territory and product line is already active in another agreement', {
      extra: { constraint },
    });
  }
  throw e;
}

export class AgreementService {
  constructor(private readonly store: Store) {}

  // ------------------------------------------------------------ agreements
  async create(actor: Actor, input: unknown): Promise<Agreement> {
    requireTenantUser(actor, 'onboarding:write');
    const data = parseInput(AgreementCreate, input);
    return this.store.write(actor, (w) => this.createInWork(w, data));
  }

  /** Creates a draft agreement in a caller's unit of work (application approval, renewal). */
  async createInWork(w: Work, data: AgreementCreate & { applicationId?: string | null; renewalOfId?: string | null }): Promise<Agreement> {
    const [p] = await w.tx
      .select({ id: partners.id })
      .from(partners)
      .where(and(eq(partners.tenantId, w.tenantId), eq(partners.id, data.partnerId)));
    if (!p) throw invalid('partnerId', `no partner '${data.partnerId}'`);
    const number = data.number ?? `AG-${data.startDate.slice(0, 4)}-${uuidv7().replace(/-/g, '').slice(-8).toUpperCase()}`;
    const [dup] = await w.tx
      .select({ id: agreements.id })
      .from(agreements)
      .where(and(eq(agreements.tenantId, w.tenantId), eq(agreements.number, number)));
    if (dup)
      throw new DomainError('CONFLICT', `An agreement numbered '${number}' already exists`, { errors: [{ path: 'number', message: 'is already used' }] });
    const [row] = await w.tx
      .insert(agreements)
      .values({
        tenantId: w.tenantId,
        id: uuidv7(),
        number,
        partnerId: data.partnerId,
        startDate: data.startDate,
        endDate: data.endDate,
        policyRef: data.policyRef ?? null,
        note: data.note ?? null,
        applicationId: data.applicationId ?? null,
        renewalOfId: data.renewalOfId ?? null,
      })
      .returning();
    await this.writeChildren(w, row!.id, data.territories, data.products);
    const out = (await this.withChildren(w.actor, [toAgreementCore(row!)], w))[0]!;
    w.audit({ resourceType: 'agreement', resourceId: out.id, action: 'create', after: out });
    w.emit({ type: AGREEMENT_EVENTS.created, resourceType: 'agreement', resourceId: out.id, payload: { agreement: out } });
    return out;
  }

  async update(actor: Actor, id: string, input: unknown): Promise<Agreement> {
    requireTenantUser(actor, 'onboarding:write');
    const { version, territories: terr, products: prods, ...patch } = parseInput(AgreementUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      if (version !== undefined && version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${version} is stale; the agreement is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      if (before.status !== 'draft') throw new DomainError('CONFLICT', `Only a draft agreement can be edited; this one is ${before.status}`);
      const start = patch.startDate ?? before.startDate;
      const end = patch.endDate ?? before.endDate;
      if (end < start) throw invalid('endDate', 'must not be before startDate');
      const old = (await this.withChildren(actor, [toAgreementCore(before)], w))[0]!;
      const [row] = await w.tx
        .update(agreements)
        .set({ ...patch, version: before.version + 1, updatedAt: new Date() })
        .where(and(eq(agreements.tenantId, w.tenantId), eq(agreements.id, id)))
        .returning();
      if (terr) {
        await w.tx.delete(agreementTerritories).where(and(eq(agreementTerritories.tenantId, w.tenantId), eq(agreementTerritories.agreementId, id)));
        await this.writeChildren(w, id, terr, undefined);
      }
      if (prods) {
        await w.tx.delete(agreementProducts).where(and(eq(agreementProducts.tenantId, w.tenantId), eq(agreementProducts.agreementId, id)));
        await this.writeChildren(w, id, undefined, prods);
      }
      const out = (await this.withChildren(actor, [toAgreementCore(row!)], w))[0]!;
      w.audit({ resourceType: 'agreement', resourceId: id, action: 'update', before: old, after: out });
      return out;
    });
  }

  async get(actor: Actor, id: string): Promise<Agreement> {
    requireScope(actor, 'onboarding:read');
    const [row] = await this.store.db
      .select()
      .from(agreements)
      .where(and(eq(agreements.tenantId, actor.tenantId), eq(agreements.id, id)));
    if (!row || !canSeePartner(actor, row.partnerId)) throw notFound('agreement', id);
    return (await this.withChildren(actor, [toAgreementCore(row)]))[0]!;
  }

  /** Agreements without their territories/products (GraphQL loads those in batches; REST adds them). */
  async list(
    actor: Actor,
    input: AgreementListQuery & { limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<AgreementCore>> {
    requireScope(actor, 'onboarding:read');
    const conds: (SQL | undefined)[] = [eq(agreements.tenantId, actor.tenantId)];
    conds.push(partnerCondition(actor, agreements.partnerId));
    if (input.partnerId) conds.push(eq(agreements.partnerId, onboardingSql.idOf('partners', actor.tenantId, input.partnerId)));
    if (input.status) conds.push(eq(agreements.status, input.status));
    if (input.expiringWithinDays !== undefined) {
      const t = today();
      conds.push(eq(agreements.status, 'active'), gte(agreements.endDate, t), lte(agreements.endDate, addDays(t, input.expiringWithinDays)));
    }
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [agreements.id], after);
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(agreements)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toAgreementCore), input, (a) => [a.id]);
  }

  async withChildren(actor: Actor, cores: AgreementCore[], w?: Work): Promise<Agreement[]> {
    const ids = cores.map((c) => c.id);
    const [terr, prods] = await Promise.all([this.territoriesOf(actor, ids, w), this.productsOf(actor, ids, w)]);
    return cores.map((c, i) => ({ ...c, territories: terr[i]!, products: prods[i]! }));
  }

  /** Territory assignments of many agreements, one query (loader). */
  async territoriesOf(actor: Actor, ids: readonly string[], w?: Work) {
    const u = [...new Set(ids)];
    if (!u.length) return ids.map(() => []);
    const rows = await (w ? w.tx : this.store.db)
      .select()
      .from(agreementTerritories)
      .where(and(eq(agreementTerritories.tenantId, actor.tenantId), inArray(agreementTerritories.agreementId, u)))
      .orderBy(asc(agreementTerritories.id));
    const g = new Map<string, { territoryId: string; productLineId: string | null; exclusive: boolean }[]>();
    for (const r of rows)
      g.set(r.agreementId, [...(g.get(r.agreementId) ?? []), { territoryId: r.territoryId, productLineId: r.productLineId, exclusive: r.exclusive }]);
    return ids.map((id) => g.get(id) ?? []);
  }

  /** Authorised products/lines of many agreements, one query (loader). */
  async productsOf(actor: Actor, ids: readonly string[], w?: Work) {
    const u = [...new Set(ids)];
    if (!u.length) return ids.map(() => []);
    const rows = await (w ? w.tx : this.store.db)
      .select()
      .from(agreementProducts)
      .where(and(eq(agreementProducts.tenantId, actor.tenantId), inArray(agreementProducts.agreementId, u)))
      .orderBy(asc(agreementProducts.id));
    const g = new Map<string, { productId: string | null; productLineId: string | null }[]>();
    for (const r of rows) g.set(r.agreementId, [...(g.get(r.agreementId) ?? []), { productId: r.productId, productLineId: r.productLineId }]);
    return ids.map((id) => g.get(id) ?? []);
  }

  /**
   * draft -> active. The database refuses a second active agreement of the partner and a second active exclusive
   * assignment of one territory and line (partial unique indexes), also under concurrent requests; overlaps along
   * the tree (an exclusive province against a city inside it, an all-lines assignment against one line) are
   * checked under a per-tenant transaction lock.
   */
  async activate(actor: Actor, id: string): Promise<Agreement> {
    requireTenantUser(actor, 'onboarding:write');
    try {
      return await this.store.write(actor, async (w) => {
        const before = await this.lock(w, id);
        const t = agreementActivation(before.status as AgreementStatus);
        if (!t.ok)
          throw new DomainError('ILLEGAL_TRANSITION', `Cannot activate an agreement that is ${before.status}`, {
            extra: { currentStatus: before.status, allowed: t.allowed },
          });
        const [p] = await w.tx
          .select({ status: partners.status })
          .from(partners)
          .where(and(eq(partners.tenantId, w.tenantId), eq(partners.id, before.partnerId)));
        if (!p || !['approved', 'active'].includes(p.status)) {
          throw new DomainError(
            'UNPROCESSABLE',
            `The partner is ${p?.status ?? 'missing'}; an agreement can be activated only for an approved or active partner`,
          );
        }
        // A renewal of a running agreement activated before its term waits as `scheduled`: the current agreement
        // runs to its end and the sweep starts the renewal on its start date. A renewal whose term has begun
        // replaces the agreement it renews from its start date.
        let renewed: Row | undefined;
        if (before.renewalOfId) {
          [renewed] = await w.tx
            .select()
            .from(agreements)
            .where(and(eq(agreements.tenantId, w.tenantId), eq(agreements.id, before.renewalOfId)))
            .for('update');
        }
        const scheduled = renewed?.status === 'active' && before.startDate > today();
        if (!scheduled && renewed?.status === 'active') {
          const end = addDays(before.startDate, -1) < renewed.endDate ? addDays(before.startDate, -1) : renewed.endDate;
          await this.endInWork(w, renewed, 'expiry', end, `renewed by ${before.number}`);
        }
        const [other] = await w.tx
          .select({ number: agreements.number })
          .from(agreements)
          .where(
            and(eq(agreements.tenantId, w.tenantId), eq(agreements.partnerId, before.partnerId), eq(agreements.status, scheduled ? 'scheduled' : 'active')),
          );
        if (other)
          throw new DomainError('CONFLICT', `The partner already has ${scheduled ? 'a scheduled' : 'an active'} agreement (${other.number})`, {
            extra: { [scheduled ? 'scheduledAgreement' : 'activeAgreement']: other.number },
          });
        const [row] = await w.tx
          .update(agreements)
          .set({ status: scheduled ? 'scheduled' : 'active', activatedAt: new Date(), version: before.version + 1, updatedAt: new Date() })
          .where(and(eq(agreements.tenantId, w.tenantId), eq(agreements.id, id)))
          .returning();
        if (!scheduled) await this.markTerritoriesActive(w, id);
        await w.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'onboarding.exclusive:' + w.tenantId}))`);
        const clashes = await this.exclusiveClashes(w, row!);
        if (clashes.length) {
          throw new DomainError(
            'CONFLICT',
            `Exclusive territory overlap: ${clashes.map((c) => `${c.mine} clashes with ${c.territory} of ${c.number}`).join('; ')}`,
            {
              extra: { clashes },
            },
          );
        }
        const out = (await this.withChildren(actor, [toAgreementCore(row!)], w))[0]!;
        w.audit({ resourceType: 'agreement', resourceId: id, action: 'activate', before: { status: before.status }, after: { status: row!.status } });
        w.emit({ type: AGREEMENT_EVENTS.activated, resourceType: 'agreement', resourceId: id, payload: { agreement: out } });
        return out;
      });
    } catch (e) {
      if (e instanceof DomainError) throw e;
      uniqueRefusal(e);
    }
  }

  private async markTerritoriesActive(w: Work, id: string) {
    await w.tx
      .update(agreementTerritories)
      .set({ active: true })
      .where(and(eq(agreementTerritories.tenantId, w.tenantId), eq(agreementTerritories.agreementId, id)));
  }

  /**
   * Exclusive overlaps of an agreement's assignments along the territory tree with the assignments of other
   * agreements in force (active or scheduled) whose terms overlap its own. Exclusivity guards against rivals:
   * agreements of the partner itself, its ancestors and its descendants (the holder's own network: a sub-dealer
   * may hold a city inside its parent's exclusive province) never clash.
   */
  private async exclusiveClashes(w: Work, ag: Row) {
    const t = w.tenantId;
    return rowsOf<{ number: string; territory: string; mine: string }>(
      w.tx,
      sql`with recursive mine as (
          select territory_id, line_key, exclusive from agreement_territories where tenant_id = ${t} and agreement_id = ${ag.id}
        ), down(root, id, line_key, exclusive, depth) as (
          select territory_id, territory_id, line_key, exclusive, 0 from mine
          union all select d.root, t.id, d.line_key, d.exclusive, d.depth + 1 from down d join territories t on t.tenant_id = ${t} and t.parent_id = d.id where d.depth < 20
        ), up(root, id, line_key, exclusive, depth) as (
          select territory_id, territory_id, line_key, exclusive, 0 from mine
          union all select u.root, t.parent_id, u.line_key, u.exclusive, u.depth + 1 from up u join territories t on t.tenant_id = ${t} and t.id = u.id where t.parent_id is not null and u.depth < 20
        ), related as (select * from down union select * from up),
        ancestors(id, parent_id, depth) as (
          select id, parent_id, 0 from partners where tenant_id = ${t} and id = ${ag.partnerId}
          union all select p.id, p.parent_id, a.depth + 1 from ancestors a join partners p on p.tenant_id = ${t} and p.id = a.parent_id where a.depth < 20
        ), descendants(id, depth) as (
          select id, 0 from partners where tenant_id = ${t} and id = ${ag.partnerId}
          union all select p.id, d.depth + 1 from descendants d join partners p on p.tenant_id = ${t} and p.parent_id = d.id where d.depth < 20
        ), family as (select id from ancestors union select id from descendants)
        select distinct a.number, t.code as territory, mt.code as mine
        from related r
        join agreement_territories o on o.tenant_id = ${t} and o.territory_id = r.id and o.agreement_id <> ${ag.id}
          and (o.exclusive or r.exclusive)
          and (o.line_key = r.line_key or o.line_key = ${ALL_LINES}::uuid or r.line_key = ${ALL_LINES}::uuid)
        join agreements a on a.tenant_id = o.tenant_id and a.id = o.agreement_id
          and (o.active or a.status = 'scheduled')
          and a.start_date <= ${ag.endDate}::date and least(a.end_date, coalesce(a.ended_on, a.end_date)) >= ${ag.startDate}::date
          and a.partner_id not in (select id from family)
        join territories t on t.tenant_id = o.tenant_id and t.id = o.territory_id
        join territories mt on mt.tenant_id = o.tenant_id and mt.id = r.root
        limit 10`,
    );
  }

  /** active -> expired (reason expiry) | terminated (breach, mutual). */
  async terminate(actor: Actor, id: string, input: unknown): Promise<Agreement> {
    requireTenantUser(actor, 'onboarding:write');
    const b = parseInput(TerminateBody, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lock(w, id);
      const row = await this.endInWork(w, before, b.reason, b.date ?? today(), b.note ?? null);
      return (await this.withChildren(actor, [toAgreementCore(row)], w))[0]!;
    });
  }

  private async endInWork(w: Work, before: Row, reason: AgreementEndReason, date: string, note: string | null): Promise<Row> {
    const t = agreementEnd(before.status as AgreementStatus, reason);
    if (!t.ok)
      throw new DomainError('ILLEGAL_TRANSITION', `Cannot end an agreement that is ${before.status}`, {
        extra: { currentStatus: before.status, allowed: t.allowed },
      });
    const [row] = await w.tx
      .update(agreements)
      .set({ status: t.to, endReason: reason, endedOn: date, endNote: note, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(agreements.tenantId, w.tenantId), eq(agreements.id, before.id)))
      .returning();
    await w.tx
      .update(agreementTerritories)
      .set({ active: false })
      .where(and(eq(agreementTerritories.tenantId, w.tenantId), eq(agreementTerritories.agreementId, before.id)));
    w.audit({
      resourceType: 'agreement',
      resourceId: before.id,
      action: t.to === 'expired' ? 'expire' : 'terminate',
      before: { status: before.status },
      after: { status: t.to, endReason: reason, endedOn: date, endNote: note },
    });
    w.emit({
      type: t.to === 'expired' ? AGREEMENT_EVENTS.expired : AGREEMENT_EVENTS.terminated,
      resourceType: 'agreement',
      resourceId: before.id,
      payload: { agreementId: before.id, number: before.number, partnerId: before.partnerId, status: t.to, reason, date, note },
    });
    return row!;
  }

  /**
   * The daily agreement sweep (run by the workers every hour, or for one tenant through the API): active
   * agreements whose end date has passed become `expired` (reason expiry, ended on their end date; audited,
   * `agreement.expired`), and active agreements ending within `noticeDays` are announced once with
   * `agreement.expiring`. Rows are claimed with SKIP LOCKED, so several instances can sweep at once.
   */
  /** The sweep for the caller's tenant, on demand (tenant users with onboarding:write). */
  async sweepNow(actor: Actor, noticeDays: number): Promise<SweepResult> {
    requireTenantUser(actor, 'onboarding:write');
    return this.sweep({ tenantId: actor.tenantId, noticeDays });
  }

  async sweep(opts: { tenantId?: string; today?: string; noticeDays?: number } = {}): Promise<SweepResult> {
    const day = opts.today ?? today();
    const horizon = addDays(day, opts.noticeDays ?? 30);
    const tenantCond = opts.tenantId ? sql`and tenant_id = ${opts.tenantId}` : sql``;
    const due = await this.store.database.rows<{ tenant_id: string }>(sql`
      select distinct tenant_id from agreements
      where ((status = 'active' and (end_date < ${day} or (end_date <= ${horizon} and expiring_notified_at is null)))
        or (status = 'scheduled' and start_date <= ${day})) ${tenantCond}`);
    let expired = 0;
    let expiring = 0;
    let started = 0;
    for (const { tenant_id: tenantId } of due) {
      await this.store.write(systemActor(tenantId, 'agreement-sweep'), async (w) => {
        const ended = await w.tx
          .select()
          .from(agreements)
          .where(and(eq(agreements.tenantId, tenantId), eq(agreements.status, 'active'), sql`${agreements.endDate} < ${day}`))
          .for('update', { skipLocked: true });
        for (const row of ended) await this.endInWork(w, row, 'expiry', row.endDate, 'term ended');
        expired += ended.length;
        // scheduled renewals whose term has begun: the renewed agreement (if still running) ends the day before
        const starting = await w.tx
          .select()
          .from(agreements)
          .where(and(eq(agreements.tenantId, tenantId), eq(agreements.status, 'scheduled'), sql`${agreements.startDate} <= ${day}`))
          .for('update', { skipLocked: true });
        for (const row of starting) {
          if (row.renewalOfId) {
            const [old] = await w.tx
              .select()
              .from(agreements)
              .where(and(eq(agreements.tenantId, tenantId), eq(agreements.id, row.renewalOfId)))
              .for('update');
            if (old?.status === 'active') {
              const end = addDays(row.startDate, -1) < old.endDate ? addDays(row.startDate, -1) : old.endDate;
              await this.endInWork(w, old, 'expiry', end, `renewed by ${row.number}`);
              expired++;
            }
          }
          const [on] = await w.tx
            .update(agreements)
            .set({ status: 'active', version: row.version + 1, updatedAt: new Date() })
            .where(and(eq(agreements.tenantId, tenantId), eq(agreements.id, row.id)))
            .returning();
          await this.markTerritoriesActive(w, row.id);
          w.audit({ resourceType: 'agreement', resourceId: row.id, action: 'start', before: { status: 'scheduled' }, after: { status: 'active' } });
          const out = (await this.withChildren(w.actor, [toAgreementCore(on!)], w))[0]!;
          w.emit({ type: AGREEMENT_EVENTS.activated, resourceType: 'agreement', resourceId: row.id, payload: { agreement: out } });
        }
        started += starting.length;
        const soon = await w.tx
          .update(agreements)
          .set({ expiringNotifiedAt: new Date() })
          .where(
            and(
              eq(agreements.tenantId, tenantId),
              eq(agreements.status, 'active'),
              sql`${agreements.endDate} >= ${day} and ${agreements.endDate} <= ${horizon} and ${agreements.expiringNotifiedAt} is null`,
            ),
          )
          .returning({ id: agreements.id, number: agreements.number, partnerId: agreements.partnerId, endDate: agreements.endDate });
        for (const a of soon) {
          w.emit({
            type: AGREEMENT_EVENTS.expiring,
            resourceType: 'agreement',
            resourceId: a.id,
            payload: { agreementId: a.id, number: a.number, partnerId: a.partnerId, endDate: a.endDate, daysLeft: daysBetween(day, a.endDate) },
          });
        }
        expiring += soon.length;
      });
    }
    return { expired, expiring, started };
  }

  /** A new draft agreement linked to the old one, with its territories and products. */
  async renew(actor: Actor, id: string, input: unknown): Promise<Agreement> {
    requireTenantUser(actor, 'onboarding:write');
    const b = parseInput(RenewBody, input);
    return this.store.write(actor, async (w) => {
      const old = await this.lock(w, id);
      if (!['active', 'expired'].includes(old.status))
        throw new DomainError('ILLEGAL_TRANSITION', `Cannot renew an agreement that is ${old.status}`, { extra: { allowed: [] } });
      const full = (await this.withChildren(actor, [toAgreementCore(old)], w))[0]!;
      const startDate = b.startDate ?? addDays(old.endDate, 1);
      if (b.endDate < startDate) throw invalid('endDate', 'must not be before startDate');
      return this.createInWork(w, {
        ...(b.number ? { number: b.number } : {}),
        partnerId: old.partnerId,
        startDate,
        endDate: b.endDate,
        policyRef: b.policyRef ?? old.policyRef,
        note: null,
        territories: full.territories.map((t) => ({ territoryId: t.territoryId, productLineId: t.productLineId, exclusive: t.exclusive })),
        products: full.products.map((p) => (p.productId ? { productId: p.productId } : { productLineId: p.productLineId! })),
        renewalOfId: old.id,
      });
    });
  }

  async getMany(actor: Actor, ids: readonly string[]): Promise<(AgreementCore | null)[]> {
    requireScope(actor, 'onboarding:read');
    const u = [...new Set(ids)];
    if (!u.length) return ids.map(() => null);
    const rows = await this.store.db
      .select()
      .from(agreements)
      .where(and(eq(agreements.tenantId, actor.tenantId), inArray(agreements.id, u)));
    const m = new Map(rows.filter((r) => canSeePartner(actor, r.partnerId)).map((r) => [r.id, toAgreementCore(r)]));
    return ids.map((id) => m.get(id) ?? null);
  }

  private async lock(w: Work, id: string): Promise<Row> {
    const [row] = await w.tx
      .select()
      .from(agreements)
      .where(and(eq(agreements.tenantId, w.tenantId), eq(agreements.id, id)))
      .for('update');
    if (!row) throw notFound('agreement', id);
    return row;
  }

  private async writeChildren(
    w: Work,
    agreementId: string,
    terr: { territoryId: string; productLineId?: string | null | undefined; exclusive: boolean }[] | undefined,
    prods: { productId?: string | undefined; productLineId?: string | undefined }[] | undefined,
  ) {
    if (terr?.length) {
      const tIds = [...new Set(terr.map((t) => t.territoryId))];
      const found = new Set(
        (
          await w.tx
            .select({ id: territories.id })
            .from(territories)
            .where(and(eq(territories.tenantId, w.tenantId), inArray(territories.id, tIds)))
        ).map((r) => r.id),
      );
      terr.forEach((t, i) => {
        if (!found.has(t.territoryId)) throw invalid(`territories.${i}.territoryId`, `no territory '${t.territoryId}'`);
      });
      const lIds = [...new Set(terr.map((t) => t.productLineId).filter((x): x is string => !!x))];
      await assertProductLines(w, lIds, 'territories');
      const keys = new Set<string>();
      terr.forEach((t, i) => {
        const k = `${t.territoryId}/${t.productLineId ?? ''}`;
        if (keys.has(k)) throw invalid(`territories.${i}`, 'the same territory and product line is listed twice');
        keys.add(k);
      });
      await w.tx.insert(agreementTerritories).values(
        terr.map((t) => ({
          tenantId: w.tenantId,
          id: uuidv7(),
          agreementId,
          territoryId: t.territoryId,
          productLineId: t.productLineId ?? null,
          lineKey: t.productLineId ?? ALL_LINES,
          exclusive: t.exclusive,
          active: false,
        })),
      );
    }
    if (prods?.length) {
      const pIds = [...new Set(prods.map((p) => p.productId).filter((x): x is string => !!x))];
      if (pIds.length) {
        const found = new Set(
          (
            await w.tx
              .select({ id: products.id })
              .from(products)
              .where(and(eq(products.tenantId, w.tenantId), inArray(products.id, pIds)))
          ).map((r) => r.id),
        );
        prods.forEach((p, i) => {
          if (p.productId && !found.has(p.productId)) throw invalid(`products.${i}.productId`, `no product '${p.productId}'`);
        });
      }
      await assertProductLines(w, [...new Set(prods.map((p) => p.productLineId).filter((x): x is string => !!x))], 'products');
      await w.tx
        .insert(agreementProducts)
        .values(
          prods.map((p) => ({ tenantId: w.tenantId, id: uuidv7(), agreementId, productId: p.productId ?? null, productLineId: p.productLineId ?? null })),
        );
    }
  }
}
