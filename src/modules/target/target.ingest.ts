/**
 * Actuals ingestion: four fact streams (sell-in, sell-through, inventory snapshots, collections) upserted by the
 * source's external id, as import kinds of the platform import engine (`runImport`).
 *
 * Per batch: rows are read from the streamed CSV/NDJSON body (fast CSV reader) and validated in Node with a small
 * table-driven validator (fast, names line and field); the engine's bulk staging hook puts the valid rows into a
 * temporary staging table (COPY FROM STDIN on postgres.js, json_to_recordset on PGlite) and ONE statement then
 * joins codes to ids, reports rows with unknown codes, marks cross-region sell-through set-based against the
 * partners' territory rights, upserts the facts with ON CONFLICT (tenant_id, external_id) DO UPDATE ... WHERE
 * something changed, and appends the (new - old) deltas to actual_pending_deltas, all in the batch's transaction.
 *
 * The totals (per-partner monthly and quarterly, per product line and territory of the sale, per rep, per group:
 * target.groups.ts, and first-seen customers) are applied once per import, not per batch (`ImportSpec.deferred`:
 * `applyAllPending` at the import's start, in the background past EARLY_APPLY rows while the next batches are
 * written, before the next batch past PENDING_BOUND, and at its end, in slices of about APPLY_SLICE rows by block
 * range, each under the stream's totals lock, which batches do not take: `lockStream`). LAG: during an import the totals trail its committed facts
 * until it applies them; deltas a crashed import committed are applied by the next import of the stream or by the
 * `totals-pending` sweep (ActualsService.applyPendingTotals). Facts recorded by other modules (recordSellInFacts,
 * recordCollectionFacts) update the totals in their own statement at once.
 */
import { sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Actor, isCalendarDate, requireScope, rowsOf, visiblePartnerIds } from '../../platform/kernel/index.js';
import { stagedBatchWriter, stageRows, type ImportRegistry, type ImportSpec, type RowError, type RunWork, type StagingTable } from '../../platform/imports.js';
import type { Db } from '../../platform/db.js';
import type { Store, Work } from '../../platform/store.js';
import { onboardingSql } from '../onboarding/contract.js';
import { organisationSql } from '../organisation/contract.js';
import type { PriceFloorSource } from './contract.js';
import { groupTotalsCtes, type TotalsStream } from './target.groups.js';

export const STREAMS = ['sell-in', 'sell-through', 'inventory', 'collections'] as const;
export type StreamName = (typeof STREAMS)[number];
/** the streams with totals (inventory snapshots have none) */
export const STREAMS_WITH_TOTALS = ['sell-in', 'sell-through', 'collections'] as const satisfies readonly StreamName[];

/** import kind names registered for async jobs and the CLI */
export const IMPORT_KINDS: Record<StreamName, string> = {
  'sell-in': 'target.sell_in',
  'sell-through': 'target.sell_through',
  inventory: 'target.inventory',
  collections: 'target.collections',
};

type FieldType = 'id' | 'code' | 'date' | 'decimal' | 'nonneg' | 'text';
type StageCol = 'external_id' | 'partner_code' | 'product_code' | 'territory_code' | 'd' | 'quantity' | 'amount' | 'customer_id' | 'invoice_ref' | 'rep_code';
interface FieldDef {
  /** name in the file */
  name: string;
  col: StageCol;
  type: FieldType;
  required: boolean;
}

const F = (name: string, col: StageCol, type: FieldType, required = true): FieldDef => ({ name, col, type, required });

export const STREAM_FIELDS: Record<StreamName, FieldDef[]> = {
  'sell-in': [
    F('externalId', 'external_id', 'id'),
    F('date', 'd', 'date'),
    F('partnerCode', 'partner_code', 'code'),
    F('productCode', 'product_code', 'code'),
    F('quantity', 'quantity', 'decimal'),
    F('amount', 'amount', 'decimal'),
  ],
  'sell-through': [
    F('externalId', 'external_id', 'id'),
    F('date', 'd', 'date'),
    F('partnerCode', 'partner_code', 'code'),
    F('productCode', 'product_code', 'code'),
    F('quantity', 'quantity', 'decimal'),
    F('amount', 'amount', 'decimal'),
    F('customerId', 'customer_id', 'text', false),
    F('territoryCode', 'territory_code', 'code'),
    // the direct channel's sales rep the sale is attributed to (a staff code with post sales_rep; issue 17)
    F('repCode', 'rep_code', 'code', false),
  ],
  inventory: [
    F('externalId', 'external_id', 'id'),
    F('date', 'd', 'date'),
    F('partnerCode', 'partner_code', 'code'),
    F('productCode', 'product_code', 'code'),
    F('quantityOnHand', 'quantity', 'nonneg'),
  ],
  collections: [
    F('externalId', 'external_id', 'id'),
    F('date', 'd', 'date'),
    F('partnerCode', 'partner_code', 'code'),
    F('amount', 'amount', 'decimal'),
    F('invoiceRef', 'invoice_ref', 'text', false),
  ],
};

export type StageRow = { line: number } & Partial<Record<StageCol, string>>;

