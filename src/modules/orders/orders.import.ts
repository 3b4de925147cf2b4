/**
 * Order import from an ERP (`POST /v1/orders:import`, import kind `orders.orders`, the CLI's `--kind orders.orders`)
 * through the platform's one import engine: CSV or NDJSON, streamed, one row per order line, grouped into orders by
 * `externalId` (the lines of an order are consecutive in the file; the engine never splits them between batches).
 *
 * Per batch, set-based: the rows of the batch's orders are staged (COPY / json_to_recordset), ONE statement resolves
 * partners, ship-to territories and products (id or code) and reads the existing orders of the external ids, and ONE
 * statement upserts the orders whose content changed (`ON CONFLICT (tenant_id, external_id) DO UPDATE ... WHERE
 * status = 'draft'`) and upserts/deletes their lines. An unchanged draft is not written (a re-import is `unchanged`).
 *
 * An order is all-or-nothing: when any of its lines is rejected (a field, an unknown partner/product/territory, header
 * fields that differ between its lines, a submitted order: ILLEGAL_TRANSITION), none of its lines is written and its
 * other lines are reported as rejected with the reason. A row that cannot be read at all (wrong number of columns, not
 * JSON) names no order: it is rejected on its own. Orders are imported as drafts (submit them through the API).
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../platform/http.js';
import { uuidv7 } from 'uuidv7';
import {
  ImportQuery,
  ImportReportSchema,
  importRouteValidator,
  serveImport,
  stageRows,
  type ImportRegistry,
  type ImportSpec,
  type RowError,
  type StagingTable,
} from '../../platform/imports.js';
import { DECIMAL_RE, isCalendarDate, requireScope, rowsOf, today, visiblePartnerIds } from '../../platform/kernel/index.js';
import type { Work } from '../../platform/store.js';
import { onboardingSql } from '../onboarding/contract.js';
import { ORDER_EVENTS } from './orders.service.js';

export const ORDER_IMPORT_KIND = 'orders.orders';
/** lines per order at most (as `POST /v1/orders`) */
const MAX_LINES = 5000;

type Field =
  'externalId' | 'partner' | 'shipTo' | 'shipToAddress' | 'requestedDate' | 'paymentTermDays' | 'currency' | 'product' | 'quantity' | 'unitPrice' | 'lineNo';

/** The columns, in the documented order, with whether they are required. */
export const ORDER_IMPORT_COLUMNS: readonly { name: Field; required: boolean; doc: string }[] = [
  { name: 'externalId', required: true, doc: 'the order key in the ERP (rows with the same externalId are one order)' },
  { name: 'partner', required: true, doc: 'partner id or code' },
  { name: 'shipTo', required: false, doc: 'ship-to territory id or code' },
  { name: 'shipToAddress', required: false, doc: 'at most 500 characters' },
  { name: 'requestedDate', required: false, doc: 'YYYY-MM-DD, default today' },
  { name: 'paymentTermDays', required: false, doc: 'integer 0-3650' },
  { name: 'currency', required: false, doc: 'ISO 4217' },
  { name: 'product', required: true, doc: 'product id or code' },
  { name: 'quantity', required: true, doc: 'decimal > 0, at most 4 decimals' },
  { name: 'unitPrice', required: false, doc: 'requested unit price, decimal >= 0' },
  { name: 'lineNo', required: false, doc: "the line's number in the ERP order (sorts the lines; on all lines of an order or on none)" },
];
/** the header fields: the same on every line of an order */
const HEADER: readonly Field[] = ['partner', 'shipTo', 'shipToAddress', 'requestedDate', 'paymentTermDays', 'currency'];

export type OrderImportRow = Partial<Record<Field, string>> & { errors?: RowError[] };

