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
import { isConnectionLost } from './errors.js';

/** Either driver's drizzle instance; transactions have the same shape. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/**
 * Modules in dependency order. Each owns a migration folder (migrations/<name>) and its own journal table, so
 * modules add migrations without touching each other's; they are applied in this order.
 */
export const MIGRATION_MODULES = ['platform', 'onboarding', 'policy', 'target', 'incentive', 'evaluation', 'orders', 'integration'] as const;

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
  /** seconds to wait for a new connection before failing (postgres.js `connect_timeout`); default 5 */
  connectTimeoutSeconds?: number;
  /** `statement_timeout` of every session (ms, 0 = none); default 30000. PostgreSQL only (PGlite does not enforce it) */
  statementTimeoutMs?: number;
  /** `lock_timeout` of every session (ms, 0 = none); default 5000. PostgreSQL only */
  lockTimeoutMs?: number;
}

/** Defaults of the session timeouts (config.ts uses the same). */
export const DB_TIMEOUT_DEFAULTS = { connectTimeoutSeconds: 5, statementTimeoutMs: 30_000, lockTimeoutMs: 5_000 } as const;

type Reserved = postgres.ReservedSql & { savepoint?: unknown };

/**
 * A transaction on a reserved connection that sends nothing more on a connection the driver has lost.
 *
 * postgres.js' own `begin` answers a failed transaction with ROLLBACK on the same connection; when the failure
 * was the connection closing (database restart, network cut), that ROLLBACK is written to a connection whose
 * socket is already null and `nextWrite` throws `TypeError: Cannot read properties of null (reading 'write')`
 * from a setImmediate callback: an uncatchable exception that kills the process (porsager/postgres#1066,
 * #1154; unfixed in 3.4.9, the latest 3.x). Here a lost connection is neither rolled back (the server has
 * already aborted the transaction) nor released (the pool has already taken it back as closed).
 */
function safeBegin(pool: postgres.Sql) {
  return async function begin(optionsOrFn: unknown, maybeFn?: unknown): Promise<unknown> {
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (sql: Reserved) => unknown;
    const mode = typeof optionsOrFn === 'string' ? optionsOrFn.replace(/[^a-z ]/gi, '') : '';
    const c = (await pool.reserve()) as Reserved;
    let savepoints = 0;
    c.savepoint = async (nameOrFn: unknown, maybeInner?: unknown) => {
      const inner = (typeof nameOrFn === 'function' ? nameOrFn : maybeInner) as (sql: Reserved) => unknown;
      const name = `s${savepoints++}`;
      await c.unsafe(`savepoint ${name}`);
      try {
        const r = await inner(c);
        await c.unsafe(`release savepoint ${name}`);
        return r;
      } catch (e) {
        if (!isConnectionLost(e)) await c.unsafe(`rollback to savepoint ${name}`);
        throw e;
      }
    };
    try {
      await c.unsafe(`begin ${mode}`);
      const result = await fn(c);
      await c.unsafe('commit');
      c.release();
      return result;
    } catch (e) {
      if (isConnectionLost(e)) throw e;
      try {
        await c.unsafe('rollback');
        c.release();
      } catch (e2) {
        if (!isConnectionLost(e2)) c.release();
      }
      throw e;
    }
  };
}

/** What a query gets while the database is known to be unreachable (a 503 DATABASE_UNAVAILABLE). */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor() {
    super('the database is unreachable (failing fast until a probe answers)');
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** A rejected stand-in for a postgres.js query (awaited directly or through .values(), as drizzle does). */
function failedQuery(): never {
  const p = Promise.reject(new DatabaseUnavailableError());
  p.catch(() => {});
  const self = () => p;
  return Object.assign(p, { values: self, raw: self, execute: self, simple: self, describe: self, cancel: () => {} }) as never;
}

let guarded = false;

/**
 * Process-wide last line of defence for server and worker processes: a rejection nobody handled is logged, never
 * fatal; an uncaught exception from inside the postgres.js driver (the race above, should another path reach it)
 * is logged and the process goes on; any other uncaught exception is logged and the process exits (its state is
 * unknown), for the process manager to restart it.
 */
export function installProcessGuards(log: { error(o: object, msg: string): void; fatal(o: object, msg: string): void }): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (ignored)'));
  process.on('uncaughtException', (err) => {
    if (/[\\/]postgres[\\/](src|cjs[\\/]src)[\\/]connection\.js/.test(err?.stack ?? '')) {
      log.error({ err }, 'database driver error outside any request (ignored; the connection is reopened)');
      return;
    }
    log.fatal({ err }, 'uncaught exception: exiting');
    process.exit(1);
  });
}