const DEC = /^-?\d{1,14}(\.\d{1,4})?$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$/;

const dateCache = new Map<string, boolean>();
function validDate(s: string): boolean {
  const hit = dateCache.get(s);
  if (hit !== undefined) return hit;
  const ok = checkDate(s);
  if (dateCache.size < 50_000) dateCache.set(s, ok);
  return ok;
}

function checkDate(s: string): boolean {
  return isCalendarDate(s) && s >= '1900-01-01';
}

/** Validates one record's fields; returns the staging row or the field errors. */
function validateFields(fields: FieldDef[], line: number, get: (name: string) => unknown): { row: StageRow } | { errors: RowError[] } {
  const row: StageRow = { line };
  let errors: RowError[] | undefined;
  for (const f of fields) {
    const raw = get(f.name);
    if (raw === undefined || raw === null || raw === '') {
      if (f.required) (errors ??= []).push({ line, path: f.name, message: 'is required' });
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      (errors ??= []).push({ line, path: f.name, message: 'must be a string or number' });
      continue;
    }
    const v = typeof raw === 'string' ? raw.trim() : String(raw);
    let bad: string | undefined;
    switch (f.type) {
      case 'id':
        if (!v || v.length > 100) bad = 'must be 1-100 characters';
        break;
      case 'code':
        if (!CODE.test(v)) bad = 'must be a code (letters, digits and . _ - /, at most 64)';
        break;
      case 'date':
        if (!validDate(v)) bad = 'must be a date YYYY-MM-DD';
        break;
      case 'decimal':
        if (!DEC.test(v)) bad = 'must be a decimal number with at most 14 digits before and 4 after the point';
        break;
      case 'nonneg':
        if (!DEC.test(v) || v.startsWith('-')) bad = 'must be a decimal number, zero or more, with at most 4 decimals';
        break;
      case 'text':
        if (v.length > 200) bad = 'must be at most 200 characters';
        break;
    }
    if (bad) (errors ??= []).push({ line, path: f.name, message: bad });
    else row[f.col] = v;
  }
  return errors ? { errors } : { row };
}

// ---------------------------------------------------------------------------------------------------------
// SQL

/** The facts' staging table (exported for bench/ingest/explain.ts, which stages a batch the same way). */
export const FACT_STAGE: StagingTable<StageCol> = {
  name: '_fact_stage',
  columns: {
    external_id: 'text not null',
    partner_code: 'text',
    product_code: 'text',
    territory_code: 'text',
    d: 'date',
    quantity: 'numeric(18,4)',
    amount: 'numeric(18,4)',
    customer_id: 'text',
    invoice_ref: 'text',
    rep_code: 'text',
  },
};

/**
 * The price verdicts of a batch's staged sell-through lines (`stagePriceVerdicts`): per staged line with a minimum
 * resale price in force, the floor and whether the line's unit price is below it; the upsert writes them with the
 * line (a line without a row here: no floor, not a violation).
 */
export const PRICE_STAGE: StagingTable<'floor' | 'pv'> = {
  name: '_price_stage',
  columns: { floor: 'numeric(18,4) not null', pv: 'boolean not null' },
};

/** Rows of the upsert statement's result: refused lines, then one row of counts (line null). */
interface UpsertResult {
  line: number | null;
  partner_code: string | null;
  product_code: string | null;
  territory_code: string | null;
  rep_code?: string | null;
  bad_rep?: boolean | null;
  bad_partner: boolean | null;
  foreign_partner: boolean | null;
  bad_product: boolean | null;
  bad_territory: boolean | null;
  foreign_row: boolean | null;
  created: number | null;
  updated: number | null;
}

/**
 * The one statement per batch. `src` resolves codes (left joins, so refused rows are reported), `old` reads the
 * current version of the rows about to change (the same snapshot the upsert starts from), `up` upserts, and the
 * monthly totals get (new - old) per partner and month.
 */
