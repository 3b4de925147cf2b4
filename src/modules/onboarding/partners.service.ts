import { and, asc, eq, gt, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import {
  type Actor,
  canSeePartner,
  decodeUuidCursor,
  type Page,
  partnerCondition,
  requireOwnPartner,
  requireScope,
  requireTenantUser,
  rowsOf,
  toPage,
  keyset,
  type PageInput,
  prefetchedKey,
} from '../../platform/kernel/index.js';
import type { Db } from '../../platform/db.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { partners, type PartnerRow } from './partners.tables.js';
import { partnerStatusHistory } from './onboarding.tables.js';
import { partnerTransition, type PartnerAction } from './onboarding.rules.js';
import { auditImport } from './catalog.service.js';
import { setParentsByCode, upsertByCode } from './common.js';
import { onboardingSql, type PartnerAttributesListener } from './contract.js';
import type { ImportSpec, RowError } from '../../platform/imports.js';
import { PartnerImportRow, PartnerHistoryEntry, TransitionInput } from './partners.schemas.js';
import type { z } from 'zod';
import { PartnerCreate, PartnerListQuery, PartnerUpdate, PartnerUpsert, type Partner } from './partners.schemas.js';

export const PARTNER_EVENTS = { created: 'partner.created', updated: 'partner.updated', statusChanged: 'partner.status_changed' } as const;

export function toPartner(r: PartnerRow): Partner {
  return {
    id: r.id,
    code: r.code,
    legalName: r.legalName,
    type: r.type,
    channel: r.channel,
    parentId: r.parentId,
    tier: r.tier,
    contactName: r.contactName,
    contactEmail: r.contactEmail,
    contactPhone: r.contactPhone,
    address: r.address ?? null,
    regionCode: r.regionCode,
    status: r.status,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/**
 * A partner as a GraphQL selection needs it: the columns asked for, plus `id` and `parentId` (the parent and
 * children loaders and every other module's Partner field key on them), as the API writes them (PARTNER_COLUMNS).
 */
export type PartnerPick = Partial<Partner> & { id: string; parentId: string | null };

type PickableColumn = keyof Partner;
/** At most this many distinct column sets get their statements prepared at once (the rest as AutoPrepare decides). */
const MAX_PREPARED_PICKS = 32;

/** The columns of the fields asked for, sorted (the key of their prepared statements); `*` is every column. */
function pickColumns(fields: Iterable<string>): PickableColumn[] {
  const out = new Set<PickableColumn>(['id', 'parentId']);
  for (const f of fields) if (f === '*') return (Object.keys(PARTNER_COLUMNS) as PickableColumn[]).sort();
  for (const f of fields) if (Object.hasOwn(PARTNER_COLUMNS, f)) out.add(f as PickableColumn);
  return [...out].sort();
}

/**
 * The rows a default page fetches (the default page size, 50, plus one to know whether there is a next page), written
 * into the default page's prepared statements as a literal. With a `limit $n` parameter PostgreSQL keeps planning
 * the statement for each run (its generic plan, estimated for an unknown limit, looks costlier than a custom plan):
 * under the tenant wall's row-level security that planning is most of the statement's cost (issue 15, pgbench:
 * 0.36-0.47 ms a scoped first page with `limit $1`, 0.27 ms with `limit 51`). Other page sizes use the
 * parameterised statements.
 */
const DEFAULT_PAGE_ROWS = 51;

/**
 * A partner's columns as the API writes them (Partner, in toPartner's order): camelCase names, the timestamps as
 * Date#toISOString writes them (UTC, milliseconds truncated, as a Date from the driver's microseconds is), written
 * by PostgreSQL. The hot reads return these rows as they come from the driver: no result mapping, no Date per
 * timestamp (issue 15: drizzle's row mapping, toPartner and the Dates were ~10% of the list's server CPU).
 */
const isoTime = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Each column of a Partner (toPartner's order): the expression that gives its value as the API writes it. */
const PARTNER_EXPR: Record<keyof Partner, string> = {
  id: 'id',
  code: 'code',
  legalName: 'legal_name',
  type: 'type',
  channel: 'channel',
  parentId: 'parent_id',
  tier: 'tier',
  contactName: 'contact_name',
  contactEmail: 'contact_email',
  contactPhone: 'contact_phone',
  address: 'address',
  regionCode: 'region_code',
  status: 'status',
  version: 'version',
  createdAt: isoTime('created_at'),
  updatedAt: isoTime('updated_at'),
};
/** Each column of a Partner (toPartner's order) as the hot reads select it. */
const PARTNER_COLUMNS = Object.fromEntries(Object.entries(PARTNER_EXPR).map(([name, expr]) => [name, expr === name ? name : `${expr} as "${name}"`])) as Record<
  keyof Partner,
  string
>;

/**
 * The related partners a page of partners fetches in its own statement (GraphQL: the nodes' `parent` and
 * `children`), the columns each asks for; carried on each row under the kernel's prefetchedKey, so that the
 * loaders are not called (one statement for the page instead of three, issue 15).
 */
export interface PartnerPrefetch {
  parent?: readonly string[] | undefined;
  children?: readonly string[] | undefined;
}
/** A partner as a JSON object of the given columns, from the partners row `q` (unqualified names are q's). */
const jsonOf = (columns: readonly PickableColumn[]) => `json_build_object(${columns.map((c) => `'${c}', ${PARTNER_EXPR[c]}`).join(', ')})`;
/** The select list's entries that carry the prefetched relations of each row of `partners` (the outer table). */
function prefetchColumns(prefetch: Prefetched): string {
  let out = '';
  if (prefetch.parent)
    out += `, (select ${jsonOf(prefetch.parent)} from partners q where q.tenant_id = partners.tenant_id and q.id = partners.parent_id) as "${prefetchedKey('parent')}"`;
  if (prefetch.children)
    out += `, coalesce((select json_agg(${jsonOf(prefetch.children)} order by q.code) from partners q where q.tenant_id = partners.tenant_id and q.parent_id = partners.id), '[]'::json) as "${prefetchedKey('children')}"`;
  return out;
}
/** The statements of one column set (PartnerService#pick), and whether they are prepared. */
interface PickTexts {
  prepare: boolean;
  byIds: string;
  children: string;
}
/** The keyset page statements of one column set and prefetched relations (PartnerService#page), and whether they are prepared. */
interface PageTexts {
  prepare: boolean;
  firstPage: string;
  nextPage: string;
  firstDefaultPage: string;
  nextDefaultPage: string;
}
const selectOf = (columns: readonly PickableColumn[], prefetched = '') =>
  `select ${columns.map((c) => PARTNER_COLUMNS[c]).join(', ')}${prefetched} from partners`;
const PARTNER_SELECT = selectOf(Object.keys(PARTNER_COLUMNS) as PickableColumn[]);
const PARTNER_BY_ID = `${PARTNER_SELECT} where tenant_id = $1 and id = $2`;
const PARTNERS_FIRST_PAGE = `${PARTNER_SELECT} where tenant_id = $1 order by id limit $2`;
const PARTNERS_NEXT_PAGE = `${PARTNER_SELECT} where tenant_id = $1 and id > $2 order by id limit $3`;
const PARTNERS_FIRST_DEFAULT_PAGE = `${PARTNER_SELECT} where tenant_id = $1 order by id limit ${DEFAULT_PAGE_ROWS}`;
const PARTNERS_NEXT_DEFAULT_PAGE = `${PARTNER_SELECT} where tenant_id = $1 and id > $2 order by id limit ${DEFAULT_PAGE_ROWS}`;

/** PartnerPrefetch as columns (pickColumns of each relation's fields) */
type Prefetched = { parent?: PickableColumn[] | undefined; children?: PickableColumn[] | undefined };

/** What the parent and children loaders hide from a confined actor (pickMany, pickChildren), hidden in a prefetched row. */
function hideInvisibleRelations(actor: Actor, row: PartnerPick): void {
  const r = row as Record<string, unknown>;
  const parentKey = prefetchedKey('parent');
  const childrenKey = prefetchedKey('children');
  const parent = r[parentKey] as PartnerPick | null | undefined;
  if (parent && !canSeePartner(actor, parent.id)) r[parentKey] = null;
  const children = r[childrenKey] as PartnerPick[] | undefined;
  if (children) r[childrenKey] = children.filter((c) => canSeePartner(actor, c.id));
}

/** `{a,b}`: one uuid[] parameter for a set-based, prepared `= any(...)` */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export class PartnerService {
  /** prepared statements of the column-selecting loader reads (GraphQL), one set per distinct column set */
  private readonly picks = new Map<string, PickTexts>();
  /** prepared statements of the column-selecting pages (GraphQL), one set per column set and prefetched relations */
  private readonly pages = new Map<string, PageTexts>();

  /** told in the writing transaction when partners' type or home territory may have changed (contract port) */
  private readonly attributeListeners: PartnerAttributesListener[] = [];

  /** Registers a PartnerAttributesListener (the composition root wires the target module's group totals). */
  onAttributesChanged(listener: PartnerAttributesListener): void {
    this.attributeListeners.push(listener);
  }

  private async attributesChanged(w: Work, partnerIds: readonly string[]): Promise<void> {
    for (const l of this.attributeListeners) await l(w, partnerIds);
  }

  constructor(private readonly store: Store) {}

  /**
   * The rows of a hot read (PARTNER_SELECT), straight from the driver: prepared on PostgreSQL (postgres.js names and
   * keeps the statement per connection, as drizzle's prepared statements do), through the tenant wall like every
   * query of the client; on embedded PGlite the same text, its `$n` bound by drizzle's sql.
   */
  private async partnerRows(text: string, params: readonly (string | number)[], prepare = true): Promise<Partner[]> {
    const d = this.store.database;
    if (d.client) return (await d.client.unsafe(text, params as (string | number)[], { prepare })) as unknown as Partner[];
    return d.rows<Partner>(sql.join(text.split(/\$(\d+)/).map((s, i) => (i % 2 ? sql`${params[Number(s) - 1]}` : sql.raw(s)))));
  }

  private get db(): Db {
    return this.store.db;
  }

  /**
   * The column-selecting reads for a set of columns (GraphQL): their texts, prepared at once for the first
   * MAX_PREPARED_PICKS column sets (the rest as any statement: AutoPrepare's second sighting, its cap). Raw rows as
   * the hot reads return them (partnerRows).
   */
  private pick(columns: readonly PickableColumn[]): PickTexts {
    const key = columns.join(',');
    const known = this.picks.get(key);
    if (known) return known;
    const sel = selectOf(columns);
    const texts = {
      prepare: this.picks.size < MAX_PREPARED_PICKS,
      byIds: `${sel} where tenant_id = $1 and id = any($2::uuid[])`,
      children: `${sel} where tenant_id = $1 and parent_id = any($2::uuid[]) order by code`,
    };
    if (texts.prepare) this.picks.set(key, texts);
    return texts;
  }

  /**
   * The keyset pages of a column set with the prefetched relations (GraphQL `partners`), as `pick`: prepared at once
   * for the first MAX_PREPARED_PICKS shapes, apart from the loaders' (a burst of page shapes leaves those prepared).
   */
  private page(columns: readonly PickableColumn[], prefetch: Prefetched): PageTexts {
    const key = `${columns.join(',')}|${prefetch.parent?.join(',') ?? '-'}|${prefetch.children?.join(',') ?? '-'}`;
    const known = this.pages.get(key);
    if (known) return known;
    const sel = selectOf(columns, prefetchColumns(prefetch));
    const texts = {
      prepare: this.pages.size < MAX_PREPARED_PICKS,
      firstPage: `${sel} where tenant_id = $1 order by id limit $2`,
      nextPage: `${sel} where tenant_id = $1 and id > $2 order by id limit $3`,
      firstDefaultPage: `${sel} where tenant_id = $1 order by id limit ${DEFAULT_PAGE_ROWS}`,
      nextDefaultPage: `${sel} where tenant_id = $1 and id > $2 order by id limit ${DEFAULT_PAGE_ROWS}`,
    };
    if (texts.prepare) this.pages.set(key, texts);
    return texts;
  }

  /**
   * Batch read for loaders, the columns of `fields` only (plus id and parentId): one statement for all ids; rows in
   * the order of ids (null where absent or not visible).
   */
  async pickMany(actor: Actor, ids: readonly string[], fields: Iterable<string>): Promise<(PartnerPick | null)[]> {
    requireScope(actor, 'partners:read');
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const p = this.pick(pickColumns(fields));
    const rows = (await this.partnerRows(p.byIds, [actor.tenantId, uuidArray(unique)], p.prepare)) as PartnerPick[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const found = byId.get(id) ?? null;
      return found && !canSeePartner(actor, found.id) ? null : found;
    });
  }

  /** Direct children of each parent, by code, the columns of `fields` only: one statement for all parents. */
  async pickChildren(actor: Actor, parentIds: readonly string[], fields: Iterable<string>): Promise<PartnerPick[][]> {
    requireScope(actor, 'partners:read');
    const unique = [...new Set(parentIds)];
    if (!unique.length) return [];
    const p = this.pick(pickColumns(fields));
    const rows = (await this.partnerRows(p.children, [actor.tenantId, uuidArray(unique)], p.prepare)) as PartnerPick[];
    const groups = new Map<string, PartnerPick[]>();
    for (const r of rows) {
      if (!canSeePartner(actor, r.id)) continue;
      const list = groups.get(r.parentId!) ?? [];
      list.push(r);
      groups.set(r.parentId!, list);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  }

  /**
   * `list` for GraphQL: the same rows, filters, visibility and paging, the columns of `fields` only (plus id and
   * parentId); a tenant user's unfiltered keyset pages as raw rows of a column-selecting statement (`pick`).
   */
  async pickList(actor: Actor, input: PartnerListQuery & PageInput, fields: Iterable<string>, prefetch: PartnerPrefetch = {}): Promise<Page<PartnerPick>> {
    requireScope(actor, 'partners:read');
    const f = parseInput(PartnerListQuery, input);
    const after = decodeUuidCursor(input.cursor);
    const own = partnerCondition(actor, partners.id);
    const columns = pickColumns(fields);
    const related: Prefetched = {
      parent: prefetch.parent && pickColumns(prefetch.parent),
      children: prefetch.children && pickColumns(prefetch.children),
    };
    if (!input.backward && !own && !f.status && !f.type && !f.parentId && !f.tier && !f.q) {
      // a tenant user sees every partner: the prefetched relations need no visibility filter
      const p = this.page(columns, related);
      const limit = input.limit + 1;
      const rows = (
        limit === DEFAULT_PAGE_ROWS
          ? after
            ? await this.partnerRows(p.nextDefaultPage, [actor.tenantId, after], p.prepare)
            : await this.partnerRows(p.firstDefaultPage, [actor.tenantId], p.prepare)
          : after
            ? await this.partnerRows(p.nextPage, [actor.tenantId, after, limit], p.prepare)
            : await this.partnerRows(p.firstPage, [actor.tenantId, limit], p.prepare)
      ) as PartnerPick[];
      return toPage(rows, input, (r) => [r.id]);
    }
    const ks = keyset(input, [partners.id], after);
    const rows = await rowsOf<PartnerPick>(
      this.db,
      sql`${sql.raw(selectOf(columns, prefetchColumns(related)))} where ${and(...this.listConditions(actor, f, own), ks.where)} order by ${sql.join(ks.orderBy, sql`, `)} limit ${ks.limit}`,
    );
    if (own) for (const r of rows) hideInvisibleRelations(actor, r);
    return toPage(rows, input, (r) => [r.id]);
  }

  private listConditions(actor: Actor, f: PartnerListQuery, own: SQL | undefined): (SQL | undefined)[] {
    const conds: (SQL | undefined)[] = [eq(partners.tenantId, actor.tenantId), own];
    if (f.status) conds.push(eq(partners.status, f.status));
    if (f.type) conds.push(eq(partners.type, f.type));
    if (f.parentId) conds.push(eq(partners.parentId, onboardingSql.idOf('partners', actor.tenantId, f.parentId)));
    if (f.tier) conds.push(eq(partners.tier, f.tier));
    if (f.q) {
      const pattern = `%${escapeLike(f.q)}%`;
      conds.push(or(ilike(partners.legalName, pattern), ilike(partners.code, pattern)));
    }
    return conds;
  }

  async get(actor: Actor, id: string): Promise<Partner> {
    requireScope(actor, 'partners:read');
    requireOwnPartner(actor, id);
    const [p] = await this.partnerRows(PARTNER_BY_ID, [actor.tenantId, id]);
    if (!p) throw notFound('partner', id);
    return p;
  }

  async getByCode(actor: Actor, code: string): Promise<Partner> {
    requireScope(actor, 'partners:read');
    const [row] = await this.db
      .select()
      .from(partners)
      .where(and(eq(partners.tenantId, actor.tenantId), eq(partners.code, code)));
    if (!row || !canSeePartner(actor, row.id)) throw notFound('partner', code);
    return toPartner(row);
  }

  /** Batch read for loaders: rows in the order of ids (null where absent or not visible). */
  async getMany(actor: Actor, ids: readonly string[]): Promise<(Partner | null)[]> {
    requireScope(actor, 'partners:read');
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.db
      .select()
      .from(partners)
      .where(and(eq(partners.tenantId, actor.tenantId), inArray(partners.id, unique)));
    const byId = new Map(rows.map((r) => [r.id, toPartner(r)]));
    return ids.map((id) => {
      const p = byId.get(id) ?? null;
      return p && !canSeePartner(actor, p.id) ? null : p;
    });
  }

  /** Direct children of each parent, one query for all parents (GraphQL loader). */
  async childrenOf(actor: Actor, parentIds: readonly string[]): Promise<Partner[][]> {
    requireScope(actor, 'partners:read');
    const unique = [...new Set(parentIds)];
    if (!unique.length) return [];
    const rows = await this.db
      .select()
      .from(partners)
      .where(and(eq(partners.tenantId, actor.tenantId), inArray(partners.parentId, unique)))
      .orderBy(asc(partners.code));
    const groups = new Map<string, Partner[]>();
    for (const r of rows) {
      if (!canSeePartner(actor, r.id)) continue;
      const list = groups.get(r.parentId!) ?? [];
      list.push(toPartner(r));
      groups.set(r.parentId!, list);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  }

  async list(actor: Actor, input: PartnerListQuery & PageInput): Promise<Page<Partner>> {
    requireScope(actor, 'partners:read');
    const f = parseInput(PartnerListQuery, input);
    const after = decodeUuidCursor(input.cursor);
    const own = partnerCondition(actor, partners.id);
    if (!input.backward && !own && !f.status && !f.type && !f.parentId && !f.tier && !f.q) {
      const limit = input.limit + 1;
      const rows =
        limit === DEFAULT_PAGE_ROWS
          ? after
            ? await this.partnerRows(PARTNERS_NEXT_DEFAULT_PAGE, [actor.tenantId, after])
            : await this.partnerRows(PARTNERS_FIRST_DEFAULT_PAGE, [actor.tenantId])
          : after
            ? await this.partnerRows(PARTNERS_NEXT_PAGE, [actor.tenantId, after, limit])
            : await this.partnerRows(PARTNERS_FIRST_PAGE, [actor.tenantId, limit]);
      return toPage(rows, input, (p) => [p.id]);
    }
    const ks = keyset(input, [partners.id], after);
    const rows = await this.db
      .select()
      .from(partners)
      .where(and(...this.listConditions(actor, f, own), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toPartner), input, (p) => [p.id]);
  }

  async create(actor: Actor, input: unknown): Promise<Partner> {
    // partner master data (tier, type, parent drive prices and eligibility) belongs to the tenant
    requireTenantUser(actor, 'partners:write');
    const data = parseInput(PartnerCreate, input);
    return this.store.write(actor, async (w) => {
      await this.assertCodeFree(w, data.code, null);
      return this.insertInWork(w, data);
    });
  }

  /**
   * Partial update. `expectedVersion` (from If-Match or body.version) makes it conditional: a stale version
   * is refused (409 VERSION_CONFLICT, or 412 when it came from If-Match).
   */
  async update(actor: Actor, id: string, input: unknown, opts: { ifMatch?: number } = {}): Promise<Partner> {
    // partner master data (tier, type, parent drive prices and eligibility) belongs to the tenant
    requireTenantUser(actor, 'partners:write');
    const patch = parseInput(PartnerUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lockRow(w, id);
      requireOwnPartner(actor, before.id); // a staff data scope confines tenant-side writes too (404)
      if (opts.ifMatch !== undefined && opts.ifMatch !== before.version) {
        throw new DomainError('PRECONDITION_FAILED', `If-Match names version ${opts.ifMatch}; the partner is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the partner is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      return this.applyUpdate(w, before, patch);
    });
  }

  /**
   * `update` inside the caller's transaction (another module's write that must change the partner atomically with
   * its own, e.g. a tier change applied by the last step of an approval chain). Data scope of `w.actor` applies.
   */
  async updateInWork(w: Work, id: string, input: unknown): Promise<Partner> {
    const patch = parseInput(PartnerUpdate, input);
    const before = await this.lockRow(w, id);
    requireOwnPartner(w.actor, before.id);
    if (patch.version !== undefined && patch.version !== before.version) {
      throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the partner is at version ${before.version}`, {
        extra: { currentVersion: before.version },
      });
    }
    return this.applyUpdate(w, before, patch);
  }

  /** ERP sync: create or update the partner with this code. */
  async upsertByCode(actor: Actor, code: string, input: unknown): Promise<{ partner: Partner; created: boolean }> {
    // partner master data (tier, type, parent drive prices and eligibility) belongs to the tenant
    requireTenantUser(actor, 'partners:write');
    const data = parseInput(PartnerUpsert, input);
    return this.store.write(actor, async (w) => {
      const [existing] = await w.tx
        .select()
        .from(partners)
        .where(and(eq(partners.tenantId, actor.tenantId), eq(partners.code, code)))
        .for('update');
      if (!existing) {
        const created = await this.insertInWork(w, { ...data, code, status: data.status ?? 'applicant' });
        return { partner: created, created: true };
      }
      requireOwnPartner(actor, existing.id);
      if (data.status !== undefined && data.status !== existing.status) {
        throw new DomainError('CONFLICT', `status cannot be changed by upsert (it is '${existing.status}'); use the lifecycle actions`, {
          errors: [{ path: 'status', message: 'use the lifecycle actions to change status' }],
        });
      }
      const { status: _s, ...rest } = data;
      return { partner: await this.applyUpdate(w, existing, rest), created: false };
    });
  }

  /**
   * Lifecycle action (activate, suspend, reinstate, terminate; and review, approve, reject used by the application
   * flow). Illegal -> 409 ILLEGAL_TRANSITION with the allowed actions. Other modules (evaluation) call this.
   */
  async transition(actor: Actor, id: string, action: PartnerAction, reason?: string | null): Promise<Partner> {
    requireTenantUser(actor, 'partners:write');
    const input = parseInput(TransitionInput, { action, reason: reason ?? undefined });
    requireOwnPartner(actor, id); // a staff data scope confines tenant-side writes too (404)
    return this.store.write(actor, (w) => this.transitionInWork(w, id, input.action, input.reason ?? null));
  }

  /** The same inside a caller's unit of work (application approval). */
  async transitionInWork(w: Work, id: string, action: PartnerAction, reason: string | null): Promise<Partner> {
    const before = await this.lockRow(w, id);
    const t = partnerTransition(before.status, action);
    if (!t.ok) {
      throw new DomainError('ILLEGAL_TRANSITION', `Cannot ${action} a partner that is ${before.status}; allowed: ${t.allowed.join(', ') || 'none'}`, {
        extra: { currentStatus: before.status, allowed: t.allowed },
      });
    }
    const [row] = await w.tx
      .update(partners)
      .set({ status: t.to, version: sql`${partners.version} + 1`, updatedAt: new Date() })
      .where(and(eq(partners.tenantId, w.tenantId), eq(partners.id, id)))
      .returning();
    const p = toPartner(row!);
    await w.tx.insert(partnerStatusHistory).values({
      tenantId: w.tenantId,
      id: uuidv7(),
      partnerId: id,
      action,
      fromStatus: before.status,
      toStatus: t.to,
      reason,
      subject: w.actor.subject,
    });
    w.audit({ resourceType: 'partner', resourceId: id, action, before: toPartner(before), after: p });
    w.emit({
      type: PARTNER_EVENTS.statusChanged,
      resourceType: 'partner',
      resourceId: id,
      payload: { partnerId: id, code: p.code, action, from: before.status, to: t.to, reason },
    });
    return p;
  }

  /** Status history, oldest first (cursor pagination). */
  async history(actor: Actor, id: string, input: { limit: number; cursor?: string | undefined }): Promise<Page<PartnerHistoryEntry>> {
    await this.get(actor, id); // scope, confinement, 404
    const after = decodeUuidCursor(input.cursor);
    const rows = await this.db
      .select()
      .from(partnerStatusHistory)
      .where(
        and(eq(partnerStatusHistory.tenantId, actor.tenantId), eq(partnerStatusHistory.partnerId, id), after ? gt(partnerStatusHistory.id, after) : undefined),
      )
      .orderBy(asc(partnerStatusHistory.id))
      .limit(input.limit + 1);
    return toPage(
      rows.map((r) => ({
        id: r.id,
        partnerId: r.partnerId,
        action: r.action,
        from: r.fromStatus as Partner['status'] | null,
        to: r.toStatus as Partner['status'],
        reason: r.reason,
        subject: r.subject,
        at: r.at.toISOString(),
      })),
      input.limit,
      (h) => [h.id],
    );
  }

  /** Histories of many partners, one query (GraphQL loader). */
  async historyOf(actor: Actor, ids: readonly string[]): Promise<PartnerHistoryEntry[][]> {
    requireScope(actor, 'partners:read');
    const u = [...new Set(ids)].filter((id) => canSeePartner(actor, id));
    if (!u.length) return ids.map(() => []);
    const rows = await this.db
      .select()
      .from(partnerStatusHistory)
      .where(and(eq(partnerStatusHistory.tenantId, actor.tenantId), inArray(partnerStatusHistory.partnerId, u)))
      .orderBy(asc(partnerStatusHistory.id));
    const g = new Map<string, PartnerHistoryEntry[]>();
    for (const r of rows) {
      g.set(r.partnerId, [
        ...(g.get(r.partnerId) ?? []),
        {
          id: r.id,
          partnerId: r.partnerId,
          action: r.action,
          from: r.fromStatus as Partner['status'] | null,
          to: r.toStatus as Partner['status'],
          reason: r.reason,
          subject: r.subject,
          at: r.at.toISOString(),
        },
      ]);
    }
    return ids.map((id) => g.get(id) ?? []);
  }

  /** Bulk upsert by code (POST /v1/partners:import). Status applies only to new partners. */
  importSpec(actor: Actor): ImportSpec<z.infer<typeof PartnerImportRow>> {
    requireTenantUser(actor, 'partners:write');
    return {
      schema: PartnerImportRow,
      key: (r) => r.code,
      writeBatch: async (w, rows) => {
        const parentCodes = [...new Set(rows.map((r) => r.value.parentCode).filter((c): c is string => !!c))];
        const known = new Set(
          parentCodes.length
            ? (
                await w.tx
                  .select({ code: partners.code })
                  .from(partners)
                  .where(and(eq(partners.tenantId, w.tenantId), inArray(partners.code, parentCodes)))
              ).map((r) => r.code)
            : [],
        );
        const errors: RowError[] = [];
        let good = rows;
        for (;;) {
          const inBatch = new Set(good.map((r) => r.value.code));
          const next = good.filter((r) => !r.value.parentCode || known.has(r.value.parentCode) || inBatch.has(r.value.parentCode));
          if (next.length === good.length) break;
          for (const r of good) if (!next.includes(r)) errors.push({ line: r.line, path: 'parentCode', message: `no partner '${r.value.parentCode}'` });
          good = next;
        }
        const res = await upsertByCode(
          w,
          'partners',
          [
            { db: 'legal_name', key: 'legalName', type: 'text' },
            { db: 'type', key: 'type', type: 'text' },
            { db: 'channel', key: 'channel', type: 'text' },
            { db: 'tier', key: 'tier', type: 'text' },
            { db: 'contact_name', key: 'contactName', type: 'text' },
            { db: 'contact_email', key: 'contactEmail', type: 'text' },
            { db: 'contact_phone', key: 'contactPhone', type: 'text' },
            { db: 'region_code', key: 'regionCode', type: 'text' },
          ],
          good.map((r) => ({
            id: uuidv7(),
            code: r.value.code,
            legalName: r.value.legalName,
            type: r.value.type,
            channel: r.value.channel,
            tier: r.value.tier ?? null,
            contactName: r.value.contactName ?? null,
            contactEmail: r.value.contactEmail ?? null,
            contactPhone: r.value.contactPhone ?? null,
            regionCode: r.value.regionCode ?? null,
          })),
        );
        // an existing partner's type or home territory may have changed: figures kept per them follow (contract port)
        const updated = res.filter((r) => !r.inserted).map((r) => r.id);
        if (updated.length) await this.attributesChanged(w, updated);
        // initial status of new partners (the upsert never changes an existing partner's status)
        const wanted = good.filter((r) => r.value.status && r.value.status !== 'applicant');
        const created = new Set(res.filter((r) => r.inserted).map((r) => r.code));
        const setStatus = wanted.filter((r) => created.has(r.value.code)).map((r) => ({ code: r.value.code, status: r.value.status }));
        if (setStatus.length) {
          await w.tx
            .execute(sql`update partners p set status = x.status from jsonb_to_recordset(${JSON.stringify(setStatus)}::jsonb) as x(code text, status text)
            where p.tenant_id = ${w.tenantId} and p.code = x.code`);
        }
        if (created.size) {
          await w.tx.execute(sql`insert into partner_status_history (tenant_id, id, partner_id, action, from_status, to_status, reason, subject)
            select p.tenant_id, x.hid, p.id, 'create', null, p.status, 'import', ${w.actor.subject}
            from jsonb_to_recordset(${JSON.stringify(res.filter((r) => r.inserted).map((r) => ({ id: r.id, hid: uuidv7() })))}::jsonb) as x(id uuid, hid uuid)
            join partners p on p.tenant_id = ${w.tenantId} and p.id = x.id`);
        }
        const reparented = await setParentsByCode(
          w,
          'partners',
          good.map((r) => ({ code: r.value.code, parentCode: r.value.parentCode ?? null })),
        );
        const touched = new Set(res.map((r) => r.code));
        const counts = auditImport(w, 'partner', res, good.length);
        for (const c of reparented) {
          if (touched.has(c)) continue;
          counts.updated++;
          counts.unchanged--;
        }
        if (res.length)
          w.emit({
            type: 'partner.imported',
            resourceType: 'partner',
            resourceId: res[0]!.id,
            payload: { created: counts.created, updated: counts.updated, codes: res.map((r) => r.code) },
          });
        return { ...counts, errors };
      },
    };
  }

  /** Inserts a partner in a caller's unit of work (application approval creates one). */
  async createInWork(w: Work, data: PartnerCreate): Promise<Partner> {
    await this.assertCodeFree(w, data.code, null);
    return this.insertInWork(w, data);
  }

  private async insertInWork(w: Work, data: PartnerCreate): Promise<Partner> {
    if (data.parentId) await this.assertParent(w, data.parentId, null);
    const [row] = await w.tx
      .insert(partners)
      .values({
        tenantId: w.tenantId,
        id: uuidv7(),
        code: data.code,
        legalName: data.legalName,
        type: data.type,
        channel: data.channel,
        parentId: data.parentId ?? null,
        tier: data.tier ?? null,
        contactName: data.contactName ?? null,
        contactEmail: data.contactEmail ?? null,
        contactPhone: data.contactPhone ?? null,
        address: data.address ?? null,
        regionCode: data.regionCode ?? null,
        status: data.status,
      })
      .returning();
    const p = toPartner(row!);
    await w.tx.insert(partnerStatusHistory).values({
      tenantId: w.tenantId,
      id: uuidv7(),
      partnerId: p.id,
      action: 'create',
      fromStatus: null,
      toStatus: p.status,
      reason: null,
      subject: w.actor.subject,
    });
    w.audit({ resourceType: 'partner', resourceId: p.id, action: 'create', before: null, after: p });
    w.emit({ type: PARTNER_EVENTS.created, resourceType: 'partner', resourceId: p.id, payload: { partner: p } });
    return p;
  }

  private async applyUpdate(w: Work, before: PartnerRow, patch: Omit<PartnerUpdate, 'version'> & { version?: number }): Promise<Partner> {
    const { version: _v, ...fields } = patch;
    if (fields.parentId) await this.assertParent(w, fields.parentId, before.id);
    if (fields.code && fields.code !== before.code) await this.assertCodeFree(w, fields.code, before.id);
    const changes: Partial<typeof partners.$inferInsert> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) (changes as Record<string, unknown>)[k] = v;
    const old = toPartner(before);
    const changed = Object.entries(changes).some(([k, v]) => JSON.stringify((old as Record<string, unknown>)[k]) !== JSON.stringify(v));
    if (!changed) return old;
    const [row] = await w.tx
      .update(partners)
      .set({ ...changes, version: sql`${partners.version} + 1`, updatedAt: new Date() })
      .where(and(eq(partners.tenantId, w.tenantId), eq(partners.id, before.id)))
      .returning();
    const p = toPartner(row!);
    if (p.type !== old.type || p.regionCode !== old.regionCode) await this.attributesChanged(w, [before.id]);
    w.audit({ resourceType: 'partner', resourceId: p.id, action: 'update', before: old, after: p });
    w.emit({ type: PARTNER_EVENTS.updated, resourceType: 'partner', resourceId: p.id, payload: { partner: p } });
    return p;
  }

  /** Row lock for a read-modify-write; 404 when the partner is not in the caller's tenant. */
  async lockRow(w: Work, id: string): Promise<PartnerRow> {
    const [row] = await w.tx
      .select()
      .from(partners)
      .where(and(eq(partners.tenantId, w.tenantId), eq(partners.id, id)))
      .for('update');
    if (!row) throw notFound('partner', id);
    return row;
  }

  private async assertCodeFree(w: Work, code: string, selfId: string | null) {
    const [other] = await w.tx
      .select({ id: partners.id })
      .from(partners)
      .where(and(eq(partners.tenantId, w.tenantId), eq(partners.code, code)));
    if (other && other.id !== selfId) {
      throw new DomainError('CONFLICT', `A partner with code '${code}' already exists`, {
        errors: [{ path: 'code', message: 'is already used by another partner' }],
        extra: { existingId: other.id },
      });
    }
  }

  /** The parent exists in this tenant and is not the partner itself or one of its descendants. */
  private async assertParent(w: Work, parentId: string, selfId: string | null) {
    if (selfId && parentId === selfId) throw invalid('parentId', 'a partner cannot be its own parent');
    const rows = await w.tx.execute(sql`
      with recursive up as (
        select id, parent_id, 1 as depth from ${partners} where tenant_id = ${w.tenantId} and id = ${parentId}
        union all
        select p.id, p.parent_id, up.depth + 1 from ${partners} p join up on p.id = up.parent_id
        where p.tenant_id = ${w.tenantId} and up.depth < 100
      ) select id from up`);
    const ids = (Array.isArray(rows) ? rows : (rows as unknown as { rows: { id: string }[] }).rows) as { id: string }[];
    if (!ids.length) throw invalid('parentId', `no partner '${parentId}' in this tenant`);
    if (selfId && ids.some((r) => r.id === selfId)) throw invalid('parentId', 'would create a cycle in the partner network');
  }
}
