import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import type { Actor } from './actor.js';
import { DomainError, toDomainError, zodFieldErrors } from './errors.js';
import type { Store, Work } from './store.js';

/**
 * Bulk imports: NDJSON or CSV bodies read as a stream (never whole in memory), validated row by row, written in
 * batches, answered with a report of accepted and rejected rows (line, field, reason).
 *
 * Modes: default, each batch commits on its own (good rows are kept, bad rows reported); `allOrNothing`, one
 * transaction for the whole file that is rolled back if any row is rejected; `dryRun`, everything is checked,
 * including against the database, inside a transaction that is always rolled back.
 */

export type ImportFormat = 'csv' | 'ndjson';

export const IMPORT_CONTENT_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
};

export interface RowError {
  line: number;
  path?: string;
  message: string;
}

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
    errors: z.array(RowErrorSchema).describe('rejected rows, first 1,000'),
    errorsTruncated: z.boolean(),
  })
  .meta({ id: 'ImportReport' });
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const ImportQuery = z.object({
  dryRun: z.enum(["true", "false"]).optional().describe("validate everything, write nothing"),
  allOrNothing: z.enum(["true", "false"]).optional().describe("write nothing if any row is rejected"),
  async: z.enum(["true", "false"]).optional().describe("run as a background job; answers 202 with a job id"),
});

export type ParsedRow = { line: number; record: Record<string, unknown> } | { line: number; error: string };

/** Rows of a CSV (header line names the columns; empty cells are omitted) or NDJSON stream, with line numbers. */
export async function* parseRows(input: Readable, format: ImportFormat): AsyncGenerator<ParsedRow> {
  if (format === 'ndjson') {
    const rl = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    for await (const text of rl) {
      line++;
      if (!text.trim()) continue;
      try {
        const v = JSON.parse(text) as unknown;
        if (!v || typeof v !== 'object' || Array.isArray(v)) yield { line, error: 'each line must be a JSON object' };
        else yield { line, record: v as Record<string, unknown> };
      } catch {
        yield { line, error: 'not valid JSON' };
      }
    }
    return;
  }
  const parser = input.pipe(
    parseCsv({ columns: (h: string[]) => h.map((c) => c.trim()), bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }),
  );
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const record: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item.record)) if (v !== '' && v !== undefined) record[k] = v;
      yield { line: item.info.lines, record };
    }
  } catch (e) {
    const err = e as { code?: string; lines?: number; message: string };
    yield { line: err.lines ?? 0, error: `CSV cannot be read further: ${err.message}` };
  }
}

export interface ImportSpec<T> {
  /** validates and normalises one record (CSV values arrive as strings: use z.coerce where needed) */
  schema: z.ZodType<T>;
  /** rows per batch (one statement or a few per batch, never one per row) */
  batchSize?: number;
  /** key of a row, to reject duplicates of one key inside a file (the later row wins nothing: it is reported) */
  key?: (row: T) => string;
  /**
   * Writes one batch in the given unit of work. Returns counts and rows it refused (e.g. unknown reference);
   * refused rows must not have been written.
   */
  writeBatch(w: Work, rows: { line: number; value: T }[]): Promise<{ created: number; updated: number; unchanged?: number; errors?: RowError[] }>;
}

export interface ImportOptions {
  format: ImportFormat;
  dryRun?: boolean;
  allOrNothing?: boolean;
  /** called after every batch (progress bars, async job progress) */
  onProgress?: (p: { rowsRead: number; accepted: number; rejected: number }) => void | Promise<void>;
  maxErrors?: number;
}

class Rollback extends Error {}

/**
 * An empty report and the function that records one rejected row (one error per offending field), keeping
 * the first `maxErrors` errors. Shared by every import pipeline so reports look the same everywhere.
 */
export function newImportReport(dryRun: boolean, allOrNothing: boolean, maxErrors = 1000) {
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
  };
  const reject = (errors: RowError[]) => {
    report.rejected++;
    for (const e of errors) {
      if (report.errors.length < maxErrors) report.errors.push(e);
      else report.errorsTruncated = true;
    }
  };
  return { report, reject };
}

/** Errors a batch writer refused, grouped by line (one rejected row each). */
export function groupByLine(errors: RowError[]): Map<number, RowError[]> {
  const out = new Map<number, RowError[]>();
  for (const e of errors) out.set(e.line, [...(out.get(e.line) ?? []), e]);
  return out;
}

