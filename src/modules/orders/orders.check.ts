/**
 * The order check: what a submit would decide, without writing. Set-based whatever the line count: price
 * resolution (policy contract, for the partner the caller loaded: products, then candidate prices, scoped discount
 * terms and deviations sent together), then, sent together, one statement for the order's facts (agreement in
 * force, ship-to rights, minimum amount), one for the lines' facts (authorisation, minimum quantities), two for what
 * other orders change (quota use; credit) and the rebate's when the order uses one: 8 statements for 1 line or 1,000
 * (9 with a rebate), in three round trips.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { invalid } from '../../platform/errors.js';
import { canon, Dec, dec, formatFixed, minorUnits, pgArray, rowsOf, roundMoney } from '../../platform/kernel/index.js';
import { rebateUseFacts, type RebateUseFacts } from '../incentive/contract.js';
import { onboardingSql, type PartnerFacts } from '../onboarding/contract.js';
import { resolvePricesFor, type ResolvedPrice } from '../policy/contract.js';
import { creditFactsSql, type CreditFactsRow } from './credit.sql.js';
import { OVERRIDABLE, type CheckedLine, type CheckResult, type Refusal, type RefusalCode } from './orders.schemas.js';

export interface CheckRequest {
  partner: PartnerFacts;
  /** the date prices, rights and quotas are taken on */
  date: string;
  /** the date credit is taken on (submissions: the later of today and the requested date) */
  creditDate: string;
  shipToTerritoryId: string | null;
  currency: string | null;
  paymentTermDays: number | null;
  lines: readonly { product: string; quantity: string; requestedPrice: string | null }[];
  /** a stored order: left out of its own quota use and exposure */
  orderId: string | null;
  /** rebate use (返利抵扣): amount and the program (id or code) whose cap applies */
  rebate: { amount: string; program: string | null } | null;
}

interface HeaderFacts {
  agreement_in_force: boolean;
  ship_to_ok: boolean | null;
  min_amount: string | null;
}

interface LineFacts {
  product_id: string;
  authorised: boolean;
  min_quantity: string | null;
}

interface QuotaFacts {
  product_id: string;
  quota: string;
  quota_used: string;
  period_start: string;
  period_end: string;
}

const refusal = (code: RefusalCode, message: string, line: number | null, details?: Record<string, string | null>): Refusal => ({
  code,
  message,
  line,
  overridable: OVERRIDABLE.includes(code),
  ...(details ? { details } : {}),
});

