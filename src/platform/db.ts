import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { DomainError, isConnectionLost } from './errors.js';
import { ensureMonthlyPartitions } from './partitions.js';

/** Either driver's drizzle instance; transactions have the same shape. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/**
 * Modules in dependency order. Each owns a migration folder (migrations/<name>) and its own journal table, so
 * modules add migrations without touching each other's; they are applied in this order.
 */
export const MIGRATION_MODULES = ['platform', 'onboarding', 'organisation', 'policy', 'target', 'incentive', 'evaluation', 'orders', 'integration'] as const;

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
  /**
   * Row-level security as a second tenant wall (default true): `migrate()` enables it on every table with a
   * `tenant_id` column, and work inside a tenant scope (a request of a tenant's actor, `store.write`) runs as
   * `appRole` with `app.tenant_id` set, so a query that forgets its tenant filter still sees only that tenant.
   */
  rowSecurity?: boolean;
  /** the role the tenant-scoped work runs as (neither owner nor BYPASSRLS); default `channel_app` */
  appRole?: string;
  /** statements prepared unasked outside transactions (AutoPrepare; default true); false: none (e.g. behind a pooler in transaction mode) */
  autoPrepare?: boolean;
  /**
   * Connections kept for the hot tenant-scoped reads (ReadLanes): default a fifth of `poolMax` (none below 5);
   * 0 with `autoPrepare: false` (behind a pooler in transaction mode session settings do not stay with a client)
   */
  readLanes?: number;
}

/**
 * The tenant of the work in progress: set for a request once its actor is known (auth.ts) and by `store.write`.
 * Queries inside it run under the row-level security policy of that tenant (see `Database`); queries outside it
 * (migrations, identity lookups, the scheduler's and worker's sweeps across tenants) run as the connecting role.
 */
const tenantScope = new AsyncLocalStorage<{ tenantId: string }>();

/** Runs fn inside the tenant's scope: every query it sends sees only that tenant's rows. */
export function withTenant<T>(tenantId: string, fn: () => T): T {
  return tenantScope.run({ tenantId }, fn);
}

/** Runs fn outside any tenant scope (work a request only triggers, such as waking the webhook dispatcher). */
export function outsideTenant<T>(fn: () => T): T {
  return tenantScope.exit(fn);
}

/** What a scoped read's send throws when postgres.js ran its statement again outside the wall (see scopedQuery). */
const STALE = new Error('a stale prepared statement was run again outside its transaction');

/** The statement that puts a transaction under the wall (PGlite): `set local role` and the tenant setting. */
const SCOPE_SQL = "select set_config('role', $1, true), set_config('app.tenant_id', $2, true)";
const SCOPED_READ_BEGIN = 'begin /* scoped read */';
const SCOPED_READ_COMMIT = 'commit /* scoped read */';

