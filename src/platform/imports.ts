import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { validatorCompiler } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import { z } from 'zod';
import type { Actor } from './actor.js';
import { DomainError, fromDatabaseError, toDomainError, zodFieldErrors } from './errors.js';
import { importRows, type ImportFormat } from './import-rows.js';
import type { Store, Work } from './store.js';
import { zodValidatorCompiler } from './validate.js';

export { parseRows, fastCsvRows, type ImportFormat, type ParsedRow } from './import-rows.js';

/**
 * Bulk imports: NDJSON or CSV bodies read as a stream (never whole in memory), validated row by row, written in
 * batches, answered with a report of accepted and rejected rows (line, field, reason).
 *
 * Modes: default, each batch commits on its own (good rows are kept, bad rows reported); `allOrNothing`, one
 * transaction for the whole file that is rolled back if any row is rejected; `dryRun`, everything is checked,
 * including against the database, inside a transaction that is always rolled back.
 *
 * One engine for every import kind. A spec validates with a zod schema, or with its own `validate` (a fast
 * table-driven check for million-row fact files); a bulk spec (`stagedBatchWriter`) receives the validated rows,
 * COPYs them into a temporary staging table and writes them with one set-based statement per batch; `pipelined`
 * lets the database write batch n while the next batch is read and validated. A spec that stages its batches
 * (`stageBatch`) overlaps further on PostgreSQL: batch n+1 is staged in its own transaction, on a second
 * connection, while batch n is written; its write starts only once batch n has committed or been refused, so
 * batches are written in file order (at most two batches in the database and one being read: the rows in flight
 * are bounded by three batches). Work the batches defer (`deferred`, e.g. totals) runs between batches, or on
 * PostgreSQL in the background beside them once `deferred.early` says it is worth starting (a third connection).
 */

export const IMPORT_CONTENT_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
};

/** Rejected rows' errors a report lists by default (IMPORT_MAX_ERRORS). */
export const DEFAULT_IMPORT_MAX_ERRORS = 1000;

export interface RowError {
  line: number;
  path?: string;
  message: string;
}

/** Distinct reasons an import report counts (the rest are counted together): the report stays small. */
export const MAX_REASONS = 100;

export const RowErrorSchema = z.object({ line: z.number().int(), path: z.string().optional(), message: z.string() });

export const ImportReportSchema = z
  .object({
    dryRun: z.boolean(),
    allOrNothing: z.boolean(),
    committed: z.boolean().describe('whether anything was written (false for dry runs and failed all-or-nothing imports)'),
    rowsRead: z.number().int(),
    accepted: z.number().int(),
    rejected: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(RowErrorSchema).describe('errors of the rejected rows, the first IMPORT_MAX_ERRORS (default 1,000)'),
    errorsTruncated: z.boolean(),
    errorCounts: z
      .array(
        z.object({
          path: z.string().optional(),
          message: z.string().describe("the reason, with numbers replaced by N and values quoted in '' by …"),
          count: z.number().int(),
        }),
      )
      .describe(`every error of the import counted by field and reason, most frequent first (at most ${MAX_REASONS} reasons; the rest under "other reasons")`),
  })
  .meta({ id: 'ImportReport' });
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const ImportQuery = z.object({
  dryRun: z.enum(['true', 'false']).optional().describe('validate everything, write nothing'),
  allOrNothing: z.enum(['true', 'false']).optional().describe('write nothing if any row is rejected'),
  async: z.enum(['true', 'false']).optional().describe('run as a background job; answers 202 with a job id'),
});

/** One batch's outcome as a spec's writer reports it; refused rows must not have been written. */
export interface BatchResult {
  created: number;
  updated: number;
  unchanged?: number;
  errors?: RowError[];
}