export function upsertStatement(
  stream: StreamName,
  tenantId: string,
  partnersOnly: readonly string[] | null,
  withReps = false,
  /** an import's id: the deltas go to actual_pending_deltas (applied by `applyPendingTotals`) instead of the totals */
  deferTo?: string,
  /** sell-through: the batch's price verdicts are staged (PRICE_STAGE): the lines are written with their floor and mark */
  withPrices = false,
): SQL {
  // a partner credential uploads for its own partner (and its descendants for a subtree credential)
  const partnerOnly = partnersOnly ? `{${partnersOnly.join(',')}}` : null;
  const hasProduct = stream !== 'collections';
  const hasTerritory = stream === 'sell-through';
  // sell-through lines may name a sales rep (issue 17); the rep join is left out of batches that name none
  const hasRep = hasTerritory;
  const joinRep = hasRep && withReps;
  const prices = hasTerritory && withPrices;
  const t = tenantId;
  const factTable = sql.raw(
    { 'sell-in': 'sell_in_lines', 'sell-through': 'sell_through_lines', inventory: 'inventory_snapshots', collections: 'collections' }[stream],
  );
  const src = sql`src as materialized (
    select s.*, p.id as partner_id,
      ${hasProduct ? sql`pr.id as product_id, pr.line_id as product_line_id,` : sql``}
      ${hasTerritory ? sql`tr.id as territory_id,` : sql``}
      ${hasRep ? (joinRep ? sql`rs.id as rep_id, (s.rep_code is not null and rs.id is null) as bad_rep,` : sql`null::uuid as rep_id, false as bad_rep,`) : sql``}
      ${prices ? sql`coalesce(ps.pv, false) as pv, ps.floor,` : sql``}
      (p.id is null) as bad_partner,
      (p.id is not null and ${partnerOnly}::uuid[] is not null and p.id <> all(${partnerOnly}::uuid[])) as foreign_partner,
      ${hasProduct ? sql`(pr.id is null)` : sql`false`} as bad_product,
      ${hasTerritory ? sql`(tr.id is null)` : sql`false`} as bad_territory,
      ${partnerOnly ? sql`exists (select 1 from ${factTable} o where o.tenant_id = ${t} and o.external_id = s.external_id and o.partner_id <> all(${partnerOnly}::uuid[]))` : sql`false`} as foreign_row
    from _fact_stage s
    left join ${onboardingSql.partners(t)} p on p.code = s.partner_code
    ${hasProduct ? sql`left join ${onboardingSql.products(t)} pr on pr.code = s.product_code` : sql``}
    ${hasTerritory ? sql`left join ${onboardingSql.territories(t)} tr on tr.code = s.territory_code` : sql``}
    ${joinRep ? sql`left join ${organisationSql.reps(t)} rs on rs.code = s.rep_code` : sql``}
    ${prices ? sql.raw(`left join ${PRICE_STAGE.name} ps on ps.line = s.line`) : sql``}
  ), ok as (
    select * from src where not (bad_partner or foreign_partner or bad_product or bad_territory or foreign_row${hasRep ? sql` or bad_rep` : sql``})
  )`;

  let table: string;
  let cols: string[];
  let values: SQL;
  let totals: { stream: string; amount: string; quantity: string } | null;
  switch (stream) {
    case 'sell-in':
      table = 'sell_in_lines';
      cols = ['partner_id', 'product_id', 'product_line_id', 'date', 'quantity', 'amount'];
      values = sql`partner_id, product_id, product_line_id, d, quantity, amount`;
      totals = { stream: 'sell_in', amount: 'amount', quantity: 'quantity' };
      break;
    case 'sell-through':
      table = 'sell_through_lines';
      cols = ['partner_id', 'product_id', 'product_line_id', 'territory_id', 'customer_id', 'rep_id', 'date', 'quantity', 'amount', 'cross_region'];
      if (prices) cols.push('price_violation', 'min_resale_price');
      values = sql`partner_id, product_id, product_line_id, territory_id, customer_id, rep_id, d, quantity, amount,
        not exists (
          select 1 from ${onboardingSql.territoryRights(t)} r
          where r.partner_id = ok.partner_id and r.territory_id = ok.territory_id
            and (r.product_line_id is null or r.product_line_id is not distinct from ok.product_line_id)
            and (r.product_id is null or r.product_id = ok.product_id)
            and (r.valid_from is null or r.valid_from <= ok.d)
            and (r.valid_to is null or r.valid_to >= ok.d))${prices ? sql`, pv, floor` : sql``}`;
      totals = { stream: 'sell_through', amount: 'amount', quantity: 'quantity' };
      break;
    case 'inventory':
      table = 'inventory_snapshots';
      cols = ['partner_id', 'product_id', 'product_line_id', 'date', 'quantity_on_hand'];
      values = sql`partner_id, product_id, product_line_id, d, quantity`;
      totals = null;
      break;
    case 'collections':
      table = 'collections';
      cols = ['partner_id', 'date', 'amount', 'invoice_ref'];
      values = sql`partner_id, d, amount, invoice_ref`;
      totals = { stream: 'collection', amount: 'amount', quantity: '0' };
      break;
  }
  const colList = sql.raw(cols.join(', '));
  const set = sql.raw(cols.map((c) => `${c} = excluded.${c}`).join(', '));
  const changed = sql.raw(`(${cols.map((c) => `f.${c}`).join(', ')}) is distinct from (${cols.map((c) => `excluded.${c}`).join(', ')})`);
  const tbl = sql.raw(table);
  // the dimensions of the per-line totals: product line (sell-in, sell-through) and territory of the sale (sell-through)
  const dims = `${hasProduct ? 'f.product_line_id' : 'null::uuid as product_line_id'}, ${hasTerritory ? 'f.territory_id' : 'null::uuid as territory_id'}${hasRep ? ', f.rep_id' : ''}`;
  const ret = totals ? sql.raw(`, f.partner_id, f.date, f.amount, ${totals.quantity === '0' ? '0::numeric' : 'f.quantity'} as quantity, ${dims}`) : sql``;
  const deltaCtes = totals
    ? sql`, old as (
        select f.external_id, f.partner_id, f.date, f.amount, ${sql.raw(totals.quantity === '0' ? '0::numeric' : 'f.quantity')} as quantity, ${sql.raw(dims)}
        from ${tbl} f join ok on f.tenant_id = ${t} and f.external_id = ok.external_id
      ), delta as (
        select partner_id, date, amount, quantity, 1 as n, product_line_id, territory_id${sql.raw(hasRep ? ', rep_id, customer_id' : '')} from up
        union all
        select o.partner_id, o.date, -o.amount, -o.quantity, -1, o.product_line_id, o.territory_id${sql.raw(hasRep ? ', o.rep_id, null' : '')}
        from old o join up on up.external_id = o.external_id and not up.inserted
      )${
        deferTo
          ? sql`, pend as (
        insert into actual_pending_deltas (tenant_id, stream, import_id, partner_id, date, product_line_id, territory_id, rep_id, customer_id, amount, quantity, n)
        select ${t}, ${totals.stream}, ${deferTo}, partner_id, date, product_line_id, territory_id,
          ${sql.raw(hasRep ? 'rep_id, customer_id' : 'null::uuid, null::text')}, amount, quantity, n
        from delta
      )`
          : totalsCtes(t, totals.stream as TotalsStream)
      }`
    : sql``;
  const upRet = stream === 'sell-through' ? sql`${ret}, f.customer_id` : ret;
  return sql`with ${src}, up as (
      insert into ${tbl} as f (tenant_id, external_id, ${colList}, updated_at)
      select ${t}, external_id, ${values}, now() from ok
      on conflict (tenant_id, external_id) do update set ${set}, updated_at = now()
      where ${changed}${partnerOnly ? sql` and f.partner_id = any(${partnerOnly}::uuid[])` : sql``}
      returning f.external_id, (f.xmax = 0) as inserted${upRet}
    )${deltaCtes}
    select line, partner_code, product_code, territory_code, bad_partner, foreign_partner, bad_product, bad_territory, foreign_row,
      ${hasRep ? sql`rep_code, bad_rep,` : sql``} null::int as created, null::int as updated
    from src where bad_partner or foreign_partner or bad_product or bad_territory or foreign_row${hasRep ? sql` or bad_rep` : sql``}
    union all
    select null, null, null, null, null, null, null, null, null, ${hasRep ? sql`null, null,` : sql``}
      (select count(*) from up where inserted)::int, (select count(*) from up where not inserted)::int`;
}