/** A string literal that means the same whatever `standard_conforming_strings` says (E'' with \\ and '' escaped). */
function literal(value: string): string {
  if (value.includes('\0')) throw new Error('a tenant id cannot hold a NUL character');
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The opening of a transaction under the wall, as ONE simple-protocol message: `begin` and `set local` of the role
 * and the tenant (both local to the transaction). One message, so the transaction and its scope go together: if a
 * later statement of it fails the transaction is aborted and everything after it fails (never runs unscoped); a
 * simple query takes no parameters, so the values are literals (the role name is checked, the tenant quoted).
 * `set local` rather than `select set_config(..., true)` (the same settings): utility statements, nothing to plan
 * and no row to send back (issue 15: about a quarter of the wall's cost on both sides of a scoped read).
 */
function scopeOpening(begin: string, role: string, tenant: string, genericPlans = false): string {
  return `${begin}; set local role ${role}; set local app.tenant_id = ${literal(tenant)}${genericPlans ? '; set local plan_cache_mode = auto' : ''}`;
}

/**
 * Statements prepared without being asked (issue 15: "prepared statements for every hot list and lookup"). drizzle
 * sends every statement it was not told to prepare as an unnamed one, for which postgres.js waits for the parameter
 * description before it binds (Parse, Describe, Flush; a round trip; then Bind, Execute, Sync): two round trips, two
 * socket writes and reads and a parse on the server for each statement, about twice the driver's CPU of a prepared
 * one (measured: ~95 vs ~45 us of the client's CPU a point read). A statement kept on the connection under a name takes
 * one round trip from its second run on that connection.
 *
 * Outside transactions only: the pool's own queries (lookups across tenants) and the scoped reads (scopedQuery). When
 * a table changes shape under a prepared statement (a migration while the service runs), the server refuses the
 * statement once per connection; postgres.js then prepares and sends it again, which outside a transaction just
 * works (a scoped read runs again whole: see scopedQuery), but inside one fails the transaction (it is aborted by
 * then). So a transaction's statements stay as they were: unnamed unless their caller prepared them.
 *
 * Reads only (plain selects): when postgres.js re-sends a stale statement (see below) a write must not run twice.
 *
 * Bounded, because every connection keeps each statement it ran until it closes (postgres.js never deallocates), and
 * so does its server process: a text is prepared from its second sighting (one-off texts never are), at most
 * AUTO_PREPARE_MAX distinct texts of at most AUTO_PREPARE_CHARS characters each (lookups, point writes, list pages:
 * a heavy statement's round trip is noise next to its run, and its parse tree is large).
 *
 * Plans do not change: the pool's connections start with plan_cache_mode = force_custom_plan, so a statement prepared
 * here is still planned for its parameters at every run, as an unnamed one is, and never switched to a generic plan
 * after five runs (with skewed data a generic plan can be a bad one: the plans must not depend on luck). A statement
 * its caller prepared (the hot partner reads) is planned as before: a scoped read of one sets plan_cache_mode = auto
 * in its transaction (scopedQuery).
 */
export class AutoPrepare {
  private readonly seen = new Set<string>();
  private readonly prepared = new Set<string>();
  constructor(
    private readonly max = AUTO_PREPARE_MAX,
    private readonly maxChars = AUTO_PREPARE_CHARS,
  ) {}

  /** The arguments of an `unsafe` call, with `prepare: true` when the statement qualifies (see the class). */
  args(args: Parameters<postgres.Sql['unsafe']>): Parameters<postgres.Sql['unsafe']> {
    const [text, params, options] = args;
    // no parameters: postgres.js sends it as one simple query (one round trip already); prepared or simple by its caller: theirs
    if (!Array.isArray(params) || params.length === 0 || options?.prepare === true || (options as { simple?: boolean } | undefined)?.simple) return args;
    // reads only: a statement that writes is never sent twice by this (a stale prepared statement is re-sent by postgres.js)
    if (text.length > this.maxChars || !READ.test(text)) return args;
    if (!this.prepared.has(text)) {
      if (this.prepared.size >= this.max) return args;
      if (!this.seen.has(text)) {
        // bounded too: past the cap the one-off texts seen so far are forgotten (a hot text is seen again soon)
        if (this.seen.size >= 4 * this.max) this.seen.clear();
        this.seen.add(text);
        return args;
      }
      this.seen.delete(text);
      this.prepared.add(text);
    }
    return [text, params, { ...options, prepare: true }];
  }

  /** how many distinct texts are prepared (for tests) */
  get size(): number {
    return this.prepared.size;
  }
}

/** A statement that only reads: a plain select (a `with` may hold a write, and is left alone). */
const READ = /^\s*select\b/i;

/** At most this many distinct statement texts are prepared automatically (AutoPrepare). */
const AUTO_PREPARE_MAX = 500;
/** Longer statement texts are never prepared automatically (AutoPrepare). */
const AUTO_PREPARE_CHARS = 4_000;

/** Whether the caller of an `unsafe` call asked for a prepared statement. */
const askedToPrepare = (args: readonly unknown[]) => (args[2] as { prepare?: boolean } | undefined)?.prepare === true;

/** A postgres.js query's text as the statement counter reports it: a tagged template's parts joined by $n. */
function statementText(args: readonly unknown[]): { query: string; params: readonly unknown[] } | undefined {
  const first = args[0] as { raw?: unknown } | string;
  if (typeof first === 'string') return { query: first, params: Array.isArray(args[1]) ? (args[1] as unknown[]) : [] };
  if (!Array.isArray(first) || !Array.isArray((first as { raw?: unknown }).raw)) return undefined; // sql(...) as a helper: not a query
  return { query: (first as string[]).reduce((q, part, i) => `${q}$${i}${part}`), params: args.slice(1) };
}

/**
 * A postgres.js sql function (a reserved connection, a transaction's) whose queries are counted: `unsafe` (as drizzle
 * sends every statement) and tagged templates. Counted as they are made, not through postgres.js' `debug` hook: that
 * hook also makes the driver capture a stack trace for every query (issue 15: a third of a scoped read's CPU) and
 * log query parameters with its errors.
 */
function countingSql<T extends object>(target: T, count: (query: string, params: readonly unknown[]) => void): T {
  return new Proxy(target, {
    get: (t, p, r) => {
      if (p !== 'unsafe') return Reflect.get(t, p, r) as unknown;
      const unsafe = Reflect.get(t, p, r) as (...a: unknown[]) => unknown;
      // the arguments spelled out, never spread (see ReadLanes#send)
      return (text: string, params?: unknown, options?: unknown) => {
        count(text, Array.isArray(params) ? (params as unknown[]) : []);
        return options !== undefined ? unsafe(text, params, options) : params !== undefined ? unsafe(text, params) : unsafe(text);
      };
    },
    apply: (t, self, args) => {
      const q = statementText(args);
      if (q) count(q.query, q.params);
      return Reflect.apply(t as (...a: unknown[]) => unknown, self, args) as unknown;
    },
  });
}

/**
 * PGlite's start parameters: its defaults plus a smaller buffer pool. The data folder's postgresql.conf (initdb's)
 * says `shared_buffers = 128MB`, and PGlite touches all of it in its WebAssembly memory at start: 150 MB of the
 * process's resident memory before the first query. An embedded database is a development or small-site one, its
 * files are in the OS page cache anyway (node fs underneath), so 16 MB of buffers (2,048 pages) costs little; the
 * WAL buffers follow (1/32 of it).
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * For a process whose database is the embedded one (the server without DATABASE_URL): V8 runs PGlite's WebAssembly
 * as its baseline compiler (Liftoff) makes it, without recompiling the functions PostgreSQL runs most with its
 * optimising compiler (TurboFan) in the background. That recompilation left 40-60 MB more resident at ready (more
 * after a burst of requests) and competed with the start for the CPU, while the service's statements are small
 * enough that a burst of list requests was no slower without it (bench/embedded-start.ts). The flags are read when a
 * module is compiled: call this before the first PGlite is created. They apply to the whole process (whose only
 * other WebAssembly is the HTTP parser of Node's fetch).
 */
export function baselineWasmOnly(): void {
  setFlagsFromString('--no-wasm-dynamic-tiering');
  setFlagsFromString('--no-wasm-tier-up');
}

/** Defaults of the session timeouts (config.ts uses the same). */
export const DB_TIMEOUT_DEFAULTS = { connectTimeoutSeconds: 5, statementTimeoutMs: 30_000, lockTimeoutMs: 5_000 } as const;

type Reserved = postgres.ReservedSql & { savepoint?: unknown };

/**
 * Connections in use, for the `db_pool_connections` gauge (postgres.js exposes no pool statistics). Counted by
 * SCOPE, never by pairing a reservation with its release: a reserved connection counts while the code holding it
 * runs (`hold`: try/finally around the transaction or the scoped query), so the paths that deliberately do not
 * release a lost connection (safeBegin, scopedQuery) still stop counting it when they throw; a query through the
 * pool counts from the moment it is sent until it settles (postgres.js settles every query of a closed connection:
 * rejected with the connection error). Nothing to pair up, so nothing can drift after an outage.
 */
export class PoolUse {
  /** reserved connections whose holder is running (transactions, tenant-scoped queries) */
  reserved = 0;
  /** queries sent through the pool (not on a reserved connection) that have not settled */
  queries = 0;
  async hold<T>(c: postgres.ReservedSql, fn: (c: postgres.ReservedSql) => Promise<T>): Promise<T> {
    this.reserved++;
    try {
      return await fn(c);
    } finally {
      this.reserved--;
    }
  }

  /** counts a lazy postgres.js query from when it is sent (its `handle`, run by then/catch/finally/execute) until it settles */
  query<Q>(q: Q): Q {
    const query = q as unknown as Promise<unknown> & { handle?(): Promise<void>; executed: boolean };
    if (typeof query?.handle !== 'function') return q; // sql(...) as a helper (identifiers, values): not a query
    const handle = query.handle.bind(query);
    query.handle = () => {
      if (!query.executed) {
        this.queries++;
        // the Promise's own then, not the query's (which would send it again): runs once the query settles
        const done = () => void this.queries--;
        void Promise.prototype.then.call(query, done, done);
      }
      return handle();
    };
    return q;
  }
}

/**
 * The pool's connections that close while a transaction holds them, by postgres.js connection id (its `onclose`
 * names the id). A reserved connection gets no word of its own when it closes between two statements (e.g. the
 * backend killed while the transaction waits for its turn): postgres.js settles only the queries in flight, and a
 * statement sent afterwards is written to a connection without a socket (`nextWrite`: a TypeError thrown from a
 * setImmediate) and never settles. The transaction learns it here instead, and sends nothing more.
 */
class ConnectionWatch {
  private readonly byId = new Map<number, Set<() => void>>();

  /** calls `onClose` once if connection `id` closes before the returned function is called */
  watch(id: number, onClose: () => void): () => void {
    let set = this.byId.get(id);
    if (!set) this.byId.set(id, (set = new Set()));
    set.add(onClose);
    return () => {
      set.delete(onClose);
      if (!set.size && this.byId.get(id) === set) this.byId.delete(id);
    };
  }

  closed(id: number): void {
    const set = this.byId.get(id);
    if (!set) return;
    this.byId.delete(id);
    for (const f of set) f();
  }
}

/** The error of a statement not sent because its connection had closed (a connection error: 503, never rolled back). */
function connectionClosed(): Error {
  return Object.assign(new Error('the connection closed while its transaction was open (the statement was not sent)'), { code: 'CONNECTION_CLOSED' });
}

/** A postgres.js query refused (rejected with CONNECTION_CLOSED, never sent) if `lost()` says so when it is about to be sent (see guardedSql). */
function guardQuery<Q>(q: Q, lost: () => boolean): Q {
  const query = q as { handle?(): Promise<void>; executed: boolean; reject(e: unknown): void };
  if (typeof query?.handle !== 'function') return q; // sql(...) as a helper: not a query
  const handle = query.handle.bind(query);
  query.handle = () => {
    if (!query.executed && lost()) {
      query.executed = true;
      query.reject(connectionClosed());
      return Promise.resolve();
    }
    return handle();
  };
  return q;
}

/**
 * A reserved connection's sql function whose queries are refused (rejected with CONNECTION_CLOSED, never sent) once
 * `lost()` says the connection has closed. Checked when postgres.js is about to send the query (its `handle`), so a
 * query made before the close and awaited after it is refused too; `writable()` (COPY) goes through the same.
 */
function guardedSql<T extends object>(target: T, lost: () => boolean): T {
  const guard = (q: unknown) => guardQuery(q, lost);
  return new Proxy(target, {
    get: (t, p, r) => {
      if (p !== 'unsafe') return Reflect.get(t, p, r) as unknown;
      const unsafe = Reflect.get(t, p, r) as (...a: unknown[]) => unknown;
      // the arguments spelled out, never spread (see ReadLanes#send)
      return (text: string, params?: unknown, options?: unknown) =>
        guard(options !== undefined ? unsafe(text, params, options) : params !== undefined ? unsafe(text, params) : unsafe(text));
    },
    apply: (t, self, args) => guard(Reflect.apply(t as (...a: unknown[]) => unknown, self, args)),
  });
}

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
function safeBegin(
  role: string | undefined,
  reserve: () => Promise<postgres.ReservedSql>,
  use: PoolUse,
  counted: (c: Reserved) => Reserved,
  watch: ConnectionWatch,
) {
  return async function begin(optionsOrFn: unknown, maybeFn?: unknown): Promise<unknown> {
    const tenant = role ? tenantScope.getStore()?.tenantId : undefined;
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (sql: Reserved) => unknown;
    const mode = typeof optionsOrFn === 'string' ? optionsOrFn.replace(/[^a-z ]/gi, '') : '';
    // in use while this runs, whichever way it ends (released, or dropped as lost)
    // every statement of the transaction counts, its own begin (with a wall's opening), commit and savepoints too
    return use.hold(await reserve(), (reserved) => transaction(counted(reserved as Reserved), fn, mode, tenant));
  };
  async function transaction(reserved: Reserved, fn: (sql: Reserved) => unknown, mode: string, tenant: string | undefined): Promise<unknown> {
    // the connection's id comes with the opening (postgres.js' onexecute, called when it is written); from then on
    // its close refuses every later statement of the transaction (see ConnectionWatch)
    let lost = false;
    let unwatch: (() => void) | undefined;
    const onexecute = (conn: { id: number }) => {
      unwatch = watch.watch(conn.id, () => (lost = true));
      return true; // written: the connection takes more (as without the hook)
    };
    const opening = { onexecute } as postgres.UnsafeQueryOptions; // not in its types: postgres.js' own begin learns its connection so
    const c = guardedSql(reserved, () => lost);
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
      const open = mode ? `begin ${mode}` : 'begin';
      // under the wall: begin and the scope in one round trip (scopeOpening)
      await (tenant ? c.unsafe(scopeOpening(open, role!, tenant), [], opening).simple() : c.unsafe(open, [], opening));
      const result = await fn(c);
      await c.unsafe('commit');
      c.release();
      return result;
    } catch (e) {
      // a statement refused because the connection had closed: the transaction's error is that (its own error, if
      // any, is a consequence), and nothing more is sent
      if (lost && !isConnectionLost(e)) throw connectionClosed();
      if (isConnectionLost(e)) throw e;
      try {
        await c.unsafe('rollback');
        c.release();
      } catch (e2) {
        if (!isConnectionLost(e2)) c.release();
      }
      throw e;
    } finally {
      unwatch?.();
    }
  }
}

/** What a query gets while the database is known to be unreachable (a 503 DATABASE_UNAVAILABLE). */
/** pg_advisory_lock key of migrate (any constant: 'chan' 'migr' in ASCII) */
const MIGRATE_LOCK_KEY = '7163082334242695026';

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

type QueryMode = 'values' | 'raw' | undefined;

/** A connection kept for scoped reads (see ReadLanes). */
interface Lane {
  /** the reserved connection, guarded: nothing is sent once it has closed */
  readonly c: postgres.ReservedSql;
  /** the reserved connection itself: the reads are sent on it, each guarded as `c` guards (see ReadLanes#send) */
  readonly raw: postgres.ReservedSql;
  /** whether its connection has closed (`lost`), for guardQuery */
  readonly isLost: () => boolean;
  readonly release: () => void;
  /** the tenant the session's `app.tenant_id` was last set to (undefined: not known, set it before the next read) */
  tenant?: string;
  /** the last `set app.tenant_id` sent: a read sent after it is good only if it succeeded */
  setting: Promise<void>;
  /** reads sent and not yet answered */
  inFlight: number;
  /** its connection closed: nothing more is sent on it */
  lost: boolean;
  /** taken out of service after a failed read: handed back to the pool once its reads are answered */
  retiring: boolean;
  /** whether `setting` has succeeded (a read sent after it needs no wait for it) */
  settingOk: boolean;
  /**
   * The reads awaiting an answer: rejected (CONNECTION_CLOSED) when the connection closes, since postgres.js never
   * settles the reads still queued on it. Not a promise every read races against: a pending promise keeps each race's
   * reaction until it settles (~300 bytes a race, for the lane's whole life). Not a Set either: with a Set the reads
   * it held (their rejecters, the requests awaiting them, their rows) outlived young collections; the likely carrier,
   * not proven, is the hash table a Set whose entries come and go rebuilds again and again, V8 linking each table it
   * replaces to the new one (for live iterators). Measured (issue 15; bench/README "Garbage collection"): a list page of
   * 50 on a lane promoted ~14 KB to the old generation with the Set against ~160 B with this list, and took ~390 against
   * ~260 us of CPU. A list, each read knowing its place: a settled read's place is taken by the last one (settle).
   */
  readonly waiting: Waiting[];
  /** the error its connection closed with, once closed */
  closedWith?: Error;
  unwatch: () => void;
}

/** A read awaiting its answer on a lane (see Lane.waiting): its rejecter, and its place in the list (-1 once settled). */
interface Waiting {
  readonly reject: (e: Error) => void;
  at: number;
}

/** p, or the lane's CONNECTION_CLOSED if its connection closes first (see Lane.waiting). */
function untilClosed<T>(lane: Lane, p: PromiseLike<T>): Promise<T> {
  if (lane.closedWith) return Promise.reject(lane.closedWith);
  return new Promise<T>((resolve, reject) => {
    const w: Waiting = { reject, at: lane.waiting.length };
    lane.waiting.push(w);
    p.then(
      (v) => {
        settle(lane, w);
        resolve(v);
      },
      (e: unknown) => {
        settle(lane, w);
        reject(e as Error);
      },
    );
  });
}

/** Takes a read out of its lane's waiting list: the last one moves into its place (see Lane.waiting). */
function settle(lane: Lane, w: Waiting): void {
  if (w.at < 0) return;
  const last = lane.waiting.pop()!;
  if (last !== w) {
    lane.waiting[w.at] = last;
    last.at = w.at;
  }
  w.at = -1;
}

/** Reads in flight on one lane at most (pipelined behind each other: see ReadLanes). */
const LANE_PIPELINE = 8;

/** What a lane's read rejects with when the server answered it with an error (see ReadLanes: never sent again by postgres.js). */
class LaneReadFailed extends Error {}

/** A read on a lane: its lane, and what its `retried` holds (see LANE_RETRIED). */
const LANE_OF = Symbol('lane');
const RETRIED = Symbol('retried');
const FAILED = Symbol('failed');
interface LaneRead {
  [LANE_OF]: Lane;
  [RETRIED]?: unknown;
  [FAILED]?: LaneReadFailed;
}

/**
 * The `retried` of every read on a lane: ONE descriptor whose accessors read the query they are called on. With
 * accessors made per read (closures capturing the read), each read's graph (the query, its rows, the request
 * awaiting it) outlived the young collections and was promoted to the old generation, for a full collection to
 * free: about two fifths of what a point read promoted (issue 15; bench/README, "Garbage collection").
 */
const LANE_RETRIED: PropertyDescriptor = {
  configurable: true,
  get(this: LaneRead): unknown {
    return this[RETRIED] ?? (this[LANE_OF].lost ? undefined : (this[FAILED] ??= new LaneReadFailed('a read on a lane failed')));
  },
  set(this: LaneRead, v: unknown) {
    this[RETRIED] = v;
  },
};

/**
 * Read lanes (issue 15: the wall's cost on the hot reads). A scoped read through the pool is a transaction of its
 * own (scopedQuery): a connection reserved and released, an opening (begin, the role and the tenant as `set local`),
 * the read and a commit, each read on a connection of its own. Measured on bench/lists' data, 20 concurrent point
 * reads: the driver alone ~150 us of CPU a read against ~65 on lanes; the whole service ~450 against ~300, and the
 * database's backends ~190 against ~65 (most of the database's share is waking up for each round trip, which
 * pipelining shares between reads).
 *
 * A lane is a pool connection kept for the purpose whose SESSION runs as the app role (`set role`) with
 * `app.tenant_id` set for the tenant it last served. A read is sent on it alone, in autocommit; when the lane last
 * served another tenant, `set app.tenant_id` goes first, on the same connection. PostgreSQL runs a connection's
 * messages in the order they are sent, so each read runs under the role and the tenant set before it, and the reads
 * of concurrent requests pipeline on a lane (up to LANE_PIPELINE; a lane per five connections of the pool).
 *
 * Only the plain selects their caller prepared (the hot partner reads and GraphQL loaders: bounded statements; a
 * slow one would hold up the reads queued behind it); every other scoped query, and a hot read when every lane is
 * full, takes the transaction path as before.
 *
 * What keeps the wall:
 *   - the role is the session's from the lane's opening on, and a lane never serves the owner's queries; a
 *     connection that closes is dropped (ConnectionWatch) and its reads refused unsent (guardedSql): a read never
 *     goes out on a fresh session of the owner;
 *   - every read is sent (execute()) in the same tick as the setting it relies on, so the wire order is the order
 *     of the calls; a read's answer is used only if that setting succeeded;
 *   - postgres.js sends a prepared statement the server refused as stale once more, at the END of what is already
 *     pipelined on the connection: on a lane that could run behind another tenant's setting, or (the statement
 *     described anew while other reads are sent behind it) answer one read with another's rows. So it never does
 *     here: a lane's read goes out with postgres.js' `retried` already set, which makes the driver reject it with
 *     that instead of sending it again (LaneReadFailed); the lane is retired (its stale statement goes with it:
 *     `reset role` and the tenant, then back to the pool once its reads are answered), and the read runs again on
 *     the transaction path, which gives the answer, or the server's own error when the read itself was at fault;
 *   - a pooler in transaction mode does not keep session settings for a client: `readLanes: 0` there
 *     (DB_READ_LANES=0; DB_AUTO_PREPARE=false implies it).
 */
class ReadLanes {
  private readonly lanes: Lane[] = [];
  private opening = 0;
  private closed = false;
  /** lanes retired after a failed read (for tests) */
  retired = 0;
  /** lanes being reset to go back to the pool */
  private readonly handingBack = new Set<Promise<void>>();
  /** retired lanes whose reads are still in flight */
  private readonly busy = new Set<Lane>();

  constructor(
    private readonly max: number,
    private readonly role: string,
    private readonly reserve: () => Promise<postgres.ReservedSql>,
    private readonly watch: ConnectionWatch,
    private readonly use: PoolUse,
  ) {}

  /** whether a scoped query may take a lane: a plain select its caller prepared */
  static eligible(args: readonly unknown[]): boolean {
    return askedToPrepare(args) && typeof args[0] === 'string' && READ.test(args[0]);
  }

  /**
   * The read on a lane, or undefined when no lane can take it now (the caller takes the transaction path). Opens
   * another lane in the background when every lane has a read in flight. Rejects with STALE when the read is to
   * run again on the transaction path.
   */
  read(tenant: string, args: Parameters<postgres.Sql['unsafe']>, mode: QueryMode): Promise<unknown> | undefined {
    if (this.closed) return undefined;
    let lane: Lane | undefined;
    for (const l of this.lanes) if (!lane || l.inFlight < lane.inFlight) lane = l;
    if ((!lane || lane.inFlight > 0) && this.lanes.length + this.opening < this.max) void this.open();
    if (!lane || lane.inFlight >= LANE_PIPELINE) return undefined;
    return this.send(lane, tenant, args, mode);
  }

  private async send(lane: Lane, tenant: string, args: Parameters<postgres.Sql['unsafe']>, mode: QueryMode): Promise<unknown> {
    const c = lane.c;
    lane.inFlight++;
    this.use.queries++;
    try {
      if (lane.tenant !== tenant) {
        lane.tenant = tenant;
        lane.settingOk = false;
        const set = c.unsafe(`set app.tenant_id = ${literal(tenant)}`).simple();
        set.execute().catch(() => {});
        const setting: Promise<void> = set.then(
          () => {
            if (lane.setting === setting) lane.settingOk = true;
          },
          (e: unknown) => {
            // not known any more: the next read sets it again
            if (lane.setting === setting) lane.tenant = undefined;
            throw e;
          },
        );
        setting.catch(() => {});
        lane.setting = setting;
      }
      // the setting it is sent behind, unless that one has already succeeded
      const setting = lane.settingOk ? undefined : lane.setting;
      // Sent on the reserved connection itself, its arguments spelled out, and guarded here, not through `c` (the
      // guarded proxy every other query on the lane goes through, with postgres.js' `unsafe` called from a wrapper
      // that every caller shares). Measured on a point read (issue 15; bench/promotion, bench/README "Garbage
      // collection"): when V8 does not inline postgres.js' `unsafe` (and the query's constructor) into an optimised
      // caller, each query's objects (the query, its rows, the request awaiting it) outlive young collections: ~1 KB a
      // query promoted to the old generation in postgres.js alone with `--no-opt`, ~1,650 B a read in the service, for
      // full collections to free (~10-25% more of the server's CPU a read). Called through the shared wrapper (or with
      // its arguments spread, or through a helper function), it was inlined for a while and then not (after the
      // background workers had used the wrapper with other arguments: a point read back at ~1,650 B within 30 s);
      // from this call site of its own it stays at 400-650 B. Measured, not explained. An eligible read has all three
      // arguments (eligible: args[2].prepare).
      const q = guardQuery(lane.raw.unsafe(args[0], args[1], args[2]), lane.isLost);
      // an error answer rejects the read with this; postgres.js never sends it again (see the class). Only while the
      // lane's connection is open: postgres.js keeps the query that was running when its connection closed, with
      // the server's last error (a backend killed mid-read), and on the connection object's reconnect for another
      // caller answers THAT caller with it: the killed backend's error then, as without lanes, never this
      // (made only when asked for: postgres.js reads `retried` on an error answer alone, and an Error per read, its
      // stack captured, was ~3% of a point read's CPU)
      (q as unknown as LaneRead)[LANE_OF] = lane;
      void Object.defineProperty(q, 'retried', LANE_RETRIED);
      const query = mode ? q[mode]() : q;
      // sent NOW, right behind the setting: awaiting a postgres.js query sends it a microtask later than execute()
      // does, so two reads awaited in one tick would go out as [set A][set B][read A][read B], A under B's tenant
      void query.execute();
      let result: unknown;
      try {
        result = await untilClosed(lane, query);
      } catch (e) {
        if (!(e instanceof LaneReadFailed)) throw e;
        this.retire(lane);
        throw STALE;
      } finally {
        // the setting it ran behind failed: its answer (or error) is not the tenant's
        if (setting) await untilClosed(lane, setting);
      }
      return result;
    } finally {
      lane.inFlight--;
      this.use.queries--;
      if (lane.retiring && lane.inFlight === 0) {
        this.busy.delete(lane);
        void this.handBack(lane);
      }
    }
  }

  private async open(): Promise<void> {
    this.opening++;
    try {
      let reserved: postgres.ReservedSql;
      try {
        reserved = await this.reserve();
      } catch {
        return; // no connection now: reads take the transaction path
      }
      if (this.closed) {
        reserved.release(); // as the pool gave it: nothing was sent
        return;
      }
      const lane: Lane = {
        c: reserved,
        raw: reserved,
        isLost: () => lane.lost,
        release: () => reserved.release(),
        setting: Promise.resolve(),
        settingOk: false,
        inFlight: 0,
        lost: false,
        retiring: false,
        waiting: [],
        unwatch: () => {},
      };
      const onClose = () => {
        this.drop(lane);
        const e = (lane.closedWith ??= connectionClosed());
        for (const w of lane.waiting.splice(0)) {
          w.at = -1;
          w.reject(e);
        }
      };
      (lane as { c: postgres.ReservedSql }).c = guardedSql(reserved, () => lane.lost);
      // the connection's id comes with the opening (postgres.js' onexecute, as in safeBegin): from then on its close drops the lane
      const onexecute = (conn: { id: number }) => {
        lane.unwatch = this.watch.watch(conn.id, onClose);
        return true;
      };
      try {
        await lane.c.unsafe(`set role ${this.role}; set plan_cache_mode = auto`, [], { onexecute } as postgres.UnsafeQueryOptions).simple();
      } catch (e) {
        lane.unwatch();
        // one simple query is one implicit transaction: a failed one left the session as it was
        if (!isConnectionLost(e) && !lane.lost) lane.release();
        return;
      }
      if (lane.lost) return;
      if (this.closed) {
        void this.handBack(lane); // opened while the database was closing
        return;
      }
      this.lanes.push(lane);
    } finally {
      this.opening--;
    }
  }

  /** no new reads on it; handed back to the pool once its reads are answered */
  private retire(lane: Lane): void {
    if (lane.retiring) return;
    lane.retiring = true;
    if (!this.closed) this.retired++;
    if (lane.inFlight > 0) this.busy.add(lane);
    const i = this.lanes.indexOf(lane);
    if (i >= 0) this.lanes.splice(i, 1);
  }

  /** the session back to the owner's (the role, the tenant, the plans), then the connection back to the pool */
  private handBack(lane: Lane): Promise<void> {
    if (lane.lost) return Promise.resolve();
    const back = lane.c
      .unsafe('reset role; reset app.tenant_id; reset plan_cache_mode')
      .simple()
      .then(
        () => {
          lane.unwatch();
          if (!lane.lost) lane.release();
        },
        // not known to be reset: never handed back (a lost connection is the pool's already)
        () => lane.unwatch(),
      );
    this.handingBack.add(back);
    void back.finally(() => this.handingBack.delete(back));
    return back;
  }

  private drop(lane: Lane): void {
    lane.lost = true;
    lane.unwatch();
    const i = this.lanes.indexOf(lane);
    if (i >= 0) this.lanes.splice(i, 1);
  }

  /** how many lanes are open (for tests) */
  get size(): number {
    return this.lanes.length;
  }

  /**
   * No new reads on any lane; each is handed back to the pool (reset first) once its reads are answered, so that the
   * pool's end does not wait for connections still reserved (its timeout). Resolves when they are back or lost.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const l of [...this.lanes]) {
      this.retire(l);
      if (l.inFlight === 0) void this.handBack(l);
    }
    for (let i = 0; i < 100 && (this.handingBack.size || this.busy.size); i++) {
      await Promise.race([Promise.allSettled([...this.handingBack]), sleep(20)]);
    }
  }
}

/**
 * A query outside a transaction inside a tenant scope: a transaction of its own on a reserved connection, sent as
 * ONE pipelined round trip: the opening (begin + the scope, one simple query: see scopeOpening), the query, commit,
 * written together before any answer is awaited (postgres.js pipelines the queries of a connection). The server
 * runs them in order: the query runs only inside the scoped transaction (an opening that failed leaves the
 * transaction aborted, and the query fails with it); a failed query makes the pipelined commit a rollback. The
 * scope is local to the transaction, so nothing of it stays on the pooled connection after commit or rollback.
 * A query not yet prepared on the connection waits for its describe step, as any first run does.
 *
 * Lazy like a postgres.js query (runs when awaited), with `.values()` / `.raw()` as drizzle calls them. A lost
 * connection fails all three (postgres.js never sends them again) and is neither rolled back nor released
 * (see safeBegin).
 */
function scopedQuery(
  reserve: () => Promise<postgres.ReservedSql>,
  use: PoolUse,
  count: (query: string, params: readonly unknown[]) => void,
  role: string,
  tenant: string,
  args: Parameters<postgres.Sql['unsafe']>,
  auto?: AutoPrepare,
  lanes?: ReadLanes,
): never {
  let mode: QueryMode;
  let running: Promise<unknown> | undefined;
  const send = async (c: postgres.ReservedSql) => {
    // a statement its caller prepared keeps generic plans (see AutoPrepare)
    const opening = c.unsafe(scopeOpening(SCOPED_READ_BEGIN, role, tenant, askedToPrepare(args))).simple();
    // the counter sees the query, not the wall's opening and commit: counts prove batching the same with or without it
    count(args[0], Array.isArray(args[1]) ? args[1] : []);
    const sent = auto ? auto.args(args) : args;
    const q = c.unsafe(sent[0], sent[1], sent[2]); // spelled out, never spread (see ReadLanes#send)
    const query = mode ? q[mode]() : q;
    const commit = c.unsafe(SCOPED_READ_COMMIT);
    // execute() sends each at once, in this order, without waiting for the answers (a query not yet prepared on the
    // connection holds the commit back until its own answer: postgres.js then sends it at once)
    const steps = [opening, query, commit];
    for (const x of steps) x.execute().catch(() => {});
    // awaited in order: once the query has answered, the commit has been sent (a lost connection fails it, never
    // leaves it waiting); after a lost connection nothing more is awaited (a commit still held back never settles)
    let failure: { e: unknown } | undefined;
    let result: unknown;
    for (const [i, x] of steps.entries()) {
      try {
        const v = await x;
        if (i === 1) result = v;
      } catch (e) {
        if (isConnectionLost(e)) throw e;
        failure ??= { e };
      }
    }
    // the connection answered every message: the transaction is over (committed, or rolled back by the commit)
    c.release();
    // A prepared statement the server refused as stale (a table changed shape under it: "cached plan must not change
    // result type", or the statement is gone) is sent again once by postgres.js, by then AFTER the pipelined commit:
    // outside the transaction and its wall, as the connecting role. That answer is never used: the whole read runs
    // again in a new scoped transaction (postgres.js has dropped the stale statement, so it is prepared afresh).
    if ((q as { retried?: unknown }).retried) throw STALE;
    if (failure) throw failure.e;
    return result;
  };
  // in use while send() runs, whichever way it ends (released, or dropped as lost)
  const once = async () => use.hold(await reserve(), send);
  const transactional = () =>
    once().catch((e: unknown) => {
      if (e !== STALE) throw e;
      return once().catch((e2: unknown) => {
        if (e2 !== STALE) throw e2;
        throw new DomainError('DATABASE_TIMEOUT', 'The tables changed while the request ran; retry', { extra: { reason: 'schema_changed' } });
      });
    });
  const run = () => {
    // a hot read its caller prepared: on a read lane when one can take it (see ReadLanes)
    const onLane = lanes && ReadLanes.eligible(args) ? lanes.read(tenant, args, mode) : undefined;
    if (!onLane) return transactional();
    count(args[0], Array.isArray(args[1]) ? args[1] : []);
    return onLane.catch((e: unknown) => {
      if (e !== STALE) throw e;
      return transactional();
    });
  };
  const start = () => (running ??= run());
  const query = {
    values() {
      mode = 'values';
      return query;
    },
    raw() {
      mode = 'raw';
      return query;
    },
    then: (ok?: (v: unknown) => unknown, ko?: (e: unknown) => unknown) => start().then(ok, ko),
    catch: (ko: (e: unknown) => unknown) => start().catch(ko),
    finally: (f: () => void) => start().finally(f),
  };
  return query as never;
}

/**
 * PGlite: a query or transaction inside a tenant scope runs in a transaction under the wall (when a role is given);
 * every query and transaction counts in `use` until it settles (the single connection is in use while any does).
 */
function scopedPglite(pglite: PGlite, role: string | undefined, use: PoolUse): PGlite {
  const tenant = () => (role ? tenantScope.getStore()?.tenantId : undefined);
  const counted = async <T>(run: () => Promise<T>): Promise<T> => {
    use.queries++;
    try {
      return await run();
    } finally {
      use.queries--;
    }
  };
  return new Proxy(pglite, {
    get: (t, p, r) => {
      if (p === 'query')
        return (...args: Parameters<PGlite['query']>) => {
          const id = tenant();
          if (!id) return counted(() => t.query(...args));
          return counted(() =>
            t.transaction(async (tx) => {
              await tx.query(SCOPE_SQL, [role!, id]);
              return tx.query(...args);
            }),
          );
        };
      if (p === 'transaction')
        return (fn: Parameters<PGlite['transaction']>[0]) => {
          const id = tenant();
          return counted(() =>
            t.transaction(async (tx) => {
              if (id) await tx.query(SCOPE_SQL, [role!, id]);
              return fn(tx);
            }),
          );
        };
      const v = Reflect.get(t, p, r) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
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
  /** connections in use (see PoolUse and `pool`) */
  private readonly use = new PoolUse();
  /** the statements this instance prepares unasked (PostgreSQL only; see AutoPrepare) */
  readonly autoPrepare: AutoPrepare;
  /** connections the pool may open (1 on PGlite) */
  readonly poolMax: number = 1;
  /** the role tenant-scoped work runs as (undefined: row-level security off) */
  readonly appRole?: string;
  /** Sees every SQL statement sent with its parameters, when set (tests EXPLAIN what the service sent). */
  onStatement?: (query: string, params: readonly unknown[]) => void;
  readonly client?: postgres.Sql;
  /** the PostgreSQL URL (migrate's advisory lock takes a connection of its own) */
  private readonly url?: string;
  readonly pglite?: PGlite;
  private pool?: postgres.Sql;
  /** the database answered a probe with a connection error and has not answered one since */
  private down = false;
  private probing = false;
  private closing = false;
  /** transactions' connections, told when one closes (see ConnectionWatch) */
  private readonly watch = new ConnectionWatch();
  /** connections kept for the hot scoped reads (PostgreSQL with row-level security; see ReadLanes) */
  private readonly lanes?: ReadLanes;
  /** callers waiting for a connection: told when the database is found down, asked to ask again when a connection closes */
  private readonly waiters = new Set<{ down(e: Error): void; retry(): void }>();

  /**
   * A reserved connection, or DATABASE_UNAVAILABLE as soon as the database is found down (a reservation waits for
   * a reconnect otherwise: the hang the outage test measures).
   *
   * A reservation waiting for a connection is asked for again whenever a connection closes: postgres.js (3.4.9) can
   * lose it then. Its pool's `onclose` hands the oldest waiting request to the closed connection to reconnect with
   * (`connect(c, queries.shift())`), and the reconnected connection drops a reservation it was given that way
   * (connection.js ReadyForQuery: `initial.reserve && (initial = null)`, expecting it still queued, as `reserve()`
   * leaves it) without resolving or rejecting it. A reservation lost like that never settles: an import whose
   * batch was waiting for its connection when another of its connections was killed hung for good (the
   * database answering the probe, nothing ever rejected it). Asking again costs at most an extra connection
   * handed back at once (the first answer wins; a later one is released).
   */
  private reserveFast(pool: postgres.Sql): Promise<postgres.ReservedSql> {
    if (this.down) return Promise.reject(new DatabaseUnavailableError());
    return new Promise((resolve, reject) => {
      let settled = false;
      const waiter = {
        down: (e: Error) => {
          if (settled) return;
          settled = true;
          this.waiters.delete(waiter);
          reject(e);
        },
        retry: () => {
          if (!settled) void ask();
        },
      };
      const ask = () =>
        pool.reserve().then(
          (c) => {
            if (settled) c.release();
            else {
              settled = true;
              this.waiters.delete(waiter);
              resolve(c);
            }
          },
          (e: unknown) => waiter.down(e as Error),
        );
      this.waiters.add(waiter);
      void ask();
    });
  }

  /** A connection of the pool closed: a transaction holding it sends nothing more; waiting reservations ask again (see reserveFast). */
  private connectionClosed(id: number): void {
    this.watch.closed(id);
    if (!this.waiters.size) return;
    // after postgres.js' own onclose has finished with the connection (it calls ours before it reconnects)
    setImmediate(() => {
      for (const w of [...this.waiters]) w.retry();
    });
  }

  /**
   * The pool right now, for the `db_pool_connections` gauge: `max` connections it may open (1 on PGlite), `inUse`
   * held by a transaction or scoped query or running a query (at most max), `waiting` reservations not yet given a
   * connection plus queries beyond max (postgres.js pipelines those behind busy connections).
   */
  get poolUse(): { max: number; inUse: number; waiting: number } {
    const max = this.poolMax;
    const busy = this.use.reserved + this.use.queries;
    return { max, inUse: Math.min(busy, max), waiting: this.waiters.size + Math.max(0, busy - max) };
  }

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
      // 57P01 (one backend terminated) is not an answer about the database: postgres.js answers the caller that
      // reconnects a connection object with the error of the query that was running on it when its backend was
      // killed (the probe often is that caller); the server itself answered the reconnect. Asked again at once, a few times.
      let stale = 0;
      while (!this.closing) {
        const outcome = await Promise.race([
          pool.unsafe('select 1').then(
            () => 'up' as const,
            (e: unknown) =>
              !isConnectionLost(e) ? ('up' as const) : (e as { code?: unknown }).code === '57P01' && stale++ < 5 ? ('again' as const) : ('down' as const),
          ),
          sleep(1_000).then(() => 'slow' as const),
        ]);
        if (outcome === 'again') continue;
        if (outcome === 'up') {
          this.down = false;
          break;
        }
        if (outcome === 'down') {
          this.down = true;
          for (const w of [...this.waiters]) w.down(new DatabaseUnavailableError());
        }
        await sleep(250);
      }
      this.probing = false;
    };
    void probe();
  }

  constructor(opts: DatabaseOptions) {
    this.schema = opts.schema ?? 'public';
    if (opts.rowSecurity !== false) this.appRole = opts.appRole ?? 'channel_app';
    this.autoPrepare = new AutoPrepare(opts.autoPrepare === false ? 0 : AUTO_PREPARE_MAX);
    if (this.appRole && !/^[a-z_][a-z0-9_]*$/.test(this.appRole)) throw new Error(`invalid role name ${this.appRole}`);
    const role = this.appRole;
    if (opts.url) {
      this.kind = 'postgres';
      this.url = opts.url;
      const statementTimeout = opts.statementTimeoutMs ?? DB_TIMEOUT_DEFAULTS.statementTimeoutMs;
      const lockTimeout = opts.lockTimeoutMs ?? DB_TIMEOUT_DEFAULTS.lockTimeoutMs;
      this.poolMax = opts.poolMax ?? 20;
      const pool = postgres(opts.url, {
        max: this.poolMax,
        onnotice: () => {},
        connect_timeout: opts.connectTimeoutSeconds ?? DB_TIMEOUT_DEFAULTS.connectTimeoutSeconds,
        // session settings sent in the startup message: every connection of the pool has them
        connection: {
          ...(opts.schema ? { search_path: opts.schema } : {}),
          statement_timeout: statementTimeout,
          lock_timeout: lockTimeout,
          // statements prepared by AutoPrepare are planned at every run, as unnamed ones are (see AutoPrepare)
          ...(opts.autoPrepare === false ? {} : { plan_cache_mode: 'force_custom_plan' }),
        },
        // reconnect attempts: at most a second apart (the default backoff grows to 20 s, and queries queued for a
        // connection wait that long: the hung requests and /readyz of a database restart)
        backoff: (retries: number) => Math.min(0.1 * retries, 1),
        // a connection closed (database restart, network cut, or just its lifetime): find out which
        onclose: (id: number) => {
          this.connectionClosed(id);
          this.checkConnection();
        },
      });
      this.pool = pool;
      const reserveFast = () => this.reserveFast(pool);
      const use = this.use;
      // every statement sent counts (see countingSql), except a scoped read's wall (see scopedQuery)
      const count = (query: string, params: readonly unknown[]) => {
        this.statements++;
        this.onStatement?.(query, params);
      };
      const auto = this.autoPrepare;
      const counted = <C extends object>(c: C) => countingSql(c, count);
      const begin = safeBegin(role, reserveFast, use, counted, this.watch);
      const fastBegin = (a: unknown, b?: unknown) => (this.down ? Promise.reject(new DatabaseUnavailableError()) : begin(a, b));
      const unsafe = (...args: Parameters<postgres.Sql['unsafe']>) => {
        if (this.down) return failedQuery();
        const tenant = role ? tenantScope.getStore()?.tenantId : undefined;
        if (tenant) return scopedQuery(reserveFast, use, count, role!, tenant, args, auto, lanes);
        count(args[0], Array.isArray(args[1]) ? args[1] : []);
        const sent = auto.args(args);
        return use.query(pool.unsafe(sent[0], sent[1], sent[2])); // spelled out, never spread (see ReadLanes#send)
      };
      const laneCount = opts.autoPrepare === false ? 0 : (opts.readLanes ?? Math.floor(this.poolMax / 5));
      const lanes = role && laneCount > 0 ? new ReadLanes(Math.min(laneCount, this.poolMax - 1), role, reserveFast, this.watch, use) : undefined;
      this.lanes = lanes;
      const reserve = async () => counted(await reserveFast());
      // drizzle runs transactions through `begin`: the safe one (see safeBegin); while the database is known to be
      // unreachable (see checkConnection) queries fail at once instead of queueing for a connection
      this.client = new Proxy(pool, {
        get: (t, p, r) => (p === 'begin' ? fastBegin : p === 'unsafe' ? unsafe : p === 'reserve' ? reserve : Reflect.get(t, p, r)),
        apply: (t, self, args) => {
          if (this.down) return failedQuery();
          const q = statementText(args);
          if (q) count(q.query, q.params);
          return use.query(Reflect.apply(t, self, args) as unknown);
        },
      });
      this.db = drizzlePostgres(this.client) as unknown as Db;
    } else {
      this.kind = 'pglite';
      if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
      this.pglite = new PGlite(opts.dataDir, { startParams: PGLITE_START_PARAMS });
      this.db = drizzlePglite(scopedPglite(this.pglite, role, this.use), {
        logger: {
          logQuery: (query, params) => {
            this.statements++;
            this.onStatement?.(query, params);
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

  /**
   * Applies the pending migrations of every module in one pass: the journal tables are created and read in one
   * round trip each, and everything pending (every module, in MIGRATION_MODULES order) runs as one script in one
   * transaction. Same journal tables and rows as drizzle's migrator (`__migrations_<module>`: hash, created_at = the
   * journal's `when`), so either can take over from the other; when nothing is pending it costs two statements (plus
   * the month partitions and the row-level security pass, one statement each).
   * (drizzle's migrator sent ~230 statements one by one for a fresh database: seconds on embedded PGlite.)
   */
  async migrate(): Promise<void> {
    if (!this.url) return this.migrateNow();
    // instances starting together (several API processes and workers on one database) migrate one after another: a
    // session advisory lock on a connection of its own (the pool may have a single connection), released at the end
    const lock = postgres(this.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await lock.unsafe(`select pg_advisory_lock(${MIGRATE_LOCK_KEY})`);
      await this.migrateNow();
    } finally {
      await lock.end({ timeout: 5 }).catch(() => {}); // closing the session releases the lock
    }
  }

  private async migrateNow(): Promise<void> {
    const q = (name: string) => `"${this.schema}"."${name}"`;
    const modules = MIGRATION_MODULES.filter((m) => existsSync(join(MIGRATIONS_ROOT, m, 'meta', '_journal.json')));
    await this.script(
      [
        `create schema if not exists "${this.schema}"`,
        ...modules.map((m) => `create table if not exists ${q(`__migrations_${m}`)} (id serial primary key, hash text not null, created_at bigint)`),
      ].join(';\n'),
      false,
    );
    const last = await this.rows<{ m: string; last: string | number | null }>(
      sql.raw(modules.map((m) => `select '${m}' as m, max(created_at) as last from ${q(`__migrations_${m}`)}`).join(' union all ')),
    );
    const lastOf = new Map(last.map((r) => [r.m, r.last === null ? -1 : Number(r.last)]));
    const parts: string[] = [];
    for (const m of modules) {
      const cfg = { migrationsFolder: join(MIGRATIONS_ROOT, m), migrationsTable: `__migrations_${m}`, migrationsSchema: this.schema };
      for (const f of readMigrationFiles(cfg)) {
        if (f.folderMillis <= (lastOf.get(m) ?? -1)) continue;
        parts.push(...f.sql.map((s) => s.trim()).filter(Boolean));
        parts.push(`insert into ${q(`__migrations_${m}`)} ("hash", "created_at") values ('${f.hash.replace(/'/g, "''")}', ${Number(f.folderMillis)})`);
      }
    }
    if (parts.length) await this.script(parts.map((p) => p.replace(/;\s*$/, '')).join(';\n'), true);
    // the month partitions of the partitioned tables up to PARTITION_MONTHS_AHEAD (an instance started after a long
    // stop, or a template built months ago, gets this month's before its first insert); one statement
    await ensureMonthlyPartitions(this);
    if (this.appRole) await this.enableRowSecurity(this.appRole);
  }

  /**
   * The second tenant wall, generic so that a new module's tables get it without a line of their own: after all
   * migrations, every table of the schema with a `tenant_id` column gets row-level security and the policy
   * `tenant_wall` for the application role (rows whose tenant_id is the transaction's `app.tenant_id`). The role
   * may read and write every table of the schema; it is neither owner nor BYPASSRLS, so the policies bind it.
   * Idempotent: runs at every migrate.
   */
  private async enableRowSecurity(role: string): Promise<void> {
    // one round trip (a DO block walks the tables server-side): cheap enough to run at every start
    const schema = this.schema.replace(/'/g, "''");
    await this.db.execute(
      sql.raw(`do $$
      declare t record;
      begin
        begin
          create role ${role} nologin;
        exception when duplicate_object or unique_violation then null;
        end;
        -- the connecting role must be a member to switch to it (a superuser always may)
        if not (select rolsuper from pg_roles where rolname = current_user) and not pg_has_role(current_user, '${role}', 'member') then
          execute format('grant ${role} to %I', current_user);
        end if;
        execute format('grant usage on schema %I to ${role}', '${schema}');
        execute format('grant select, insert, update, delete on all tables in schema %I to ${role}', '${schema}');
        execute format('grant usage, select on all sequences in schema %I to ${role}', '${schema}');
        for t in
          select c.oid, c.relname, c.relrowsecurity as enabled,
                 exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_wall') as has_policy
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
          where n.nspname = '${schema}' and c.relkind in ('r', 'p')
        loop
          if not t.enabled then execute format('alter table %I.%I enable row level security', '${schema}', t.relname); end if;
          if not t.has_policy then
            execute format('create policy tenant_wall on %I.%I to ${role} using (tenant_id = current_setting(''app.tenant_id'', true)) '
                           'with check (tenant_id = current_setting(''app.tenant_id'', true))', '${schema}', t.relname);
          end if;
        end loop;
      end $$`),
    );
  }

  /** Several statements in one round trip (simple query protocol), optionally in one transaction. */
  private async script(text: string, transaction: boolean): Promise<void> {
    if (this.pglite) {
      if (transaction) await this.pglite.transaction((tx) => tx.exec(text));
      else await this.pglite.exec(text);
      this.statements++;
      return;
    }
    // a multi-statement simple query runs as one implicit transaction already (and postgres.js refuses an explicit
    // BEGIN on a pool of more than one connection)
    await this.client!.unsafe(text).simple();
  }

  /** Migrations listed in the journals but not yet applied (readiness check): two statements. */
  async pendingMigrations(): Promise<string[]> {
    const journals = MIGRATION_MODULES.flatMap((m) => {
      const journalPath = join(MIGRATIONS_ROOT, m, 'meta', '_journal.json');
      if (!existsSync(journalPath)) return [];
      return [{ m, entries: (JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }).entries }];
    });
    // a journal table not created yet counts as nothing applied
    const present = new Set(
      (
        await this.rows<{ t: string }>(
          sql`select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${this.schema} and c.relname like '\_\_migrations\_%'`,
        )
      ).map((r) => r.t),
    );
    const counted = journals.filter(({ m }) => present.has(`__migrations_${m}`));
    const counts = counted.length
      ? await this.rows<{ m: string; n: string | number }>(
          sql.raw(counted.map(({ m }) => `select '${m}' as m, count(*)::int as n from "${this.schema}"."__migrations_${m}"`).join(' union all ')),
        )
      : [];
    const applied = new Map(counts.map((r) => [r.m, Number(r.n)]));
    return journals.flatMap(({ m, entries }) => entries.slice(applied.get(m) ?? 0).map((e) => `${m}/${e.tag}`));
  }

  /** read lanes open now (0 without them; for tests) */
  get readLanes(): number {
    return this.lanes?.size ?? 0;
  }

  /** read lanes retired so far after a failed read (see ReadLanes; for tests) */
  get readLanesRetired(): number {
    return this.lanes?.retired ?? 0;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.lanes?.close();
    if (this.pool) await this.pool.end({ timeout: 5 });
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
  }
}