export interface ImportSpec<T> {
  /** validates and normalises one record (CSV values arrive as strings: use z.coerce where needed) */
  schema?: z.ZodType<T>;
  /** instead of `schema`: a validator reading fields by name (no record object per row; for very large files) */
  validate?: (line: number, get: (name: string) => unknown) => { value: T } | { errors: RowError[] };
  /** read CSV with the fast reader (same rules as the generic one; a record spanning lines has its first line's number) */
  fastCsv?: boolean;
  /** rows per batch (one statement or a few per batch, never one per row) */
  batchSize?: number;
  /** key of a row, to reject duplicates of one key inside a file (the later row wins nothing: it is reported) */
  key?: (row: T) => string;
  /** the field the key is (names it in the duplicate's error); absent: the error names no field */
  keyPath?: string;
  /** duplicates are looked for in the whole file (default) or in each batch (an upsert by key takes later batches) */
  keyScope?: 'file' | 'batch';
  /** the database writes batch n while batch n+1 is read and validated (progress then counts the rows read ahead) */
  pipelined?: boolean;
  /**
   * Prepares a batch in its unit of work before `writeBatch` (e.g. COPY into a staging table); a pipelined spec with
   * it has, on PostgreSQL, batch n+1 prepared on a second connection while batch n is written (`writeBatch` of n+1
   * waits for batch n to commit or be refused). Must not write anything another batch could see.
   */
  stageBatch?(w: Work, rows: { line: number; value: T }[]): Promise<void>;
  /**
   * Rows that belong together (e.g. the lines of one order, by its external id): they must be consecutive in the
   * file and are never split between batches (a batch grows past `batchSize` to finish a group). A row of a group
   * that ended earlier in the file is rejected (naming `groupPath`).
   */
  group?: (row: T) => string;
  groupPath?: string;
  /**
   * Writes one batch in the given unit of work. Returns counts and rows it refused (e.g. unknown reference);
   * refused rows must not have been written.
   */
  writeBatch(w: Work, rows: { line: number; value: T }[]): Promise<BatchResult>;
  /**
   * Work the batches defer to do it once for many batches (e.g. totals applied per import, not per batch). `apply`
   * does it, in units of work it runs with `run` (each its own transaction; in dryRun / allOrNothing mode, the
   * import's one): at the start of the import (what an earlier, interrupted import left), between batches when
   * `due()` says so, and after the last batch, also when the import failed after batches committed (before the
   * error is thrown). It must be safe to run when there is nothing to do.
   */
  deferred?: {
    due(): boolean;
    /**
     * Work worth starting before it is due: on PostgreSQL (per-batch mode) the engine then runs `apply` in the
     * background, on a connection of its own, while the next batches are written (one such apply at a time; a batch
     * past `due()` waits for it, then applies again; the apply after the last batch waits for it too). `apply` must
     * then be safe beside the spec's own batches (e.g. other locks than theirs). Its failure is not the import's:
     * what it left is done by the next apply.
     */
    early?(): boolean;
    apply(run: RunWork): Promise<void>;
  };
  /** after an import that committed: audit and events of the import as a whole, in their own unit of work */
  onCommitted?(w: Work, report: ImportReport): void | Promise<void>;
}

/** Runs a function in a unit of work (a transaction of the import's actor). */
export type RunWork = <R>(fn: (w: Work) => Promise<R>) => Promise<R>;

export interface ImportOptions {
  format: ImportFormat;
  dryRun?: boolean;
  allOrNothing?: boolean;
  /** overrides the spec's batch size (the CLI's --batch-size) */
  batchSize?: number;
  /** called after every batch (progress bars, async job progress) */
  onProgress?: (p: { rowsRead: number; accepted: number; rejected: number }) => void | Promise<void>;
  maxErrors?: number;
  /**
   * told when a deferred apply started in the background fails (its rows stay pending: the next apply does them, at
   * the latest the one after the last batch, whose failure the import reports); for the server's log
   */
  onDeferredError?: (e: unknown) => void;
}

// ---------------------------------------------------------------------------------------------------------
// The bulk staging hook

/** A temporary staging table (dropped at commit): column name -> SQL type; every table gets `line int` first. */
export interface StagingTable<C extends string> {
  name: string;
  columns: Record<C, string>;
}

