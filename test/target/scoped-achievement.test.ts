/** Achievement of product-line and territory targets (a territory counts with its descendants). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createLine, createPartner, createProduct, createTerritory } from '../helpers/onboarding.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let ids: { partner: string; tea: string; zj: string; js: string };

beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  const tea = await createLine(admin, 'SA-TEA');
  await createLine(admin, 'SA-WINE');
  await createProduct(admin, 'SA-TEA-1', 'SA-TEA');
  await createProduct(admin, 'SA-WINE-1', 'SA-WINE');
  const cn = await createTerritory(admin, 'SA-CN');
  const zj = await createTerritory(admin, 'SA-ZJ', cn.id);
  await createTerritory(admin, 'SA-HZ', zj.id);
  const js = await createTerritory(admin, 'SA-JS', cn.id);
  const p = await createPartner(admin, 'SA-P');
  ids = { partner: p.id, tea: tea.id, zj: zj.id, js: js.id };
  for (const body of [
    { metric: 'sales_amount', value: '1000' },
    { metric: 'sales_amount', value: '400', productLineId: tea.id },
    { metric: 'sales_amount', value: '1000', territoryId: zj.id },
  ]) {
    const r = await admin.post('/v1/targets', { partnerId: p.id, period: '2026-Q3', ...body });
    expect(r.statusCode, r.body).toBe(201);
  }
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode',
    'SA-1,2026-07-05,SA-P,SA-TEA-1,3,300,C1,SA-ZJ',
    'SA-2,2026-08-10,SA-P,SA-WINE-1,2,200,C2,SA-HZ',
    'SA-3,2026-09-01,SA-P,SA-TEA-1,1,100,C3,SA-JS',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', csv)).data).toMatchObject({ accepted: 3 });
});
afterAll(async () => t?.close());

describe('scoped achievement', () => {
  it('partner level, product line and territory (with its descendants) each against their own target', async () => {
    const q = `period=2026-Q3&asOf=2026-09-30`;
    const all = await admin.get(`/v1/targets/achievement/${ids.partner}?${q}`);
    // 300 + 200 + 100 = 600 of 1000
    expect(all.data).toMatchObject({ target: '1000.0000', actual: '600.0000', achievementPct: '60.00' });
    const line = await admin.get(`/v1/targets/achievement/${ids.partner}?${q}&productLineId=${ids.tea}`);
    // TEA: 300 (ZJ) + 100 (JS) = 400 of 400; by month 300 / 0 / 100
    expect(line.data).toMatchObject({ target: '400.0000', actual: '400.0000', achievementPct: '100.00', gap: '0.0000' });
    expect(line.data.byMonth.map((m: { actual: string }) => m.actual)).toEqual(['300.0000', '0.0000', '100.0000']);
    const zj = await admin.get(`/v1/targets/achievement/${ids.partner}?${q}&territoryId=${ids.zj}`);
    // ZJ with HZ: 300 + 200 = 500 of 1000
    expect(zj.data).toMatchObject({ target: '1000.0000', actual: '500.0000', achievementPct: '50.00' });
    const js = await admin.get(`/v1/targets/achievement/${ids.partner}?${q}&territoryId=${ids.js}`);
    // no JS target: actual 100, no percentage
    expect(js.data).toMatchObject({ target: null, actual: '100.0000', achievementPct: null });
    const net = await admin.get(`/v1/targets/achievement?${q}&productLineId=${ids.tea}`);
    expect(net.data.data).toEqual([expect.objectContaining({ partnerId: ids.partner, actual: '400.0000', rank: 1 })]);
  });

  it('the same through GraphQL on the Partner type', async () => {
    const g = await admin.gql(
      `query($id: ID!, $line: ID, $tr: ID) { partner(id: $id) {
        line: achievement(period: "2026-Q3", asOf: "2026-09-30", productLineId: $line) { actual achievementPct }
        zj: achievement(period: "2026-Q3", asOf: "2026-09-30", territoryId: $tr) { actual achievementPct } } }`,
      { id: ids.partner, line: ids.tea, tr: ids.zj },
    );
    expect(g.errors).toBeUndefined();
    expect(g.data.partner).toEqual({ line: { actual: '400.0000', achievementPct: '100.00' }, zj: { actual: '500.0000', achievementPct: '50.00' } });
  });

  it('refuses both scopes at once and scopes on metrics that have none', async () => {
    const both = await admin.get(`/v1/targets/achievement/${ids.partner}?period=2026-Q3&productLineId=${ids.tea}&territoryId=${ids.zj}`);
    expect(both.statusCode).toBe(400);
    expect(both.data.errors[0].path).toBe('querystring.territoryId');
    const nc = await admin.get(`/v1/targets/achievement/${ids.partner}?period=2026-Q3&metric=new_customers&productLineId=${ids.tea}`);
    expect(nc.statusCode).toBe(400);
    expect(nc.data.errors[0].path).toBe('querystring.metric');
  });
});
