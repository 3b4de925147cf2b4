/**
 * Eligibility by product-line rights and cross-region penalties against real territory rights (onboarding
 * agreements -> partner_territory_rights), with the target module's sell-through import doing the marking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeProgram } from '../helpers/incentive.js';
import { activePartnerWithAgreement, createPartner, seedCatalog } from '../helpers/onboarding.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
let EA: string;
let EB: string;
let EC: string;

const byPartner = (ls: { partnerId: string; amount: string }[]) => Object.fromEntries(ls.map((l) => [l.partnerId, l.amount]));
const dry = async (program: string) => {
  const r = await admin.post('/v1/incentives/runs', { program, period: '2026-Q3', dryRun: true });
  expect(r.statusCode, r.body).toBe(200);
  return r.data;
};

beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  cat = await seedCatalog(admin);
  EA = (await activePartnerWithAgreement(admin, 'EA', [cat.territories.zj.id], [cat.lines.tea.id])).partner.id; // TEA in ZJ
  EB = (await activePartnerWithAgreement(admin, 'EB', [cat.territories.zj.id], [cat.lines.wine.id])).partner.id; // WINE in ZJ
  EC = (await createPartner(admin, 'EC', 'active')).id; // no agreement, no rights
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode',
    'E-1,2026-07-05,EA,TEA-1,1,1000,C1,HZ', //  allowed
    'E-2,2026-07-06,EA,WINE-1,1,500,C1,HZ', //  WINE not authorised for EA: cross-region
    'E-3,2026-08-01,EB,WINE-1,1,2000,C2,HZ', // allowed
    'E-4,2026-08-02,EB,TEA-1,1,300,C2,NJ', //   TEA not authorised, NJ outside ZJ: cross-region
    'E-5,2026-09-30,EC,TEA-1,1,700,C3,HZ', //   no rights at all: cross-region
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', csv + '\n')).data).toMatchObject({ accepted: 5 });
});
afterAll(async () => t?.close());

describe('eligibility and base by product line', () => {
  it('only partners holding a right for the line are eligible; the base counts only that line', async () => {
    await makeProgram(admin, 'TEA-ONLY', {
      base: { metric: 'sell_through_amount', productLineIds: [cat.lines.tea.id] },
      eligibility: { productLineIds: [cat.lines.tea.id] },
      rules: { mode: 'whole', tiers: [{ threshold: '0', rate: '5' }] },
    });
    const r = await dry('TEA-ONLY');
    // EA holds TEA in ZJ; its TEA sell-through is 1000 (the WINE line does not count): 1000 x 5% = 50.00
    expect(byPartner(r.lines)).toEqual({ [EA]: '50.00' });
    expect(r.lines[0].explanation).toMatchObject({ base: '1000.0000', sourceRows: 1 });
  });

  it('without an eligibility filter every active partner counts, the base still restricted to the line', async () => {
    await makeProgram(admin, 'TEA-ALL', {
      base: { metric: 'sell_through_amount', productLineIds: [cat.lines.tea.id] },
      rules: { mode: 'whole', tiers: [{ threshold: '0', rate: '5' }] },
    });
    // EA 1000 x 5% = 50.00; EB 300 x 5% = 15.00; EC 700 x 5% = 35.00
    expect(byPartner((await dry('TEA-ALL')).lines)).toEqual({ [EA]: '50.00', [EB]: '15.00', [EC]: '35.00' });
  });

  it('cross-region penalties follow the real rights', async () => {
    await makeProgram(admin, 'XR-PEN', {
      type: 'penalty',
      base: { metric: 'sell_through_amount' },
      rules: { tiers: [], penalty: { sources: ['cross_region'], fixedPerViolation: '100', ratePercent: '10' } },
    });
    // EA: E-2 500 -> -(100 + 50) = -150.00; EB: E-4 300 -> -(100 + 30) = -130.00; EC: E-5 700 -> -(100 + 70) = -170.00
    expect(byPartner((await dry('XR-PEN')).lines)).toEqual({ [EA]: '-150.00', [EB]: '-130.00', [EC]: '-170.00' });
  });
});
