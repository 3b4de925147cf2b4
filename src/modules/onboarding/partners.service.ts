import { and, asc, eq, gt, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { requireOwnPartner, requireScope, type Actor } from '../../platform/actor.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.js';
import type { Db } from '../../platform/db.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { partners, type PartnerRow } from './partners.tables.js';
import {
  PartnerCreate,
  PartnerListQuery,
  PartnerUpdate,
  PartnerUpsert,
  type Partner,
} from './partners.schemas.js';

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

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export class PartnerService {
  constructor(private readonly store: Store) {}

  private get db(): Db {
    return this.store.db;
  }

  async get(actor: Actor, id: string): Promise<Partner> {
    requireScope(actor, 'partners:read');
    requireOwnPartner(actor, id);
    const [row] = await this.db
      .select()
      .from(partners)
      .where(and(eq(partners.tenantId, actor.tenantId), eq(partners.id, id)));
    if (!row) throw notFound('partner', id);
    return toPartner(row);
  }

  async getByCode(actor: Actor, code: string): Promise<Partner> {
    requireScope(actor, 'partners:read');
    const [row] = await this.db
      .select()
      .from(partners)
      .where(and(eq(partners.tenantId, actor.tenantId), eq(partners.code, code)));
    if (!row || (actor.partnerId && actor.partnerId !== row.id)) throw notFound('partner', code);
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
      return p && actor.partnerId && actor.partnerId !== p.id ? null : p;
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
      if (actor.partnerId && actor.partnerId !== r.id) continue;
      const list = groups.get(r.parentId!) ?? [];
      list.push(toPartner(r));
      groups.set(r.parentId!, list);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  }

  async list(actor: Actor, input: PartnerListQuery & { limit: number; cursor?: string | undefined }): Promise<Page<Partner>> {
    requireScope(actor, 'partners:read');
    const f = parseInput(PartnerListQuery, input);
    const after = decodeCursor(input.cursor) as [string] | undefined;
    const conds: (SQL | undefined)[] = [eq(partners.tenantId, actor.tenantId)];
    if (actor.partnerId) conds.push(eq(partners.id, actor.partnerId));
    if (f.status) conds.push(eq(partners.status, f.status));
    if (f.type) conds.push(eq(partners.type, f.type));
    if (f.parentId) conds.push(eq(partners.parentId, f.parentId));
    if (f.tier) conds.push(eq(partners.tier, f.tier));
    if (f.q) {
      const pattern = `%${escapeLike(f.q)}%`;
      conds.push(or(ilike(partners.legalName, pattern), ilike(partners.code, pattern)));
    }
    if (after) {
      if (typeof after[0] !== 'string' || !/^[0-9a-f-]{36}$/i.test(after[0])) throw invalid('cursor', 'is not a cursor this endpoint issued');
      conds.push(gt(partners.id, after[0]));
    }
    const rows = await this.db
      .select()
      .from(partners)
      .where(and(...conds))
      .orderBy(asc(partners.id))
      .limit(input.limit + 1);
    return toPage(rows.map(toPartner), input.limit, (p) => [p.id]);
  }

  async create(actor: Actor, input: unknown): Promise<Partner> {
    requireScope(actor, 'partners:write');
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
    requireScope(actor, 'partners:write');
    requireOwnPartner(actor, id);
    const patch = parseInput(PartnerUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lockRow(w, id);
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

  /** ERP sync: create or update the partner with this code. */
  async upsertByCode(actor: Actor, code: string, input: unknown): Promise<{ partner: Partner; created: boolean }> {
    requireScope(actor, 'partners:write');
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