/**
 * CTEs that add the rows of a `delta` CTE (partner_id, date, amount, quantity, n, product_line_id, territory_id,
 * and for sell-through rep_id and customer_id: new versions n = 1, replaced versions n = -1 and their amounts
 * negated) to every totals table of the stream: the per-partner monthly totals per product line and sale territory,
 * the per-partner monthly and quarterly totals, the per-rep monthly totals (sell-through), the group totals
 * (target.groups.ts) and the first-seen customers (sell-through, from the new versions).
 */
function totalsCtes(t: string, stream: TotalsStream): SQL {
  const sellThrough = stream === 'sell_through';
  return sql`, dim_tot as (
        insert into actual_monthly_dim_totals as m (tenant_id, stream, partner_id, month, product_line_id, territory_id, amount, quantity, lines)
        select ${t}, ${stream}, partner_id, date_trunc('month', date)::date, product_line_id, territory_id, sum(amount), sum(quantity), sum(n)::int
        from delta group by partner_id, date_trunc('month', date)::date, product_line_id, territory_id
        on conflict (tenant_id, stream, month, partner_id, product_line_id, territory_id) do update
          set amount = m.amount + excluded.amount, quantity = m.quantity + excluded.quantity, lines = m.lines + excluded.lines
        returning 1
      ), tot as (${partnerTotalsUpsert(t, stream, 'actual_monthly_totals', 'month')}
      ), qtot as (${partnerTotalsUpsert(t, stream, 'actual_quarterly_totals', 'quarter')}
      )${
        sellThrough
          ? sql`, rep_tot as (
        insert into rep_monthly_totals as m (tenant_id, rep_id, month, partner_id, amount, quantity, lines)
        select ${t}, rep_id, date_trunc('month', date)::date, partner_id, sum(amount), sum(quantity), sum(n)::int
        from delta where rep_id is not null group by rep_id, date_trunc('month', date)::date, partner_id
        on conflict (tenant_id, rep_id, month, partner_id) do update
          set amount = m.amount + excluded.amount, quantity = m.quantity + excluded.quantity, lines = m.lines + excluded.lines
        returning 1
      )`
          : sql``
      }${groupTotalsCtes(t, stream)}${
        sellThrough
          ? sql`, cust as (
          insert into partner_customers as pc (tenant_id, partner_id, customer_id, first_date)
          select ${t}, partner_id, customer_id, min(date) from delta where n = 1 and customer_id is not null group by partner_id, customer_id
          on conflict (tenant_id, partner_id, customer_id) do update set first_date = least(pc.first_date, excluded.first_date)
          where excluded.first_date < pc.first_date
          returning 1
        )`
          : sql``
      }`;
}

/** The totals stream of a fact stream with totals (inventory snapshots have none). */
const TOTALS_OF: Partial<Record<StreamName, TotalsStream>> = { 'sell-in': 'sell_in', 'sell-through': 'sell_through', collections: 'collection' };

