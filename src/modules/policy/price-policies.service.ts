import { and, asc, eq, inArray, max, sql, type Column, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import type { Db } from '../../platform/db.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { ImportSpec, RowError } from '../../platform/imports.js';
import {
  decodeUuidCursor,
  isUuid,
  requireOwnPartner,
  requireTenantUser,
  rowsFrom,
  toPage,
  visiblePartnerIds,
  type Actor,
  type Page,
  keyset,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { onboardingSql, productsByRef } from '../onboarding/contract.js';
import { assertScopeTarget, loadLines, lockScope, POLICY_EVENTS, toPolicy, toVersion } from './policy.common.js';
import {
  PriceLineInput,
  PriceLinesInput,
  PricePolicyCreate,
  PricePolicyUpdate,
  PriceVersionCreate,
  PriceVersionUpdate,
  PublishInput,
  type PriceLine,
  type PricePolicy,
  type PriceVersion,
} from './policy.schemas.js';
import { priceLines, pricePolicies, priceVersions, type PricePolicyRow, type PriceVersionRow } from './policy.tables.js';

const immutable = (v: { number: number; status: string }) =>
  new DomainError(
    'CONFLICT',
    `Version ${v.number} is ${v.status} and can no longer be changed; create a new draft version (POST /v1/policy/price-policies/{id}/versions with copyFrom)`,
    { extra: { versionStatus: v.status } },
  );

export const PriceImportRow = z
  .strictObject({
    product: z.string().trim().min(1).max(64).optional(),
    productLine: z.string().trim().min(1).max(64).optional(),
    distributionPrice: z.union([z.string(), z.number()]).transform(String),
    suggestedRetailPrice: z.union([z.string(), z.number()]).transform(String),
    minResalePrice: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
  })
  .pipe(PriceLineInput);

/** Price policies and their versions (the aggregate): policies, draft versions and their lines, publication, retirement. */
/**
 * A partner-scoped policy is confined like that partner's data: a tenant credential limited to a staff data scope
 * (actor.scopedPartnerIds) reads only the policies of its partners and the non-partner ones. Undefined: not limited.
 */
function policyVisible(actor: Actor, policyId?: Column): SQL | undefined {
  const ids = visiblePartnerIds(actor);
  if (!ids) return undefined;
  const arr = `{${ids.join(',')}}`;
  if (!policyId) return sql`(${pricePolicies.scopeKind} <> 'partner' or ${pricePolicies.scopeValue} = any(${arr}::text[]))`;
  return sql`exists (select 1 from ${pricePolicies} pp where pp.tenant_id = ${actor.tenantId} and pp.id = ${policyId}
                       and (pp.scope_kind <> 'partner' or pp.scope_value = any(${arr}::text[])))`;
}

export class PricePolicyService {
  constructor(private readonly store: Store) {}

  private get db(): Db {
    return this.store.db;
  }

  // ---- policies ------------------------------------------------------------------------------------------------

  async createPolicy(actor: Actor, input: unknown): Promise<PricePolicy> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(PricePolicyCreate, input);
    // a staff data scope confines tenant-side writes: a policy for a partner outside it is 404, like the partner
    if (data.scope.kind === 'partner' && data.scope.value) requireOwnPartner(actor, data.scope.value);
    return this.store.write(actor, async (w) => {
      await assertScopeTarget(w.tx, w.tenantId, data.scope);
      const [dup] = await w.tx
        .select({ id: pricePolicies.id })
        .from(pricePolicies)
        .where(and(eq(pricePolicies.tenantId, w.tenantId), eq(pricePolicies.code, data.code)));
      if (dup)
        throw new DomainError('CONFLICT', `A price policy with code '${data.code}' already exists`, {
          errors: [{ path: 'code', message: 'is already used' }],
          extra: { existingId: dup.id },
        });
      const [row] = await w.tx
        .insert(pricePolicies)
        .values({
          tenantId: w.tenantId,
          id: uuidv7(),
          code: data.code,
          name: data.name,
          currency: data.currency,
          scopeKind: data.scope.kind,
          scopeValue: data.scope.value,
        })
        .returning();
      const p = toPolicy(row!);
      w.audit({ resourceType: 'price_policy', resourceId: p.id, action: 'create', before: null, after: p });
      return p;
    });
  }

  /** By id, or by the tenant's code (GET /v1/policy/price-policies/by-code/{code}). */
  async getPolicy(actor: Actor, id: string): Promise<PricePolicy> {
    requireTenantUser(actor, 'policy:read');
    const [row] = await this.db
      .select()
      .from(pricePolicies)
      .where(and(eq(pricePolicies.tenantId, actor.tenantId), isUuid(id) ? eq(pricePolicies.id, id) : eq(pricePolicies.code, id), policyVisible(actor)));
    if (!row) throw notFound('price policy', id);
    return toPolicy(row);
  }

  /** A policy with all its versions (GET /v1/policy/price-policies/{id}). */
  async getPolicyWithVersions(actor: Actor, id: string): Promise<PricePolicy & { versions: PriceVersion[] }> {
    const p = await this.getPolicy(actor, id);
    const [versions] = await this.versionsOf(actor, [p.id]);
    return { ...p, versions: versions ?? [] };
  }

  async listPolicies(
    actor: Actor,
    input: { limit: number; cursor?: string | undefined; backward?: boolean | undefined; scopeKind?: string | undefined },
  ): Promise<Page<PricePolicy>> {
    requireTenantUser(actor, 'policy:read');
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [pricePolicies.id], after);
    const conds: (SQL | undefined)[] = [eq(pricePolicies.tenantId, actor.tenantId), policyVisible(actor)];
    if (input.scopeKind) conds.push(eq(pricePolicies.scopeKind, input.scopeKind as PricePolicyRow['scopeKind']));
    if (ks.where) conds.push(ks.where);
    const rows = await this.db
      .select()
      .from(pricePolicies)
      .where(and(...conds))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    return toPage(rows.map(toPolicy), input, (p) => [p.id]);
  }

  async updatePolicy(actor: Actor, id: string, input: unknown): Promise<PricePolicy> {
    requireTenantUser(actor, 'policy:write');
    const patch = parseInput(PricePolicyUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(pricePolicies)
        .where(and(eq(pricePolicies.tenantId, w.tenantId), eq(pricePolicies.id, id), policyVisible(w.actor)))
        .for('update');
      if (!before) throw notFound('price policy', id);
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the policy is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      if (patch.name === undefined || patch.name === before.name) return toPolicy(before);
      const [row] = await w.tx
        .update(pricePolicies)
        .set({ name: patch.name, version: sql`${pricePolicies.version} + 1`, updatedAt: new Date() })
        .where(and(eq(pricePolicies.tenantId, w.tenantId), eq(pricePolicies.id, id)))
        .returning();
      const p = toPolicy(row!);
      w.audit({ resourceType: 'price_policy', resourceId: id, action: 'update', before: toPolicy(before), after: p });
      return p;
    });
  }

  // ---- versions ------------------------------------------------------------------------------------------------

  private async lineCounts(db: Db, tenantId: string, versionIds: string[]): Promise<Map<string, number>> {
    if (!versionIds.length) return new Map();
    const rows = await db
      .select({ versionId: priceLines.versionId, n: sql<number>`count(*)::int` })
      .from(priceLines)
      .where(and(eq(priceLines.tenantId, tenantId), inArray(priceLines.versionId, versionIds)))
      .groupBy(priceLines.versionId);
    return new Map(rows.map((r) => [r.versionId, Number(r.n)]));
  }

  /** Versions of many policies, one query each for versions and line counts (GraphQL loader). */
  async versionsOf(actor: Actor, policyIds: readonly string[]): Promise<PriceVersion[][]> {
    requireTenantUser(actor, 'policy:read');
    const unique = [...new Set(policyIds)];
    if (!unique.length) return [];
    const rows = await this.db
      .select()
      .from(priceVersions)
      .where(and(eq(priceVersions.tenantId, actor.tenantId), inArray(priceVersions.policyId, unique), policyVisible(actor, priceVersions.policyId)))
      .orderBy(asc(priceVersions.number));
    const counts = await this.lineCounts(
      this.db,
      actor.tenantId,
      rows.map((r) => r.id),
    );
    const groups = new Map<string, PriceVersion[]>();
    for (const r of rows) groups.set(r.policyId, [...(groups.get(r.policyId) ?? []), toVersion(r, counts.get(r.id) ?? 0)]);
    return policyIds.map((id) => groups.get(id) ?? []);
  }

  async getVersion(actor: Actor, id: string): Promise<PriceVersion> {
    requireTenantUser(actor, 'policy:read');
    const [row] = await this.db
      .select()
      .from(priceVersions)
      .where(and(eq(priceVersions.tenantId, actor.tenantId), eq(priceVersions.id, id), policyVisible(actor, priceVersions.policyId)));
    if (!row) throw notFound('price version', id);
    const counts = await this.lineCounts(this.db, actor.tenantId, [id]);
    return toVersion(row, counts.get(id) ?? 0);
  }

  async createVersion(actor: Actor, policyId: string, input: unknown): Promise<PriceVersion> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(PriceVersionCreate, input);
    return this.store.write(actor, async (w) => {
      const [policy] = await w.tx
        .select()
        .from(pricePolicies)
        .where(and(eq(pricePolicies.tenantId, w.tenantId), eq(pricePolicies.id, policyId), policyVisible(w.actor)))
        .for('update'); // serialises version numbering
      if (!policy) throw notFound('price policy', policyId);
      let source: PriceVersionRow | undefined;
      if (data.copyFrom) {
        [source] = await w.tx
          .select()
          .from(priceVersions)
          .where(and(eq(priceVersions.tenantId, w.tenantId), eq(priceVersions.id, data.copyFrom)));
        if (!source || source.policyId !== policyId) throw invalid('copyFrom', `no version '${data.copyFrom}' in this policy`);
      }
      const [{ n } = { n: 0 }] = await w.tx
        .select({ n: max(priceVersions.number) })
        .from(priceVersions)
        .where(and(eq(priceVersions.tenantId, w.tenantId), eq(priceVersions.policyId, policyId)));
      const id = uuidv7();
      const [row] = await w.tx
        .insert(priceVersions)
        .values({
          tenantId: w.tenantId,
          id,
          policyId,
          number: Number(n ?? 0) + 1,
          status: 'draft',
          effectiveFrom: data.effectiveFrom !== undefined ? data.effectiveFrom : (source?.effectiveFrom ?? null),
          effectiveTo: data.effectiveTo !== undefined ? data.effectiveTo : (source?.effectiveTo ?? null),
          discountRules: data.discountRules ?? source?.discountRules ?? [],
          note: data.note ?? null,
          copiedFromId: source?.id ?? null,
        })
        .returning();
      let copied = 0;
      if (source) {
        // ids are made in the application (uuidv7); one statement per 5,000 lines
        const lines = await w.tx
          .select()
          .from(priceLines)
          .where(and(eq(priceLines.tenantId, w.tenantId), eq(priceLines.versionId, source.id)));
        for (let i = 0; i < lines.length; i += 5000) {
          await w.tx
            .insert(priceLines)
            .values(lines.slice(i, i + 5000).map((l) => ({ ...l, id: uuidv7(), versionId: id, createdAt: new Date(), updatedAt: new Date() })));
        }
        copied = lines.length;
      }
      if (row!.effectiveFrom && row!.effectiveTo && row!.effectiveTo < row!.effectiveFrom) throw invalid('effectiveTo', 'must not be before effectiveFrom');
      const v = toVersion(row!, copied);
      w.audit({ resourceType: 'price_version', resourceId: id, action: 'create', before: null, after: v });
      return v;
    });
  }

  /** Row lock on a version; refuses anything but a draft when `draftOnly`. */
  private async lockVersion(w: Work, id: string, draftOnly: boolean): Promise<PriceVersionRow> {
    const [row] = await w.tx
      .select()
      .from(priceVersions)
      .where(and(eq(priceVersions.tenantId, w.tenantId), eq(priceVersions.id, id), policyVisible(w.actor, priceVersions.policyId)))
      .for('update');
    if (!row) throw notFound('price version', id);
    if (draftOnly && row.status !== 'draft') throw immutable(row);
    return row;
  }

  async updateVersion(actor: Actor, id: string, input: unknown): Promise<PriceVersion> {
    requireTenantUser(actor, 'policy:write');
    const patch = parseInput(PriceVersionUpdate, input);
    return this.store.write(actor, async (w) => {
      const before = await this.lockVersion(w, id, true);
      if (patch.version !== undefined && patch.version !== before.version) {
        throw new DomainError('VERSION_CONFLICT', `Version ${patch.version} is stale; the price version is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      }
      const changes: Partial<typeof priceVersions.$inferInsert> = {};
      if (patch.effectiveFrom !== undefined) changes.effectiveFrom = patch.effectiveFrom;
      if (patch.effectiveTo !== undefined) changes.effectiveTo = patch.effectiveTo;
      if (patch.discountRules !== undefined) changes.discountRules = patch.discountRules;
      if (patch.note !== undefined) changes.note = patch.note;
      const from = changes.effectiveFrom !== undefined ? changes.effectiveFrom : before.effectiveFrom;
      const to = changes.effectiveTo !== undefined ? changes.effectiveTo : before.effectiveTo;
      if (from && to && to < from) throw invalid('effectiveTo', 'must not be before effectiveFrom');
      const counts = await this.lineCounts(w.tx, w.tenantId, [id]);
      if (!Object.keys(changes).length) return toVersion(before, counts.get(id) ?? 0);
      const [row] = await w.tx
        .update(priceVersions)
        .set({ ...changes, version: sql`${priceVersions.version} + 1`, updatedAt: new Date() })
        .where(and(eq(priceVersions.tenantId, w.tenantId), eq(priceVersions.id, id)))
        .returning();
      const v = toVersion(row!, counts.get(id) ?? 0);
      w.audit({ resourceType: 'price_version', resourceId: id, action: 'update', before: toVersion(before, v.lineCount), after: v });
      return v;
    });
  }

  async listLines(
    actor: Actor,
    versionId: string,
    input: { limit: number; cursor?: string | undefined; backward?: boolean | undefined },
  ): Promise<Page<PriceLine>> {
    requireTenantUser(actor, 'policy:read');
    const [v] = await this.db
      .select({ id: priceVersions.id })
      .from(priceVersions)
      .where(and(eq(priceVersions.tenantId, actor.tenantId), eq(priceVersions.id, versionId), policyVisible(actor, priceVersions.policyId)));
    if (!v) throw notFound('price version', versionId);
    const after = decodeUuidCursor(input.cursor);
    const ks = keyset(input, [priceLines.id], after);
    const rows = await this.db
      .select({
        id: priceLines.id,
        versionId: priceLines.versionId,
        productId: priceLines.productId,
        productCode: sql<string | null>`(select p.code from ${onboardingSql.products(actor.tenantId)} p where p.id = ${priceLines.productId})`,
        lineId: priceLines.lineId,
        lineCode: sql<string | null>`(select l.code from ${onboardingSql.productLines(actor.tenantId)} l where l.id = ${priceLines.lineId})`,
        distributionPrice: priceLines.distributionPrice,
        suggestedRetailPrice: priceLines.suggestedRetailPrice,
        minResalePrice: priceLines.minResalePrice,
      })
      .from(priceLines)
      .where(and(eq(priceLines.tenantId, actor.tenantId), eq(priceLines.versionId, versionId), ks.where))
      .orderBy(...ks.orderBy)
      .limit(ks.limit);
    const items: PriceLine[] = rows.map((r) => ({
      id: r.id,
      versionId: r.versionId,
      product: r.productId ? { id: r.productId, code: r.productCode ?? '' } : null,
      productLine: r.lineId ? { id: r.lineId, code: r.lineCode ?? '' } : null,
      distributionPrice: r.distributionPrice,
      suggestedRetailPrice: r.suggestedRetailPrice,
      minResalePrice: r.minResalePrice,
    }));
    return toPage(items, input, (l) => [l.id]);
  }

  /**
   * Upserts price lines of a draft by product / product-line code: one lookup of the codes and one set-based
   * INSERT ... ON CONFLICT statement for the whole batch. Unknown codes are returned as row errors.
   */
  async upsertLinesInWork(
    w: Work,
    versionId: string,
    rows: { line: number; value: PriceLineInput }[],
  ): Promise<{ created: number; updated: number; unchanged: number; errors: RowError[] }> {
    const productMap = await productsByRef(
      w.tx,
      w.tenantId,
      rows.flatMap((r) => (r.value.product ? [r.value.product] : [])),
    );
    const lineMap = await loadLines(
      w.tx,
      w.tenantId,
      rows.flatMap((r) => (r.value.productLine ? [r.value.productLine] : [])),
    );
    const errors: RowError[] = [];
    const good: { id: string; product_id: string | null; line_id: string | null; dp: string; srp: string; mrp: string | null }[] = [];
    for (const { line, value } of rows) {
      const product = value.product ? productMap.get(value.product) : undefined;
      const pl = value.productLine ? lineMap.get(value.productLine) : undefined;
      if (value.product && !product) errors.push({ line, path: 'product', message: `no product with code '${value.product}'` });
      else if (value.productLine && !pl) errors.push({ line, path: 'productLine', message: `no product line with code '${value.productLine}'` });
      else
        good.push({
          id: uuidv7(),
          product_id: product?.id ?? null,
          line_id: pl?.id ?? null,
          dp: value.distributionPrice,
          srp: value.suggestedRetailPrice,
          mrp: value.minResalePrice ?? null,
        });
    }
    if (!good.length) return { created: 0, updated: 0, unchanged: 0, errors };
    const upd = sql`distribution_price = excluded.distribution_price, suggested_retail_price = excluded.suggested_retail_price,
        min_resale_price = excluded.min_resale_price, updated_at = now()`;
    const changed = sql`(price_lines.distribution_price, price_lines.suggested_retail_price, price_lines.min_resale_price)
        is distinct from (excluded.distribution_price, excluded.suggested_retail_price, excluded.min_resale_price)`;
    const res = rowsFrom<{ created: number; updated: number }>(
      await w.tx.execute(sql`
      with r as (
        select * from jsonb_to_recordset(${JSON.stringify(good)}::jsonb)
          as r(id uuid, product_id uuid, line_id uuid, dp numeric, srp numeric, mrp numeric)
      ), p as (
        insert into price_lines (tenant_id, id, version_id, product_id, line_id, distribution_price, suggested_retail_price, min_resale_price)
        select ${w.tenantId}, r.id, ${versionId}, r.product_id, null, r.dp, r.srp, r.mrp from r where r.product_id is not null
        on conflict (tenant_id, version_id, product_id) where product_id is not null do update set ${upd} where ${changed}
        returning (xmax = 0) as ins
      ), l as (
        insert into price_lines (tenant_id, id, version_id, product_id, line_id, distribution_price, suggested_retail_price, min_resale_price)
        select ${w.tenantId}, r.id, ${versionId}, null, r.line_id, r.dp, r.srp, r.mrp from r where r.line_id is not null
        on conflict (tenant_id, version_id, line_id) where line_id is not null do update set ${upd} where ${changed}
        returning (xmax = 0) as ins
      )
      select (count(*) filter (where ins))::int as created, (count(*) filter (where not ins))::int as updated
      from (select ins from p union all select ins from l) x`),
    );
    const created = Number(res[0]?.created ?? 0);
    const updated = Number(res[0]?.updated ?? 0);
    return { created, updated, unchanged: good.length - created - updated, errors };
  }

  async setLines(actor: Actor, versionId: string, input: unknown): Promise<{ created: number; updated: number; unchanged: number }> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(PriceLinesInput, input);
    const keys = new Map<string, number>();
    data.lines.forEach((l, i) => {
      const k = l.product ? `p:${l.product}` : `l:${l.productLine}`;
      if (keys.has(k)) throw invalid(`lines.${i}`, `duplicates lines.${keys.get(k)} (${l.product ?? l.productLine})`);
      keys.set(k, i);
    });
    return this.store.write(actor, async (w) => {
      await this.lockVersion(w, versionId, true);
      const r = await this.upsertLinesInWork(
        w,
        versionId,
        data.lines.map((value, i) => ({ line: i, value })),
      );
      if (r.errors.length) {
        throw new DomainError(
          'UNPROCESSABLE',
          r.errors
            .map((e) => `lines.${e.line}.${e.path}: ${e.message}`)
            .slice(0, 3)
            .join('; '),
          {
            errors: r.errors.map((e) => ({ path: `lines.${e.line}.${e.path}`, message: e.message })),
          },
        );
      }
      w.audit({ resourceType: 'price_version', resourceId: versionId, action: 'set_lines', before: null, after: { created: r.created, updated: r.updated } });
      return { created: r.created, updated: r.updated, unchanged: r.unchanged };
    });
  }

  async deleteLine(actor: Actor, versionId: string, lineId: string): Promise<void> {
    requireTenantUser(actor, 'policy:write');
    await this.store.write(actor, async (w) => {
      await this.lockVersion(w, versionId, true);
      const gone = await w.tx
        .delete(priceLines)
        .where(and(eq(priceLines.tenantId, w.tenantId), eq(priceLines.versionId, versionId), eq(priceLines.id, lineId)))
        .returning({ id: priceLines.id });
      if (!gone.length) throw notFound('price line', lineId);
      w.audit({ resourceType: 'price_version', resourceId: versionId, action: 'delete_line', before: { lineId }, after: null });
    });
  }

  /** Before an import reads its body: 404 for an unknown version, 409 unless it is a draft. */
  async assertImportableDraft(actor: Actor, versionId: string): Promise<void> {
    const v = await this.getVersion(actor, versionId);
    if (v.status !== 'draft')
      throw new DomainError('CONFLICT', `Version ${v.number} is ${v.status} and can no longer be changed; import into a new draft version`);
  }

  /** Import spec for a draft's price list (kind policy.price-lines; the route binds the version). */
  importSpec(actor: Actor, versionId: string): ImportSpec<PriceLineInput> {
    requireTenantUser(actor, 'policy:write');
    return {
      schema: PriceImportRow as unknown as z.ZodType<PriceLineInput>,
      batchSize: 1000,
      key: (r) => (r.product ? `product ${r.product}` : `productLine ${r.productLine}`),
      writeBatch: async (w, rows) => {
        await this.lockVersion(w, versionId, true);
        return this.upsertLinesInWork(w, versionId, rows);
      },
    };
  }

  /**
   * Publishes a draft. Under a lock on the scope (so two concurrent publications cannot both pass the check), it
   * refuses when another published version of the same scope prices one of the same products (or product lines)
   * on an overlapping day.
   */
  async publish(actor: Actor, id: string, input: unknown = {}): Promise<PriceVersion> {
    requireTenantUser(actor, 'policy:write');
    const data = parseInput(PublishInput, input ?? {});
    return this.store.write(actor, async (w) => {
      const before = await this.lockVersion(w, id, false);
      if (before.status !== 'draft')
        throw new DomainError('ILLEGAL_TRANSITION', `Version ${before.number} is already ${before.status}; only a draft can be published`);
      const from = data.effectiveFrom ?? before.effectiveFrom;
      const to = data.effectiveTo !== undefined ? data.effectiveTo : before.effectiveTo;
      if (!from) throw invalid('effectiveFrom', 'is required to publish');
      if (to && to < from) throw invalid('effectiveTo', 'must not be before effectiveFrom');
      const [policy] = await w.tx
        .select()
        .from(pricePolicies)
        .where(and(eq(pricePolicies.tenantId, w.tenantId), eq(pricePolicies.id, before.policyId)));
      const scope = { kind: policy!.scopeKind, value: policy!.scopeValue };
      await lockScope(w.tx, w.tenantId, 'price', scope);
      const conflicts = rowsFrom<{
        version_id: string;
        number: number;
        policy_id: string;
        policy_code: string;
        effective_from: string;
        effective_to: string | null;
        what: string;
        target: string;
      }>(
        await w.tx.execute(sql`
        select ov.id as version_id, ov.number, op.id as policy_id, op.code as policy_code,
               ov.effective_from::text as effective_from, ov.effective_to::text as effective_to,
               case when ol.product_id is not null then 'product' else 'product line' end as what,
               coalesce(pr.code, pl.code) as target
        from price_lines nl
        join price_lines ol on ol.tenant_id = nl.tenant_id and ol.version_id <> nl.version_id
             and (ol.product_id = nl.product_id or ol.line_id = nl.line_id)
        join price_versions ov on ov.tenant_id = ol.tenant_id and ov.id = ol.version_id and ov.status = 'published'
        join price_policies op on op.tenant_id = ov.tenant_id and op.id = ov.policy_id
        left join ${onboardingSql.products(w.tenantId)} pr on pr.id = ol.product_id
        left join ${onboardingSql.productLines(w.tenantId)} pl on pl.id = ol.line_id
        where nl.tenant_id = ${w.tenantId} and nl.version_id = ${id}
          and op.scope_kind = ${scope.kind} and op.scope_value is not distinct from ${scope.value}
          and ov.effective_from <= coalesce(${to}::date, 'infinity'::date)
          and coalesce(ov.effective_to, 'infinity'::date) >= ${from}::date
        order by ov.effective_from, target
        limit 20`),
      );
      if (conflicts.length) {
        const c = conflicts[0]!;
        throw new DomainError(
          'CONFLICT',
          `Version ${c.number} of policy '${c.policy_code}' (${c.version_id}) is published in the same scope for ${c.effective_from}..${c.effective_to ?? 'open'} and also prices ${c.what} '${c.target}' on overlapping dates`,
          {
            extra: {
              conflicts: conflicts.map((x) => ({
                versionId: x.version_id,
                versionNumber: Number(x.number),
                policyId: x.policy_id,
                policyCode: x.policy_code,
                effectiveFrom: x.effective_from,
                effectiveTo: x.effective_to,
                [x.what === 'product' ? 'product' : 'productLine']: x.target,
              })),
            },
          },
        );
      }
      const counts = await this.lineCounts(w.tx, w.tenantId, [id]);
      const lineCount = counts.get(id) ?? 0;
      if (!lineCount) throw new DomainError('UNPROCESSABLE', `Version ${before.number} has no price lines; add some before publishing`);
      const [row] = await w.tx
        .update(priceVersions)
        .set({
          status: 'published',
          effectiveFrom: from,
          effectiveTo: to ?? null,
          publishedAt: new Date(),
          version: sql`${priceVersions.version} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(priceVersions.tenantId, w.tenantId), eq(priceVersions.id, id)))
        .returning();
      const v = toVersion(row!, lineCount);
      w.audit({ resourceType: 'price_version', resourceId: id, action: 'publish', before: toVersion(before, lineCount), after: v });
      w.emit({
        type: POLICY_EVENTS.versionPublished,
        resourceType: 'price_version',
        resourceId: id,
        payload: {
          versionId: id,
          policyId: policy!.id,
          policyCode: policy!.code,
          number: v.number,
          scope,
          currency: policy!.currency,
          effectiveFrom: from,
          effectiveTo: to ?? null,
          lineCount,
        },
      });
      return v;
    });
  }

  /** published -> retired: the version stops applying from now on (history stays). */
  async retire(actor: Actor, id: string): Promise<PriceVersion> {
    requireTenantUser(actor, 'policy:write');
    return this.store.write(actor, async (w) => {
      const before = await this.lockVersion(w, id, false);
      if (before.status !== 'published')
        throw new DomainError('ILLEGAL_TRANSITION', `Version ${before.number} is ${before.status}; only a published version can be retired`);
      const [row] = await w.tx
        .update(priceVersions)
        .set({ status: 'retired', retiredAt: new Date(), version: sql`${priceVersions.version} + 1`, updatedAt: new Date() })
        .where(and(eq(priceVersions.tenantId, w.tenantId), eq(priceVersions.id, id)))
        .returning();
      const counts = await this.lineCounts(w.tx, w.tenantId, [id]);
      const v = toVersion(row!, counts.get(id) ?? 0);
      w.audit({ resourceType: 'price_version', resourceId: id, action: 'retire', before: toVersion(before, v.lineCount), after: v });
      return v;
    });
  }
}
