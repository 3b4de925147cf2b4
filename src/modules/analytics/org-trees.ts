/**
 * The organisation module's trees to roll up in (issue 17, "targets rolled up"): org units (a partner counts in the
 * unit that owns it on the date and in every ancestor), and account managers (a flat grouping: each manager's
 * portfolio on the date). Ownership periods are [valid_from, valid_to): valid_to is exclusive; a partner's periods never overlap (the
 * organisation service closes the open one), so a partner has at most one owner on a date (`onePerPartner`).
 */
import { sql } from 'drizzle-orm';
import { organisationSql } from '../organisation/contract.js';
import type { GroupingTree } from './contract.js';

const owners = (tenantId: string, on: string) =>
  sql`(select o.partner_id, o.org_unit_id, o.account_manager_id from ${organisationSql.ownership(tenantId)} o
        where o.valid_from <= ${on}::date and (o.valid_to is null or o.valid_to > ${on}::date))`;

export const orgUnitTree: GroupingTree = {
  onePerPartner: true,
  nodes: (tenantId) => sql`(select u.id::text as id, u.parent_id::text as parent_id, u.code, u.name from ${organisationSql.orgUnitTree(tenantId)} u)`,
  members: (tenantId, on) => sql`(select w.partner_id, w.org_unit_id::text as node_id from ${owners(tenantId, on)} w)`,
};

export const accountManagerTree: GroupingTree = {
  onePerPartner: true,
  nodes: (tenantId) =>
    sql`(select s.id::text as id, null::text as parent_id, s.code, s.name from ${organisationSql.staff(tenantId)} s where s.post = 'account_manager')`,
  members: (tenantId, on) =>
    sql`(select w.partner_id, w.account_manager_id::text as node_id from ${owners(tenantId, on)} w where w.account_manager_id is not null)`,
};