/**
 * Applies pending deltas of a tenant's stream (actual_pending_deltas, written by import batches) to the totals, in
 * the caller's transaction, which must hold the stream's totals lock (`lockStream`): ONE statement deletes the pending rows
 * of the tenant and stream, whichever import wrote them (a crashed import's too), and adds them to every totals
 * table (`totalsCtes`). `blocks`: only the rows in that block range of the pending table (`PendingBlocks`). The rows it
 * applies are the rows it deletes: applied once, however many imports or sweeps try (a second one under the lock
 * finds none; without it, a concurrent DELETE of the same rows skips them once the first commits). Answers how
 * many rows it applied.
 */
export async function applyPendingTotals(db: Db, tenantId: string, stream: TotalsStream, blocks?: PendingBlocks): Promise<number> {
  // the pending table is filled and emptied faster than statistics follow (no ANALYZE between a batch's insert and
  // the apply): estimated at a row or so, the group totals' join of the deltas with their partners' groups became a
  // nested loop over every pair (measured: 11.6 s of a 13.4 s apply of 33,000 rows). Hash joins for this statement.
  // Without nested loops the plan's cost passes JIT's thresholds whatever the rows: JIT off too (it compiled for
  // 1.5 s a statement that then ran for 0.1 s).
  await db.execute(sql`set local enable_nestloop = off`);
  await db.execute(sql`set local jit = off`);
  const [r] = await rowsOf<{ n: number }>(db, applyPendingStatement(tenantId, stream, blocks));
  await db.execute(sql`set local enable_nestloop to default`);
  await db.execute(sql`set local jit to default`);
  return Number(r?.n ?? 0);
}

/**
 * A slice of the pending table by physical position: the rows in heap blocks [from, to) (`to` null: from `from` to
 * the end, rows appended since the count included). A slice reads only its blocks (a TID range scan), so an apply in
 * k slices reads the table once, not k times as slices by a hash of the partner did (each scanned every row).
 */
export type PendingBlocks = readonly [from: number, to: number | null];

/** The statement of `applyPendingTotals` (exported for bench/ingest/explain.ts). */
export function applyPendingStatement(tenantId: string, stream: TotalsStream, blocks?: PendingBlocks): SQL {
  const t = tenantId;
  const tid = (block: number) => sql`${`(${block},0)`}::tid`;
  const inSlice = blocks
    ? sql`${blocks[0] > 0 ? sql` and ctid >= ${tid(blocks[0])}` : sql``}${blocks[1] !== null ? sql` and ctid < ${tid(blocks[1])}` : sql``}`
    : sql``;
  return sql`with delta as (
      delete from actual_pending_deltas where tenant_id = ${t} and stream = ${stream}${inSlice}
      returning partner_id, date, amount, quantity, n, product_line_id, territory_id, rep_id, customer_id
    )${totalsCtes(t, stream)}
    select (select count(*) from delta)::int as n`;
}

/**
 * Pending rows applied per transaction: an apply holds the stream's totals lock (the stream's other writers of totals
 * wait: recorded facts, partner regrouping, another apply; import batches do not) and, on PGlite, the one
 * connection every request shares. An import's apply of more rows is split by block range into transactions of
 * about this many rows each.
 */
const APPLY_SLICE = { postgres: 25_000, pglite: 10_000 } as const;

/** The pending rows per apply transaction on a store's database (APPLY_SLICE). */
export const pendingSliceRows = (store: Store): number => APPLY_SLICE[store.database.kind === 'postgres' ? 'postgres' : 'pglite'];

/**
 * Every pending delta of a tenant's stream applied, in transactions run by `run` (`RunWork` of an import, or
 * `store.write` of the sweep), each under the stream's totals lock and of about `sliceRows` rows (counted first).
 * Answers the rows applied.
 */
export async function applyAllPending(run: RunWork, stream: TotalsStream, sliceRows: number): Promise<number> {
  const { count, blocks } = await run(async (w) => {
    const [r] = await rowsOf<{ n: number; blocks: number }>(
      w.tx,
      sql`select count(*)::int as n, (pg_relation_size('actual_pending_deltas') / current_setting('block_size')::int)::int as blocks
        from actual_pending_deltas where tenant_id = ${w.tenantId} and stream = ${stream}`,
    );
    return { count: Number(r?.n ?? 0), blocks: Number(r?.blocks ?? 0) };
  });
  if (!count) return 0;
  // slices of about sliceRows of the tenant's stream rows, by block range (the table's blocks shared out evenly);
  // the last one open-ended (rows appended since the count, e.g. by another import of the stream, are applied too)
  const of = Math.max(1, Math.ceil(count / sliceRows));
  const per = Math.max(1, Math.ceil(blocks / of));
  let applied = 0;
  for (let from = 0; ; from += per) {
    const last = from + per >= blocks;
    applied += await run(async (w) => {
      await lockStream(w.tx, w.tenantId, STREAM_OF[stream], 'totals');
      return applyPendingTotals(w.tx, w.tenantId, stream, [from, last ? null : from + per]);
    });
    if (last) return applied;
  }
}