export class Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  readonly schema: string;
  /** Counts every SQL statement sent: tests use it to prove batching (no N+1). */
  statements = 0;
  readonly client?: postgres.Sql;
  readonly pglite?: PGlite;
  private pool?: postgres.Sql;
  /** the database answered a probe with a connection error and has not answered one since */
  private down = false;
  private probing = false;
  private closing = false;

  /** false while the database is known to be unreachable (queries then fail at once with DATABASE_UNAVAILABLE) */
  get available(): boolean {
    return !this.down;
  }

  /**
   * After a connection closed: probes with `select 1` until one answers. A connection error marks the database
   * down (queries fail fast, no queueing behind reconnect attempts); an answer marks it up again. A probe that
   * only takes long (a busy pool) changes nothing: load alone never opens the circuit.
   */
  private checkConnection(): void {
    if (this.probing || this.closing || !this.pool) return;
    this.probing = true;
    const pool = this.pool;
    const probe = async () => {
      while (!this.closing) {
        const outcome = await Promise.race([
          pool.unsafe('select 1').then(
            () => 'up' as const,
            (e: unknown) => (isConnectionLost(e) ? ('down' as const) : ('up' as const)),
          ),
          sleep(1_000).then(() => 'slow' as const),
        ]);
        if (outcome === 'up') {
          this.down = false;
          break;
        }
        if (outcome === 'down') this.down = true;
        await sleep(250);
      }
      this.probing = false;
    };
    void probe();
  }

  constructor(opts: DatabaseOptions) {
    this.schema = opts.schema ?? 'public';
    if (opts.url) {
      this.kind = 'postgres';
      const statementTimeout = opts.statementTimeoutMs ?? DB_TIMEOUT_DEFAULTS.statementTimeoutMs;
      const lockTimeout = opts.lockTimeoutMs ?? DB_TIMEOUT_DEFAULTS.lockTimeoutMs;
      const pool = postgres(opts.url, {
        max: opts.poolMax ?? 20,
        onnotice: () => {},
        connect_timeout: opts.connectTimeoutSeconds ?? DB_TIMEOUT_DEFAULTS.connectTimeoutSeconds,
        // session settings sent in the startup message: every connection of the pool has them
        connection: {
          ...(opts.schema ? { search_path: opts.schema } : {}),
          statement_timeout: statementTimeout,
          lock_timeout: lockTimeout,
        },
        debug: () => {
          this.statements++;
        },
        // reconnect attempts: at most a second apart (the default backoff grows to 20 s, and queries queued for a
        // connection wait that long: the hung requests and /readyz of a database restart)
        backoff: (retries: number) => Math.min(0.1 * retries, 1),
        // a connection closed (database restart, network cut, or just its lifetime): find out which
        onclose: () => this.checkConnection(),
      });
      this.pool = pool;
      const begin = safeBegin(pool);
      const fastBegin = (a: unknown, b?: unknown) => (this.down ? Promise.reject(new DatabaseUnavailableError()) : begin(a, b));
      const unsafe = (...args: Parameters<postgres.Sql['unsafe']>) => (this.down ? failedQuery() : pool.unsafe(...args));
      const reserve = () => (this.down ? Promise.reject(new DatabaseUnavailableError()) : pool.reserve());
      // drizzle runs transactions through `begin`: the safe one (see safeBegin); while the database is known to be
      // unreachable (see checkConnection) queries fail at once instead of queueing for a connection
      this.client = new Proxy(pool, {
        get: (t, p, r) => (p === 'begin' ? fastBegin : p === 'unsafe' ? unsafe : p === 'reserve' ? reserve : Reflect.get(t, p, r)),
        apply: (t, self, args) => (this.down ? failedQuery() : Reflect.apply(t, self, args)),
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
    this.closing = true;
    if (this.pool) await this.pool.end({ timeout: 5 });
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
  }
}
