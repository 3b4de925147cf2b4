import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  decodeUuidCursor,
  iso,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireTenantUser,
  rowsOf,
  toPage,
  today,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findPartner, partnersByRef } from '../onboarding/contract.js';
import { ORGANISATION_EVENTS, staffOf, unitIdOf } from './org.service.js';
import { OwnershipAssign, OwnershipBulkAssign, OwnershipListQuery, type Ownership } from './organisation.schemas.js';
import { orgUnits, partnerOwnership, type OwnershipRow } from './organisation.tables.js';

export const toOwnership = (r: OwnershipRow): Ownership => ({
  id: r.id,
  partnerId: r.partnerId,
  orgUnitId: r.orgUnitId,
  accountManagerId: r.accountManagerId,
  validFrom: r.validFrom,
  validTo: r.validTo,
  reason: r.reason,
  createdBy: r.createdBy,
  createdAt: iso(r.createdAt)!,
});

/** the ownership row covering `day` */
const coversDay = (day: string) =>
  sql`${partnerOwnership.validFrom} <= ${day}::date and (${partnerOwnership.validTo} is null or ${partnerOwnership.validTo} > ${day}::date)`;

/**
 * Partner ownership (dated): a partner belongs to an org unit and is owned by an account manager from a day on.
 * A new assignment closes the partner's latest period on its validFrom (history kept, never overlapping); an
 * assignment on the latest period's own start day corrects that period; one before it is refused (409).
 */
export class OwnershipService {
  constructor(
    private readonly store: Store,
    private readonly changed: (tenantId: string) => void = () => {},
  ) {}

  async assign(actor: Actor, input: unknown): Promise<Ownership> {
    requireTenantUser(actor, 'organisation:write');
    const d = parseInput(OwnershipAssign, input);
    return this.store.write(actor, async (w) => (await this.assignMany(w, actor, [d], '')).at(0)!);
  }

  /** Set-based: the items' references resolve in one query each, then one statement closes and one inserts. */
  async bulkAssign(actor: Actor, input: unknown): Promise<{ assigned: Ownership[] }> {
    requireTenantUser(actor, 'organisation:write');
    const d = parseInput(OwnershipBulkAssign, input);
    return this.store.write(actor, async (w) => ({ assigned: await this.assignMany(w, actor, d.items, 'items') }));
  }