/** The fact stream of a totals stream (its lock's name). */
const STREAM_OF: Record<TotalsStream, StreamName> = { sell_in: 'sell-in', sell_through: 'sell-through', collection: 'collections' };

/**
 * How long a writer of a stream waits for one of the stream's locks at least, whatever the session's lock_timeout (5 s
 * by default): the lock's holders are the stream's other writers, each holding it for one transaction of bounded work
 * (an import's batch, an apply slice of about APPLY_SLICE rows, recorded facts), which on a loaded machine can pass
 * 5 s. With the session's 5 s, the totals-pending sweep applying a running import's deltas made the import's next
 * batch fail with 503 lock_timeout (bench/ingest, 1M rows over HTTP, after 328 s). The statement timeout still
 * bounds the wait.
 */
const STREAM_LOCK_WAIT = '25s';

/**
 * The two locks of a tenant's fact stream, each waited for at least STREAM_LOCK_WAIT:
 * - `facts` serialises the writes of the stream's facts: import batches (which append their deltas to
 *   actual_pending_deltas and touch no total), recorded facts, the cross-region recheck, a totals rebuild;
 * - `totals` serialises the writes of the stream's totals: the apply of pending deltas (an import's, the sweep's),
 *   recorded facts (which add their deltas at once), a regroup, a totals rebuild.
 * A writer of both takes `facts` first; no holder of `totals` waits for `facts`. So an import's next batches are
 * written while its earlier deltas are applied on another connection (`ImportSpec.deferred.early`).
 */
export type StreamLock = 'facts' | 'totals';

/** The advisory lock key of a stream's lock (hashtext of it): `target:<tenant>:<stream>`, `...:totals` for the totals. */
const streamLockKey = (tenantId: string, stream: StreamName, lock: StreamLock): string => `target:${tenantId}:${stream}${lock === 'totals' ? ':totals' : ''}`;

/**
 * Takes locks of one or more streams for the caller's transaction (`both`: each stream's `facts`, then each one's
 * `totals`; streams in the order given, which every caller of several keeps: STREAMS_WITH_TOTALS), in ONE statement:
 * a DO block that raises the lock_timeout to STREAM_LOCK_WAIT, takes the locks, and puts the lock_timeout back for the
 * rest of the transaction.
 */
export async function lockStream(db: Db, tenantId: string, streams: StreamName | readonly StreamName[], locks: StreamLock | 'both' = 'facts'): Promise<void> {
  const kinds: readonly StreamLock[] = locks === 'both' ? ['facts', 'totals'] : [locks];
  const keys = kinds.flatMap((l) => (typeof streams === 'string' ? [streams] : streams).map((s) => streamLockKey(tenantId, s, l)));
  // in the statement's text (a DO block takes no parameters): tenant ids are letters, digits, '_', '.' and '-' (TenantId)
  for (const key of keys) if (!/^[A-Za-z0-9_.:-]+$/.test(key)) throw new Error(`not a tenant id: ${JSON.stringify(tenantId)}`);
  await db.execute(
    sql.raw(`do $$ declare prev text := current_setting('lock_timeout'); begin
      if prev <> '0' and prev::interval < interval '${STREAM_LOCK_WAIT}' then perform set_config('lock_timeout', '${STREAM_LOCK_WAIT}', true); end if;
      ${keys.map((key) => `perform pg_advisory_xact_lock(hashtext('${key}'));`).join('\n      ')}
      perform set_config('lock_timeout', prev, true);
    end $$`),
  );
}

/**
 * The deltas added to a per-partner totals table of one time unit: actual_monthly_totals (month) or
 * actual_quarterly_totals (quarter), whose key column is named after the unit.
 */
function partnerTotalsUpsert(t: string, stream: string, table: 'actual_monthly_totals' | 'actual_quarterly_totals', unit: 'month' | 'quarter'): SQL {
  const u = sql.raw(unit);
  const at = sql.raw(`date_trunc('${unit}', date)::date`); // a literal unit: the same expression in select and group by
  return sql`
        insert into ${sql.raw(table)} as m (tenant_id, stream, partner_id, ${u}, amount, quantity, lines)
        select ${t}, ${stream}, partner_id, ${at}, sum(amount), sum(quantity), sum(n)::int
        from delta group by partner_id, ${at}
        on conflict (tenant_id, stream, ${u}, partner_id) do update
          set amount = m.amount + excluded.amount, quantity = m.quantity + excluded.quantity, lines = m.lines + excluded.lines
        returning 1`;
}