export async function checkOrder(
  db: Db,
  tenantId: string,
  q: CheckRequest,
): Promise<CheckResult & { productIds: (string | null)[]; quantities: Quantities; pricedIn: string }> {
  const t = tenantId;
  const p = q.partner.id;
  const priced: ResolvedPrice[] = await resolvePricesFor(db, t, {
    partner: q.partner,
    date: q.date,
    lines: q.lines.map((l) => ({ product: l.product, quantity: l.quantity })),
    paymentTermDays: q.paymentTermDays,
  });
  const productIds = [...new Set(priced.flatMap((r) => (r.productId ? [r.productId] : [])))];
  const currency = q.currency ?? priced.find((r) => r.currency)?.currency ?? null;

  // every other read depends on the pricing only (products, currency): sent together, evaluated below in order
  const [[header], lineRows, rebateFacts, live] = await Promise.all([
    rowsOf<HeaderFacts>(
      db,
      sql`select
      exists (select 1 from ${onboardingSql.agreements(t)} a where a.partner_id = ${p}::uuid
        and a.status in ('scheduled', 'active', 'expired', 'terminated') and a.start_date <= ${q.date}::date and a.end_date >= ${q.date}::date) as agreement_in_force,
      case when ${q.shipToTerritoryId}::uuid is null then null else exists (select 1 from ${onboardingSql.territoryRights(t)} r
        where r.partner_id = ${p}::uuid and r.territory_id = ${q.shipToTerritoryId}::uuid
          and (r.valid_from is null or r.valid_from <= ${q.date}::date) and (r.valid_to is null or r.valid_to >= ${q.date}::date)) end as ship_to_ok,
      (select max(min_amount)::text from order_rules where tenant_id = ${t} and product_id is null and (partner_id is null or partner_id = ${p}::uuid)
        and (currency is null or currency = ${currency})) as min_amount`,
    ),
    productIds.length ? lineFactsOf(db, t, p, q.date, productIds) : [],
    q.rebate ? rebateUseFacts(db, t, { partnerId: p, program: q.rebate.program, orderRef: q.orderId }) : null,
    liveFacts(db, t, { partnerId: p, date: q.date, creditDate: q.creditDate, orderId: q.orderId, productIds }),
  ]);
  const lineFacts = new Map<string, LineFacts>();
  for (const r of lineRows) lineFacts.set(r.product_id, r);

  const refusals: Refusal[] = [];
  if (q.partner.status !== 'active') refusals.push(refusal('PARTNER_NOT_ACTIVE', `partner '${q.partner.code}' is ${q.partner.status}, not active`, null));
  if (!header!.agreement_in_force)
    refusals.push(refusal('NO_AGREEMENT_IN_FORCE', `no agreement of partner '${q.partner.code}' is in force on ${q.date}`, null));
  if (header!.ship_to_ok === false)
    refusals.push(refusal('SHIP_TO_OUTSIDE_TERRITORY', `the ship-to territory is outside the territories of partner '${q.partner.code}' on ${q.date}`, null));

  const lines: CheckedLine[] = [];
  const qtyByProduct = new Map<string, { qty: ReturnType<typeof dec>; lines: number[] }>();
  let total = dec(0);
  let complete = true;
  q.lines.forEach((l, i) => {
    const n = i + 1;
    const r = priced[i]!;
    let unitPrice: string | null = null;
    let amount: string | null = null;
    if (r.status === 'unknown_product') {
      refusals.push(refusal('UNKNOWN_PRODUCT', r.message ?? `no product '${l.product}'`, n));
    } else if (r.status === 'unpriced') {
      refusals.push(refusal('NO_PRICE', r.message ?? `no price applies to '${r.product}'`, n));
    } else if (currency && r.currency !== currency) {
      refusals.push(refusal('CURRENCY_MISMATCH', `the price of '${r.product}' is in ${r.currency}, the order in ${currency}`, n));
    } else {
      const cur = r.currency!;
      // unit prices and quantities at 4 decimals (the storage scale), amounts at the currency's minor units
      const floor = formatFixed(r.netUnitPrice!);
      if (l.requestedPrice !== null) {
        const deviationOk = r.deviation !== null && dec(l.requestedPrice).gte(r.deviation.price);
        if (dec(l.requestedPrice).lt(floor) && !deviationOk)
          refusals.push(
            refusal(
              'PRICE_BELOW_FLOOR',
              `requested price ${l.requestedPrice} of '${r.product}' is below the floor ${floor} and no approved deviation allows it`,
              n,
              {
                requestedPrice: formatFixed(l.requestedPrice),
                floor,
              },
            ),
          );
        unitPrice = formatFixed(l.requestedPrice);
        amount = roundMoney(dec(l.requestedPrice).mul(l.quantity), cur);
      } else {
        unitPrice = floor;
        amount = roundMoney(r.netAmount!, cur);
      }
    }
    if (amount === null) complete = false;
    else total = total.add(amount);
    if (r.productId) {
      const f = lineFacts.get(r.productId);
      if (f && !f.authorised)
        refusals.push(refusal('PRODUCT_NOT_AUTHORISED', `partner '${q.partner.code}' is not authorised for '${r.product}' on ${q.date}`, n));
      if (f?.min_quantity && dec(l.quantity).lt(f.min_quantity))
        refusals.push(
          refusal('BELOW_MINIMUM_QUANTITY', `quantity ${formatFixed(l.quantity)} of '${r.product}' is below the minimum ${canon(f.min_quantity)}`, n, {
            minQuantity: canon(f.min_quantity),
          }),
        );
      const acc = qtyByProduct.get(r.productId) ?? { qty: dec(0), lines: [] };
      acc.qty = acc.qty.add(l.quantity);
      acc.lines.push(n);
      qtyByProduct.set(r.productId, acc);
    }
    lines.push({
      lineNo: n,
      product: r.product,
      productId: r.productId,
      quantity: r.quantity, // the line's quantity at 4 decimals, as policy wrote it
      requestedPrice: l.requestedPrice === null ? null : formatFixed(l.requestedPrice),
      unitPrice,
      amount,
      pricing: r,
    });
  });
  const cur = currency ?? 'CNY';
  const totalStr = complete ? roundMoney(total, cur) : null;
  if (header!.min_amount && totalStr !== null && dec(totalStr).lt(header!.min_amount))
    refusals.push(
      refusal('BELOW_MINIMUM_AMOUNT', `order total ${totalStr} is below the minimum ${roundMoney(header!.min_amount, cur)}`, null, {
        minAmount: roundMoney(header!.min_amount, cur),
      }),
    );

  const rebate = q.rebate ? checkRebate(rebateFacts!, q.rebate, cur, totalStr, refusals) : null;
  const payable = totalStr === null ? null : roundMoney(dec(totalStr).sub(q.rebate?.amount ?? 0), cur);
  const verdict = liveVerdict(live, { partner: q.partner, currency: cur, total: payable, quantities: qtyByProduct });
  refusals.push(...verdict.refusals);
  return {
    orderId: q.orderId,
    partnerId: p,
    date: q.date,
    currency,
    total: totalStr,
    lines,
    refusals,
    wouldApprove: refusals.length === 0,
    credit: verdict.credit,
    rebate,
    payable,
    productIds: priced.map((r) => r.productId),
    quantities: qtyByProduct,
    pricedIn: cur,
  };
}

