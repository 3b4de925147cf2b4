/**
 * Channel inventory (渠道库存): the stock a partner should hold, computed from the facts of the target module
 * (read only through its contract), set against the stock it reports.
 *
 * Computed stock of a partner and product on a date D, from a start date F (default D):
 *   opening  = the latest reported snapshot dated on or before F (a snapshot is the stock at the end of its day),
 *              else 0 before the first fact;
 *   stock    = opening + sell-in - sell-through dated after the opening snapshot (every fact when there is none),
 *              up to D. A negative stock is reported as computed, never hidden.
 * Days of stock = stock / (sell-through in the `window` days ending on D / window), null without sell-through.
 *
 * Reconciliation over [from, to]: the opening snapshot (latest on or before `from`) and the reported snapshot that
 * closes the range (latest in (from, to]); the computed stock on the closing snapshot's date and the difference
 * reported - computed; the lines behind it are the sell-in and sell-through lines between the two snapshots.
 *
 * Every read is one statement whatever the number of partners and products (the traced lines: two).
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { toCsv } from '../../platform/csv.js';
import { DomainError, invalid } from '../../platform/errors.js';
import {
  type Actor,
  dec,
  decodeCursorOf,
  formatFixed,
  type Page,
  partnerSql,
  requireOwnPartner,
  requireScope,
  rowsOf,
  toPage,
  type PageInput,
  today,
} from '../../platform/kernel/index.js';
import type { Store } from '../../platform/store.js';
import { parseInput } from '../../platform/validate.js';
import { findPartner, onboardingSql, productsByRef } from '../onboarding/contract.js';
import { targetSql } from '../target/contract.js';

const DateStr = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const Ref = z.string().trim().min(1).max(64);
/** default window of the average daily sell-through behind days of stock */
export const DEFAULT_STOCK_WINDOW_DAYS = 90;

export const InventoryQuery = z
  .object({
    partner: Ref.optional().describe('partner id or code (default: every partner the caller may see)'),
    product: Ref.optional().describe('product id or code'),
    date: DateStr.optional().describe('the stock at the end of this day (default today)'),
    from: DateStr.optional().describe('start date: the opening is the latest snapshot on or before it (default: date)'),
    window: z.coerce.number().int().min(1).max(3650).optional().describe(`days of sell-through behind days of stock (default ${DEFAULT_STOCK_WINDOW_DAYS})`),
  })
  .refine((q) => !q.from || !q.date || q.from <= q.date, { path: ['from'], message: 'must not be after date' });
export type InventoryQuery = z.infer<typeof InventoryQuery>;

export const ReconciliationQuery = z
  .object({
    partner: Ref.optional().describe('partner id or code (default: every partner the caller may see)'),
    product: Ref.optional().describe('product id or code'),
    from: DateStr.describe('the opening is the latest snapshot on or before this day'),
    to: DateStr.optional().describe('the closing snapshot is the latest in (from, to] (default today)'),
  })
  .refine((q) => !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });
export type ReconciliationQuery = z.infer<typeof ReconciliationQuery>;

export const TracedLinesQuery = z
  .object({
    partner: Ref.describe('partner id or code'),
    product: Ref.describe('product id or code'),
    from: DateStr,
    to: DateStr.optional(),
  })
  .refine((q) => !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });

export const InventoryPosition = z
  .object({
    partnerId: z.uuid(),
    partnerCode: z.string(),
    productId: z.uuid(),
    productCode: z.string(),
    date: z.string(),
    openingDate: z.string().nullable().describe('date of the opening snapshot (null: none, the stock starts at 0)'),
    opening: z.string(),
    sellIn: z.string().describe('sell-in quantity after the opening snapshot, up to date'),
    sellThrough: z.string().describe('sell-through quantity after the opening snapshot, up to date'),
    quantity: z.string().describe('computed stock = opening + sellIn - sellThrough (may be negative)'),
    reportedOn: z.string().nullable().describe('date of the latest snapshot on or before date'),
    reported: z.string().nullable().describe('its quantity on hand'),
    windowSellThrough: z.string().describe('sell-through in the window days ending on date'),
    daysOfStock: z.string().nullable().describe('quantity / (windowSellThrough / window); null without sell-through in the window'),
  })
  .meta({ id: 'InventoryPosition' });
