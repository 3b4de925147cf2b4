import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { countRows, makePartner, makeProgram, rebateRules } from '../helpers/incentive.js';
import { catalogFixture, makePolicy, price } from '../helpers/policy.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let token: string;
let A: string;
let B: string;
let C: string;
let lines: Map<string, string>;
let rbq: any;

const run = (body: Record<string, unknown>) => admin.post('/v1/incentives/runs', body);
const byPartner = (ls: { partnerId: string; amount: string }[]) => Object.fromEntries(ls.map((l) => [l.partnerId, l.amount]));

beforeAll(async () => {
  t = await setupTestApp();
  token = await t.token();
  admin = t.client(token);
  ({ lines } = await catalogFixture(t, {
    lines: ['L1', 'L2'],
    products: [
      { code: 'S1', line: 'L1' },
      { code: 'S2', line: 'L2' },
    ],
  }));
  await t.database.db.execute(
    (await import('drizzle-orm')).sql`insert into territories (tenant_id, id, code, name) values ('t1', '0190b5a6-0000-7000-8000-00000000aaaa', 'T1', 'T1')`,
  );
  A = await makePartner(admin, 'RA', { tier: 'gold', regionCode: 'R1' });
  B = await makePartner(admin, 'RB', { tier: 'silver', regionCode: 'R2' });
  C = await makePartner(admin, 'RC', { type: 'dealer' });
  await makePartner(admin, 'RD', { status: 'applicant' }); // not active: never eligible
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount',
    'A-1,2026-01-15,RA,S1,10,100000',
    'A-2,2026-02-10,RA,S2,5,50000',
    'A-Q2,2026-04-01,RA,S1,1,99999', // next quarter: not in 2026-Q1
    'B-1,2026-03-31,RB,S1,1,99999.99', // last day of the quarter: counted
    'C-1,2026-02-01,RC,S1,1,250000', // a dealer: filtered out by eligibility
    'D-1,2026-02-01,RD,S1,1,500000', // an applicant: not eligible
  ].join('\n');
  const imp = await importCsv(t, token, 'sell-in', csv + '\n');
  expect(imp.data).toMatchObject({ created: 6 });
  rbq = await makeProgram(admin, 'RB-Q', { eligibility: { partnerTypes: ['distributor'] } });
  await admin.post(`/v1/incentives/programs/${rbq.id}/activate`);
});
afterAll(async () => t?.close());

