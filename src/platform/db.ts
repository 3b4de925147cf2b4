import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** Either driver's drizzle instance; transactions have the same shape. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/**
 * Modules in dependency order. Each owns a migration folder (migrations/<name>) and its own journal table, so
 * modules add migrations without touching each other's; they are applied in this order.
 */
export const MIGRATION_MODULES = ['platform', 'onboarding', 'policy', 'target', 'incentive', 'evaluation', 'integration'] as const;

const here = dirname(fileURLToPath(import.meta.url));
/** migrations/ at the project root, from src/platform or dist/platform. */
export const MIGRATIONS_ROOT = resolve(here, '..', '..', 'migrations');

export interface DatabaseOptions {
  /** postgres:// URL; without one an embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; omitted -> in memory. */
  dataDir?: string;
  /** schema holding every table (tests use one per file). */
  schema?: string;
  poolMax?: number;
}

export class Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  readonly schema: string;
  /** Counts every SQL statement sent: tests use it to prove batching (no N+1). */
  statements = 0;
  readonly client?: postgres.Sql;
  readonly pglite?: PGlite;

  constructor(opts: DatabaseOptions) {
    this.schema = opts.schema ?? 'public';
    if (opts.url) {
      this.kind = 'postgres';
      this.client = postgres(opts.url, {
        max: opts.poolMax ?? 20,
        onnotice: () => {},
        connection: opts.schema ? { search_path: opts.schema } : {},
        debug: () => {
          this.statements++;
        },
      });
      this.db = drizzlePostgres(this.client) as unknown as Db;
    } else {
      this.kind = 'pglite';
      if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
      this.pglite = new PGlite(opts.dataDir);
      this.db = drizzlePglite(this.pglite, {
        logger: {
          logQuery: () => {
            this.statements++;
          },
        },
      }) as unknown as Db;
    }
  }

  /** Raw rows of a query, the same shape on both drivers. */
  async rows<T = Record<string, unknown>>(query: SQL, db: Db = this.db): Promise<T[]> {
    const res = (await db.execute(query)) as unknown;
    return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
  }

  async migrate(): Promise<void> {
    if (this.schema !== 'public') await this.db.execute(sql.raw(`create schema if not exists "${this.schema}"`));
    for (const m of MIGRATION_MODULES) {
      const folder = join(MIGRATIONS_ROOT, m);
      if (!existsSync(join(folder, 'meta', '_journal.json'))) continue;
      const cfg = { migrationsFolder: folder, migrationsTable: `__migrations_${m}`, migrationsSchema: this.schema };
      if (this.kind === 'postgres') await migratePostgres(this.db as never, cfg);
      else await migratePglite(this.db as never, cfg);
    }
  }

  /** Migrations listed in the journals but not yet applied (readiness check). */
  async pendingMigrations(): Promise<string[]> {
    const pending: string[] = [];
    for (const m of MIGRATION_MODULES) {
      const journalPath = join(MIGRATIONS_ROOT, m, 'meta', '_journal.json');
      if (!existsSync(journalPath)) continue;
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string; when: number }[] };
      let applied = 0;
      try {
        const r = await this.rows<{ n: string | number }>(sql.raw(`select count(*)::int as n from "${this.schema}"."__migrations_${m}"`));
        applied = Number(r[0]?.n ?? 0);
      } catch {
        applied = 0;
      }
      for (const e of journal.entries.slice(applied)) pending.push(`${m}/${e.tag}`);
    }
    return pending;
  }

  async close(): Promise<void> {
    if (this.client) await this.client.end({ timeout: 5 });
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
  }
}
