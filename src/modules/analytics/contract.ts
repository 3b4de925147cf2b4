/**
 * The analytics module's contract. Analytics only reads (other modules' contracts); nothing imports it. What it
 * takes from outside is a grouping tree to roll up in: built in are the territory tree and the organisation module's
 * org units and account managers (org-trees.ts); `createAnalyticsServices` takes more.
 */
import type { SQL } from 'drizzle-orm';

/**
 * A tree partners roll up in; both relations are parenthesised derived tables without an alias (the roll-up names
 * them), like the other modules' contract relations. Wiring the organisation module, for example:
 * `{ nodes: (t) => sql\`(select id::text as id, parent_id::text as parent_id, code, name from ${organisationSql.orgUnitTree(t)} u)\`,
 *    members: (t, on) => sql\`(select partner_id, org_unit_id::text as node_id from ${organisationSql.ownership(t)} o
 *      where o.valid_from <= ${on}::date and (o.valid_to is null or o.valid_to >= ${on}::date))\` }`.
 * A flat grouping (account managers) is a tree whose nodes all have parent_id null.
 */
export interface GroupingTree {
  /** the nodes: id (text), parent_id (text, null at a root), code, name */
  nodes(tenantId: string): SQL;
  /** which node each partner belongs to on a date (YYYY-MM-DD): partner_id (uuid), node_id (text) */
  members(tenantId: string, on: string): SQL;
  /**
   * true when `members` names at most one node per partner on a date, once (a home territory, the owner on the
   * date): the roll-up then sums per node without de-duplicating (cheaper). Absent: a partner may be attached to
   * several nodes, each counted once per ancestor (distinct pairs).
   */
  onePerPartner?: boolean;
}