describe('calculation runs', () => {
  let run1: any;
  let run2: any;

  it('a dry run computes every eligible partner with one aggregate query and stores nothing', async () => {
    const before = t.database.statements;
    const res = await run({ program: 'RB-Q', period: '2026-Q1', dryRun: true });
    const used = t.database.statements - before;
    expect(res.statusCode).toBe(200);
    // A: 100000 + 50000 = 150000 x 2% = 3000.00; B: 99999.99 x 1% = 999.9999 -> 1000.00; total 4000.00
    expect(byPartner(res.data.lines)).toEqual({ [A]: '3000.00', [B]: '1000.00' });
    expect(res.data.run).toMatchObject({
      id: null,
      dryRun: true,
      total: '4000.00',
      partnerCount: 2,
      period: '2026-Q1',
      periodStart: '2026-01-01',
      periodEnd: '2026-03-31',
    });
    const a = res.data.lines.find((l: { partnerId: string }) => l.partnerId === A);
    expect(a.explanation).toMatchObject({ base: '150000.0000', tierReached: 1, rate: '2', sourceRows: 2, formula: '150000 x 2% = 3000', mode: 'whole' });
    expect(used).toBeLessThanOrEqual(4); // program + settings (period) + the one inputs query (+ auth cache miss)
    expect(await countRows(t, 'incentive_runs')).toBe(0);
    expect(await countRows(t, 'incentive_statement_lines')).toBe(0);
  });

  it('refuses a period of the wrong granularity, a draft program, and an unknown program', async () => {
    const wrong = await run({ program: 'RB-Q', period: '2026-01' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.data.errors[0].path).toBe('period');
    const draft = await makeProgram(admin, 'RB-DRAFT');
    expect((await run({ program: draft.id, period: '2026-Q1' })).statusCode).toBe(409);
    expect((await run({ program: 'NOPE', period: '2026-Q1' })).statusCode).toBe(404);
    expect(await countRows(t, 'incentive_runs')).toBe(0);
  });

  it('stores a run with provenance and statement lines; a rerun on unchanged data is identical', async () => {
    const r1 = await run({ program: 'RB-Q', period: '2026-Q1' });
    expect(r1.statusCode).toBe(201);
    run1 = r1.data.run;
    expect(run1).toMatchObject({ programVersion: 2, total: '4000.00', statementLines: { calculated: 2, adjustments: 0, removedDraftLines: 0 } });
    expect(run1.inputHash).toMatch(/^[0-9a-f]{64}$/);
    const r2 = await run({ program: 'RB-Q', period: '2026-Q1' });
    run2 = r2.data.run;
    expect(run2.inputHash).toBe(run1.inputHash);
    expect(run2.statementLines).toEqual({ calculated: 2, adjustments: 0, removedDraftLines: 2 });
    const l1 = (await admin.get(`/v1/incentives/runs/${run1.id}/lines`)).data.data;
    const l2 = (await admin.get(`/v1/incentives/runs/${run2.id}/lines`)).data.data;
    expect(l2).toEqual(l1);
    // issue 14 #11: a stored run answers with its lines like a dry run, in the same decimals as the stored lines
    expect(r1.data.lines).toEqual(l1);
    expect(r2.data.lines).toEqual(l2);
    const diff = await admin.get(`/v1/incentives/runs/${run2.id}/diff?against=${run1.id}`);
    expect(diff.data).toMatchObject({ sameInputs: true, changed: [], totalDelta: '0.00' });
    // the rerun replaced the draft lines: A's draft statement holds one line of 3000.00
    const st = (await admin.get(`/v1/incentives/statements?partnerId=${A}&period=2026-Q1`)).data.data;
    expect(st).toHaveLength(1);
    expect(st[0]).toMatchObject({ status: 'draft', total: '3000.00' });
    expect(await countRows(t, 'events', `type = 'incentive_run.completed'`)).toBe(2);
  });

  it('never edits a paid statement: a recalculation adds an adjustment line on a new statement', async () => {
    const st = (await admin.get(`/v1/incentives/statements?partnerId=${A}&period=2026-Q1`)).data.data[0];
    expect((await admin.post(`/v1/incentives/statements/${st.id}/approve`)).statusCode).toBe(200);
    expect((await admin.post(`/v1/incentives/statements/${st.id}/pay`, { paymentReference: 'BANK-001' })).statusCode).toBe(200);
    // rebate program: approval accrued 3000.00, payment made it available
    expect((await admin.get(`/v1/incentives/rebate-accounts/${A}`)).data).toMatchObject({ available: '3000.00' });
    // late sell-in arrives: A = 150000 + 60000 = 210000 -> 3% = 6300.00
    await importCsv(t, token, 'sell-in', 'externalId,date,partnerCode,productCode,quantity,amount\nA-3,2026-03-01,RA,S1,6,60000\n');
    const r3 = await run({ program: 'RB-Q', period: '2026-Q1' });
    expect(r3.data.run.inputHash).not.toBe(run2.inputHash);
    expect(r3.data.run).toMatchObject({ total: '7300.00', statementLines: { calculated: 1, adjustments: 1 } });
    const paid = (await admin.get(`/v1/incentives/statements/${st.id}`)).data;
    expect(paid).toMatchObject({ status: 'paid', total: '3000.00', paymentReference: 'BANK-001' });
    expect(paid.lines).toHaveLength(1);
    const now = (await admin.get(`/v1/incentives/statements?partnerId=${A}&period=2026-Q1&status=draft`)).data.data;
    expect(now).toHaveLength(1);
    const fresh = (await admin.get(`/v1/incentives/statements/${now[0].id}`)).data;
    // 6300.00 - 3000.00 already paid = 3300.00
    expect(fresh.lines).toHaveLength(1);
    expect(fresh.lines[0]).toMatchObject({ kind: 'adjustment', amount: '3300.00', programId: rbq.id });
    expect(fresh.lines[0].reason).toMatch(/now 6300.00; 3000.00 was already approved or paid/);
    expect(fresh.total).toBe('3300.00');
    const diff = (await admin.get(`/v1/incentives/runs/${r3.data.run.id}/diff?against=${run2.id}`)).data;
    expect(diff).toMatchObject({ sameInputs: false, totalBefore: '4000.00', totalAfter: '7300.00', totalDelta: '3300.00' });
    expect(diff.changed).toEqual([{ partnerId: A, before: '3000.00', after: '6300.00', delta: '3300.00', tierBefore: 1, tierAfter: 2, change: 'changed' }]);
    // GraphQL answers the same as typed fields (IncentiveRunDiff), the same strings
    const gqlDiff = await admin.gql(
      `query($r: ID!, $a: ID!) { incentiveRunDiff(run: $r, against: $a) {
        run against sameInputs totalBefore totalAfter totalDelta changed { partnerId before after delta tierBefore tierAfter change } } }`,
      { r: r3.data.run.id, a: run2.id },
    );
    expect(gqlDiff.data.incentiveRunDiff).toEqual(diff);
    // a second rerun changes nothing more: the adjustment is replaced by the same adjustment
    const r4 = await run({ program: 'RB-Q', period: '2026-Q1' });
    expect(r4.data.run.statementLines).toMatchObject({ adjustments: 1, removedDraftLines: 2 });
    expect((await admin.get(`/v1/incentives/statements/${now[0].id}`)).data.total).toBe('3300.00');
  });

  it('restricts the base to product lines, and filters eligibility by type, tier and region', async () => {
    const m = await makeProgram(admin, 'RB-L1', { base: { metric: 'sell_in_amount', productLineIds: [lines.get('L1')] }, rules: rebateRules('marginal') });
    const res = await run({ program: m.id, period: '2026-Q1', dryRun: true });
    // L1 only: A = 100000 + 60000 = 160000 marginal: 100000 x 1% + 60000 x 2% = 1000 + 1200 = 2200.00
    // B = 99999.99 x 1% = 999.9999 -> 1000.00; C (dealer, no filter here) 250000: 1000 + 2000 + 50000 x 3% = 4500.00
    expect(byPartner(res.data.lines)).toEqual({ [A]: '2200.00', [B]: '1000.00', [C]: '4500.00' });
    const gold = await makeProgram(admin, 'RB-GOLD', { eligibility: { tiers: ['gold'] } });
    expect(Object.keys(byPartner((await run({ program: gold.id, period: '2026-Q1', dryRun: true })).data.lines))).toEqual([A]);
    const r2 = await makeProgram(admin, 'RB-R2', { eligibility: { regionCodes: ['R2'], partnerTypes: ['distributor'] } });
    expect(Object.keys(byPartner((await run({ program: r2.id, period: '2026-Q1', dryRun: true })).data.lines))).toEqual([B]);
  });

  it('prorates a budget shortfall so the lines sum exactly to the budget', async () => {
    const b = await makeProgram(admin, 'RB-BUDGET', { eligibility: { partnerTypes: ['distributor'] }, rules: rebateRules('whole', { budgetCap: '1000' }) });
    const res = await run({ program: b.id, period: '2026-Q1', dryRun: true });
    // requested A 6300.00 + B 1000.00 = 7300.00 > 1000: in cents 630000 x 100000 / 730000 = 86301 r .37,
    // 100000 x 100000 / 730000 = 13698 r .63; floors 99999, the last cent to B (larger remainder)
    expect(byPartner(res.data.lines)).toEqual({ [A]: '863.01', [B]: '136.99' });
    expect(res.data.run).toMatchObject({ total: '1000.00', requested: '7300.00', prorated: true });
  });

  it('target bonus on achievement with an accelerator above 100%', async () => {
    const tg = await admin.post('/v1/targets', { partnerId: A, period: '2026-Q1', metric: 'sales_amount', value: '200000' });
    expect(tg.statusCode, tg.body).toBe(201);
    const p = await makeProgram(admin, 'TB-ACC', {
      type: 'target_bonus',
      eligibility: { partnerTypes: ['distributor'] },
      rules: { basis: 'achievement', mode: 'whole', tiers: [{ threshold: '100', rate: '2' }], accelerators: [{ aboveAchievement: '100', multiplier: '2' }] },
    });
    const res = await run({ program: p.id, period: '2026-Q1', dryRun: true });
    // A: 210000 / 200000 = 105% >= 100%: 210000 x 2% = 4200, plus (210000 - 200000) x 2% x (2 - 1) = 200 -> 4400.00
    // B: no target -> 0.00
    expect(byPartner(res.data.lines)).toEqual({ [A]: '4400.00', [B]: '0.00' });
    const a = res.data.lines.find((l: { partnerId: string }) => l.partnerId === A).explanation;
    expect(a).toMatchObject({ target: '200000.0000', achievementPercent: '105.00', accelerators: [{ excessAmount: '200.00', extra: '200.00' }] });
  });

  it('accelerators as rates (issue 14 #6): 3% up to target, 4% above is exact; a lower rate above target works too', async () => {
    // RA's 2026-Q2 sell-in: 99,999 (A-Q2) + 1,300,001 = 1,400,000 against a target of 1,000,000
    await importCsv(t, token, 'sell-in', 'externalId,date,partnerCode,productCode,quantity,amount\nA-Q2b,2026-05-02,RA,S1,1,1300001\n');
    expect((await admin.post('/v1/targets', { partnerId: A, period: '2026-Q2', metric: 'sales_amount', value: '1000000' })).statusCode).toBe(201);
    const mk = (code: string, rate: string) =>
      makeProgram(admin, code, {
        type: 'target_bonus',
        eligibility: { partnerTypes: ['distributor'], tiers: ['gold'] },
        rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '3' }], accelerators: [{ aboveAchievement: '100', rate }] },
      });
    const up = await mk('TB-RATE-UP', '4');
    const res = await run({ program: up.id, period: '2026-Q2', dryRun: true });
    expect(res.statusCode, res.body).toBe(200);
    // 1,000,000 x 3% + 400,000 x 4% = 30,000 + 16,000 = 46,000.00 exactly. The "42,000.00" is wrong: it
    // is 1,400,000 x 3%, no accelerator at all. The old multiplier form could only say 4/3 as 1.3333 (30,000 +
    // 12,000 x 1.3333 = 45,999.60), cents short of the exact figure.
    expect(byPartner(res.data.lines)).toEqual({ [A]: '46000.00' });
    const ex = res.data.lines[0].explanation;
    expect(ex.accelerators).toEqual([{ aboveAchievement: '100', rate: '4', slice: '400000.0000', excessAmount: '12000.00', extra: '4000.00' }]);
    const down = await mk('TB-RATE-DOWN', '2');
    // above target at a lower rate: 30,000 + 400,000 x 2% = 38,000.00
    expect(byPartner((await run({ program: down.id, period: '2026-Q2', dryRun: true })).data.lines)).toEqual({ [A]: '38000.00' });
    // exactly one of rate or multiplier
    const bad = await admin.post('/v1/incentives/programs', {
      code: 'TB-BAD',
      name: 'bad',
      type: 'target_bonus',
      granularity: 'quarter',
      rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '3' }], accelerators: [{ aboveAchievement: '100', rate: '4', multiplier: '2' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toMatch(/rules\.accelerators\.0$/);
    const bad2 = await admin.post('/v1/incentives/programs', {
      code: 'TB-BAD',
      name: 'bad',
      type: 'target_bonus',
      granularity: 'quarter',
      rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '3' }], accelerators: [{ aboveAchievement: '100', rate: '101' }] },
    });
    expect(bad2.statusCode).toBe(400);
    expect(bad2.data.errors[0].path).toMatch(/rules\.accelerators\.0\.rate$/);
  });

  it('penalties from price violations (policy) and cross-region sales (target) are negative lines', async () => {
    await makePolicy(admin, { code: 'PEN-PRICES', scope: { kind: 'default' }, lines: [price('S1', '60.00', '100.00', '80.00')] });
    const obs = await admin.post('/v1/policy/price-observations', { source: 'market_check', partner: 'RA', product: 'S1', date: '2026-02-10', price: '79.99' });
    expect(obs.data).toMatchObject({ isViolation: true });
    // RB has no agreement, hence no territory rights: its sell-through line is cross-region
    const st = await importCsv(
      t,
      token,
      'sell-through',
      'externalId,date,partnerCode,productCode,quantity,amount,territoryCode\nX-1,2026-03-05,RB,S1,1,1000,T1\n',
    );
    expect(st.data).toMatchObject({ created: 1 });
    const pen = await makeProgram(admin, 'PEN', {
      type: 'penalty',
      eligibility: { partnerTypes: ['distributor'] },
      rules: { tiers: [], penalty: { sources: ['price_violation', 'cross_region'], fixedPerViolation: '500', ratePercent: '10' } },
    });
    await admin.post(`/v1/incentives/programs/${pen.id}/activate`);
    const res = await run({ program: 'PEN', period: '2026-Q1' });
    expect(res.statusCode).toBe(201);
    // A: -(1 x 500 + shortfall 0.01 x 10% = 0.001) = -500.001 -> -500.00; B: -(1 x 500 + 1000 x 10%) = -600.00
    const got = byPartner((await admin.get(`/v1/incentives/runs/${res.data.run.id}/lines`)).data.data);
    expect(got).toEqual({ [A]: '-500.00', [B]: '-600.00' });
    const bDraft = (await admin.get(`/v1/incentives/statements?partnerId=${B}&period=2026-Q1`)).data.data[0];
    // B's draft: RB-Q 1000.00 + PEN -600.00 = 400.00
    expect(bDraft.total).toBe('400.00');
  });

  it('projects the next tier for a partner (own data only for partner tokens)', async () => {
    const mine = t.client(await t.token({ scope: 'incentives:read', partner: B }));
    const res = await mine.get(`/v1/incentives/programs/RB-Q/projection?partnerId=${B}&period=2026-Q1`);
    expect(res.statusCode).toBe(200);
    // B: 99999.99 -> 1000.00 now; tier 2 at 100000 is 0.01 away and pays 100000 x 2% = 2000.00 (+1000.00)
    expect(res.data).toMatchObject({
      eligible: true,
      base: '99999.9900',
      current: { amount: '1000.00', tierReached: 0 },
      nextTier: { index: 1, threshold: '100000', gap: '0.0100', amountAtNext: '2000.00', increase: '1000.00' },
    });
    expect((await mine.get(`/v1/incentives/programs/RB-Q/projection?partnerId=${A}&period=2026-Q1`)).statusCode).toBe(404);
    const gqlProj = await mine.gql(
      `query($p: ID!) { incentiveProjection(program: "RB-Q", partnerId: $p, period: "2026-Q1") {
        programId partnerId period eligible base target current { amount tierReached explanation } nextTier { index threshold gap amountAtNext increase } } }`,
      { p: B },
    );
    expect(gqlProj.data.incentiveProjection).toEqual(res.data);
  });

  it('simulates a changed rule set against the stored run, per partner', async () => {
    const res = await admin.post('/v1/incentives/programs/RB-Q/simulate', {
      rules: {
        mode: 'whole',
        tiers: [
          { threshold: '0', rate: '1' },
          { threshold: '100000', rate: '2.5' },
          { threshold: '200000', rate: '4' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    // A: 210000 x 4% = 8400.00 vs 6300.00 stored; B: 99999.99 x 1% = 1000.00 vs 1000.00
    expect(res.data).toMatchObject({ period: '2026-Q1', storedTotal: '7300.00', simulatedTotal: '9400.00', delta: '2100.00' });
    expect(res.data.partners).toEqual(
      expect.arrayContaining([
        { partnerId: A, stored: '6300.00', simulated: '8400.00', delta: '2100.00' },
        { partnerId: B, stored: '1000.00', simulated: '1000.00', delta: '0.00' },
      ]),
    );
    const gqlSim = await admin.gql(
      `mutation($rules: JSON!) { simulateIncentiveProgram(program: "RB-Q", rules: $rules) {
        programId period againstRun storedTotal simulatedTotal delta prorated partners { partnerId stored simulated delta } } }`,
      {
        rules: {
          mode: 'whole',
          tiers: [
            { threshold: '0', rate: '1' },
            { threshold: '100000', rate: '2.5' },
            { threshold: '200000', rate: '4' },
          ],
        },
      },
    );
    expect(gqlSim.data.simulateIncentiveProgram).toEqual(res.data);
    expect((await admin.post('/v1/incentives/programs/RB-Q/simulate', { rules: { tiers: [{ threshold: '0', rate: '200' }] } })).statusCode).toBe(400);
    expect(await countRows(t, 'incentive_runs', `program_id = '${rbq.id}'`)).toBe(4); // unchanged by simulations
  });

  it('recognition programs grant the top N by base, once per period', async () => {
    const rec = await makeProgram(admin, 'REC', {
      type: 'recognition',
      eligibility: { partnerTypes: ['distributor'] },
      rules: { tiers: [], recognition: { topN: 1, title: 'Top distributor' } },
    });
    await admin.post(`/v1/incentives/programs/${rec.id}/activate`);
    const r = await run({ program: 'REC', period: '2026-Q1' });
    expect(r.data.run.awards).toBe(1);
    expect((await run({ program: 'REC', period: '2026-Q1' })).data.run.awards).toBe(0);
    const awards = (await admin.get(`/v1/incentives/awards?programId=${rec.id}`)).data.data;
    expect(awards).toEqual([expect.objectContaining({ partnerId: A, rank: 1, title: 'Top distributor', period: '2026-Q1' })]);
  });

  it('concurrent runs of one program serialize: statement lines stay single and consistent', async () => {
    const res = await Promise.all([1, 2, 3].map(() => run({ program: 'RB-Q', period: '2026-Q1' })));
    expect(res.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(res.map((r) => r.data.run.inputHash)).size).toBe(1);
    const rbqDraftLines = await countRows(
      t,
      'incentive_statement_lines l join incentive_statements s on s.id = l.statement_id',
      `l.program_id = '${rbq.id}' and s.status = 'draft'`,
    );
    expect(rbqDraftLines).toBe(2); // A: one adjustment (+3300.00), B: one calculated line (1000.00)
    const aDraft = (await admin.get(`/v1/incentives/statements?partnerId=${A}&period=2026-Q1&status=draft`)).data.data[0];
    // 3300.00 (RB-Q adjustment) - 500.00 (PEN) = 2800.00
    expect(aDraft.total).toBe('2800.00');
  });

  it('points programs book whole points on a PTS statement', async () => {
    const pts = await makeProgram(admin, 'PTS', {
      type: 'points',
      eligibility: { partnerTypes: ['distributor'] },
      rules: { mode: 'whole', tiers: [{ threshold: '0', rate: '1' }], pointsPerUnit: '0.1' },
    });
    await admin.post(`/v1/incentives/programs/${pts.id}/activate`);
    const r = await run({ program: 'PTS', period: '2026-Q1' });
    // A: 210000 x 1% = 2100 x 0.1 = 210 points; B: 99999.99 x 1% = 999.9999 x 0.1 = 99.99999 -> 100 points
    expect(r.data.run).toMatchObject({ unit: 'PTS', total: '310' });
    const st = (await admin.get(`/v1/incentives/statements?partnerId=${B}&period=2026-Q1`)).data.data.find((x: { unit: string }) => x.unit === 'PTS');
    expect(st.total).toBe('100');
  });

  it('an approval racing a run never loses or doubles money', async () => {
    const draft = (await admin.get(`/v1/incentives/statements?partnerId=${B}&period=2026-Q1&status=draft`)).data.data.find(
      (x: { unit: string }) => x.unit === 'CNY',
    );
    const [approved, rerun] = await Promise.all([admin.post(`/v1/incentives/statements/${draft.id}/approve`), run({ program: 'RB-Q', period: '2026-Q1' })]);
    expect([approved.statusCode, rerun.statusCode]).toEqual([200, 201]);
    // whichever went first, B's RB-Q lines over all statements sum to the run's 1000.00 (99999.99 x 1%)
    const rows = await t.database.rows<{ total: string; n: number }>(
      (await import('drizzle-orm')).sql`select sum(l.amount)::text as total, count(*)::int as n from incentive_statement_lines l
        where l.partner_id = ${B} and l.program_id = ${rbq.id} and l.period = '2026-Q1'`,
    );
    expect(rows[0]).toMatchObject({ total: '1000.0000', n: 1 });
    // and every statement's total is exactly the sum of its lines
    const off = await countRows(
      t,
      'incentive_statements s',
      `s.total <> coalesce((select sum(amount) from incentive_statement_lines l where l.statement_id = s.id), 0)`,
    );
    expect(off).toBe(0);
  });

  it('GraphQL runs a dry run and reads a run with its lines', async () => {
    const dry = await admin.gql(
      `mutation { runIncentiveProgram(program: "RB-Q", period: "2026-Q1", dryRun: true) { run { total dryRun inputHash } lines { partnerId amount } } }`,
    );
    expect(dry.errors).toBeUndefined();
    expect(dry.data.runIncentiveProgram.run).toMatchObject({ total: '7300.00', dryRun: true });
    const runs = await admin.gql(`query($p: ID!) { incentiveRuns(programId: $p, first: 1) { nodes { id total lines(first: 10) { partnerId amount } } } }`, {
      p: rbq.id,
    });
    expect(runs.errors).toBeUndefined();
    expect(runs.data.incentiveRuns.nodes[0].total).toBe('7300.00');
    expect(byPartner(runs.data.incentiveRuns.nodes[0].lines)).toEqual({ [A]: '6300.00', [B]: '1000.00' });
  });
});
