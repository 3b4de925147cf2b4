import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastStatements, setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, importCsv, seedCatalog, seedProducts } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
const ps: { id: string; code: string }[] = [];

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  for (const code of ['A', 'B', 'C', 'D', 'E', 'F']) ps.push(await createPartner(admin, code));
  await seedCatalog(t, 't1', { products: [{ code: 'SKU1' }], territories: [{ code: 'SH' }] });
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode',
    'A-1,2026-07-05,A,SKU1,3,300,C1,SH',
    'A-2,2026-08-10,A,SKU1,2,200.50,C2,SH',
    'A-3,2026-10-01,A,SKU1,1,999,C1,SH', // after the quarter
    'A-4,2026-06-30,A,SKU1,1,50,C3,SH', // before the quarter (C3 is new in June, not in Q3)
    'A-5,2026-08-11,A,SKU1,1,0,C3,SH',
    'B-1,2026-07-20,B,SKU1,10,1500,X1,SH',
    'C-1,2026-09-01,C,SKU1,1,10,,SH',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', csv)).data.created).toBe(7);
  await admin.post('/v1/targets', { partnerId: ps[0]!.id, period: '2026-Q3', metric: 'sales_amount', value: '1000' });
  await admin.post('/v1/targets', { partnerId: ps[0]!.id, period: '2026-07', metric: 'sales_amount', value: '400' });
  await admin.post('/v1/targets', { partnerId: ps[1]!.id, period: '2026-Q3', metric: 'sales_amount', value: '1200' });
  await admin.post('/v1/targets', { partnerId: ps[0]!.id, period: '2026-Q3', metric: 'new_customers', value: '3' });
});
afterAll(async () => t?.close());