/**
 * The lines' facts, one statement: whether an agreement in force on the date authorises each product (itself or its
 * line) and its minimum quantity. The partner's authorisations in force are read once and hashed; each product is
 * looked up in them (not one search of the agreements per product).
 */
function lineFactsOf(db: Db, t: string, p: string, date: string, productIds: readonly string[]): Promise<LineFacts[]> {
  const ids = pgArray(productIds);
  return rowsOf<LineFacts>(
    db,
    sql`with auth as (select ap.product_id, ap.product_line_id from ${onboardingSql.authorisedProducts(t)} ap
          where ap.partner_id = ${p}::uuid and ap.valid_from <= ${date}::date and ap.valid_to >= ${date}::date)
      select x.id::text as product_id,
        coalesce(x.id in (select product_id from auth where product_id is not null)
          or pr.line_id in (select product_line_id from auth where product_line_id is not null), false) as authorised,
        mq.min_quantity
      from unnest(${ids}::uuid[]) as x(id)
      left join ${onboardingSql.products(t)} pr on pr.id = x.id
      left join (select product_id, max(min_quantity)::text as min_quantity from order_rules
                 where tenant_id = ${t} and product_id = any(${ids}::uuid[]) and (partner_id is null or partner_id = ${p}::uuid)
                 group by product_id) mq on mq.product_id = x.id`,
  );
}

/**
 * The rebate use of an order (its facts read by one statement, incentive's contract): the account's currency and
 * available balance (with what this order already holds), and the cap: the named program's, or without one the
 * strictest of the active rebate programs with a cap; never more than the total. A cap in percent is rounded down to
 * the minor unit.
 */