export type InventoryPosition = z.infer<typeof InventoryPosition>;

export const InventoryReconciliationRow = z
  .object({
    partnerId: z.uuid(),
    partnerCode: z.string(),
    productId: z.uuid(),
    productCode: z.string(),
    openingDate: z.string().nullable(),
    opening: z.string(),
    closingDate: z.string().describe('the closing snapshot date, else to'),
    sellIn: z.string(),
    sellThrough: z.string(),
    computed: z.string().describe('opening + sellIn - sellThrough on closingDate'),
    reported: z.string().nullable().describe('the closing snapshot (null: none in (from, to])'),
    difference: z.string().nullable().describe('reported - computed (positive: more on hand than the books say)'),
  })
  .meta({ id: 'InventoryReconciliation' });
export type InventoryReconciliationRow = z.infer<typeof InventoryReconciliationRow>;

export const InventoryMovement = z
  .object({
    stream: z.enum(['sell_in', 'sell_through']),
    externalId: z.string(),
    date: z.string(),
    quantity: z.string().describe('the line quantity'),
    effect: z.string().describe('+quantity for sell-in, -quantity for sell-through'),
    balance: z.string().describe('computed stock after this line (opening + effects so far)'),
  })
  .meta({ id: 'InventoryMovement' });
export type InventoryMovement = z.infer<typeof InventoryMovement>;

export const TracedLines = z
  .object({
    partnerId: z.uuid(),
    productId: z.uuid(),
    openingDate: z.string().nullable(),
    opening: z.string(),
    closingDate: z.string(),
    reported: z.string().nullable(),
    data: z.array(InventoryMovement),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'InventoryTracedLines' });
export type TracedLines = z.infer<typeof TracedLines>;

const q4 = (v: string | null) => (v === null ? null : formatFixed(v));

interface Scope {
  partners: SQL;
  /** the partner named by the request, if any */
  partnerId: string | null;
  product: string | null;
}

/** Channel inventory: positions, reconciliation with the reported snapshots, and the lines behind a difference. */
export class InventoryService {
  constructor(private readonly store: Store) {}

  /** The partner filter (a named partner, checked against the caller's confinement) and the product filter. */
  private async scope(actor: Actor, partner: string | undefined, product: string | undefined, partnerIds?: readonly string[]): Promise<Scope> {
    const db = this.store.db;
    let partners: SQL = sql``;
    let partnerId: string | null = null;
    if (partnerIds) partners = sql` and x.partner_id = any(${`{${partnerIds.join(',')}}`}::uuid[])`;
    if (partner) {
      const p = await findPartner(db, actor.tenantId, partner);
      if (!p) throw new DomainError('NOT_FOUND', `partner '${partner}' was not found`, { errors: [{ path: 'partner', message: 'no such partner' }] });
      requireOwnPartner(actor, p.id);
      partnerId = p.id;
      partners = sql`${partners} and x.partner_id = ${p.id}::uuid`;
    }
    partners = sql`${partners}${partnerSql(actor, sql`x.partner_id`)}`;
    let productId: string | null = null;
    if (product) {
      const pr = (await productsByRef(db, actor.tenantId, [product])).get(product);
      if (!pr) throw invalid('product', `no product '${product}'`);
      productId = pr.id;
    }
    return { partners, partnerId, product: productId };
  }

  /** The facts of the scope: snapshots and movements (sell-in +, sell-through -) up to `to`, after a cursor. */
  private facts(t: string, s: Scope, to: string, after: readonly [string, string] | undefined, backward = false): SQL {
    const filter = sql`x.date <= ${to}::date${s.partners}${s.product ? sql` and x.product_id = ${s.product}::uuid` : sql``}${
      after ? sql` and (x.partner_id, x.product_id) ${sql.raw(backward ? '<' : '>')} (${after[0]}::uuid, ${after[1]}::uuid)` : sql``
    }`;
    return sql`snap as (
        select x.partner_id, x.product_id, x.date, x.quantity_on_hand from ${targetSql.inventorySnapshots(t)} x where ${filter}
      ), mv as (
        select 'sell_in'::text as stream, x.external_id, x.partner_id, x.product_id, x.date, x.quantity from ${targetSql.factLines(t, 'sell_in')} x where ${filter}
        union all
        select 'sell_through', x.external_id, x.partner_id, x.product_id, x.date, x.quantity from ${targetSql.factLines(t, 'sell_through')} x where ${filter}
      ), keys as (
        select partner_id, product_id from snap union select partner_id, product_id from mv
      )`;
  }