function refusals(rows: UpsertResult[]): { created: number; updated: number; errors: RowError[] } {
  let created = 0;
  let updated = 0;
  const errors: RowError[] = [];
  for (const r of rows) {
    if (r.line === null || r.line === undefined) {
      created = Number(r.created ?? 0);
      updated = Number(r.updated ?? 0);
      continue;
    }
    const line = Number(r.line);
    if (r.bad_partner) errors.push({ line, path: 'partnerCode', message: `no partner with code '${r.partner_code}'` });
    else if (r.foreign_partner) errors.push({ line, path: 'partnerCode', message: `partner '${r.partner_code}' is not yours` });
    if (r.bad_product) errors.push({ line, path: 'productCode', message: `no product with code '${r.product_code}'` });
    if (r.bad_territory) errors.push({ line, path: 'territoryCode', message: `no territory with code '${r.territory_code}'` });
    if (r.foreign_row) errors.push({ line, path: 'externalId', message: "is already used by another partner's line" });
    if (r.bad_rep) errors.push({ line, path: 'repCode', message: `no sales rep with code '${r.rep_code}'` });
  }
  return { created, updated, errors };
}

// ---------------------------------------------------------------------------------------------------------
// The import kinds

export function requireImportScope(actor: Actor) {
  requireScope(actor, 'actuals:write');
}

/**
 * Price breaking from data (issue 14 #8), set-based per sell-through batch while it is staged (`stageBatch`: on
 * the batch's own connection, while the batch before it is written): one statement stages the verdict of every staged
 * line with a floor (PRICE_STAGE: the floor, from policy's port over the lines with their partner and product
 * resolved, and whether the unit price, amount / quantity rounded to 4 decimals, is below it); the batch's upsert
 * writes them with the lines. A line is written once, and a re-imported line whose mark and floor did not change is
 * not written at all. Lines with an unknown code get no verdict (the upsert refuses them).
 */
async function stagePriceVerdicts(w: Work, floors: PriceFloorSource): Promise<void> {
  await stageRows(w, PRICE_STAGE, []); // the table, empty
  // no minimum resale price published: no line has a floor, and none is read (no verdict: the upsert clears a mark
  // left from an earlier import, as the check would)
  if (await floors.anyFloor(w.tx, w.tenantId)) await judgeStagedLines(w, floors);
  // its statistics (none, or the batch's verdicts): the upsert's left join by line is estimated right (without them, at
  // about 25 times the batch, and the plan of the rest of the statement followed that estimate)
  await w.tx.execute(sql.raw(`analyze ${PRICE_STAGE.name}`));
}

/** The verdicts of the staged lines that have a floor, into PRICE_STAGE: one statement. */
async function judgeStagedLines(w: Work, floors: PriceFloorSource): Promise<void> {
  const t = w.tenantId;
  const lines = sql`(select s.line, p.id as partner_id, pr.id as product_id, s.d
    from ${sql.raw(FACT_STAGE.name)} s
    join ${onboardingSql.partners(t)} p on p.code = s.partner_code
    join ${onboardingSql.products(t)} pr on pr.code = s.product_code)`;
  await w.tx.execute(sql`insert into ${sql.raw(PRICE_STAGE.name)} (line, floor, pv)
    select f.line, f.floor, coalesce(s.quantity > 0 and round(s.amount / s.quantity, 4) < f.floor, false)
    from ${floors.floorsSql(t, lines)} f join ${sql.raw(FACT_STAGE.name)} s on s.line = f.line`);
}

/**
 * Pending delta rows an import may leave before it applies them between two batches (besides at its end): bounds
 * the pending table and the end's apply (which the response waits for).
 */
const PENDING_BOUND = { postgres: 400_000, pglite: 50_000 } as const;

/**
 * Pending delta rows past which an import starts applying them in the background while its next batches are written
 * (`ImportSpec.deferred.early`; on PostgreSQL, on another connection, one apply at a time): the apply then uses the
 * database's other core instead of waiting for the import's end (bench/ingest). A slice's worth.
 */
const EARLY_APPLY = APPLY_SLICE.postgres;