function checkRebate(
  f: RebateUseFacts,
  use: { amount: string; program: string | null },
  cur: string,
  total: string | null,
  refusals: Refusal[],
): CheckResult['rebate'] {
  const named = use.program ? f.programs[0] : undefined;
  if (use.program && (!named || named.type !== 'rebate')) throw invalid('rebate.program', `no rebate program '${use.program}'`);
  const amount = dec(use.amount);
  let cap: ReturnType<typeof dec> | null = total === null ? null : dec(total);
  let capBy: (typeof f.programs)[number] | null = null;
  for (const pr of f.programs) {
    let c: ReturnType<typeof dec> | null = null;
    if (pr.maxPercent !== null && total !== null) c = dec(total).mul(pr.maxPercent).div(100).toDecimalPlaces(minorUnits(cur), Dec.ROUND_DOWN);
    if (pr.maxAmount !== null && (c === null || dec(pr.maxAmount).lt(c))) c = dec(pr.maxAmount);
    if (c !== null && (cap === null || c.lt(cap))) {
      cap = c;
      capBy = pr;
    }
  }
  const available = roundMoney(f.available, f.currency ?? cur);
  const mismatch = (f.currency !== null && f.currency !== cur) || (named !== undefined && named.currency !== cur);
  if (mismatch)
    refusals.push(
      refusal('REBATE_CURRENCY_MISMATCH', `the rebate is kept in ${f.currency !== cur ? f.currency : named!.currency}, the order is in ${cur}`, null, {
        rebateCurrency: f.currency,
        programCurrency: named?.currency ?? null,
        orderCurrency: cur,
      }),
    );
  else if (amount.gt(f.available))
    refusals.push(
      refusal('REBATE_INSUFFICIENT', `rebate ${roundMoney(amount, cur)} asked, ${available} available`, null, {
        amount: roundMoney(amount, cur),
        available,
      }),
    );
  if (cap !== null && amount.gt(cap)) {
    refusals.push(
      refusal(
        'REBATE_OVER_CAP',
        `rebate ${roundMoney(amount, cur)} exceeds the most this order may pay from rebate, ${roundMoney(cap, cur)}${capBy ? ` (program ${capBy.code})` : ' (the order total)'}`,
        null,
        {
          amount: roundMoney(amount, cur),
          cap: roundMoney(cap, cur),
          program: capBy?.code ?? null,
          maxPercent: capBy?.maxPercent ?? null,
          maxAmount: capBy?.maxAmount ? roundMoney(capBy.maxAmount, cur) : null,
        },
      ),
    );
  }
  return {
    amount: roundMoney(amount, cur),
    programId: named?.id ?? null,
    programCode: named?.code ?? null,
    cap: cap === null ? null : roundMoney(cap, cur),
    available,
    currency: f.currency,
  };
}

/** ordered quantity per product and the lines that order it */
type Quantities = Map<string, { qty: ReturnType<typeof dec>; lines: number[] }>;

/** What concurrent approvals change: credit (hold, limit, exposure, overdue) and quota use. */
export const LIVE_CODES: readonly RefusalCode[] = ['CREDIT_HOLD', 'OVER_CREDIT', 'OVERDUE_RECEIVABLES', 'OVER_QUOTA'];

/** What the live refusals are decided on: quota use of the order's products and the partner's credit. */
interface LiveFacts {
  quotas: QuotaFacts[];
  credit: CreditFactsRow;
}

/**
 * The facts of the refusals that depend on other orders of the partner (quota use, credit): two statements, sent
 * together (the quota one only when the order has products).
 */
function liveFacts(
  db: Db,
  t: string,
  q: { partnerId: string; date: string; creditDate: string; orderId: string | null; productIds: readonly string[] },
): Promise<LiveFacts> {
  const p = q.partnerId;
  const quotas = q.productIds.length
    ? rowsOf<QuotaFacts>(
        db,
        sql`select qu.product_id::text as product_id, qu.quantity::text as quota, qu.period_start::text as period_start, qu.period_end::text as period_end,
          (select coalesce(sum(ol.quantity), 0)::text from order_lines ol
            join orders o on o.tenant_id = ol.tenant_id and o.id = ol.order_id
            where ol.tenant_id = ${t} and ol.product_id = qu.product_id and o.partner_id = ${p}::uuid and o.approved_on is not null and o.status <> 'cancelled'
              and o.requested_date between qu.period_start and qu.period_end and (${q.orderId}::uuid is null or o.id <> ${q.orderId}::uuid)) as quota_used
        from (select distinct on (product_id) product_id, quantity, period_start, period_end from order_quotas
              where tenant_id = ${t} and partner_id = ${p}::uuid and product_id = any(${`{${q.productIds.join(',')}}`}::uuid[])
                and ${q.date}::date between period_start and period_end
              order by product_id, period_start desc) qu`,
      )
    : Promise.resolve([]);
  const credit = rowsOf<CreditFactsRow>(db, creditFactsSql(t, [p], q.creditDate, q.orderId));
  return Promise.all([quotas, credit]).then(([quotaRows, [c]]) => ({ quotas: quotaRows, credit: c! }));
}

