/**
 * bench/orders: the check of a 1,000-line order and 100 concurrent submissions against one partner's credit, each
 * against bare SQL doing the same reads (and, for submissions, the same lock and write), with the ratios.
 *   npm run bench:orders [-- --lines 1000 --concurrent 100]
 * Pool of 10 connections: submissions of one partner queue on its credit row, and with more waiters than that the
 * last ones can reach the 5 s lock timeout (503 DATABASE_TIMEOUT, retryable; never a wrong approval).
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/platform/actor.js';
import { orderBenchApp, orderWorld } from '../lib/orders.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000' }, concurrent: { type: 'string', default: '100' } } });
const L = Number(values.lines);
const C = Number(values.concurrent);
const TENANT = 'bench';
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const { app, database, drop } = await orderBenchApp('bench_orders', SECRET);
try {
  await app.ready();
  const { sql, terr, partner, skus } = await orderWorld(app, database, TENANT, SECRET, L);
  await sql`vacuum analyze`;

  const actor = systemActor(TENANT, 'bench');
  const orders = app.services.orders.orders;
  const body = { partner: 'P', shipTo: 'T', requestedDate: '2026-06-01', lines: skus.map((product, i) => ({ product, quantity: String(1 + (i % 9)) })) };

  // 1. the check of an L-line order: the service vs the same reads in bare SQL
  const bareCheck = async () => {
    const codes = `{${skus.join(',')}}`;
    await sql`select id, status from partners where tenant_id = ${TENANT} and code = 'P'`;
    await sql`select p.id, p.code, p.line_id from products p where p.tenant_id = ${TENANT} and p.code = any(${codes}::text[])`;
    await sql`select pl.product_id, pl.distribution_price, v.discount_rules from price_lines pl
      join price_versions v on v.tenant_id = pl.tenant_id and v.id = pl.version_id and v.status = 'published'
      join price_policies po on po.tenant_id = v.tenant_id and po.id = v.policy_id
      where pl.tenant_id = ${TENANT} and pl.product_id in (select id from products where tenant_id = ${TENANT} and code = any(${codes}::text[]))`;
    await sql`select
      exists (select 1 from agreements a where a.tenant_id = ${TENANT} and a.partner_id = ${partner.id} and a.start_date <= '2026-06-01' and a.end_date >= '2026-06-01') as ag,
      exists (select 1 from partner_territory_rights r where r.tenant_id = ${TENANT} and r.partner_id = ${partner.id} and r.territory_id = ${terr.id}) as ship,
      (select sum(total_amount) from orders where tenant_id = ${TENANT} and partner_id = ${partner.id} and approved_on is not null) as open`;
    await sql`select p.id, exists (select 1 from agreement_products ap join agreements a on a.tenant_id = ap.tenant_id and a.id = ap.agreement_id
        where ap.tenant_id = ${TENANT} and a.partner_id = ${partner.id} and (ap.product_id = p.id or ap.product_line_id = p.line_id)) as authorised
      from products p where p.tenant_id = ${TENANT} and p.code = any(${codes}::text[])`;
  };
  await orders.checkInput(actor, body);
  await bareCheck();
  const svc: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) {
    svc.push(await time(() => orders.checkInput(actor, body)));
    bare.push(await time(bareCheck));
  }
  const s1 = median(svc);
  const b1 = median(bare);
  const resolve: number[] = [];
  const priceBody = { partner: 'P', date: '2026-06-01', lines: body.lines };
  for (let i = 0; i < 5; i++) resolve.push(await time(() => app.services.policy.resolution.resolveBatch(actor, priceBody)));
  console.log(
    `check of a ${L}-line order: service ${s1.toFixed(1)} ms (of which policy's price resolution ${median(resolve).toFixed(1)} ms), bare SQL ${b1.toFixed(1)} ms, ratio ${(s1 / b1).toFixed(2)}`,
  );

  // 2. C concurrent submissions of 10-line orders against one partner's credit: the service vs bare SQL doing the
  // same lock, read and write per order in a transaction
  const small = { ...body, lines: body.lines.slice(0, 10) };
  const drafts = [];
  for (let i = 0; i < C; i++) drafts.push((await orders.create(actor, small)).order.id);
  const ts = performance.now();
  await Promise.all(drafts.map((id) => orders.submit(actor, id)));
  const s2 = performance.now() - ts;
  const bareDrafts = [];
  for (let i = 0; i < C; i++) bareDrafts.push((await orders.create(actor, small)).order.id);
  const tb = performance.now();
  await Promise.all(
    bareDrafts.map((id) =>
      sql.begin(async (tx) => {
        await tx`select 1 from credit_accounts where tenant_id = ${TENANT} and partner_id = ${partner.id} for update`;
        await tx`select sum(total_amount) from orders where tenant_id = ${TENANT} and partner_id = ${partner.id} and approved_on is not null`;
        await tx`select ol.line_no, pl.distribution_price from order_lines ol join price_lines pl on pl.tenant_id = ol.tenant_id and pl.product_id = ol.product_id
          where ol.tenant_id = ${TENANT} and ol.order_id = ${id}`;
        await tx`update orders set status = 'approved', approved_on = current_date where tenant_id = ${TENANT} and id = ${id}`;
      }),
    ),
  );
  const b2 = performance.now() - tb;
  console.log(`${C} concurrent submissions: service ${s2.toFixed(0)} ms, bare SQL ${b2.toFixed(0)} ms, ratio ${(s2 / b2).toFixed(2)}`);
} finally {
  await app.close().catch(() => {});
  await drop().catch(() => {});
}
