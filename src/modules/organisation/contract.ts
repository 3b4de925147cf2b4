/**
 * The organisation module's contract: the only file of this module another module may import (checked by the
 * boundary check). Layer 1.5: it reads onboarding's contract; policy, target, incentive and evaluation may import it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { rowsOf, today } from '../../platform/kernel/index.js';

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
};

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