export async function runImport<T>(store: Store, actor: Actor, input: Readable, spec: ImportSpec<T>, opts: ImportOptions): Promise<ImportReport> {
  const batchSize = spec.batchSize ?? 1000;
  const dryRun = !!opts.dryRun;
  const allOrNothing = !!opts.allOrNothing;
  const { report, reject: rejectRow } = newImportReport(dryRun, allOrNothing, opts.maxErrors);
  const reject = (...errors: RowError[]) => rejectRow(errors);

  const seen = spec.key ? new Map<string, number>() : undefined;

  const writeBatch = async (w: Work, batch: { line: number; value: T }[]) => {
    if (!batch.length) return;
    const r = await spec.writeBatch(w, batch);
    const refused = groupByLine(r.errors ?? []);
    for (const errs of refused.values()) reject(...errs);
    report.accepted += batch.length - refused.size;
    report.created += r.created;
    report.updated += r.updated;
    report.unchanged += r.unchanged ?? 0;
  };

  /** reads the stream, validating, and hands batches to `flush` */
  const consume = async (flush: (batch: { line: number; value: T }[]) => Promise<void>) => {
    let batch: { line: number; value: T }[] = [];
    for await (const row of parseRows(input, opts.format)) {
      report.rowsRead++;
      if ('error' in row) {
        reject({ line: row.line, message: row.error });
        continue;
      }
      const parsed = spec.schema.safeParse(row.record);
      if (!parsed.success) {
        reject(...zodFieldErrors(parsed.error).map((fe) => ({ line: row.line, path: fe.path, message: fe.message })));
        continue;
      }
      if (seen && spec.key) {
        const k = spec.key(parsed.data);
        const first = seen.get(k);
        if (first !== undefined) {
          reject({ line: row.line, message: `duplicate of line ${first} in this file (key '${k}')` });
          continue;
        }
        seen.set(k, row.line);
      }
      batch.push({ line: row.line, value: parsed.data });
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
        await opts.onProgress?.({ rowsRead: report.rowsRead, accepted: report.accepted, rejected: report.rejected });
      }
    }
    await flush(batch);
    await opts.onProgress?.({ rowsRead: report.rowsRead, accepted: report.accepted, rejected: report.rejected });
  };

  if (dryRun || allOrNothing) {
    try {
      await store.write(actor, async (w) => {
        await consume((b) => writeBatch(w, b));
        if (dryRun || report.rejected > 0) throw new Rollback();
      });
      report.committed = true;
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
    if (!report.committed) {
      // nothing was written: say so in the counts a client reads
      report.created = report.updated = report.unchanged = 0;
      if (!dryRun) report.accepted = 0;
    }
  } else {
    await consume(async (b) => {
      try {
        await store.write(actor, (w) => writeBatch(w, b));
      } catch (e) {
        // a batch the database refuses (e.g. a constraint) is reported row by row; other batches go on
        const d = toDomainError(e);
        if (d.status >= 500) throw e;
        for (const row of b) reject({ line: row.line, message: `batch refused: ${d.message}` });
      }
    });
    report.committed = report.accepted > 0;
  }
  return report;
}

/** The request body of an import as a stream and its format (415 for anything but CSV or NDJSON). */
export function importBody(request: FastifyRequest): { stream: Readable; format: ImportFormat } {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
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

/**
 * What a module's import route calls: reads `dryRun` / `allOrNothing` from the query and the body as a stream,
 * runs the import and answers 200 with the report. Every import kind is also registered by name
 * (`registerImportKind`) so that asynchronous import jobs (`?async=true`, the integration module) and the CLI
 * can run the same spec without the route.
 */
/** Builds the spec of an import kind for an actor; `params` are the route's (e.g. the draft version to fill). */
export type ImportSpecFactory = (actor: Actor, params: Record<string, string>) => ImportSpec<any>;

const importKinds = new Map<string, ImportSpecFactory>();

export function registerImportKind(kind: string, factory: ImportSpecFactory): void {
  importKinds.set(kind, factory);
}

export function importKind(kind: string): ImportSpecFactory | undefined {
  return importKinds.get(kind);
}

export function importKindNames(): string[] {
  return [...importKinds.keys()].sort();
}

/** Hook the integration module sets to take `?async=true` imports as jobs; absent -> 400 for async requests. */
export type AsyncImportHandler = (args: { actor: Actor; kind: string; params: Record<string, string>; stream: Readable; format: ImportFormat; dryRun: boolean; allOrNothing: boolean }) => Promise<{ jobId: string }>;
let asyncHandler: AsyncImportHandler | undefined;
export function setAsyncImportHandler(h: AsyncImportHandler | undefined): void {
  asyncHandler = h;
}

export async function serveImport(store: Store, request: FastifyRequest, kind: string, params: Record<string, string> = {}): Promise<ImportReport | { jobId: string }> {
  const factory = importKinds.get(kind);
  if (!factory) throw new Error(`import kind '${kind}' is not registered`);
  const actor = request.actor!;
  const q = (request.query ?? {}) as Record<string, string | undefined>;
  const flag = (name: string) => {
    const v = q[name];
    if (v === undefined || v === 'false') return false;
    if (v === 'true') return true;
    throw new DomainError('VALIDATION_FAILED', `${name} must be true or false`, { errors: [{ path: `query.${name}`, message: 'must be true or false' }] });
  };
  const dryRun = flag('dryRun');
  const allOrNothing = flag('allOrNothing');
  const spec = factory(actor, params); // checks scopes (and the params' target) before the body is read
  const { stream, format } = importBody(request);
  if (flag('async')) {
    if (!asyncHandler) throw new DomainError('BAD_REQUEST', 'asynchronous imports are not available on this server');
    return asyncHandler({ actor, kind, params, stream, format, dryRun, allOrNothing });
  }
  return runImport(store, actor, stream, spec, { format, dryRun, allOrNothing });
}