/** The import spec of a fact stream (the routes, async jobs and the CLI run it through the platform engine). */
export function factImportSpec(
  store: Store,
  stream: StreamName,
  actor: Actor,
  floors?: PriceFloorSource,
  opts: { pendingBound?: number; sliceRows?: number; earlyApply?: number } = {},
): ImportSpec<StageRow> {
  requireImportScope(actor);
  const fields = STREAM_FIELDS[stream];
  const totals = TOTALS_OF[stream];
  const kind = store.database.kind === 'postgres' ? 'postgres' : 'pglite';
  // the totals are applied once per import (and whenever its pending rows pass the bound), not once per batch
  const importId = uuidv7();
  const bound = opts.pendingBound ?? PENDING_BOUND[kind];
  const sliceRows = opts.sliceRows ?? pendingSliceRows(store);
  const early = opts.earlyApply ?? EARLY_APPLY;
  let pending = 0;
  // sell-through lines are judged against the minimum resale prices while their batch is staged
  const prices = stream === 'sell-through' && floors ? floors : null;
  const writer = stagedBatchWriter<StageCol, StageRow>(
    FACT_STAGE,
    async (w, rows) => {
      // the rep join only for batches that name a rep (files without the column pay nothing for it)
      const withReps = stream === 'sell-through' && rows.some((x) => x.value.rep_code !== undefined);
      const r = refusals(
        await rowsOf<UpsertResult>(w.tx, upsertStatement(stream, w.tenantId, visiblePartnerIds(w.actor) ?? null, withReps, importId, prices !== null)),
      );
      // a created line is one pending row, an updated one two (its new and its replaced version); counted once committed
      w.afterCommit(() => {
        pending += r.created + 2 * r.updated;
      });
      const refused = new Set(r.errors.map((e) => e.line)).size;
      return { ...r, unchanged: rows.length - refused - r.created - r.updated };
    },
    (w) => lockStream(w.tx, w.tenantId, stream),
  );
  return {
    validate: (line, get) => {
      const v = validateFields(fields, line, get);
      return 'errors' in v ? v : { value: v.row };
    },
    fastCsv: true,
    // MEMORY: bounded by a fixed number of rows in flight, whatever the file's size: at most three batches (one being
    // read and validated, one staged on the second connection, one being written: 60,000 rows on PostgreSQL, ~10 MB a batch
    // of row objects and strings), their COPY text made in ~64 KB pieces as the stream asks (stageRows), the
    // duplicate check per batch (keyScope), the report's first IMPORT_MAX_ERRORS errors. The process's peak RSS is
    // above that: V8 collects the old generation (where rows that live seconds end up) only when it has grown to a
    // few times what survived the last full collection (bench/ingest: peakRssMb, the phases on stderr).
    batchSize: store.database.kind === 'postgres' ? 20_000 : 5_000,
    key: (r) => r.external_id!,
    keyPath: 'externalId',
    // a later batch's row with the same external id is an update (the upsert), not a duplicate
    keyScope: 'batch',
    pipelined: true,
    writeBatch: writer.writeBatch,
    stageBatch: prices
      ? async (w, rows) => {
          await writer.stageBatch!(w, rows);
          await stagePriceVerdicts(w, prices);
        }
      : writer.stageBatch,
    // the batches' deltas applied: at the start (an interrupted import's), in the background past a slice's worth,
    // before the next batch past the bound, at the end (even after a failure)
    ...(totals
      ? {
          deferred: {
            early: () => pending >= early,
            due: () => pending >= bound,
            apply: async (run: RunWork) => {
              pending = 0;
              await applyAllPending(run, totals, sliceRows);
            },
          },
        }
      : {}),
    onCommitted: (w, report) => {
      if (report.created + report.updated === 0) return;
      const id = uuidv7();
      const summary = {
        stream,
        rowsRead: report.rowsRead,
        accepted: report.accepted,
        rejected: report.rejected,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
      };
      w.audit({ resourceType: 'actuals_import', resourceId: id, action: 'import', before: null, after: summary });
      w.emit({ type: 'actuals.imported', resourceType: 'actuals_import', resourceId: id, payload: summary });
    },
  };
}

/** Registers the four fact streams as import kinds of an app instance. */
export function registerFactImports(registry: ImportRegistry, store: Store, floors?: PriceFloorSource): void {
  for (const s of STREAMS) registry.register(IMPORT_KINDS[s], (actor) => factImportSpec(store, s, actor, floors));
}

/** A sell-in fact another module records (orders: one per shipped line), by codes like an imported row. */
export interface SellInFact {
  externalId: string;
  date: string;
  partnerCode: string;
  productCode: string;
  quantity: string;
  amount: string;
}

/**
 * Records sell-in facts in the caller's transaction through the import's code path: the same staging table and the
 * same one upsert statement (idempotent by external id: a repeated fact is unchanged, a changed one is updated, the
 * monthly totals get the deltas). Answers the counts; rows naming unknown codes are reported as errors.
 */
export async function recordSellInFacts(w: Work, facts: readonly SellInFact[]): Promise<{ created: number; updated: number; errors: RowError[] }> {
  await lockStream(w.tx, w.tenantId, 'sell-in', 'both');
  await stageRows(
    w,
    FACT_STAGE,
    facts.map((f, i) => ({
      line: i + 1,
      value: { external_id: f.externalId, d: f.date, partner_code: f.partnerCode, product_code: f.productCode, quantity: f.quantity, amount: f.amount },
    })),
  );
  return refusals(await rowsOf<UpsertResult>(w.tx, upsertStatement('sell-in', w.tenantId, null)));
}

export interface CollectionFact {
  externalId: string;
  date: string;
  partnerCode: string;
  amount: string;
  invoiceRef: string | null;
}

/**
 * Records collection facts (orders' recorded collections) in the caller's transaction through the import's code
 * path, like recordSellInFacts: idempotent by external id, monthly totals maintained.
 */
export async function recordCollectionFacts(w: Work, facts: readonly CollectionFact[]): Promise<{ created: number; updated: number; errors: RowError[] }> {
  await lockStream(w.tx, w.tenantId, 'collections', 'both');
  await stageRows(
    w,
    FACT_STAGE,
    facts.map((f, i) => ({
      line: i + 1,
      value: { external_id: f.externalId, d: f.date, partner_code: f.partnerCode, amount: f.amount, ...(f.invoiceRef ? { invoice_ref: f.invoiceRef } : {}) },
    })),
  );
  return refusals(await rowsOf<UpsertResult>(w.tx, upsertStatement('collections', w.tenantId, null)));
}
