import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './db.js';
import { validationError, zodFieldErrors } from './errors.js';
import { tenants } from './platform.tables.js';

/** A tenant id is what tokens carry in their `tenant` claim. */
export const TenantId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"');
const TenantCreate = z.object({ id: TenantId, name: z.string().trim().min(1, 'is required').max(200) });

export interface TenantRow {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * The platform `tenants` table: the operators' provisioning path (`npm run tenant`, test helpers, the demo seed)
 * and the cached existence check the auth plugin runs for every credential. Known tenants are cached for
 * `positiveTtlMs`, unknown ones for `negativeTtlMs` (a freshly provisioned tenant is accepted within that time;
 * provisioning through this instance clears its own cache at once). Bounded.
 */
export class TenantDirectory {
  private readonly cache = new Map<string, { exists: boolean; until: number }>();
  private readonly maxEntries = 10_000;

  constructor(
    private readonly db: () => Db,
    private readonly opts: { positiveTtlMs?: number; negativeTtlMs?: number } = {},
  ) {}

  async exists(id: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.exists;
    const [row] = await this.db().select({ id: tenants.id }).from(tenants).where(eq(tenants.id, id));
    const exists = !!row;
    if (this.cache.size >= this.maxEntries) {
      const first = this.cache.keys().next().value;
      if (first !== undefined) this.cache.delete(first);
    }
    this.cache.set(id, { exists, until: now + (exists ? (this.opts.positiveTtlMs ?? 60_000) : (this.opts.negativeTtlMs ?? 5_000)) });
    return exists;
  }

  /** Creates the tenant; an existing id keeps its row (returns created: false). */
  async create(id: string, name: string): Promise<{ tenant: TenantRow; created: boolean }> {
    const parsed = TenantCreate.safeParse({ id, name });
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error));
    const inserted = await this.db().insert(tenants).values(parsed.data).onConflictDoNothing().returning();
    this.cache.delete(parsed.data.id);
    const [row] = inserted.length ? inserted : await this.db().select().from(tenants).where(eq(tenants.id, parsed.data.id));
    return { tenant: toTenant(row!), created: inserted.length > 0 };
  }

  async list(): Promise<TenantRow[]> {
    const rows = await this.db().select().from(tenants).orderBy(asc(tenants.id));
    return rows.map(toTenant);
  }
}

function toTenant(r: typeof tenants.$inferSelect): TenantRow {
  return { id: r.id, name: r.name, createdAt: r.createdAt.toISOString() };
}
