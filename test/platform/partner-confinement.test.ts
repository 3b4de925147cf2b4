import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { rebateRules } from '../helpers/incentive.js';
import { createPartner, importCsv, seedCatalog } from '../helpers/target.js';

/**
 * Tenant isolation and partner confinement review: two tenants (t1, t2) with overlapping codes and external ids,
 * and partner users of t1. Each test proves a place judged risky (see the review report).
 */
let t: TestApp;
let a1: Client; // tenant t1 admin
let a2: Client; // tenant t2 admin
let a1Token: string;
let a2Token: string;
let pa: { id: string }, pb: { id: string }; // t1 partners
let pa2: { id: string }; // t2 partner with the same code as t1's PA

const rows = <T = any>(q: ReturnType<typeof sql>) => t.database.rows<T>(q);

const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

beforeAll(async () => {
  t = await setupTestApp();
  a1Token = await t.token();
  a2Token = await t.token({ tenant: 't2' });
  a1 = t.client(a1Token);
  a2 = t.client(a2Token);
  pa = await createPartner(a1, 'PA');
  pb = await createPartner(a1, 'PB');
  pa2 = await createPartner(a2, 'PA');
  const spec = { lines: ['L1'], products: [{ code: 'SKU1', line: 'L1' }], territories: [{ code: 'CN' }] };
  await seedCatalog(t, 't1', spec);
  await seedCatalog(t, 't2', spec);
});
afterAll(async () => t?.close());

describe('actuals import (target.ingest upsert by external id)', () => {
  it("tenant B's line with the same external id does not touch tenant A's line", async () => {
    expect((await importCsv(t, a1Token, 'sell-through', [HEADER, 'X-1,2026-07-05,PA,SKU1,3,300,C1,CN'].join('\n'))).data).toMatchObject({ created: 1 });
    expect((await importCsv(t, a2Token, 'sell-through', [HEADER, 'X-1,2026-07-05,PA,SKU1,9,999,C9,CN'].join('\n'))).data).toMatchObject({ created: 1 });
    const r = await rows(sql`select tenant_id, partner_id, amount::text as amount from sell_through_lines where external_id = 'X-1' order by tenant_id`);
    expect(r).toEqual([
      { tenant_id: 't1', partner_id: pa.id, amount: '300.0000' },
      { tenant_id: 't2', partner_id: pa2.id, amount: '999.0000' },
    ]);
  });

  it("a partner user cannot overwrite (take over) another partner's line by reusing its external id", async () => {
    const pbUser = await t.token({ scope: 'actuals:write', partner: pb.id });
    const totalsBefore = await rows(
      sql`select partner_id, month::text, amount::text, lines from actual_monthly_totals where tenant_id = 't1' order by partner_id, month`,
    );
    const res = await importCsv(t, pbUser, 'sell-through', [HEADER, 'X-1,2026-07-05,PB,SKU1,1,1,C1,CN'].join('\n'));
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ accepted: 0, rejected: 1, created: 0, updated: 0 });
    expect(res.data.errors[0]).toMatchObject({ line: 2, path: 'externalId' });
    const [line] = await rows(sql`select partner_id, amount::text as amount from sell_through_lines where tenant_id = 't1' and external_id = 'X-1'`);
    expect(line).toEqual({ partner_id: pa.id, amount: '300.0000' });
    expect(
      await rows(sql`select partner_id, month::text, amount::text, lines from actual_monthly_totals where tenant_id = 't1' order by partner_id, month`),
    ).toEqual(totalsBefore);
    // its own new lines still import
    const ok = await importCsv(t, pbUser, 'sell-through', [HEADER, 'PB-1,2026-07-05,PB,SKU1,1,10,C1,CN'].join('\n'));
    expect(ok.data).toMatchObject({ accepted: 1, created: 1 });
  });
});

describe('incentive writes by partner users', () => {
  it('a partner user holding incentives:write cannot book a manual line or grant an award to another partner', async () => {
    const paWriter = t.client(await t.token({ scope: 'incentives:write', partner: pa.id }));
    const line = await paWriter.post('/v1/incentives/statements/lines', {
      partnerId: pb.id,
      period: '2026-07',
      amount: '500.00',
      reason: 'bonus',
      unit: 'CNY',
    });
    expect(line.statusCode).toBe(403);
    const award = await paWriter.post('/v1/incentives/awards', { partnerId: pb.id, period: '2026', title: 'Best of the year' });
    expect(award.statusCode).toBe(403);
    const prog = await paWriter.post('/v1/incentives/programs', { code: 'SNEAK', name: 'x', type: 'rebate', granularity: 'quarter', rules: rebateRules() });
    expect(prog.statusCode).toBe(403);
    const approver = t.client(await t.token({ scope: 'incentives:approve', partner: pa.id }));
    expect((await approver.post(`/v1/incentives/rebate-accounts/${pb.id}/entries`, { kind: 'pay_out', amount: '1.00', reason: 'x' })).statusCode).toBe(403);
    expect(await rows(sql`select count(*)::int as n from incentive_statements where tenant_id = 't1'`)).toEqual([{ n: 0 }]);
    expect(await rows(sql`select count(*)::int as n from recognition_awards where tenant_id = 't1'`)).toEqual([{ n: 0 }]);
    // and over GraphQL
    const g = await paWriter.gql(`mutation($i: IncentiveManualLineInput!) { addIncentiveManualLine(input: $i) { id } }`, {
      i: { partnerId: pb.id, period: '2026-07', amount: '1.00', reason: 'x', unit: 'CNY' },
    });
    expect(g.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rows(sql`select count(*)::int as n from incentive_statement_lines where tenant_id = 't1'`)).toEqual([{ n: 0 }]);
  });
});