  /** GET /v1/orders/inventory: computed stock per partner and product on a date (paged by partner, product). */
  async positions(actor: Actor, input: unknown, page: PageInput | null, partnerIds?: readonly string[]): Promise<Page<InventoryPosition>> {
    requireScope(actor, 'orders:read', 'actuals:read');
    const q = parseInput(InventoryQuery, input ?? {});
    const date = q.date ?? today();
    const from = q.from ?? date;
    if (from > date) throw invalid('from', 'must not be after date');
    const window = q.window ?? DEFAULT_STOCK_WINDOW_DAYS;
    const s = await this.scope(actor, q.partner, q.product, partnerIds);
    const after = page ? decodeCursorOf(page.cursor, ['uuid', 'uuid'] as const) : undefined;
    const t = actor.tenantId;
    const rows = await rowsOf<{
      partner_id: string;
      partner_code: string;
      product_id: string;
      product_code: string;
      opening_date: string | null;
      opening: string;
      sell_in: string;
      sell_through: string;
      quantity: string;
      reported_on: string | null;
      reported: string | null;
      window_out: string;
      days: string | null;
    }>(
      this.store.db,
      sql`with ${this.facts(t, s, date, after, !!page?.backward)}, opening as (
          select distinct on (partner_id, product_id) partner_id, product_id, date, quantity_on_hand from snap where date <= ${from}::date
          order by partner_id, product_id, date desc
        ), reported as (
          select distinct on (partner_id, product_id) partner_id, product_id, date, quantity_on_hand from snap
          order by partner_id, product_id, date desc
        ), agg as (
          select k.partner_id, k.product_id, o.date as opening_date, coalesce(o.quantity_on_hand, 0) as opening,
            coalesce(sum(m.quantity) filter (where m.stream = 'sell_in' and (o.date is null or m.date > o.date)), 0) as sell_in,
            coalesce(sum(m.quantity) filter (where m.stream = 'sell_through' and (o.date is null or m.date > o.date)), 0) as sell_through,
            coalesce(sum(m.quantity) filter (where m.stream = 'sell_through' and m.date > ${date}::date - ${window}::int), 0) as window_out
          from keys k
          left join opening o on o.partner_id = k.partner_id and o.product_id = k.product_id
          left join mv m on m.partner_id = k.partner_id and m.product_id = k.product_id
          group by k.partner_id, k.product_id, o.date, o.quantity_on_hand
        )
        select a.partner_id::text as partner_id, pa.code as partner_code, a.product_id::text as product_id, pr.code as product_code,
          a.opening_date::text as opening_date, a.opening::text as opening, a.sell_in::text as sell_in, a.sell_through::text as sell_through,
          (a.opening + a.sell_in - a.sell_through)::text as quantity, r.date::text as reported_on, r.quantity_on_hand::text as reported,
          a.window_out::text as window_out,
          case when a.window_out > 0 then round((a.opening + a.sell_in - a.sell_through) * ${window}::int / a.window_out, 4)::text end as days
        from agg a
        join ${onboardingSql.partners(t)} pa on pa.id = a.partner_id
        join ${onboardingSql.products(t)} pr on pr.id = a.product_id
        left join reported r on r.partner_id = a.partner_id and r.product_id = a.product_id
        order by ${sql.raw(page?.backward ? 'a.partner_id desc, a.product_id desc' : 'a.partner_id, a.product_id')}
        ${page ? sql`limit ${page.limit + 1}` : sql`limit 100000`}`,
    );
    const items = rows.map((r) => ({
      partnerId: r.partner_id,
      partnerCode: r.partner_code,
      productId: r.product_id,
      productCode: r.product_code,
      date,
      openingDate: r.opening_date,
      opening: formatFixed(r.opening),
      sellIn: formatFixed(r.sell_in),
      sellThrough: formatFixed(r.sell_through),
      quantity: formatFixed(r.quantity),
      reportedOn: r.reported_on,
      reported: q4(r.reported),
      windowSellThrough: formatFixed(r.window_out),
      daysOfStock: q4(r.days),
    }));
    return page ? toPage(items, page, (p) => [p.partnerId, p.productId]) : { items, nextCursor: null };
  }