const REF = /^.{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Field checks of one row; never refuses the row itself (its order is refused as a whole in the batch writer). */
function validateRow(line: number, get: (name: string) => unknown): OrderImportRow {
  const row: OrderImportRow = {};
  const errors: RowError[] = [];
  for (const c of ORDER_IMPORT_COLUMNS) {
    const raw = get(c.name);
    if (raw === undefined || raw === null || raw === '') {
      if (c.required) errors.push({ line, path: c.name, message: 'is required' });
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      errors.push({ line, path: c.name, message: 'must be a string or number' });
      continue;
    }
    const v = typeof raw === 'string' ? raw.trim() : String(raw);
    let bad: string | undefined;
    switch (c.name) {
      case 'externalId':
        if (!v || v.length > 100) bad = 'must be 1-100 characters';
        break;
      case 'partner':
      case 'shipTo':
      case 'product':
        if (!REF.test(v)) bad = 'must be an id or a code of at most 64 characters';
        break;
      case 'shipToAddress':
        if (v.length > 500) bad = 'must be at most 500 characters';
        break;
      case 'requestedDate':
        if (!isCalendarDate(v)) bad = 'must be a calendar date YYYY-MM-DD';
        break;
      case 'paymentTermDays':
        if (!/^\d{1,4}$/.test(v) || Number(v) > 3650) bad = 'must be an integer from 0 to 3650';
        break;
      case 'currency':
        if (!/^[A-Z]{3}$/.test(v)) bad = 'must be an ISO 4217 code such as CNY';
        break;
      case 'quantity':
        if (!DECIMAL_RE.test(v) || v.startsWith('-') || /^0+(\.0+)?$/.test(v)) bad = 'must be a decimal number greater than 0 with at most 4 decimals';
        break;
      case 'unitPrice':
        if (!DECIMAL_RE.test(v) || v.startsWith('-')) bad = 'must be a decimal number, zero or more, with at most 4 decimals';
        break;
      case 'lineNo':
        if (!/^\d{1,5}$/.test(v) || Number(v) < 1) bad = 'must be an integer from 1 to 99999';
        break;
    }
    if (bad) errors.push({ line, path: c.name, message: bad });
    else row[c.name] = v;
  }
  if (errors.length) row.errors = errors;
  return row;
}

type StageCol =
  | 'new_id'
  | 'external_id'
  | 'partner'
  | 'partner_uuid'
  | 'ship_to'
  | 'ship_to_uuid'
  | 'ship_to_address'
  | 'requested_date'
  | 'payment_term_days'
  | 'currency'
  | 'product'
  | 'product_uuid'
  | 'quantity'
  | 'unit_price'
  | 'line_no';

const STAGE: StagingTable<StageCol> = {
  name: '_order_stage',
  columns: {
    new_id: 'uuid not null',
    external_id: 'text not null',
    partner: 'text not null',
    partner_uuid: 'uuid',
    ship_to: 'text',
    ship_to_uuid: 'uuid',
    ship_to_address: 'text',
    requested_date: 'date',
    payment_term_days: 'int',
    currency: 'text',
    product: 'text not null',
    product_uuid: 'uuid',
    quantity: 'numeric(18,4) not null',
    unit_price: 'numeric(18,4)',
    line_no: 'int not null',
  },
};

interface Problem {
  line: number;
  external_id: string;
  partner: string;
  product: string;
  ship_to: string | null;
  bad_partner: boolean;
  foreign_partner: boolean;
  bad_ship_to: boolean;
  bad_product: boolean;
  status: string | null;
  other_partner: boolean;
}

interface Written {
  id: string;
  external_id: string;
  inserted: boolean;
  partner_id: string;
  requested_date: string;
  currency: string | null;
  lines: number;
  old_partner_id: string | null;
  old_requested_date: string | null;
  old_lines: number | null;
  old_version: number | null;
}

/** Writes one batch (whole orders): Node checks per order, one resolving statement, one writing statement. */
async function writeOrders(w: Work, rows: { line: number; value: OrderImportRow }[]) {
  const errors: RowError[] = [];
  const groups = new Map<string, { line: number; value: OrderImportRow }[]>();
  for (const r of rows) {
    const k = r.value.externalId ?? '';
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  /** refuses a whole order: rows with their own errors report them, the others say why they were not written */
  const refuse = (ext: string, group: { line: number; value: OrderImportRow }[], own: Map<number, RowError[]>) => {
    const bad = [...own.keys()].sort((a, b) => a - b);
    for (const r of group) {
      const e = own.get(r.line);
      if (e?.length) errors.push(...e);
      else
        errors.push({
          line: r.line,
          path: 'externalId',
          message: `order '${ext}' is not imported: line${bad.length > 1 ? 's' : ''} ${bad.join(', ')} rejected`,
        });
    }
  };
  const staged: { line: number; value: Partial<Record<StageCol, string>> }[] = [];
  const good = new Map<string, { line: number; value: OrderImportRow }[]>();
  for (const [ext, group] of groups) {
    const own = new Map<number, RowError[]>();
    const add = (line: number, e: RowError) => own.set(line, [...(own.get(line) ?? []), e]);
    for (const r of group) for (const e of r.value.errors ?? []) add(r.line, e);
    const first = group[0]!;
    for (const r of group.slice(1))
      for (const f of HEADER)
        if ((r.value[f] ?? '') !== (first.value[f] ?? ''))
          add(r.line, { line: r.line, path: f, message: `differs from line ${first.line} of order '${ext}' (the header fields are the same on every line)` });
    const numbered = group.filter((r) => r.value.lineNo !== undefined);
    if (numbered.length && numbered.length < group.length)
      for (const r of group)
        if (r.value.lineNo === undefined && !r.value.errors?.some((e) => e.path === 'lineNo'))
          add(r.line, { line: r.line, path: 'lineNo', message: 'is required when other lines of the order have one' });
    const seenNo = new Map<number, number>();
    for (const r of numbered) {
      const n = Number(r.value.lineNo);
      const at = seenNo.get(n);
      if (at !== undefined) add(r.line, { line: r.line, path: 'lineNo', message: `duplicate of line ${at} (lineNo ${n} of order '${ext}')` });
      else seenNo.set(n, r.line);
    }
    if (group.length > MAX_LINES) add(group[MAX_LINES]!.line, { line: group[MAX_LINES]!.line, message: `an order has at most ${MAX_LINES} lines` });
    if (!ext || own.size) {
      refuse(ext, group, own);
      continue;
    }
    good.set(ext, group);
    const sorted = numbered.length ? [...group].sort((a, b) => Number(a.value.lineNo) - Number(b.value.lineNo)) : group;
    const id = uuidv7();
    sorted.forEach((r, i) => {
      const v = r.value;
      staged.push({
        line: r.line,
        value: {
          new_id: id,
          external_id: ext,
          partner: v.partner!,
          ...(UUID.test(v.partner!) ? { partner_uuid: v.partner! } : {}),
          ...(v.shipTo ? { ship_to: v.shipTo, ...(UUID.test(v.shipTo) ? { ship_to_uuid: v.shipTo } : {}) } : {}),
          ...(v.shipToAddress ? { ship_to_address: v.shipToAddress } : {}),
          ...(v.requestedDate ? { requested_date: v.requestedDate } : {}),
          ...(v.paymentTermDays ? { payment_term_days: v.paymentTermDays } : {}),
          ...(v.currency ? { currency: v.currency } : {}),
          product: v.product!,
          ...(UUID.test(v.product!) ? { product_uuid: v.product! } : {}),
          quantity: v.quantity!,
          ...(v.unitPrice ? { unit_price: v.unitPrice } : {}),
          line_no: String(i + 1),
        },
      });
    });
  }
  if (!staged.length) return { created: 0, updated: 0, unchanged: 0, errors };

  await stageRows(w, STAGE, staged);
  const t = w.tenantId;
  const visible = visiblePartnerIds(w.actor);
  const mine = visible ? `{${visible.join(',')}}` : null;
  // the staged rows with the ids they name (left joins: unknown references come back with their lines)
  const resolved = sql`src as materialized (
      select s.*, p.id as partner_id, tr.id as territory_id, pr.id as product_id
      from _order_stage s
      left join ${onboardingSql.partners(t)} p on p.id = s.partner_uuid or p.code = s.partner
      left join ${onboardingSql.territories(t)} tr on tr.id = s.ship_to_uuid or tr.code = s.ship_to
      left join ${onboardingSql.products(t)} pr on pr.id = s.product_uuid or pr.code = s.product
    )`;
  const problems = await rowsOf<Problem>(
    w.tx,
    sql`with ${resolved}
      select s.line, s.external_id, s.partner, s.product, s.ship_to, (s.partner_id is null) as bad_partner,
        (s.partner_id is not null and ${mine}::uuid[] is not null and s.partner_id <> all(${mine}::uuid[])) as foreign_partner,
        (s.ship_to is not null and s.territory_id is null) as bad_ship_to, (s.product_id is null) as bad_product,
        o.status, (o.id is not null and s.partner_id is not null and o.partner_id <> s.partner_id) as other_partner
      from src s left join orders o on o.tenant_id = ${t} and o.external_id = s.external_id
      where s.partner_id is null or s.product_id is null or (s.ship_to is not null and s.territory_id is null)
        or (${mine}::uuid[] is not null and s.partner_id <> all(${mine}::uuid[]))
        or (o.id is not null and (o.status <> 'draft' or o.partner_id <> s.partner_id))`,
  );
  const byOrder = new Map<string, Map<number, RowError[]>>();
  for (const p of problems) {
    const line = Number(p.line);
    const own = byOrder.get(p.external_id) ?? new Map<number, RowError[]>();
    byOrder.set(p.external_id, own);
    const list: RowError[] = [];
    if (p.bad_partner) list.push({ line, path: 'partner', message: `no partner '${p.partner}'` });
    else if (p.foreign_partner) list.push({ line, path: 'partner', message: `partner '${p.partner}' is not yours` });
    if (p.bad_ship_to) list.push({ line, path: 'shipTo', message: `no territory '${p.ship_to}'` });
    if (p.bad_product) list.push({ line, path: 'product', message: `no product '${p.product}'` });
    if (p.status && p.status !== 'draft')
      list.push({ line, path: 'externalId', message: `ILLEGAL_TRANSITION: order '${p.external_id}' is ${p.status}: only a draft can be replaced` });
    else if (p.other_partner) list.push({ line, path: 'partner', message: `order '${p.external_id}' belongs to another partner` });
    own.set(line, list);
  }
  for (const [ext, own] of byOrder) refuse(ext, good.get(ext)!, own);
  const refused = JSON.stringify([...byOrder.keys()]);
  const keep = [...good.keys()].filter((k) => !byOrder.has(k));
  if (!keep.length) return { created: 0, updated: 0, unchanged: 0, errors };

  const written = await rowsOf<Written>(
    w.tx,
    sql`with ${resolved}, ok as (
        select * from src where external_id not in (select jsonb_array_elements_text(${refused}::jsonb))
      ), hdr as (
        select distinct on (external_id) new_id, external_id, partner_id, territory_id, ship_to_address,
          coalesce(requested_date, ${today()}::date) as requested_date, payment_term_days, currency
        from ok order by external_id, line_no
      ), want as (
        select h.*, (select jsonb_agg(jsonb_build_array(n.line_no, n.product_id, n.quantity, n.unit_price) order by n.line_no) from ok n
                     where n.external_id = h.external_id) as lines
        from hdr h
      ), cur as (
        select o.id, o.external_id, o.partner_id, o.ship_to_territory_id, o.ship_to_address, o.requested_date, o.payment_term_days, o.currency, o.version,
          (select jsonb_agg(jsonb_build_array(l.line_no, l.product_id, l.quantity, l.requested_price) order by l.line_no) from order_lines l
            where l.tenant_id = ${t} and l.order_id = o.id) as lines
        from orders o join hdr h on o.tenant_id = ${t} and o.external_id = h.external_id
      ), changed as (
        select w.*, c.id as old_id, c.partner_id as old_partner_id, c.requested_date as old_requested_date, jsonb_array_length(c.lines) as old_lines,
          c.version as old_version
        from want w left join cur c on c.external_id = w.external_id
        where c.id is null
           or (c.partner_id, c.ship_to_territory_id, c.ship_to_address, c.requested_date, c.payment_term_days, c.currency, c.lines)
              is distinct from (w.partner_id, w.territory_id, w.ship_to_address, w.requested_date, w.payment_term_days, w.currency, w.lines)
      ), up as (
        insert into orders as o (tenant_id, id, external_id, partner_id, ship_to_territory_id, ship_to_address, requested_date, payment_term_days, currency)
        select ${t}, coalesce(old_id, new_id), external_id, partner_id, territory_id, ship_to_address, requested_date, payment_term_days, currency from changed
        on conflict (tenant_id, external_id) do update set partner_id = excluded.partner_id, ship_to_territory_id = excluded.ship_to_territory_id,
          ship_to_address = excluded.ship_to_address, requested_date = excluded.requested_date, payment_term_days = excluded.payment_term_days,
          currency = excluded.currency, total_amount = null, refusals = '[]'::jsonb, version = o.version + 1, updated_at = now()
        where o.status = 'draft'
        returning o.id, o.external_id, (o.xmax = 0) as inserted, o.partner_id, o.requested_date, o.currency
      ), del as (
        delete from order_lines l using up
        where l.tenant_id = ${t} and l.order_id = up.id
          and not exists (select 1 from ok n where n.external_id = up.external_id and n.line_no = l.line_no)
        returning 1
      ), ins as (
        insert into order_lines as l (tenant_id, order_id, line_no, product_id, quantity, requested_price)
        select ${t}, up.id, n.line_no, n.product_id, n.quantity, n.unit_price from up join ok n on n.external_id = up.external_id
        on conflict (tenant_id, order_id, line_no) do update set product_id = excluded.product_id, quantity = excluded.quantity,
          requested_price = excluded.requested_price, unit_price = null, amount = null
        returning 1
      )
      select up.id::text as id, up.external_id, up.inserted, up.partner_id::text as partner_id, up.requested_date::text as requested_date, up.currency,
        jsonb_array_length(c.lines)::int as lines, c.old_partner_id::text as old_partner_id, c.old_requested_date::text as old_requested_date,
        c.old_lines::int as old_lines, c.old_version::int as old_version
      from up join changed c on c.external_id = up.external_id`,
  );
  let created = 0;
  let updated = 0;
  const linesOf = (ext: string) => good.get(ext)!.length;
  for (const o of written) {
    const n = linesOf(o.external_id);
    if (o.inserted) created += n;
    else updated += n;
    const after = {
      id: o.id,
      externalId: o.external_id,
      partnerId: o.partner_id,
      status: 'draft',
      currency: o.currency,
      total: null,
      requestedDate: o.requested_date,
      lines: Number(o.lines),
    };
    const before = o.inserted
      ? null
      : { id: o.id, externalId: o.external_id, partnerId: o.old_partner_id, requestedDate: o.old_requested_date, lines: o.old_lines, version: o.old_version };
    w.audit({ resourceType: 'order', resourceId: o.id, action: o.inserted ? 'import_create' : 'import_replace', before, after });
    w.emit({ type: ORDER_EVENTS.created, resourceType: 'order', resourceId: o.id, payload: { order: after, source: 'import' } });
  }
  const unchanged = keep.reduce((s, k) => s + linesOf(k), 0) - created - updated;
  return { created, updated, unchanged, errors };
}

/** The import spec of orders (route, async jobs and the CLI run it through the platform engine). */
export function orderImportSpec(actor: Parameters<typeof requireScope>[0]): ImportSpec<OrderImportRow> {
  requireScope(actor, 'orders:write');
  return {
    validate: (line, get) => ({ value: validateRow(line, get) }),
    fastCsv: true,
    batchSize: 5000,
    group: (r) => r.externalId ?? '',
    groupPath: 'externalId',
    writeBatch: (w, rows) => writeOrders(w, rows),
  };
}

/** Registers the order import kind of an app instance. */
export function registerOrderImport(registry: ImportRegistry): void {
  registry.register(ORDER_IMPORT_KIND, (actor) => orderImportSpec(actor));
}

const columnsDoc = () =>
  `CSV (header line) or NDJSON rows, one per order line: ${ORDER_IMPORT_COLUMNS.map((c) => `${c.name}${c.required ? '' : ' (optional)'}: ${c.doc}`).join('; ')}. ` +
  'Rows with the same externalId are one order and must be consecutive; an order is imported as a draft (replacing a draft of the same externalId) or not at all.';

/** POST /v1/orders:import */
export async function orderImportRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/orders::import',
    {
      schema: {
        tags: ['orders'],
        operationId: 'importOrders',
        summary: 'Import draft orders from an ERP (one row per line, grouped by externalId; upsert of drafts; streamed; row-level report)',
        description: columnsDoc(),
        querystring: ImportQuery,
        consumes: ['text/csv', 'application/x-ndjson'],
        body: z.string().describe(columnsDoc()),
        response: { 200: ImportReportSchema, 202: z.object({ jobId: z.string() }), ...problems(400, 401, 403) },
      },
      // the body is a stream: the zod body schema only documents it; the query is validated as on every import
      validatorCompiler: importRouteValidator as never,
    },
    async (request, reply) => {
      const res = await serveImport(app.store, request, ORDER_IMPORT_KIND);
      if ('jobId' in res) reply.code(202);
      return res;
    },
  );
}
