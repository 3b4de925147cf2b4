import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeProgram } from '../helpers/incentive.js';
import { catalogFixture, makePartner, makePolicy, price } from '../helpers/policy.js';
import { importCsv } from '../helpers/target.js';

/** Issue 14 #8: price breaking (乱价) from sell-through data, marked at ingestion, reaching penalties. */
let t: TestApp;
let admin: Client;
let token: string;
let A: { id: string; code: string };

const flags = async () =>
  Object.fromEntries(
    (
      await t.database.rows<{ external_id: string; price_violation: boolean; min_resale_price: string | null }>(
        sql`select external_id, price_violation, min_resale_price::text as min_resale_price from sell_through_lines order by external_id`,
      )
    ).map((r) => [r.external_id, [r.price_violation, r.min_resale_price]]),
  );

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  A = await makePartner(admin, 'PV-A');
  await catalogFixture(t, { products: [{ code: 'W1' }, { code: 'W2' }] });
  await t.database.db.execute(sql`insert into territories (tenant_id, id, code, name) values ('t1', '0190b5a6-0000-7000-8000-00000000bbbb', 'TX', 'TX')`);
  // W1: minimum resale price 80.00 from March; W2: no minimum
  await makePolicy(admin, {
    code: 'PV',
    scope: { kind: 'default' },
    effectiveFrom: '2026-03-01',
    lines: [price('W1', '60.00', '100.00', '80.00'), price('W2', '60.00', '100.00')],
  });
  // an approved deviation lets A sell W1 at 75.00 from 2026-03-20 to 2026-03-31
  const dev = await admin.post('/v1/policy/deviations', {
    partner: A.code,
    product: 'W1',
    price: '75.00',
    validFrom: '2026-03-20',
    validTo: '2026-03-31',
    reason: 'promo',
  });
  expect(dev.statusCode, dev.body).toBe(201);
  expect((await admin.post(`/v1/policy/deviations/${dev.data.id}/approve`, {})).statusCode).toBe(200);
});
afterAll(async () => t?.close());