  /** Positions of many partners at once (GraphQL Partner.inventory): one statement. */
  async ofPartners(actor: Actor, partnerIds: string[], args: Record<string, unknown>): Promise<Map<string, InventoryPosition[]>> {
    const out = new Map<string, InventoryPosition[]>();
    if (!partnerIds.length) return out;
    const { items } = await this.positions(actor, args, null, partnerIds);
    for (const p of items) out.set(p.partnerId, [...(out.get(p.partnerId) ?? []), p]);
    return out;
  }

  /** GET /v1/orders/inventory:export: the positions as CSV (at most 100,000 rows). */
  async positionsCsv(actor: Actor, input: unknown): Promise<string> {
    const { items } = await this.positions(actor, input, null);
    const cols = [
      'partnerCode',
      'productCode',
      'date',
      'openingDate',
      'opening',
      'sellIn',
      'sellThrough',
      'quantity',
      'reportedOn',
      'reported',
      'windowSellThrough',
      'daysOfStock',
    ] as const;
    return toCsv(
      [...cols],
      items.map((p) => cols.map((c) => p[c])),
    );
  }

  /** GET /v1/orders/inventory/reconciliation: computed vs reported per partner and product over [from, to]. */
  async reconciliation(actor: Actor, input: unknown, page: PageInput): Promise<Page<InventoryReconciliationRow>> {
    requireScope(actor, 'orders:read', 'actuals:read');
    const q = parseInput(ReconciliationQuery, input ?? {});
    const to = q.to ?? today();
    if (q.from > to) throw invalid('to', 'must not be before from');
    const s = await this.scope(actor, q.partner, q.product);
    const after = decodeCursorOf(page.cursor, ['uuid', 'uuid'] as const);
    const t = actor.tenantId;
    const rows = await rowsOf<{
      partner_id: string;
      partner_code: string;
      product_id: string;
      product_code: string;
      opening_date: string | null;
      opening: string;
      closing_date: string;
      sell_in: string;
      sell_through: string;
      computed: string;
      reported: string | null;
    }>(
      this.store.db,
      sql`with ${this.facts(t, s, to, after, !!page.backward)}, ${this.bounds(q.from, to)}, agg as (
          select b.partner_id, b.product_id, b.opening_date, b.opening, b.closing_date, b.reported,
            coalesce(sum(m.quantity) filter (where m.stream = 'sell_in'), 0) as sell_in,
            coalesce(sum(m.quantity) filter (where m.stream = 'sell_through'), 0) as sell_through
          from bounds b
          left join mv m on m.partner_id = b.partner_id and m.product_id = b.product_id
            and (b.opening_date is null or m.date > b.opening_date) and m.date <= b.closing_date
          group by b.partner_id, b.product_id, b.opening_date, b.opening, b.closing_date, b.reported
        )
        select a.partner_id::text as partner_id, pa.code as partner_code, a.product_id::text as product_id, pr.code as product_code,
          a.opening_date::text as opening_date, a.opening::text as opening, a.closing_date::text as closing_date,
          a.sell_in::text as sell_in, a.sell_through::text as sell_through, (a.opening + a.sell_in - a.sell_through)::text as computed,
          a.reported::text as reported
        from agg a
        join ${onboardingSql.partners(t)} pa on pa.id = a.partner_id
        join ${onboardingSql.products(t)} pr on pr.id = a.product_id
        order by ${sql.raw(page.backward ? 'a.partner_id desc, a.product_id desc' : 'a.partner_id, a.product_id')}
        limit ${page.limit + 1}`,
    );
    const items = rows.map((r) => ({
      partnerId: r.partner_id,
      partnerCode: r.partner_code,
      productId: r.product_id,
      productCode: r.product_code,
      openingDate: r.opening_date,
      opening: formatFixed(r.opening),
      closingDate: r.closing_date,
      sellIn: formatFixed(r.sell_in),
      sellThrough: formatFixed(r.sell_through),
      computed: formatFixed(r.computed),
      reported: q4(r.reported),
      difference: r.reported === null ? null : formatFixed(dec(r.reported).sub(r.computed)),
    }));
    return toPage(items, page, (p) => [p.partnerId, p.productId]);
  }

