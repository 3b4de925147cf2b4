/**
 * The organisation module's contract: the only file of this module another module may import (checked by the
 * boundary check). Layer 1.5: it reads onboarding's contract; policy, target, incentive and evaluation may import it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { type Actor, isUuid, rowsOf, today } from '../../platform/kernel/index.js';
import { staffMembers } from './organisation.tables.js';

export type { ApprovalAnswer, ApprovalHandler, ApprovalOutcome, ApprovalSubject } from './approvals.service.js';
export type { ApprovalKind, Post } from './organisation.schemas.js';
import type { ApprovalService } from './approvals.service.js';

/**
 * What an owning module calls, inside its own transaction (`store.write`'s Work): `request` opens an approval
 * request when the kind's policy requires steps for these values (`not_required` otherwise: keep the module's own
 * one-step decision); `openRequestFor` finds a subject's pending request; `decideIn` decides its current step as
 * the caller; `onDecided` registers, at composition time, the handler that applies the final outcome.
 */
export type ApprovalsPort = Pick<ApprovalService, 'request' | 'openRequestFor' | 'decideIn' | 'onDecided'>;

/** (tenant_id, id) of the organisation tables other modules reference. Only for `foreignKey()`: never query through them. */
export const organisationKeys = {
  staff: [staffMembers.tenantId, staffMembers.id],
} as const;

export const organisationSql = {
  /**
   * Partner ownership periods, one row each: partner_id, org_unit_id, account_manager_id, valid_from, valid_to
   * (exclusive; null while current). Periods of one partner never overlap.
   */
  ownership: (tenantId: string): SQL =>
    sql`(select partner_id, org_unit_id, account_manager_id, valid_from, valid_to from partner_ownership where tenant_id = ${tenantId})`,
  /**
   * The org tree, one row per unit: id, parent_id, code, name, kind, depth (0 for roots), path (root-to-unit ids,
   * uuid[]). A unit's subtree: `where ${unitId} = any(path)`.
   */
  orgUnitTree: (tenantId: string): SQL =>
    sql`(with recursive tree(id, parent_id, code, name, kind, depth, path) as (
           select id, parent_id, code, name, kind, 0, array[id] from org_units where tenant_id = ${tenantId} and parent_id is null
           union all
           select u.id, u.parent_id, u.code, u.name, u.kind, t.depth + 1, t.path || u.id from org_units u join tree t on u.tenant_id = ${tenantId} and u.parent_id = t.id
            where t.depth < 64)
         select id, parent_id, code, name, kind, depth, path from tree)`,
  /** Staff members, one row each: id, code, name, post, org_unit_id. */
  staff: (tenantId: string): SQL => sql`(select id, code, name, post, org_unit_id from staff_members where tenant_id = ${tenantId})`,
  /** Sales reps (post `sales_rep`, the direct channel's salespeople; active or not), one row each: id, code, name, org_unit_id, active. */
  reps: (tenantId: string): SQL => sql`(select id, code, name, org_unit_id, active from staff_members where tenant_id = ${tenantId} and post = 'sales_rep')`,
  /**
   * The staff members a credential may see records of (issue 17: reps' targets and scorecards), as a relation of
   * ids, or undefined when it is not limited. It follows the partner data scope: a tenant credential whose staff
   * member has data scope `org_subtree` sees the staff of its unit and below (itself included), `portfolio` only
   * itself; partner credentials see no staff. Evaluated inside the caller's statement (no extra round trip).
   */
  visibleStaff: (actor: Actor): SQL | undefined => {
    if (actor.partnerId) return sql`(select null::uuid as id where false)`;
    if (actor.scopedPartnerIds === undefined) return undefined;
    const t = actor.tenantId;
    const subjects = [actor.subject, ...(actor.kind === 'api_key' && actor.tokenId ? [actor.tokenId] : [])];
    return sql`(with recursive st as (
          select id, org_unit_id, data_scope from staff_members
           where tenant_id = ${t} and active and subjects && ${`{${subjects.map((s) => JSON.stringify(s)).join(',')}}`}::text[]
           order by (data_scope = 'all') desc, id limit 1),
        sub(id) as (
          select org_unit_id from st where data_scope = 'org_subtree' and org_unit_id is not null
          union select u.id from org_units u join sub on u.tenant_id = ${t} and u.parent_id = sub.id)
        select s.id from staff_members s join st on true
         where s.tenant_id = ${t} and (s.id = st.id or (st.data_scope = 'org_subtree' and s.org_unit_id in (select id from sub))))`;
  },
};

export interface RepRef {
  id: string;
  code: string;
  name: string;
  orgUnitId: string | null;
}

/** A sales rep by id or code (post `sales_rep`), one query; undefined when there is none. */
export async function findRep(db: Db, tenantId: string, ref: string): Promise<RepRef | undefined> {
  const [r] = await rowsOf<{ id: string; code: string; name: string; org_unit_id: string | null }>(
    db,
    sql`select id, code, name, org_unit_id from staff_members where tenant_id = ${tenantId} and post = 'sales_rep'
         and ${isUuid(ref) ? sql`(id = ${ref}::uuid or code = ${ref})` : sql`code = ${ref}`} limit 1`,
  );
  return r ? { id: r.id, code: r.code, name: r.name, orgUnitId: r.org_unit_id } : undefined;
}

export interface CurrentOwner {
  orgUnitId: string;
  accountManagerId: string | null;
}

/** The partners' owners on a day (default today), one query. Partners without an owner then are absent. */
export async function currentOwners(db: Db, tenantId: string, partnerIds: readonly string[], asOf = today()): Promise<Map<string, CurrentOwner>> {
  if (!partnerIds.length) return new Map();
  const rows = await rowsOf<{ partner_id: string; org_unit_id: string; account_manager_id: string | null }>(
    db,
    sql`select partner_id, org_unit_id, account_manager_id from partner_ownership
         where tenant_id = ${tenantId} and partner_id = any(${`{${[...new Set(partnerIds)].join(',')}}`}::uuid[])
           and valid_from <= ${asOf}::date and (valid_to is null or valid_to > ${asOf}::date)`,
  );
  return new Map(rows.map((r) => [r.partner_id, { orgUnitId: r.org_unit_id, accountManagerId: r.account_manager_id }]));
}