/**
 * The refusals that depend on other orders of the partner (credit and quotas), two statements. A submission runs
 * the whole check first, then takes the partner's credit lock and runs only this again, so that the lock is held
 * for two reads and the write, not for the pricing.
 */
export async function liveRefusals(
  db: Db,
  t: string,
  q: {
    partner: PartnerFacts;
    date: string;
    creditDate: string;
    orderId: string | null;
    currency: string;
    total: string | null;
    quantities: Quantities;
  },
): Promise<{ refusals: Refusal[]; credit: CheckResult['credit'] }> {
  const facts = await liveFacts(db, t, {
    partnerId: q.partner.id,
    date: q.date,
    creditDate: q.creditDate,
    orderId: q.orderId,
    productIds: [...q.quantities.keys()],
  });
  return liveVerdict(facts, q);
}

function liveVerdict(
  facts: LiveFacts,
  q: { partner: PartnerFacts; currency: string; total: string | null; quantities: Quantities },
): { refusals: Refusal[]; credit: CheckResult['credit'] } {
  const cur = q.currency;
  const refusals: Refusal[] = [];
  for (const f of facts.quotas) {
    const acc = q.quantities.get(f.product_id)!;
    const remaining = dec(f.quota).sub(f.quota_used);
    if (acc.qty.gt(remaining))
      refusals.push(
        refusal(
          'OVER_QUOTA',
          `${formatFixed(acc.qty)} ordered, ${formatFixed(remaining)} left of the quota ${canon(f.quota)} for ${f.period_start}..${f.period_end}`,
          acc.lines[0]!,
          // the quota is a definition (echoed as written); what is used and ordered are quantities (4 decimals)
          { quota: canon(f.quota), used: formatFixed(f.quota_used), ordered: formatFixed(acc.qty), lines: acc.lines.join(',') },
        ),
      );
  }
  const c = facts.credit;
  const exposure = dec(c.open_orders).add(c.receivables);
  const limit = c.limit_amount === null ? null : dec(c.limit_amount).add(c.temporary);
  if (c.on_hold) refusals.push(refusal('CREDIT_HOLD', `partner '${q.partner.code}' is on credit hold${c.hold_reason ? `: ${c.hold_reason}` : ''}`, null));
  if (limit !== null && q.total !== null && exposure.add(q.total).gt(limit))
    refusals.push(
      refusal('OVER_CREDIT', `exposure ${roundMoney(exposure, cur)} + order ${q.total} exceeds the credit limit ${roundMoney(limit, cur)}`, null, {
        limit: roundMoney(limit, cur),
        exposure: roundMoney(exposure, cur),
        order: q.total,
        available: roundMoney(limit.sub(exposure), cur),
      }),
    );
  if (dec(c.overdue_beyond).gt(0))
    refusals.push(
      refusal(
        'OVERDUE_RECEIVABLES',
        `${roundMoney(c.overdue_beyond, cur)} overdue beyond the tolerated ${c.tolerance_days} days (oldest ${c.max_days_overdue} days)`,
        null,
        {
          overdue: roundMoney(c.overdue_beyond, cur),
          toleratedDays: String(c.tolerance_days),
          maxDaysOverdue: c.max_days_overdue === null ? null : String(c.max_days_overdue),
        },
      ),
    );
  return {
    refusals,
    credit: {
      limit: limit === null ? null : roundMoney(limit, cur),
      exposure: roundMoney(exposure, cur),
      available: limit === null ? null : roundMoney(limit.sub(exposure), cur),
      onHold: c.on_hold,
    },
  };
}