describe('sell-through below the minimum resale price', () => {
  it('marks lines below the floor in force on their date (after an approved deviation) at ingestion', async () => {
    const csv = [
      'externalId,date,partnerCode,productCode,quantity,amount,territoryCode',
      'L1,2026-03-10,PV-A,W1,10,799.90,TX', // 79.99 < 80.00: violation
      'L2,2026-03-10,PV-A,W1,10,800.00,TX', // 80.00: at the floor, fine
      'L3,2026-03-25,PV-A,W1,4,312.00,TX', // 78.00 >= the deviation's 75.00: fine
      'L4,2026-03-25,PV-A,W1,1,74.00,TX', // below the deviation too: violation
      'L5,2026-02-10,PV-A,W1,1,1.00,TX', // no price in force yet: no floor
      'L6,2026-03-10,PV-A,W2,1,1.00,TX', // no minimum for W2
    ].join('\n');
    const res = await importCsv(t, token, 'sell-through', csv + '\n');
    expect(res.data).toMatchObject({ created: 6 });
    expect(await flags()).toEqual({
      L1: [true, '80.0000'],
      L2: [false, '80.0000'],
      L3: [false, '75.0000'],
      L4: [true, '75.0000'],
      L5: [false, null],
      L6: [false, null],
    });
    // a corrected line is unmarked by its re-import
    await importCsv(t, token, 'sell-through', 'externalId,date,partnerCode,productCode,quantity,amount,territoryCode\nL1,2026-03-10,PV-A,W1,10,850.00,TX\n');
    expect((await flags()).L1).toEqual([false, '80.0000']);
    await importCsv(t, token, 'sell-through', 'externalId,date,partnerCode,productCode,quantity,amount,territoryCode\nL1,2026-03-10,PV-A,W1,10,799.90,TX\n');
    expect((await flags()).L1).toEqual([true, '80.0000']);
  });

  it('reaches penalty programs: each marked line is a price violation with its per-unit shortfall', async () => {
    const pen = await makeProgram(admin, 'PV-PEN', {
      type: 'penalty',
      rules: { tiers: [], penalty: { sources: ['price_violation'], fixedPerViolation: '100', ratePercent: '100' } },
    });
    const res = await admin.post('/v1/incentives/runs', { program: pen.id, period: '2026-Q1', dryRun: true });
    expect(res.statusCode, res.body).toBe(200);
    // two marked lines: -(2 x 100 + (0.01 + 1.00) x 100%) = -201.01
    const line = res.data.lines.find((l: { partnerId: string }) => l.partnerId === A.id);
    expect(line.amount).toBe('-201.01');
    expect(line.explanation.penalty).toEqual([{ source: 'price_violation', count: 2, value: '1.01', amount: '-201.01' }]);
  });

  it('checks every line of a batch of several thousand lines', async () => {
    const B = await makePartner(admin, 'PV-B');
    // 4,500 lines of one batch; every other line below W1's 80.00 floor
    const rows = ['externalId,date,partnerCode,productCode,quantity,amount,territoryCode'];
    for (let i = 1; i <= 4500; i++) rows.push(`S${String(i).padStart(4, '0')},2026-03-10,${B.code},W1,1,${i % 2 ? '79.99' : '80.00'},TX`);
    const res = await importCsv(t, token, 'sell-through', rows.join('\n') + '\n');
    expect(res.data).toMatchObject({ created: 4500, rejected: 0 });
    const marked = await t.database.rows<{ external_id: string; price_violation: boolean; min_resale_price: string | null }>(
      sql`select external_id, price_violation, min_resale_price::text as min_resale_price from sell_through_lines where external_id like 'S%' order by external_id`,
    );
    expect(marked).toHaveLength(4500);
    const wrong = marked.filter((r, i) => r.price_violation !== ((i + 1) % 2 === 1) || r.min_resale_price !== '80.0000');
    expect(wrong).toEqual([]);
  });

  it('reads no price data for a brand that publishes no minimum resale price: its lines have no floor and no mark', async () => {
    // the same file into a tenant with a minimum (t1) and into one whose price list sets none
    const csv = (prefix: string) =>
      [
        'externalId,date,partnerCode,productCode,quantity,amount,territoryCode',
        `${prefix}1,2026-03-10,PV-C,W1,10,1.00,TX`,
        `${prefix}2,2026-03-11,PV-C,W1,1,1.00,TX`,
      ].join('\n') + '\n';
    const none = 'pv-nofloor';
    const noneToken = await t.token({ tenant: none });
    const noneAdmin = t.client(noneToken);
    await makePartner(admin, 'PV-C');
    await makePartner(noneAdmin, 'PV-C');
    await catalogFixture(t, { products: [{ code: 'W1' }] }, none);
    await t.database.db.execute(sql`insert into territories (tenant_id, id, code, name) values (${none}, '0190b5a6-0000-7000-8000-00000000cccc', 'TX', 'TX')`);
    await makePolicy(noneAdmin, { code: 'NF', scope: { kind: 'default' }, effectiveFrom: '2026-03-01', lines: [price('W1', '60.00', '100.00')] });
    const statementsOf = async (tok: string, prefix: string) => {
      const before = t.database.statements;
      const res = await importCsv(t, tok, 'sell-through', csv(prefix));
      expect(res.data).toMatchObject({ created: 2, rejected: 0 });
      return t.database.statements - before;
    };
    const withFloor = await statementsOf(token, 'NFW');
    const withoutFloor = await statementsOf(noneToken, 'NFN');
    // the check's statement (the verdicts of the batch's lines): not sent
    expect(withoutFloor).toBeLessThanOrEqual(withFloor - 1);
    const lines = await t.database.rows<{ external_id: string; price_violation: boolean; min_resale_price: string | null }>(
      sql`select external_id, price_violation, min_resale_price::text as min_resale_price from sell_through_lines where external_id like 'NF%' order by external_id`,
    );
    expect(lines.map((l) => [l.external_id, l.price_violation, l.min_resale_price])).toEqual([
      ['NFN1', false, null],
      ['NFN2', false, null],
      ['NFW1', true, '80.0000'],
      ['NFW2', true, '80.0000'],
    ]);
  });
});
