import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { type Actor, decodeUuidCursor, iso, isUuid, type Page, requireTenantUser, rowsOf, toPage, keyset } from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { organisationSql } from './contract.js';
import { orgUnits, staffMembers, type OrgUnitRow, type StaffRow } from './organisation.tables.js';
import {
  OrgUnitCreate,
  OrgUnitListQuery,
  OrgUnitUpdate,
  OrgUnitUpsert,
  StaffCreate,
  StaffListQuery,
  StaffUpdate,
  StaffUpsert,
  type OrgUnit,
  type StaffMember,
} from './organisation.schemas.js';

export const ORGANISATION_EVENTS = {
  unitChanged: 'organisation.unit_changed',
  staffChanged: 'organisation.staff_changed',
  ownershipChanged: 'organisation.ownership_changed',
  approvalRequested: 'organisation.approval_requested',
  approvalStepDecided: 'organisation.approval_step_decided',
  approvalDecided: 'organisation.approval_decided',
} as const;

export const toUnit = (r: OrgUnitRow): OrgUnit => ({
  id: r.id,
  code: r.code,
  name: r.name,
  kind: r.kind,
  parentId: r.parentId,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

export const toStaff = (r: StaffRow): StaffMember => ({
  id: r.id,
  code: r.code,
  name: r.name,
  email: r.email,
  subjects: r.subjects,
  post: r.post,
  orgUnitId: r.orgUnitId,
  dataScope: r.dataScope,
  active: r.active,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
});

type ListInput = { limit: number; cursor?: string | undefined; backward?: boolean | undefined };

function versionCheck(expected: number | undefined, current: number, what: string) {
  if (expected !== undefined && expected !== current) {
    throw new DomainError('VERSION_CONFLICT', `Version ${expected} is stale; the ${what} is at version ${current}`, { extra: { currentVersion: current } });
  }
}

const byRef = (ref: string, id: SQL | ReturnType<typeof eq>, code: SQL | ReturnType<typeof eq>) => (isUuid(ref) ? id : code);

/** An org unit id by id or code (VALIDATION_FAILED naming `path` when there is none). */
export async function unitIdOf(db: Db, tenantId: string, ref: string, path: string): Promise<string> {
  const [row] = await db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), byRef(ref, eq(orgUnits.id, ref), eq(orgUnits.code, ref))));
  if (!row) throw invalid(path, `no org unit '${ref}'`);
  return row.id;
}

/** A staff member by id or code (VALIDATION_FAILED naming `path` when there is none). */
export async function staffOf(db: Db, tenantId: string, ref: string, path: string, visibleTo?: Actor): Promise<StaffRow> {
  const [row] = await db
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.tenantId, tenantId),
        byRef(ref, eq(staffMembers.id, ref), eq(staffMembers.code, ref)),
        visibleTo ? visibleStaffCond(visibleTo) : undefined,
      ),
    );
  // one answer for an unknown member and one outside the caller's data scope (visibleTo): nothing about the latter leaks
  if (!row) throw invalid(path, `no staff member '${ref}'`);
  return row;
}

/** The active staff member a credential signs in as (its JWT sub, or its API key id), if any. */
export async function staffOfActor(db: Db, actor: Actor): Promise<StaffRow | undefined> {
  const subjects = [actor.subject, ...(actor.kind === 'api_key' && actor.tokenId ? [actor.tokenId] : [])];
  const [row] = await db
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.tenantId, actor.tenantId),
        eq(staffMembers.active, true),
        sql`${staffMembers.subjects} && ${`{${subjects.map((s) => JSON.stringify(s)).join(',')}}`}::text[]`,
      ),
    )
    .orderBy(asc(staffMembers.id))
    .limit(1);
  return row;
}

/**
 * The staff a credential may see (issue 17): all without a data scope; with `org_subtree` the staff of its unit and
 * below (itself included); with `portfolio` only itself. Evaluated inside the caller's statement.
 */
function visibleStaffCond(actor: Actor): SQL | undefined {
  const v = organisationSql.visibleStaff(actor);
  return v ? sql`${staffMembers.id} in ${v}` : undefined;
}

/**
 * Org administration (units, staff, approval policies) needs a credential without a data scope: a staff member limited
 * to some partners must not widen their own scope.
 */
export function requireOrgAdmin(actor: Actor): void {
  requireTenantUser(actor, 'organisation:write');
  if (actor.scopedPartnerIds) throw new DomainError('FORBIDDEN', "Credentials limited to a staff member's data scope cannot administer the organisation");
}

