/**
 * bench/orders/explain: where the check of an L-line order spends its time. Same data as bench/orders/run.ts; prints
 * each statement the check sends with its EXPLAIN ANALYZE execution time and the round-trip time the service saw,
 * then the check's wall time split into SQL (statement sent to rows back) and the rest (JS).
 * `--rich` adds what the plain bench lacks (a partner-type policy with discount rules, a version out of force, a
 * product-line price, scoped discount terms, deviations, order rules, quotas, requested prices, an unknown product):
 * with `--dump <file>` it writes the check's response, to compare before and after a change (ids aside).
 *   npx tsx bench/orders/explain.ts [--lines 1000 --runs 7 --plans --profile <file> --rich --dump <file>]
 */
import { parseArgs } from 'node:util';
import { systemActor } from '../../src/platform/actor.js';
import { orderBenchApp, orderWorld } from '../lib/orders.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '7' },
    plans: { type: 'boolean', default: false },
    profile: { type: 'string' },
    dump: { type: 'string' },
    rich: { type: 'boolean', default: false },
  },
});
const L = Number(values.lines);
const RUNS = Number(values.runs);
const TENANT = 'bench';
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { app, database, drop } = await orderBenchApp('bench_orders_explain', SECRET);
try {
  await app.ready();
  const { auth, post, sql, skus } = await orderWorld(app, database, TENANT, SECRET, L);
  const extra: { product: string; quantity: string; requestedPrice?: string }[] = [];
  if (values.rich) {
    // every 10th product (from 7) in a second line, outside the agreement, priced by the partner type's line price
    const l2 = await post('/v1/onboarding/product-lines', { code: 'L2', name: 'Line 2' });
    await sql`update products set line_id = ${l2.id}::uuid where tenant_id = ${TENANT} and (substr(code, 5)::int) % 10 = 7`;
    const dist = await post('/v1/policy/price-policies', {
      code: 'DIST',
      name: 'Distributors',
      currency: 'CNY',
      scope: { kind: 'partner_type', value: 'distributor' },
    });
    const old = await post(`/v1/policy/price-policies/${dist.id}/versions`, { effectiveFrom: '2025-01-01', effectiveTo: '2025-12-31' });
    const third = skus.filter((_, i) => i % 3 === 0);
    await post(`/v1/policy/versions/${old.id}/lines`, { lines: third.map((p) => ({ product: p, distributionPrice: '9.10', suggestedRetailPrice: '99.00' })) });
    await post(`/v1/policy/versions/${old.id}/publish`, {});
    const cur = await post(`/v1/policy/price-policies/${dist.id}/versions`, {
      effectiveFrom: '2026-01-01',
      discountRules: [
        {
          kind: 'volume',
          basis: 'quantity',
          tiers: [
            { min: '5', ratePercent: '2' },
            { min: '8', ratePercent: '3.5' },
          ],
        },
        {
          kind: 'payment_term',
          tiers: [
            { withinDays: 30, ratePercent: '1' },
            { withinDays: 10, ratePercent: '2.5' },
          ],
        },
      ],
    });
    await post(`/v1/policy/versions/${cur.id}/lines`, {
      lines: [
        ...third.map((p, k) => ({
          product: p,
          distributionPrice: `${8 + (k % 7)}.35`,
          suggestedRetailPrice: '99.00',
          ...(k % 2 ? { minResalePrice: `${20 + (k % 5)}.00` } : {}),
        })),
        { productLine: 'L2', distributionPrice: '7.77', suggestedRetailPrice: '50.00' },
      ],
    });
    await post(`/v1/policy/versions/${cur.id}/publish`, {});
    const terms = await post('/v1/policy/terms', {
      name: 'Tenant-wide volume',
      scope: { kind: 'default' },
      effectiveFrom: '2026-01-01',
      discountRules: [{ kind: 'volume', basis: 'amount', tiers: [{ min: '50', ratePercent: '1.25' }] }],
    });
    await post(`/v1/policy/terms/${terms.id}/publish`, {});
    // below the minimum resale price (odd thirds have one), above the suggested retail price
    for (const [i, price] of [
      [3, '5.00'],
      [9, '5.00'],
      [297, '5.00'],
      [0, '150.00'],
      [6, '150.00'],
      [301, '1500.00'],
    ] as const) {
      const d = await post('/v1/policy/deviations', {
        partner: 'P',
        product: skus[i]!,
        price,
        validFrom: '2026-05-01',
        validTo: '2026-07-31',
        reason: 'bench',
      });
      await post(`/v1/policy/deviations/${d.id}/approve`, {});
    }
    for (let i = 0; i < L; i += 11) await post('/v1/orders/rules', { partner: 'P', product: skus[i]!, minQuantity: '5' });
    await post('/v1/orders/rules', { partner: 'P', minAmount: '100' });
    for (let i = 0; i < L; i += 13)
      await app.inject({
        method: 'PUT',
        url: '/v1/orders/quotas',
        headers: auth,
        payload: { partner: 'P', product: skus[i]!, periodStart: '2026-01-01', periodEnd: '2026-12-31', quantity: '3' },
      });
    extra.push({ product: skus[1]!, quantity: '2.5' }, { product: 'NOPE', quantity: '1' }, { product: skus[13]!, quantity: '1', requestedPrice: '1.00' });
  }
  await sql`vacuum analyze`;

  const actor = systemActor(TENANT, 'bench');
  const orders = app.services.orders.orders;
  const body = {
    partner: 'P',
    shipTo: 'T',
    requestedDate: '2026-06-01',
    ...(values.rich ? { paymentTermDays: 12 } : {}),
    lines: [
      ...skus.map((product, i) => ({
        product,
        quantity: String(1 + (i % 9)),
        ...(values.rich && i % 17 === 0 ? { requestedPrice: `${8 + (i % 4)}.50` } : {}),
      })),
      ...extra,
    ],
  };
  for (let i = 0; i < 3; i++) await orders.checkInput(actor, body);

  if (values.profile) {
    // a CPU profile of RUNS checks (open it in Chrome's DevTools or summarise it with bench/orders/profile-summary)
    const { Session } = await import('node:inspector/promises');
    const { writeFileSync } = await import('node:fs');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (let r = 0; r < RUNS; r++) await orders.checkInput(actor, body);
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(values.profile, JSON.stringify(profile));
    console.log(`profile of ${RUNS} checks written to ${values.profile}`);
  }
  // statements of one check, with the time from sent to the next statement or the end (round trip + decoding)
  const walls: number[] = [];
  const sqlShares: number[] = [];
  let sent: { query: string; params: readonly unknown[]; at: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    sent = [];
    database.onStatement = (query, params) => sent.push({ query, params, at: performance.now() });
    const t0 = performance.now();
    await orders.checkInput(actor, body);
    const t1 = performance.now();
    database.onStatement = undefined;
    walls.push(t1 - t0);
    sqlShares.push(sent.length);
  }
  console.log(`check of a ${L}-line order (service call): median ${median(walls).toFixed(1)} ms of ${RUNS}; ${sent.length} statements`);
  const http: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/v1/orders:check', headers: auth, payload: body });
    http.push(performance.now() - t0);
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  console.log(`POST /v1/orders:check (inject): median ${median(http).toFixed(1)} ms`);
  {
    // the response's serialisation alone: the zod type provider's serializer vs fast-json-stringify from the schema
    const { serializerCompiler } = await import('fastify-type-provider-zod');
    const { responseSerializerCompiler } = await import('../../src/platform/serialize.js');
    const { CheckResult } = await import('../../src/modules/orders/orders.schemas.js');
    const result = await orders.checkInput(actor, body);
    const route = { schema: CheckResult, method: 'POST', url: '/v1/orders:check', httpStatus: '200' } as never;
    const reference = serializerCompiler(route)(result);
    if (values.dump) (await import('node:fs')).writeFileSync(values.dump, reference);
    for (const [name, ser] of [
      ['zod', serializerCompiler(route)],
      ['fast-json-stringify', responseSerializerCompiler(route)],
    ] as const) {
      const ts: number[] = [];
      let out = '';
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        out = ser(result);
        ts.push(performance.now() - t0);
      }
      console.log(`serialisation (${name}): median ${median(ts).toFixed(1)} ms, ${out.length} bytes, same as the zod serializer's: ${out === reference}`);
    }
  }
  let total = 0;
  for (const s of sent) {
    const times: number[] = [];
    let plan = '';
    for (let k = 0; k < 3; k++) {
      const rows = (await sql.unsafe(`explain (analyze, buffers) ${s.query}`, s.params as never[])) as unknown as { 'QUERY PLAN': string }[];
      const text = rows.map((x) => x['QUERY PLAN']).join('\n');
      const ex = /Execution Time: ([\d.]+)/.exec(text);
      const pl = /Planning Time: ([\d.]+)/.exec(text);
      times.push(Number(ex?.[1] ?? 0) + Number(pl?.[1] ?? 0));
      plan = text;
    }
    const bare: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      await sql.unsafe(s.query, s.params as never[]);
      bare.push(performance.now() - t0);
    }
    total += median(times);
    console.log(
      `\n-- planning+execution ${median(times).toFixed(2)} ms, round trip from node ${median(bare).toFixed(2)} ms, ${s.params.length} params\n${s.query.slice(0, 300).replace(/\s+/g, ' ')}`,
    );
    if (values.plans) console.log(plan);
  }
  console.log(`\nsum of planning+execution: ${total.toFixed(1)} ms`);
} finally {
  await app.close().catch(() => {});
  await drop().catch(() => {});
}