  private async assignMany(w: Work, actor: Actor, items: OwnershipAssign[], prefix: string): Promise<Ownership[]> {
    const at = (i: number, f: string) => (prefix ? `${prefix}.${i}.${f}` : f);
    const partners = await partnersByRef(
      w.tx,
      w.tenantId,
      items.map((i) => i.partner),
    );
    const unitRefs = [...new Set(items.map((i) => i.orgUnit))];
    const units = await rowsOf<{ id: string; code: string }>(
      w.tx,
      sql`select id, code from org_units where tenant_id = ${w.tenantId} and (code = any(${`{${unitRefs.map((r) => JSON.stringify(r)).join(',')}}`}::text[]) or id::text = any(${`{${unitRefs.map((r) => JSON.stringify(r)).join(',')}}`}::text[]))`,
    );
    const unitOf = (ref: string) => units.find((u) => u.id === ref || u.code === ref)?.id;
    const mgrRefs = [...new Set(items.flatMap((i) => (i.accountManager ? [i.accountManager] : [])))];
    const mgrs = mgrRefs.length
      ? await rowsOf<{ id: string; code: string; post: string }>(
          w.tx,
          sql`select id, code, post from staff_members where tenant_id = ${w.tenantId} and (code = any(${`{${mgrRefs.map((r) => JSON.stringify(r)).join(',')}}`}::text[]) or id::text = any(${`{${mgrRefs.map((r) => JSON.stringify(r)).join(',')}}`}::text[]))`,
        )
      : [];
    const seen = new Set<string>();
    const rows = items.map((it, i) => {
      const p = partners.get(it.partner);
      if (!p) throw invalid(at(i, 'partner'), `no partner '${it.partner}'`);
      // a staff member with a data scope assigns only partners they see (404, like partner confinement)
      requireOwnPartner(actor, p.id);
      if (seen.has(p.id)) throw invalid(at(i, 'partner'), 'the same partner appears twice in one request');
      seen.add(p.id);
      const orgUnitId = unitOf(it.orgUnit);
      if (!orgUnitId) throw invalid(at(i, 'orgUnit'), `no org unit '${it.orgUnit}'`);
      let accountManagerId: string | null = null;
      if (it.accountManager) {
        const m = mgrs.find((x) => x.id === it.accountManager || x.code === it.accountManager);
        if (!m) throw invalid(at(i, 'accountManager'), `no staff member '${it.accountManager}'`);
        if (m.post !== 'account_manager') throw invalid(at(i, 'accountManager'), `staff member '${m.code}' is a ${m.post}, not an account_manager`);
        accountManagerId = m.id;
      }
      return { partnerId: p.id, orgUnitId, accountManagerId, validFrom: it.validFrom, reason: it.reason ?? null };
    });
    const ids = rows.map((r) => r.partnerId);
    const idArray = `{${ids.join(',')}}`;
    // serialise assignments of these partners (sorted keys: no deadlock between two bulk calls)
    await w.tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended('ownership|' || ${w.tenantId} || '|' || p, 0)) from unnest(${idArray}::uuid[]) as p order by p`,
    );
    const latest = await rowsOf<{ partner_id: string; id: string; valid_from: string }>(
      w.tx,
      sql`select distinct on (partner_id) partner_id, id, valid_from::text as valid_from from partner_ownership
          where tenant_id = ${w.tenantId} and partner_id = any(${idArray}::uuid[]) order by partner_id, valid_from desc`,
    );
    const latestOf = new Map(latest.map((l) => [l.partner_id, l]));
    const replace: string[] = [];
    const close: { id: string; to: string }[] = [];
    rows.forEach((r, i) => {
      const l = latestOf.get(r.partnerId);
      if (!l) return;
      if (r.validFrom < l.valid_from)
        throw new DomainError('CONFLICT', `partner ownership from ${r.validFrom} would overlap the period starting ${l.valid_from}`, {
          errors: [{ path: at(i, 'validFrom'), message: `must not be before ${l.valid_from}, the start of the latest ownership period` }],
        });
      if (r.validFrom === l.valid_from) replace.push(l.id);
      else close.push({ id: l.id, to: r.validFrom });
    });
    const beforeRows = latest.length
      ? await w.tx
          .select()
          .from(partnerOwnership)
          .where(and(eq(partnerOwnership.tenantId, w.tenantId), sql`${partnerOwnership.id} = any(${`{${latest.map((l) => l.id).join(',')}}`}::uuid[])`))
      : [];
    if (replace.length)
      await w.tx
        .delete(partnerOwnership)
        .where(and(eq(partnerOwnership.tenantId, w.tenantId), sql`${partnerOwnership.id} = any(${`{${replace.join(',')}}`}::uuid[])`));
    if (close.length)
      await w.tx
        .execute(sql`update partner_ownership o set valid_to = c.valid_to from jsonb_to_recordset(${JSON.stringify(close.map((c) => ({ id: c.id, valid_to: c.to })))}::jsonb) as c(id uuid, valid_to date)
                             where o.tenant_id = ${w.tenantId} and o.id = c.id`);
    const inserted = await w.tx
      .insert(partnerOwnership)
      .values(rows.map((r) => ({ tenantId: w.tenantId, id: uuidv7(), ...r, createdBy: actor.subject })))
      .returning();
    const out = inserted.map(toOwnership);
    const beforeOf = new Map(beforeRows.map((b) => [b.partnerId, toOwnership(b)]));
    for (const o of out) {
      w.audit({ resourceType: 'partner_ownership', resourceId: o.partnerId, action: 'assign', before: beforeOf.get(o.partnerId) ?? null, after: o });
      w.afterCommit(() => this.changed(w.tenantId));
      w.emit({ type: ORGANISATION_EVENTS.ownershipChanged, resourceType: 'partner', resourceId: o.partnerId, payload: { ownership: o } });
    }
    return out;
  }

  /** The partner's ownership on `asOf` (default today); 404 when it has none then. */
  async current(actor: Actor, partnerRef: string, asOf?: string): Promise<Ownership> {
    requireTenantUser(actor, 'organisation:read');
    const p = await this.partner(actor, partnerRef);
    const [row] = await this.store.db
      .select()
      .from(partnerOwnership)
      .where(and(eq(partnerOwnership.tenantId, actor.tenantId), eq(partnerOwnership.partnerId, p), coversDay(asOf ?? today())));
    if (!row) throw new DomainError('NOT_FOUND', `partner '${partnerRef}' has no owner on ${asOf ?? today()}`);
    return toOwnership(row);
  }

  /** Every period of the partner's ownership, newest first. */
  async history(actor: Actor, partnerRef: string): Promise<Ownership[]> {
    requireTenantUser(actor, 'organisation:read');
    const p = await this.partner(actor, partnerRef);
    const rows = await this.store.db
      .select()
      .from(partnerOwnership)
      .where(and(eq(partnerOwnership.tenantId, actor.tenantId), eq(partnerOwnership.partnerId, p)))
      .orderBy(desc(partnerOwnership.validFrom));
    return rows.map(toOwnership);
  }

  /** Current ownerships (on asOf), filtered by org subtree or account manager; confined to the caller's data scope. */
  async list(
    actor: Actor,
    input: {
      limit: number;
      cursor?: string | undefined;
      backward?: boolean | undefined;
      orgUnit?: string | undefined;
      accountManager?: string | undefined;
      asOf?: string | undefined;
    },
  ): Promise<Page<Ownership>> {
    requireTenantUser(actor, 'organisation:read');
    const f = parseInput(OwnershipListQuery, { orgUnit: input.orgUnit, accountManager: input.accountManager, asOf: input.asOf });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [partnerOwnership.id], after);
    const conds: (SQL | undefined)[] = [
      eq(partnerOwnership.tenantId, actor.tenantId),
      coversDay(f.asOf ?? today()),
      partnerCondition(actor, partnerOwnership.partnerId),
    ];
    if (f.orgUnit) {
      const root = await unitIdOf(this.store.db, actor.tenantId, f.orgUnit, 'orgUnit');
      conds.push(
        sql`${partnerOwnership.orgUnitId} in (with recursive sub(id) as (select ${root}::uuid union select u.id from ${orgUnits} u join sub on u.tenant_id = ${actor.tenantId} and u.parent_id = sub.id) select id from sub)`,
      );
    }
    if (f.accountManager)
      conds.push(eq(partnerOwnership.accountManagerId, (await staffOf(this.store.db, actor.tenantId, f.accountManager, 'accountManager', actor)).id));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(partnerOwnership)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toOwnership), input, (o) => [o.id]);
  }

  private async partner(actor: Actor, ref: string): Promise<string> {
    const p = await findPartner(this.store.db, actor.tenantId, ref);
    // one answer for unknown and out-of-scope partners, naming only what the caller sent
    if (!p || !canSeePartner(actor, p.id)) throw new DomainError('NOT_FOUND', `partner '${ref}' was not found`);
    return p.id;
  }
}