/** Org units (a tree) and staff members. Reads need organisation:read, writes organisation:write (tenant users). */
export class OrgService {
  constructor(
    private readonly store: Store,
    private readonly changed: (tenantId: string) => void = () => {},
  ) {}

  // ------------------------------------------------------------------------------------------------ org units
  async createUnit(actor: Actor, input: unknown): Promise<OrgUnit> {
    requireOrgAdmin(actor);
    const d = parseInput(OrgUnitCreate, input);
    return this.store.write(actor, (w) => this.insertUnit(w, d.code, d));
  }

  private async insertUnit(w: Work, code: string, d: { name: string; kind: OrgUnit['kind']; parent?: string | null | undefined }): Promise<OrgUnit> {
    const parentId = d.parent ? await unitIdOf(w.tx, w.tenantId, d.parent, 'parent') : null;
    const [row] = await w.tx.insert(orgUnits).values({ tenantId: w.tenantId, id: uuidv7(), code, name: d.name, kind: d.kind, parentId }).returning();
    const out = toUnit(row!);
    w.audit({ resourceType: 'org_unit', resourceId: out.id, action: 'create', after: out });
    w.afterCommit(() => this.changed(w.tenantId));
    w.emit({ type: ORGANISATION_EVENTS.unitChanged, resourceType: 'org_unit', resourceId: out.id, payload: { unit: out } });
    return out;
  }

  async updateUnit(actor: Actor, ref: string, input: unknown): Promise<OrgUnit> {
    requireOrgAdmin(actor);
    const d = parseInput(OrgUnitUpdate, input);
    return this.store.write(actor, (w) => this.patchUnit(w, ref, d));
  }

  /** PUT by code: creates the unit, or updates it to the body (no new version when nothing changes). */
  async upsertUnit(actor: Actor, code: string, input: unknown): Promise<{ unit: OrgUnit; created: boolean }> {
    requireOrgAdmin(actor);
    const d = parseInput(OrgUnitUpsert, input);
    return this.store.write(actor, async (w) => {
      const [existing] = await w.tx
        .select()
        .from(orgUnits)
        .where(and(eq(orgUnits.tenantId, w.tenantId), eq(orgUnits.code, code)))
        .for('update');
      if (!existing) return { unit: await this.insertUnit(w, code, d), created: true };
      return { unit: await this.patchUnit(w, existing.id, { name: d.name, kind: d.kind, parent: d.parent ?? null }), created: false };
    });
  }

  private async patchUnit(w: Work, ref: string, d: OrgUnitUpdate): Promise<OrgUnit> {
    const [before] = await w.tx
      .select()
      .from(orgUnits)
      .where(and(eq(orgUnits.tenantId, w.tenantId), byRef(ref, eq(orgUnits.id, ref), eq(orgUnits.code, ref))))
      .for('update');
    if (!before) throw notFound('org unit', ref);
    versionCheck(d.version, before.version, 'org unit');
    const set: Partial<OrgUnitRow> = {};
    if (d.code !== undefined && d.code !== before.code) set.code = d.code;
    if (d.name !== undefined && d.name !== before.name) set.name = d.name;
    if (d.kind !== undefined && d.kind !== before.kind) set.kind = d.kind;
    if (d.parent !== undefined) {
      const parentId = d.parent === null ? null : await unitIdOf(w.tx, w.tenantId, d.parent, 'parent');
      if (parentId !== before.parentId) {
        if (parentId === before.id) throw invalid('parent', 'an org unit cannot be its own parent');
        if (parentId) {
          // the new parent must not lie in the unit's own subtree
          const [cycle] = await rowsOf<{ hit: boolean }>(
            w.tx,
            sql`with recursive up(id, parent_id, depth) as (
                  select id, parent_id, 0 from org_units where tenant_id = ${w.tenantId} and id = ${parentId}
                  union all select u.id, u.parent_id, up.depth + 1 from org_units u join up on u.tenant_id = ${w.tenantId} and u.id = up.parent_id where up.depth < 64)
                select exists (select 1 from up where id = ${before.id}) as hit`,
          );
          if (cycle?.hit) throw invalid('parent', 'the move would make a cycle in the org tree (the new parent lies under this unit)');
        }
        set.parentId = parentId;
      }
    }
    if (!Object.keys(set).length) return toUnit(before);
    const [row] = await w.tx
      .update(orgUnits)
      .set({ ...set, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(orgUnits.tenantId, w.tenantId), eq(orgUnits.id, before.id)))
      .returning();
    const out = toUnit(row!);
    w.audit({ resourceType: 'org_unit', resourceId: out.id, action: 'update', before: toUnit(before), after: out });
    w.afterCommit(() => this.changed(w.tenantId));
    w.emit({ type: ORGANISATION_EVENTS.unitChanged, resourceType: 'org_unit', resourceId: out.id, payload: { unit: out } });
    return out;
  }