describe('achievement', () => {
  it('matches a hand-computed expectation for one partner, with run-rate and by-month breakdown', async () => {
    const res = await admin.get(`/v1/targets/achievement/${ps[0]!.id}?period=2026-Q3&metric=sales_amount&asOf=2026-08-15`);
    expect(res.statusCode).toBe(200);
    // actual = 300 + 200.50 + 0 = 500.50; 500.50 / 1000 = 50.05 %; gap 499.50
    // 46 of 92 days elapsed on 2026-08-15: forecast 500.50 * 92 / 46 = 1001.0000 -> 100.10 %
    expect(res.data).toEqual({
      partnerId: ps[0]!.id,
      partnerCode: 'A',
      partnerName: 'A Co.',
      period: '2026-Q3',
      periodStart: '2026-07-01',
      periodEnd: '2026-09-30',
      metric: 'sales_amount',
      asOf: '2026-08-15',
      target: '1000.0000',
      actual: '500.5000',
      achievementPct: '50.05',
      gap: '499.5000',
      elapsedDays: 46,
      periodDays: 92,
      forecast: '1001.0000',
      forecastPct: '100.10',
      byMonth: [
        { month: '2026-07', target: '400.0000', actual: '300.0000', achievementPct: '75.00' },
        { month: '2026-08', target: null, actual: '200.5000', achievementPct: null },
        { month: '2026-09', target: null, actual: '0.0000', achievementPct: null },
      ],
    });
    // new customers in Q3: C1 (07-05) and C2 (08-10); C3 was first seen in June -> 2 of 3 = 66.67 %
    const nc = await admin.get(`/v1/targets/achievement/${ps[0]!.id}?period=2026-Q3&metric=new_customers&asOf=2026-12-31`);
    expect(nc.data).toMatchObject({ target: '3.0000', actual: '2', achievementPct: '66.67', forecast: '2.0000' });
    // before the period starts there is no run-rate
    const early = await admin.get(`/v1/targets/achievement/${ps[0]!.id}?period=2026-Q3&asOf=2026-06-01`);
    expect(early.data).toMatchObject({ elapsedDays: 0, forecast: null });
  });

  it('ranks the network by achievement, paginated', async () => {
    // B: 1500 / 1200 = 125.00 %; A: 50.05 %; C: 10 with no target -> null, last
    const p1 = await admin.get('/v1/targets/achievement?period=2026-Q3&asOf=2026-09-30&limit=2');
    expect(p1.statusCode).toBe(200);
    expect(p1.data.data.map((a: any) => [a.partnerCode, a.achievementPct, a.rank])).toEqual([
      ['B', '125.00', 1],
      ['A', '50.05', 2],
    ]);
    const p2 = await admin.get(`/v1/targets/achievement?period=2026-Q3&asOf=2026-09-30&limit=2&cursor=${p1.data.nextCursor}`);
    expect(p2.data.data.map((a: any) => [a.partnerCode, a.achievementPct, a.actual, a.rank])).toEqual([['C', null, '10.0000', 3]]);
    expect(p2.data.nextCursor).toBeNull();
    // a partner user sees only its own row and not another partner's achievement
    const b = t.client(await t.token({ scope: 'targets:read', partner: ps[1]!.id }));
    expect((await b.get('/v1/targets/achievement?period=2026-Q3')).data.data.map((a: any) => a.partnerCode)).toEqual(['B']);
    expect((await b.get(`/v1/targets/achievement/${ps[0]!.id}?period=2026-Q3`)).statusCode).toBe(404);
  });

  it('GraphQL: achievement nested on Partner is batched (statement count does not grow with partners)', async () => {
    const q = (n: number) =>
      `{ partners(first: ${n}) { nodes { code achievement(period: "2026-Q3", asOf: "2026-08-15") { actual achievementPct forecast byMonth { month actual } } } } }`;
    const small = await admin.gql(q(2));
    const big = await admin.gql(q(6));
    expect(small.errors).toBeUndefined();
    expect(big.errors).toBeUndefined();
    const s2 = await leastStatements(t, () => admin.gql(q(2)));
    const s6 = await leastStatements(t, () => admin.gql(q(6)));
    expect(s6).toBe(s2);
    expect(s6).toBeLessThanOrEqual(4);
    const a = big.data.partners.nodes.find((n: any) => n.code === 'A');
    expect(a.achievement).toMatchObject({ actual: '500.5000', achievementPct: '50.05', forecast: '1001.0000' });
    expect(a.achievement.byMonth.map((m: any) => m.actual)).toEqual(['300.0000', '200.5000', '0.0000']);
    const net = await admin.gql(
      `{ networkAchievement(period: "2026-Q3", asOf: "2026-09-30", first: 1) { nodes { partnerCode rank achievementPct } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(net.data.networkAchievement.nodes).toEqual([{ partnerCode: 'B', rank: 1, achievementPct: '125.00' }]);
    expect(net.data.networkAchievement.pageInfo.hasNextPage).toBe(true);
  });
});

describe('a 50,000-row import', () => {
  it('streams 50,000 sell-through rows into facts and totals; re-sending changes nothing', async () => {
    await seedProducts(t, 't1', 'BULK-', 500);
    const lines = ['externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode'];
    let cents = 0n;
    for (let i = 1; i <= 50_000; i++) {
      const amount = ((i % 997) + 1) * 100 + (i % 100); // cents
      cents += BigInt(amount);
      lines.push(
        `BULK-${i},2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${'ABCDEF'[i % 6]},BULK-${(i % 500) + 1},${(i % 7) + 1},${(amount / 100).toFixed(2)},K${i % 3000},SH`,
      );
    }
    const csv = lines.join('\n') + '\n';
    const t0 = Date.now();
    const r = await importCsv(t, token, 'sell-through', csv);
    const ms = Date.now() - t0;
    expect(r.data).toMatchObject({ rowsRead: 50_000, accepted: 50_000, created: 50_000, rejected: 0 });
    const sum = (
      await t.database.rows<{ s: string; n: number }>(
        sql`select sum(amount)::text as s, count(*)::int as n from sell_through_lines where external_id like 'BULK-%'`,
      )
    )[0]!;
    expect(sum.n).toBe(50_000);
    expect(sum.s).toBe(`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}00`);
    const tot = (
      await t.database.rows<{ s: string }>(
        sql`select sum(amount)::text as s from actual_monthly_totals where stream = 'sell_through' and month between '2025-01-01' and '2025-12-01'`,
      )
    )[0]!;
    expect(tot.s).toBe(sum.s);
    const again = await importCsv(t, token, 'sell-through', csv);
    expect(again.data).toMatchObject({ accepted: 50_000, created: 0, updated: 0, unchanged: 50_000 });
    console.log(`50,000 rows: first import ${ms} ms`);
  });

  it('pages the ranking backward (last/before) with the ranks of the forward order', async () => {
    const q = (args: string) =>
      admin.gql(
        `{ networkAchievement(period: "2026-Q3", asOf: "2026-09-30", ${args}) { nodes { partnerCode rank } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } }`,
      );
    const all = await q('first: 10');
    expect(all.data.networkAchievement.nodes).toEqual([
      { partnerCode: 'B', rank: 1 },
      { partnerCode: 'A', rank: 2 },
      { partnerCode: 'C', rank: 3 },
    ]);
    const tail = await q('last: 2');
    expect(tail.errors).toBeUndefined();
    expect(tail.data.networkAchievement.nodes).toEqual([
      { partnerCode: 'A', rank: 2 },
      { partnerCode: 'C', rank: 3 },
    ]);
    expect(tail.data.networkAchievement.pageInfo).toMatchObject({ hasPreviousPage: true });
    const head = await q(`last: 2, before: "${tail.data.networkAchievement.pageInfo.startCursor}"`);
    expect(head.data.networkAchievement.nodes).toEqual([{ partnerCode: 'B', rank: 1 }]);
    expect(head.data.networkAchievement.pageInfo).toMatchObject({ hasPreviousPage: false });
    const more = await q('last: 10');
    expect(more.data.networkAchievement.nodes.map((n: any) => n.rank)).toEqual([1, 2, 3]);
    expect(more.data.networkAchievement.pageInfo).toMatchObject({ hasPreviousPage: false });
  });

  it('the network of a year and of a month: actuals equal the partner view (quarterly and monthly totals agree)', async () => {
    for (const period of ['2026', '2026-08', '2026-Q2']) {
      const net = await admin.get(`/v1/targets/achievement?period=${period}&asOf=2026-12-31&limit=10`);
      expect(net.statusCode).toBe(200);
      for (const row of net.data.data) {
        const one = await admin.get(`/v1/targets/achievement/${row.partnerId}?period=${period}&asOf=2026-12-31`);
        expect([period, row.partnerCode, row.actual]).toEqual([period, row.partnerCode, one.data.actual]);
      }
      if (period === '2026') {
        // 300 + 200.50 + 999 + 50 + 0 (A); 1500 (B); 10 (C): no yearly target, so ranked by actual
        expect(net.data.data.map((a: any) => [a.partnerCode, a.actual, a.achievementPct, a.rank])).toEqual([
          ['A', '1549.5000', null, 1],
          ['B', '1500.0000', null, 2],
          ['C', '10.0000', null, 3],
        ]);
      }
    }
  });
});
