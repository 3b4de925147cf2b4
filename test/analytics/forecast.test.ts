import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartners } from '../helpers/evaluation.js';
import { importCsv, seedCatalog } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let ids: Record<string, string>;

/*
 * Crafted two-year sell-through history (network total per month):
 *   2025: Jan-Sep 80 each, Oct 120, Nov 120, Dec 240 (F-A 200 + F-B 40)   -> year 1,200
 *   2026: Jan-Sep 120 each, Oct 180, Nov 180, Dec 390                       -> year 1,830
 *   2024-12: 99,999 (outside the 24 months ending at 2026-12: must not count)
 *
 * Hand computation, asOf 2026-12, seasonYears 2, window 3:
 *   sum of the history = 1,200 + 1,830 = 3,030
 *   per calendar month: Jan-Sep 80 + 120 = 200; Oct, Nov 120 + 180 = 300; Dec 240 + 390 = 630
 *   SI = 12 x month sum / 3,030: Jan-Sep 2,400/3,030 = 0.79207920..., Oct/Nov 3,600/3,030 = 1.18811881...,
 *        Dec 7,560/3,030 = 2.49504950...                                         (the twelve sum to 12)
 *   window Oct-Dec 2026: 180 + 180 + 390 = 750; its indices sum to 14,760/3,030
 *   level = 750 / (14,760/3,030) = 2,272,500/14,760 = 153.96341463... -> 153.9634
 *   forecast Jan 2027 = level x SI_Jan = 750 x 2,400/14,760 = 121.95121951... -> 121.9512 (Feb-Sep the same)
 *   forecast Oct 2027 = 750 x 3,600/14,760 = 182.92682926... -> 182.9268 (Nov the same)
 *   forecast Dec 2027 = 750 x 7,560/14,760 = 384.14634146... -> 384.1463
 *   run-rate = 750 / 3 = 250 for every month
 */
beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  await seedCatalog(t, 't1', { products: [{ code: 'W1' }], territories: [{ code: 'SH' }] });
  ids = { ...(await makePartners(admin, ['F-A'])), ...(await makePartners(admin, ['F-B'], { type: 'dealer' })) };
  const lines = ['externalId,date,partnerCode,productCode,quantity,amount,territoryCode', 'old,2024-12-15,F-A,W1,1,99999,SH'];
  const y25 = [80, 80, 80, 80, 80, 80, 80, 80, 80, 120, 120, 200];
  const y26 = [120, 120, 120, 120, 120, 120, 120, 120, 120, 180, 180, 390];
  y25.forEach((a, i) => lines.push(`a25-${i},2025-${String(i + 1).padStart(2, '0')}-10,F-A,W1,1,${a},SH`));
  lines.push('b25-12,2025-12-20,F-B,W1,1,40,SH');
  y26.forEach((a, i) => lines.push(`a26-${i},2026-${String(i + 1).padStart(2, '0')}-10,F-A,W1,1,${a},SH`));
  expect((await importCsv(t, token, 'sell-through', lines.join('\n'))).data).toMatchObject({ accepted: 26 });
});
afterAll(async () => t?.close());

describe('seasonal forecast from history', () => {
  it('matches the hand computation, with the method stated and the run-rate beside it', async () => {
    const res = await admin.get('/v1/analytics/forecast?asOf=2026-12&horizon=12&window=3');
    expect(res.statusCode, res.body).toBe(200);
    const f = res.data;
    expect(f.method).toMatchObject({ name: 'seasonal_index_x_level', seasonYears: 2, window: 3 });
    expect(f.method.description).toMatch(/SI_c = 12 x \(sum of the history in month c\)/);
    expect(f.history).toHaveLength(24);
    expect(f.history[0]).toEqual({ month: '2025-01', amount: '80.0000' });
    expect(f.history[11]).toEqual({ month: '2025-12', amount: '240.0000' });
    expect(f.seasonalIndex.map((s: any) => s.index)).toEqual([...Array(9).fill('0.792079'), '1.188119', '1.188119', '2.495050']);
    expect(f.level).toBe('153.9634');
    expect(f.runRate).toBe('250.0000');
    expect(f.forecast.map((x: any) => [x.month, x.seasonal, x.runRate])).toEqual([
      ...Array.from({ length: 9 }, (_, i) => [`2027-0${i + 1}`, '121.9512', '250.0000']),
      ['2027-10', '182.9268', '250.0000'],
      ['2027-11', '182.9268', '250.0000'],
      ['2027-12', '384.1463', '250.0000'],
    ]);
  });

  it('one year of seasonality, filters, confinement, an empty stream, CSV and GraphQL', async () => {
    // seasonYears 1: 2026 only (sum 1,830); window 3 = 750 over indices 12 x (180 + 180 + 390) / 1,830:
    // level = 750 x 1,830 / 9,000 = 152.5; Jan 2027 = 152.5 x 12 x 120 / 1,830 = 120
    const one = await admin.get('/v1/analytics/forecast?asOf=2026-12&horizon=1&seasonYears=1');
    expect(one.data).toMatchObject({ level: '152.5000', forecast: [{ month: '2027-01', seasonal: '120.0000', runRate: '250.0000' }] });
    const dealer = await admin.get('/v1/analytics/forecast?asOf=2026-12&partnerType=dealer&horizon=1');
    expect(dealer.data.history.filter((h: any) => h.amount !== '0.0000')).toEqual([{ month: '2025-12', amount: '40.0000' }]);
    const byPartner = await admin.get('/v1/analytics/forecast?asOf=2026-12&partner=F-B&horizon=1');
    expect(byPartner.data.history).toEqual(dealer.data.history);
    const p = t.client(await t.token({ scope: 'partner-portal', partner: ids['F-B']! }));
    const own = await p.get('/v1/analytics/forecast?asOf=2026-12&horizon=1');
    expect(own.data.history).toEqual(dealer.data.history);
    // nothing sold: indices all 1, level 0
    const none = await admin.get('/v1/analytics/forecast?asOf=2026-12&stream=sell_in&horizon=1');
    expect(none.data).toMatchObject({ level: '0.0000', runRate: '0.0000', forecast: [{ month: '2027-01', seasonal: '0.0000', runRate: '0.0000' }] });
    expect(new Set(none.data.seasonalIndex.map((s: any) => s.index))).toEqual(new Set(['1.000000']));
    const csv = await admin.get('/v1/analytics/forecast?asOf=2026-12&horizon=1&format=csv');
    const csvLines = csv.body.trim().split('\r\n');
    expect(csvLines[0]).toBe('month,kind,amount,runRate');
    expect(csvLines.at(-1)).toBe('2027-01,forecast,121.9512,250.0000');
    expect(csvLines).toHaveLength(1 + 24 + 1);
    const g = await admin.gql(`{ salesForecast(asOf: "2026-12", horizon: 1) { level runRate method { name } forecast { month seasonal } } }`);
    expect(g.errors).toBeUndefined();
    expect(g.data.salesForecast).toEqual({
      level: '153.9634',
      runRate: '250.0000',
      method: { name: 'seasonal_index_x_level' },
      forecast: [{ month: '2027-01', seasonal: '121.9512' }],
    });
    const bad = await admin.get('/v1/analytics/forecast?asOf=2026-12&horizon=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toBe('querystring.horizon');
  });
});