/** COPY text format value */
function copyVal(v: string | undefined): string {
  if (v === undefined || v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

/**
 * The COPY text of staged rows in pieces of about 64 KB, each made only when the COPY stream asks for more: the
 * batch's text is never one string (built by concatenation, a 20,000-row batch was ~360,000 cons strings, 11 MB,
 * that outlived a young-generation collection and stayed in the old generation as garbage until a full one).
 */
function* copyChunks<C extends string>(rows: { line: number; value: Partial<Record<C, string>> }[], cols: C[]): Generator<string> {
  let text = '';
  for (const r of rows) {
    text += r.line;
    for (const c of cols) text += '\t' + copyVal(r.value[c]);
    text += '\n';
    if (text.length >= 65_536) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/** staging tables a unit of work has filled (a second fill in the same transaction empties the table first) */
const staged = new WeakMap<Work, Set<string>>();

/**
 * Puts validated rows into the staging table, in the batch's transaction: COPY FROM STDIN on postgres.js, one
 * INSERT ... SELECT FROM json_to_recordset on PGlite. The table is a temporary table of the connection, created on
 * its first use and kept (`on commit delete rows`: empty at the start of every transaction), so an import does not
 * create and drop a table per batch; it is emptied first only when the same transaction staged rows before.
 */
export async function stageRows<C extends string>(w: Work, table: StagingTable<C>, rows: { line: number; value: Partial<Record<C, string>> }[]): Promise<void> {
  const cols = Object.keys(table.columns) as C[];
  const defs = cols.map((c) => `${c} ${table.columns[c]}`).join(', ');
  await w.tx.execute(sql.raw(`create temp table if not exists ${table.name} (line int not null, ${defs}) on commit delete rows`));
  let names = staged.get(w);
  if (!names) staged.set(w, (names = new Set()));
  if (names.has(table.name)) await w.tx.execute(sql.raw(`truncate ${table.name}`));
  names.add(table.name);
  if (!rows.length) return;
  const colList = `line, ${cols.join(', ')}`;
  // postgres.js: the transaction's own connection (drizzle keeps it as session.client) takes COPY
  const client = (w.tx as unknown as { session?: { client?: { unsafe?: (q: string) => { writable(): Promise<NodeJS.WritableStream> } } } }).session?.client;
  if (typeof client?.unsafe === 'function') {
    await pipeline(Readable.from(copyChunks(rows, cols)), await client.unsafe(`copy ${table.name} (${colList}) from stdin`).writable());
    return;
  }
  const json = JSON.stringify(rows.map((r) => ({ ...r.value, line: r.line })));
  const types = cols.map((c) => `${c} ${table.columns[c].replace(/\s+not\s+null\s*$/i, '')}`).join(', '); // a record type has no constraints
  await w.tx.execute(sql`insert into ${sql.raw(table.name)} (${sql.raw(colList)}) select ${sql.raw(colList)}
    from json_to_recordset(${json}::json) as x(${sql.raw(`line int, ${types}`)})`);
}

/**
 * The batch hooks of a bulk spec: `stageBatch` stages the raw validated rows (`stageRows`); `writeBatch` runs the
 * spec's one set-based statement over the staging table (`write`), optionally after `before` (e.g. an advisory
 * lock: taken after the staging, so a batch being staged never waits for another import's write).
 */
export function stagedBatchWriter<C extends string, T extends Partial<Record<C, string>>>(
  table: StagingTable<C>,
  write: (w: Work, rows: { line: number; value: T }[]) => Promise<BatchResult>,
  before?: (w: Work) => Promise<void>,
): Pick<ImportSpec<T>, 'stageBatch' | 'writeBatch'> {
  return {
    stageBatch: (w, rows) => stageRows(w, table, rows),
    writeBatch: async (w, rows) => {
      await before?.(w);
      return write(w, rows);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The engine

class Rollback extends Error {}

/**
 * A batch's turn never came: the batch before it failed for good (its error is `error`). Thrown in the waiting
 * batch's transaction in place of that error, which belongs to another connection: a connection error of the
 * earlier batch must not make this transaction take its own (healthy) connection for lost, which it would then
 * neither roll back nor release (see safeBegin in db.ts): the pool would lose it, idle in transaction.
 */
class TurnFailed extends Error {
  constructor(readonly error: unknown) {
    super('the batch before this one failed');
  }
}

/** The reason of an error without the values it quotes (so that counts by reason stay few). */
function reasonOf(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 200);
}

/**
 * An empty report and the function that records one rejected row (one error per offending field), keeping
 * the first `maxErrors` errors and a count per reason (at most MAX_REASONS distinct reasons): nothing else is
 * kept per rejected row, so memory stays flat however many rows are rejected.
 */
export function newImportReport(dryRun: boolean, allOrNothing: boolean, maxErrors = DEFAULT_IMPORT_MAX_ERRORS) {
  const counts = new Map<string, { path?: string; message: string; count: number }>();
  const count = (e: RowError) => {
    const message = reasonOf(e.message);
    let key = `${e.path ?? ''}\u0000${message}`;
    let c = counts.get(key);
    if (!c && counts.size >= MAX_REASONS) {
      key = 'other';
      c = counts.get(key);
      if (!c) counts.set(key, (c = { message: 'other reasons', count: 0 }));
    }
    if (!c) counts.set(key, (c = { ...(e.path ? { path: e.path } : {}), message, count: 0 }));
    c.count++;
  };
  const report: ImportReport = {
    dryRun,
    allOrNothing,
    committed: false,
    rowsRead: 0,
    accepted: 0,
    rejected: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: [],
    errorsTruncated: false,
    errorCounts: [],
  };
  const reject = (errors: RowError[]) => {
    report.rejected++;
    for (const e of errors) {
      count(e);
      if (report.errors.length < maxErrors) report.errors.push(e);
      else report.errorsTruncated = true;
    }
  };
  /** fills `errorCounts` and sorts the errors by line (call once the import is over) */
  const finish = () => {
    // rows refused by a batch writer come after later rows' validation errors: the report lists them by line
    // (a stable sort: one row's errors keep their order)
    report.errors.sort((a, b) => a.line - b.line);
    report.errorCounts = [...counts.values()].sort((a, b) => b.count - a.count);
    return report;
  };
  return { report, reject, finish };
}

/** Errors a batch writer refused, grouped by line (one rejected row each). */
export function groupByLine(errors: RowError[]): Map<number, RowError[]> {
  const out = new Map<number, RowError[]>();
  for (const e of errors) out.set(e.line, [...(out.get(e.line) ?? []), e]);
  return out;
}

export async function runImport<T>(store: Store, actor: Actor, input: Readable, spec: ImportSpec<T>, opts: ImportOptions): Promise<ImportReport> {
  const batchSize = opts.batchSize ?? spec.batchSize ?? 1000;
  const dryRun = !!opts.dryRun;
  const allOrNothing = !!opts.allOrNothing;
  const { report, reject: rejectRow, finish } = newImportReport(dryRun, allOrNothing, opts.maxErrors ?? store.importMaxErrors);
  const reject = (...errors: RowError[]) => rejectRow(errors);
  const { schema } = spec;
  if (!spec.validate && !schema) throw new Error('an import spec needs a schema or a validate function');
  const validate = (row: { line: number; get: (name: string) => unknown; record: () => Record<string, unknown> }): { value: T } | { errors: RowError[] } => {
    if (spec.validate) return spec.validate(row.line, row.get);
    const parsed = schema!.safeParse(row.record());
    if (parsed.success) return { value: parsed.data };
    return { errors: zodFieldErrors(parsed.error).map((fe) => ({ line: row.line, path: fe.path, message: fe.message })) };
  };

  /**
   * What the import has committed (per-batch mode: the batches whose transaction committed, in file order), for the
   * problem of an import that fails part way (`committed`, the shape of an async import job's).
   */
  const committed = { throughLine: 0, accepted: 0, created: 0, updated: 0, unchanged: 0 };
  /** the error a failed import throws: a known one (DomainError, database errors) says what was committed before it */
  const failure = (e: unknown): unknown => {
    const d = e instanceof DomainError ? e : fromDatabaseError(e);
    // anything else goes on as it is: an unexpected error (logged, a 500) or a caller's own (e.g. a job's lost lease)
    if (!d) return e;
    return new DomainError(d.code, d.message, { ...(d.errors ? { errors: d.errors } : {}), extra: { ...d.extra, committed: { ...committed } } });
  };

  /**
   * writes one batch: staged first (spec.stageBatch), then, once `turn` says the batches before it are done, written;
   * answers what it added to the report
   */
  const writeBatch = async (w: Work, batch: { line: number; value: T }[], turn?: Promise<unknown>) => {
    if (!batch.length) return undefined;
    await spec.stageBatch?.(w, batch);
    await turn?.catch((e: unknown) => {
      throw new TurnFailed(e);
    });
    const r = await spec.writeBatch(w, batch);
    const refused = groupByLine(r.errors ?? []);
    for (const errs of refused.values()) reject(...errs);
    const counts = { accepted: batch.length - refused.size, created: r.created, updated: r.updated, unchanged: r.unchanged ?? 0 };
    report.accepted += counts.accepted;
    report.created += counts.created;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    return counts;
  };
  const progress = () => opts.onProgress?.({ rowsRead: report.rowsRead, accepted: report.accepted, rejected: report.rejected });

  /**
   * reads the stream, validating, and hands batches to `flush` (pipelined: batches in flight while the next is read,
   * at most `depth`; `turn` is the previous batch's promise: settled when it is written or refused)
   */
  const consume = async (flush: (batch: { line: number; value: T }[], turn?: Promise<unknown>) => Promise<void>, depth = 1) => {
    let batch: { line: number; value: T }[] = [];
    let seen = spec.key ? new Map<string, number>() : undefined;
    let inFlight: Promise<void> | undefined;
    const queued: Promise<void>[] = [];
    // groups (spec.group): the current one and those that ended (key -> its last line)
    let group: string | undefined;
    let lastLine = 0;
    const closed = new Map<string, number>();
    for await (const row of importRows(input, opts.format, spec.fastCsv)) {
      report.rowsRead++;
      if ('error' in row) {
        reject({ line: row.line, message: row.error });
        continue;
      }
      const v = validate(row);
      if ('errors' in v) {
        reject(...v.errors);
        continue;
      }
      if (seen && spec.key) {
        const k = spec.key(v.value);
        const first = seen.get(k);
        if (first !== undefined) {
          const label = spec.keyPath ?? 'key';
          reject({ line: row.line, ...(spec.keyPath ? { path: spec.keyPath } : {}), message: `duplicate of line ${first} in this file (${label} '${k}')` });
          continue;
        }
        seen.set(k, row.line);
      }
      if (spec.group) {
        const g = spec.group(v.value);
        if (g !== group) {
          const ended = closed.get(g);
          if (ended !== undefined) {
            reject({
              line: row.line,
              ...(spec.groupPath ? { path: spec.groupPath } : {}),
              message: `the rows of '${g}' must be consecutive: they ended at line ${ended}`,
            });
            continue;
          }
          if (group !== undefined) closed.set(group, lastLine);
          group = g;
          // a full batch is written only where a group ends
          if (batch.length >= batchSize) {
            await flush(batch);
            await progress();
            batch = [];
          }
        }
        lastLine = row.line;
        batch.push({ line: row.line, value: v.value });
        continue;
      }
      batch.push({ line: row.line, value: v.value });
      if (batch.length >= batchSize) {
        if (spec.pipelined) {
          // at most `depth` batches in the database: wait for the oldest (its failure ends the import here)
          if (queued.length >= depth) await queued.shift();
          await progress();
          inFlight = flush(batch, inFlight);
          inFlight.catch(() => {}); // awaited below; no unhandled rejection while reading goes on
          queued.push(inFlight);
        } else {
          await flush(batch);
          await progress();
        }
        batch = [];
        if (spec.keyScope === 'batch') seen = new Map();
      }
    }
    await flush(batch, inFlight);
    await progress();
  };
  /** consume, and whatever happens, no batch still in the database when it returns (after a failure they roll back) */
  const consumeAll: typeof consume = async (flush, depth) => {
    const flushes: Promise<void>[] = [];
    try {
      await consume((b, turn) => {
        const p = flush(b, turn);
        flushes.push(p);
        return p;
      }, depth);
    } finally {
      await Promise.allSettled(flushes);
    }
  };

  if (dryRun || allOrNothing) {
    try {
      await store.write(actor, async (w) => {
        const inThis: RunWork = (fn) => fn(w);
        await spec.deferred?.apply(inThis);
        await consumeAll(async (b) => {
          await writeBatch(w, b);
        });
        await spec.deferred?.apply(inThis);
        if (dryRun || report.rejected > 0) throw new Rollback();
      });
      report.committed = true;
    } catch (e) {
      if (!(e instanceof Rollback)) throw failure(e); // nothing committed
    }
    if (!report.committed) {
      // nothing was written: say so in the counts a client reads
      report.created = report.updated = report.unchanged = 0;
      if (!dryRun) report.accepted = 0;
    }
  } else {
    // a staged spec on PostgreSQL: batch n+1 staged on a second connection while batch n is written
    const depth = spec.pipelined && spec.stageBatch && store.database.kind === 'postgres' ? 2 : 1;
    const { deferred } = spec;
    const run: RunWork = (fn) => store.write(actor, fn);
    await deferred?.apply(run);
    // an apply started early (deferred.early, PostgreSQL), running beside the batches; never rejects (its failure goes
    // to onDeferredError). One at a time: the next may start once it is done, and nothing starts while a batch or the
    // import's end waits for it
    const background = store.database.kind === 'postgres';
    let behind: Promise<void> | undefined;
    let failed = false;
    try {
      await consumeAll(async (b, turn) => {
        try {
          await store.write(actor, async (w) => {
            const counts = await writeBatch(w, b, turn);
            w.afterCommit(() => {
              if (!counts) return;
              committed.throughLine = Math.max(committed.throughLine, b[b.length - 1]!.line);
              committed.accepted += counts.accepted;
              committed.created += counts.created;
              committed.updated += counts.updated;
              committed.unchanged += counts.unchanged;
            });
          });
        } catch (thrown) {
          // a batch the database refuses (e.g. a constraint) is reported row by row; other batches go on (a batch
          // before it that failed for good fails this one too: `turn` rejects with its error)
          const e = thrown instanceof TurnFailed ? thrown.error : thrown;
          const d = toDomainError(e);
          if (d.status >= 500) throw e;
          for (const row of b) reject({ line: row.line, message: `batch refused: ${d.message}` });
        }
        // deferred work due: done before the next batch is written (that batch's `turn` is this promise)
        if (deferred?.due()) {
          await behind;
          await deferred.apply(run);
        } else if (background && !behind && deferred?.early?.()) {
          // worth starting: in the background, the next batches go on
          behind = deferred
            .apply(run)
            // left pending: the next apply does it (at the latest the one after the last batch); a listener that throws
            // does not make it reject
            .catch((e: unknown) => {
              try {
                opts.onDeferredError?.(e);
              } catch {
                /* the listener's own failure: nothing to add */
              }
            })
            .finally(() => {
              behind = undefined;
            });
        }
      }, depth);
    } catch (e) {
      failed = true;
      throw failure(e);
    } finally {
      // the committed batches' deferred work, even when a later batch failed; its own failure after the import's
      // error does not hide that error (the spec's recovery takes the work up later)
      await behind;
      if (deferred)
        await deferred.apply(run).catch((e: unknown) => {
          if (!failed) throw failure(e);
        });
    }
    report.committed = report.accepted > 0;
  }
  finish();
  store.importFinished({ accepted: report.accepted, rejected: report.rejected, dryRun });
  const { onCommitted } = spec;
  if (report.committed && onCommitted) {
    await store.write(actor, async (w) => {
      await onCommitted(w, report);
    });
  }
  return report;
}

/** The request body of an import as a stream and its format (415 for anything but CSV or NDJSON). */
export function importBody(request: FastifyRequest): { stream: Readable; format: ImportFormat } {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const format = IMPORT_CONTENT_TYPES[type];
  const body = request.body as unknown;
  if (!format || !(body instanceof Readable)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the rows as text/csv (header line first) or application/x-ndjson (one JSON object per line)');
  }
  return { stream: body, format };
}

/** Registers CSV and NDJSON bodies as raw streams (imports read them row by row). */
async function importParsers(app: FastifyInstance) {
  app.addContentTypeParser(Object.keys(IMPORT_CONTENT_TYPES), { bodyLimit: 2 * 1024 * 1024 * 1024 }, (_request, payload, done) => done(null, payload));
}

export default fp(importParsers, { name: 'import-parsers' });

/** Validator of import routes: the query (`ImportQuery`) as every route; the streamed body is only documented. */
export const importRouteValidator: typeof validatorCompiler = (route) =>
  route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : zodValidatorCompiler(route);

// ---------------------------------------------------------------------------------------------------------
// Import kinds, per app instance

/** Builds the spec of an import kind for an actor; `params` are the route's (e.g. the draft version to fill). */
export type ImportSpecFactory = (actor: Actor, params: Record<string, string>) => ImportSpec<any>;

/** Hook the integration module sets to take `?async=true` imports as jobs; absent -> 400 for async requests. */
export type AsyncImportHandler = (args: {
  actor: Actor;
  kind: string;
  params: Record<string, string>;
  stream: Readable;
  format: ImportFormat;
  dryRun: boolean;
  allOrNothing: boolean;
}) => Promise<{ jobId: string }>;

/**
 * The import kinds of one app instance (one Store): every kind is registered by name so that the module's route,
 * asynchronous import jobs (`?async=true`, the integration module) and the CLI run the same spec.
 */
export class ImportRegistry {
  private readonly kinds = new Map<string, ImportSpecFactory>();
  /** set by the integration module when it takes asynchronous imports */
  asyncHandler: AsyncImportHandler | undefined;

  register(kind: string, factory: ImportSpecFactory): void {
    this.kinds.set(kind, factory);
  }

  get(kind: string): ImportSpecFactory | undefined {
    return this.kinds.get(kind);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}

const registries = new WeakMap<Store, ImportRegistry>();

/** The import registry of an app instance (created with its Store on first use; never shared between stores). */
export function importsOf(store: Store): ImportRegistry {
  let r = registries.get(store);
  if (!r) registries.set(store, (r = new ImportRegistry()));
  return r;
}

const FLAGS = ['dryRun', 'allOrNothing', 'async'] as const;

/** The import flags of a query: true/false only; anything else is a 400 naming `querystring.<flag>` (as route validation does). */
export function importFlags(query: unknown): Record<(typeof FLAGS)[number], boolean> {
  const q = (query ?? {}) as Record<string, unknown>;
  const out = {} as Record<(typeof FLAGS)[number], boolean>;
  for (const name of FLAGS) {
    const v = q[name];
    if (v !== undefined && v !== 'true' && v !== 'false') {
      throw new DomainError('VALIDATION_FAILED', `${name} must be true or false`, {
        errors: [{ path: `querystring.${name}`, message: 'must be true or false' }],
      });
    }
    out[name] = v === 'true';
  }
  return out;
}

/**
 * What a module's import route calls: reads `dryRun` / `allOrNothing` / `async` from the query and the body as a
 * stream, runs the import and answers with the report (or hands it to the async handler: a job id).
 */
export async function serveImport(
  store: Store,
  request: FastifyRequest,
  kind: string,
  params: Record<string, string> = {},
): Promise<ImportReport | { jobId: string }> {
  const registry = importsOf(store);
  const factory = registry.get(kind);
  if (!factory) throw new Error(`import kind '${kind}' is not registered`);
  const actor = request.actor!;
  const flags = importFlags(request.query);
  const spec = factory(actor, params); // checks scopes (and the params' target) before the body is read
  const { stream, format } = importBody(request);
  if (flags.async) {
    if (!registry.asyncHandler) throw new DomainError('BAD_REQUEST', 'asynchronous imports are not available on this server');
    return registry.asyncHandler({ actor, kind, params, stream, format, dryRun: flags.dryRun, allOrNothing: flags.allOrNothing });
  }
  return runImport(store, actor, stream, spec, {
    format,
    dryRun: flags.dryRun,
    allOrNothing: flags.allOrNothing,
    onDeferredError: (e) => request.log.warn({ err: e, kind }, 'import: a background apply of deferred work failed (its rows stay pending)'),
  });
}