  /** Per key: the opening snapshot (latest on or before from) and the closing one (latest in (from, to]). */
  private bounds(from: string, to: string): SQL {
    return sql`opening as (
          select distinct on (partner_id, product_id) partner_id, product_id, date, quantity_on_hand from snap where date <= ${from}::date
          order by partner_id, product_id, date desc
        ), closing as (
          select distinct on (partner_id, product_id) partner_id, product_id, date, quantity_on_hand from snap where date > ${from}::date
          order by partner_id, product_id, date desc
        ), bounds as (
          select k.partner_id, k.product_id, o.date as opening_date, coalesce(o.quantity_on_hand, 0) as opening,
            coalesce(c.date, ${to}::date) as closing_date, c.quantity_on_hand as reported
          from keys k
          left join opening o on o.partner_id = k.partner_id and o.product_id = k.product_id
          left join closing c on c.partner_id = k.partner_id and c.product_id = k.product_id
        )`;
  }

  /**
   * GET /v1/orders/inventory/reconciliation/lines: the sell-in and sell-through lines between the opening and the
   * closing snapshot of one partner and product, by date (sell-in before sell-through on a day), with the running
   * computed stock; paged.
   */
  async tracedLines(actor: Actor, input: unknown, page: { limit: number; cursor?: string | undefined }): Promise<TracedLines> {
    requireScope(actor, 'orders:read', 'actuals:read');
    const q = parseInput(TracedLinesQuery, input ?? {});
    const to = q.to ?? today();
    if (q.from > to) throw invalid('to', 'must not be before from');
    const s = await this.scope(actor, q.partner, q.product);
    const after = decodeCursorOf(page.cursor, ['date', 'string', 'string'] as const);
    const t = actor.tenantId;
    const partnerId = s.partnerId!;
    const productId = s.product!;
    const [b] = await rowsOf<{ opening_date: string | null; opening: string; closing_date: string; reported: string | null }>(
      this.store.db,
      sql`with ${this.facts(t, s, to, undefined)}, ${this.bounds(q.from, to)}
        select opening_date::text as opening_date, opening::text as opening, closing_date::text as closing_date, reported::text as reported
        from bounds`,
    );
    const bounds = b ?? { opening_date: null, opening: '0', closing_date: to, reported: null };
    const rows = await rowsOf<{ stream: 'sell_in' | 'sell_through'; external_id: string; date: string; quantity: string; effect: string; balance: string }>(
      this.store.db,
      sql`with ${this.facts(t, s, bounds.closing_date, undefined)}, lines as (
          select m.stream, m.external_id, m.date, m.quantity, case when m.stream = 'sell_in' then m.quantity else -m.quantity end as effect
          from mv m where ${bounds.opening_date}::date is null or m.date > ${bounds.opening_date}::date
        ), run as (
          select l.*, ${bounds.opening}::numeric + sum(l.effect) over (order by l.date, l.stream, l.external_id rows unbounded preceding) as balance from lines l
        )
        select stream, external_id, date::text as date, quantity::text as quantity, effect::text as effect, balance::text as balance from run
        ${after ? sql`where (date, stream, external_id) > (${after[0]}::date, ${after[1]}::text, ${after[2]}::text)` : sql``}
        order by date, stream, external_id
        limit ${page.limit + 1}`,
    );
    const p = toPage(
      rows.map((r) => ({
        stream: r.stream,
        externalId: r.external_id,
        date: r.date,
        quantity: formatFixed(r.quantity),
        effect: formatFixed(r.effect),
        balance: formatFixed(r.balance),
      })),
      page.limit,
      (m) => [m.date, m.stream, m.externalId],
    );
    return {
      partnerId,
      productId,
      openingDate: bounds.opening_date,
      opening: formatFixed(bounds.opening),
      closingDate: bounds.closing_date,
      reported: q4(bounds.reported),
      data: p.items,
      nextCursor: p.nextCursor,
    };
  }
}