  async getUnit(actor: Actor, ref: string): Promise<OrgUnit> {
    requireTenantUser(actor, 'organisation:read');
    const [row] = await this.store.db
      .select()
      .from(orgUnits)
      .where(and(eq(orgUnits.tenantId, actor.tenantId), byRef(ref, eq(orgUnits.id, ref), eq(orgUnits.code, ref))));
    if (!row) throw notFound('org unit', ref);
    return toUnit(row);
  }

  async listUnits(actor: Actor, input: ListInput & { kind?: string | undefined; parent?: string | undefined }): Promise<Page<OrgUnit>> {
    requireTenantUser(actor, 'organisation:read');
    const f = parseInput(OrgUnitListQuery, { kind: input.kind, parent: input.parent });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [orgUnits.id], after);
    const conds: (SQL | undefined)[] = [eq(orgUnits.tenantId, actor.tenantId)];
    if (f.kind) conds.push(eq(orgUnits.kind, f.kind));
    if (f.parent) conds.push(eq(orgUnits.parentId, await unitIdOf(this.store.db, actor.tenantId, f.parent, 'parent')));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(orgUnits)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toUnit), input, (u) => [u.id]);
  }

  /** Units by id, one query (GraphQL loaders). */
  async unitsById(actor: Actor, ids: readonly string[]): Promise<Map<string, OrgUnit>> {
    const want = [...new Set(ids)].filter(isUuid);
    if (!want.length) return new Map();
    const rows = await this.store.db
      .select()
      .from(orgUnits)
      .where(and(eq(orgUnits.tenantId, actor.tenantId), sql`${orgUnits.id} = any(${`{${want.join(',')}}`}::uuid[])`));
    return new Map(rows.map((r) => [r.id, toUnit(r)]));
  }

  // ------------------------------------------------------------------------------------------------ staff
  async createStaff(actor: Actor, input: unknown): Promise<StaffMember> {
    requireOrgAdmin(actor);
    const d = parseInput(StaffCreate, input);
    return this.store.write(actor, (w) => this.insertStaff(w, d.code, d));
  }

  private async insertStaff(w: Work, code: string, d: StaffUpsert): Promise<StaffMember> {
    const orgUnitId = d.orgUnit ? await unitIdOf(w.tx, w.tenantId, d.orgUnit, 'orgUnit') : null;
    const [row] = await w.tx
      .insert(staffMembers)
      .values({
        tenantId: w.tenantId,
        id: uuidv7(),
        code,
        name: d.name,
        email: d.email ?? null,
        subjects: [...new Set(d.subjects ?? [])],
        post: d.post,
        orgUnitId,
        dataScope: d.dataScope ?? 'all',
        active: d.active ?? true,
      })
      .returning();
    const out = toStaff(row!);
    w.audit({ resourceType: 'staff_member', resourceId: out.id, action: 'create', after: out });
    w.afterCommit(() => this.changed(w.tenantId));
    w.emit({ type: ORGANISATION_EVENTS.staffChanged, resourceType: 'staff_member', resourceId: out.id, payload: { staff: out } });
    return out;
  }

  async updateStaff(actor: Actor, ref: string, input: unknown): Promise<StaffMember> {
    requireOrgAdmin(actor);
    const d = parseInput(StaffUpdate, input);
    return this.store.write(actor, (w) => this.patchStaff(w, ref, d));
  }

  async upsertStaff(actor: Actor, code: string, input: unknown): Promise<{ staff: StaffMember; created: boolean }> {
    requireOrgAdmin(actor);
    const d = parseInput(StaffUpsert, input);
    return this.store.write(actor, async (w) => {
      const [existing] = await w.tx
        .select()
        .from(staffMembers)
        .where(and(eq(staffMembers.tenantId, w.tenantId), eq(staffMembers.code, code)))
        .for('update');
      if (!existing) return { staff: await this.insertStaff(w, code, d), created: true };
      const patch: StaffUpdate = {
        name: d.name,
        email: d.email ?? null,
        subjects: d.subjects ?? [],
        post: d.post,
        orgUnit: d.orgUnit ?? null,
        dataScope: d.dataScope ?? 'all',
        active: d.active ?? true,
      };
      return { staff: await this.patchStaff(w, existing.id, patch), created: false };
    });
  }

  private async patchStaff(w: Work, ref: string, d: StaffUpdate): Promise<StaffMember> {
    const [before] = await w.tx
      .select()
      .from(staffMembers)
      .where(and(eq(staffMembers.tenantId, w.tenantId), byRef(ref, eq(staffMembers.id, ref), eq(staffMembers.code, ref))))
      .for('update');
    if (!before) throw notFound('staff member', ref);
    versionCheck(d.version, before.version, 'staff member');
    const set: Partial<StaffRow> = {};
    if (d.code !== undefined && d.code !== before.code) set.code = d.code;
    if (d.name !== undefined && d.name !== before.name) set.name = d.name;
    if (d.email !== undefined && d.email !== before.email) set.email = d.email;
    if (d.subjects !== undefined) {
      const subjects = [...new Set(d.subjects)];
      if (JSON.stringify(subjects) !== JSON.stringify(before.subjects)) set.subjects = subjects;
    }
    if (d.post !== undefined && d.post !== before.post) set.post = d.post;
    if (d.dataScope !== undefined && d.dataScope !== before.dataScope) set.dataScope = d.dataScope;
    if (d.active !== undefined && d.active !== before.active) set.active = d.active;
    if (d.orgUnit !== undefined) {
      const id = d.orgUnit === null ? null : await unitIdOf(w.tx, w.tenantId, d.orgUnit, 'orgUnit');
      if (id !== before.orgUnitId) set.orgUnitId = id;
    }
    if (!Object.keys(set).length) return toStaff(before);
    const [row] = await w.tx
      .update(staffMembers)
      .set({ ...set, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(staffMembers.tenantId, w.tenantId), eq(staffMembers.id, before.id)))
      .returning();
    const out = toStaff(row!);
    w.audit({ resourceType: 'staff_member', resourceId: out.id, action: 'update', before: toStaff(before), after: out });
    w.afterCommit(() => this.changed(w.tenantId));
    w.emit({ type: ORGANISATION_EVENTS.staffChanged, resourceType: 'staff_member', resourceId: out.id, payload: { staff: out } });
    return out;
  }

  /** A staff member by id or code; one outside the caller's visible staff (data scope) is 404 like a missing one. */
  async getStaff(actor: Actor, ref: string): Promise<StaffMember> {
    requireTenantUser(actor, 'organisation:read');
    const [row] = await this.store.db
      .select()
      .from(staffMembers)
      .where(and(eq(staffMembers.tenantId, actor.tenantId), byRef(ref, eq(staffMembers.id, ref), eq(staffMembers.code, ref)), visibleStaffCond(actor)));
    if (!row) throw notFound('staff member', ref);
    return toStaff(row);
  }

  /** The staff member the caller signs in as (404 when the credential is linked to none). */
  async me(actor: Actor): Promise<StaffMember> {
    requireTenantUser(actor);
    const row = await staffOfActor(this.store.db, actor);
    if (!row) throw new DomainError('NOT_FOUND', `no active staff member is linked to the subject '${actor.subject}'`);
    return toStaff(row);
  }

  /** Staff members, confined to the caller's visible staff (data scope: its org subtree, or itself for portfolio). */
  async listStaff(actor: Actor, input: ListInput & { post?: string | undefined; orgUnit?: string | undefined }): Promise<Page<StaffMember>> {
    requireTenantUser(actor, 'organisation:read');
    const f = parseInput(StaffListQuery, { post: input.post, orgUnit: input.orgUnit });
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [staffMembers.id], after);
    const conds: (SQL | undefined)[] = [eq(staffMembers.tenantId, actor.tenantId), visibleStaffCond(actor)];
    if (f.post) conds.push(eq(staffMembers.post, f.post));
    if (f.orgUnit) conds.push(eq(staffMembers.orgUnitId, await unitIdOf(this.store.db, actor.tenantId, f.orgUnit, 'orgUnit')));
    if (ks.where) conds.push(ks.where);
    const rows = await this.store.db
      .select()
      .from(staffMembers)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toStaff), input, (s) => [s.id]);
  }
}
