/**
 * The rep scorecard (issue 17): per sales rep and period, KPIs from the rep's attributed sell-through and target,
 * scored and weighted with the evaluation module's rules, explained per KPI, ranked, with the data scope of a regional
 * manager. Expectations computed by hand in the comments.
 */
import { relayBothWays } from '../helpers/relay.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, seedCatalog } from '../helpers/onboarding.js';
import { createStaff, orgFixture } from '../helpers/organisation.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let rm: Client;

beforeAll(async () => {
  t = await setupTestApp();
  const token = await t.token();
  admin = t.client(token);
  await orgFixture(admin);
  rm = t.client(await t.token({ sub: 'rm-east', scope: 'admin' }));
  await seedCatalog(admin);
  for (const p of ['P1', 'P2', 'P3', 'P4', 'P5']) await createPartner(admin, p);
  await createStaff(admin, 'REP-A', 'sales_rep', 'EAST-SH');
  await createStaff(admin, 'REP-B', 'sales_rep', 'EAST');
  await createStaff(admin, 'REP-C', 'sales_rep', 'SOUTH');
  await createStaff(admin, 'REP-D', 'sales_rep', 'EAST');
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode,repCode',
    // 2025-Q1: REP-A 800, REP-C 1250
    'Y-1,2025-02-01,P1,TEA-1,8,800,C1,ZJ,REP-A',
    'Y-2,2025-03-01,P4,TEA-1,10,1250,C2,ZJ,REP-C',
    // 2026-Q1: REP-A 500 + 300 + 200.50 = 1000.50 over P1, P2, P3; REP-B 450 (P1); REP-C 900 + 100 = 1000 over P4, P5
    'A-1,2026-01-05,P1,TEA-1,5,500,C1,ZJ,REP-A',
    'A-2,2026-02-05,P2,TEA-1,3,300,C3,ZJ,REP-A',
    'A-3,2026-03-05,P3,TEA-1,2,200.50,C4,ZJ,REP-A',
    'B-1,2026-02-10,P1,TEA-2,4,450,C5,ZJ,REP-B',
    'C-1,2026-01-20,P4,TEA-1,9,900,C6,ZJ,REP-C',
    'C-2,2026-03-20,P5,TEA-1,1,100,C7,ZJ,REP-C',
    // not attributed: counts for nobody
    'N-1,2026-03-21,P5,TEA-1,1,999,C7,ZJ,',
  ].join('\n');
  expect((await importCsv(t, token, 'sell-through', csv)).data).toMatchObject({ accepted: 9, rejected: 0 });
  for (const [rep, value] of [
    ['REP-A', '1200'],
    ['REP-B', '500'],
    ['REP-C', '1000'],
  ])
    expect((await admin.post('/v1/targets/reps', { rep, period: '2026-Q1', metric: 'sales_amount', value })).statusCode).toBe(201);
});
afterAll(async () => t?.close());

const brief = (c: any) => ({ rep: c.repCode, total: c.total, grade: c.grade, rank: c.rank });

describe('rep scorecard', () => {
  it('the default definition (version 0) scores achievement, growth and partners, explained per KPI', async () => {
    const def = await admin.get('/v1/evaluations/rep-scorecard-definition');
    expect(def.data).toMatchObject({ version: 0, isDefault: true });
    expect(def.data.kpis.map((k: any) => [k.code, k.kind, k.weight])).toEqual([
      ['ach', 'achievement', '60'],
      ['growth', 'growth_yoy', '20'],
      ['partners', 'partners', '20'],
    ]);
    const a = await admin.get('/v1/evaluations/rep-scorecards/REP-A?period=2026-Q1');
    expect(a.statusCode, a.body).toBe(200);
    // achievement 1000.50 / 1200 = 83.375 -> 83.38 %; score 100 x (83.38 - 50) / 50 = 66.76; x 60 % = 40.056
    // growth (1000.50 - 800) / 800 = 25.0625 %; score 100 x 25.0625 / 20 = 125.3125, capped at 100; x 20 % = 20
    // partners 3 -> band 3 = 80; x 20 % = 16. Total 40.056 + 20 + 16 = 76.056 -> 76.06, grade B (>= 75)
    expect(a.data).toMatchObject({
      repCode: 'REP-A',
      sellThroughAmount: '1000.5000',
      previousYearAmount: '800.0000',
      target: '1200.0000',
      achievementPct: '83.38',
      partners: 3,
      complete: true,
      total: '76.06',
      grade: 'B',
      rank: 1,
    });
    expect(a.data.kpis).toEqual([
      { code: 'ach', name: 'Target achievement', kind: 'achievement', value: '83.3800', weight: '60', score: '66.7600', weighted: '40.0560', defaulted: false },
      {
        code: 'growth',
        name: 'Growth on last year',
        kind: 'growth_yoy',
        value: '25.0625',
        weight: '20',
        score: '100.0000',
        weighted: '20.0000',
        defaulted: false,
      },
      {
        code: 'partners',
        name: 'Partners sold through',
        kind: 'partners',
        value: '3.0000',
        weight: '20',
        score: '80.0000',
        weighted: '16.0000',
        defaulted: false,
      },
    ]);
    // REP-B: 450 / 500 = 90 % -> 80 x 60 % = 48; nothing a year earlier: growth defaults to 0 -> 0; 1 partner -> 50 x 20 % = 10; total 58.00, D
    // REP-C: 1000 / 1000 = 100 % -> 100 x 60 % = 60; growth (1000 - 1250) / 1250 = -20 % -> 0; 2 partners -> 50 -> 10; total 70.00, C
    // REP-D: no target -> achievement missing: incomplete, neither graded nor ranked, listed last
    const list = await admin.get('/v1/evaluations/rep-scorecards?period=2026-Q1');
    expect(list.data.data.map(brief)).toEqual([
      { rep: 'REP-A', total: '76.06', grade: 'B', rank: 1 },
      { rep: 'REP-C', total: '70.00', grade: 'C', rank: 2 },
      { rep: 'REP-B', total: '58.00', grade: 'D', rank: 3 },
      { rep: 'REP-D', total: null, grade: null, rank: null },
    ]);
    const b = list.data.data[2];
    expect(b.kpis.find((k: any) => k.code === 'growth')).toMatchObject({ value: '0.0000', score: '0.0000', defaulted: true });
    expect(list.data.data[3]).toMatchObject({ complete: false, missing: ['ach'], partners: 0, sellThroughAmount: '0.0000' });
    const c = list.data.data[1];
    expect(c.kpis.find((k: any) => k.code === 'growth')).toMatchObject({ value: '-20.0000', score: '0.0000' });
    // paging
    const p1 = await admin.get('/v1/evaluations/rep-scorecards?period=2026-Q1&limit=3');
    expect(p1.data.data.length).toBe(3);
    const p2 = await admin.get(`/v1/evaluations/rep-scorecards?period=2026-Q1&limit=3&cursor=${p1.data.nextCursor}`);
    expect(p2.data.data.map(brief)).toEqual([{ rep: 'REP-D', total: null, grade: null, rank: null }]);
    expect(p2.data.nextCursor).toBeNull();
  });

  it('a stored definition: validated (nothing written on bad input), versioned, audited; scores with it', async () => {
    const kpis = [
      { code: 'sell', name: 'Sell-through', kind: 'sell_through_amount', weight: '50', scoring: { type: 'linear', floor: '0', target: '2000' } },
      { code: 'reach', name: 'Partners', kind: 'partners', weight: '40', scoring: { type: 'linear', floor: '0', target: '4' } },
    ];
    const gradeBands = [
      { grade: 'A', min: '90' },
      { grade: 'B', min: '75' },
      { grade: 'C', min: '60' },
      { grade: 'D', min: '0' },
    ];
    let res = await admin.put('/v1/evaluations/rep-scorecard-definition', { kpis, gradeBands });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors).toEqual([{ path: 'kpis', message: 'weights must sum to 100; they sum to 90' }]);
    res = await admin.put('/v1/evaluations/rep-scorecard-definition', { kpis: [{ ...kpis[0], kind: 'nps' }], gradeBands });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors.map((e: any) => e.path)).toContain('body.kpis.0.kind');
    expect((await admin.get('/v1/evaluations/rep-scorecard-definition')).data.version).toBe(0);
    kpis[1]!.weight = '50';
    res = await admin.put('/v1/evaluations/rep-scorecard-definition', { kpis, gradeBands, version: 0 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ version: 1, isDefault: false });
    // an unchanged body keeps the version; a stale version is 409
    expect((await admin.put('/v1/evaluations/rep-scorecard-definition', { kpis, gradeBands })).data.version).toBe(1);
    expect((await admin.put('/v1/evaluations/rep-scorecard-definition', { kpis, gradeBands: gradeBands.slice(1), version: 0 })).statusCode).toBe(409);
    const audit = await admin.get(`/v1/audit?resourceType=rep_scorecard_definition`);
    expect(audit.data.data.map((x: any) => x.action)).toEqual(['create']);
    // REP-A: 1000.50 / 2000 -> 50.025 -> 50.0250 x 50 % = 25.0125; 3 of 4 partners -> 75 x 50 % = 37.5; total 62.5125 -> 62.51, C
    // REP-C: 1000 -> 50 -> 25; 2 -> 50 -> 25; total 50.00. REP-B: 450 -> 22.5 -> 11.25; 1 -> 25 -> 12.5; total 23.75.
    // REP-D: 0 -> 0; 0 -> 0; total 0.00 (complete: both values exist)
    const list = await admin.get('/v1/evaluations/rep-scorecards?period=2026-Q1');
    expect(list.data.data.map(brief)).toEqual([
      { rep: 'REP-A', total: '62.51', grade: 'C', rank: 1 },
      { rep: 'REP-C', total: '50.00', grade: 'D', rank: 2 },
      { rep: 'REP-B', total: '23.75', grade: 'D', rank: 3 },
      { rep: 'REP-D', total: '0.00', grade: 'D', rank: 4 },
    ]);
    expect(list.data.data[0].kpis.map((k: any) => [k.code, k.value, k.score, k.weighted])).toEqual([
      ['sell', '1000.5000', '50.0250', '25.0125'],
      ['reach', '3.0000', '75.0000', '37.5000'],
    ]);
    expect(list.data.data[0].definitionVersion).toBe(1);
  });

  it('GraphQL answers the same', async () => {
    const g = await admin.gql(`{
      repScorecardDefinition { version kpis { code kind weight scoring { type floor target } } }
      repScorecard(rep: "REP-A", period: "2026-Q1") { total grade rank kpis { code value weight score weighted } }
      repScorecards(period: "2026-Q1", first: 2) { nodes { repCode total } pageInfo { hasNextPage } }
    }`);
    expect(g.errors).toBeUndefined();
    expect(g.data.repScorecardDefinition.kpis[0]).toEqual({
      code: 'sell',
      kind: 'sell_through_amount',
      weight: '50',
      scoring: { type: 'linear', floor: '0', target: '2000' },
    });
    expect(g.data.repScorecard).toEqual({
      total: '62.51',
      grade: 'C',
      rank: 1,
      kpis: [
        { code: 'sell', value: '1000.5000', weight: '50', score: '50.0250', weighted: '25.0125' },
        { code: 'reach', value: '3.0000', weight: '50', score: '75.0000', weighted: '37.5000' },
      ],
    });
    expect(g.data.repScorecards).toEqual({
      nodes: [
        { repCode: 'REP-A', total: '62.51' },
        { repCode: 'REP-C', total: '50.00' },
      ],
      pageInfo: { hasNextPage: true },
    });
    const m = await admin.gql(
      `mutation { putRepScorecardDefinition(input: { kpis: [{ code: "x", name: "X", kind: partners, weight: "100", scoring: { type: linear, floor: "0", target: "2" } }], gradeBands: [{ grade: "A", min: "0" }] }, version: 1) { version kpis { code } } }`,
    );
    expect(m.data.putRepScorecardDefinition).toEqual({ version: 2, kpis: [{ code: 'x' }] });
  });

  it('GraphQL pages the scorecards both ways (first/after, last/before) with the same nodes', async () => {
    const { forward, backward } = await relayBothWays(admin, 'repScorecards', 'period: "2026-Q1"', 'repCode total rank');
    expect(forward.length).toBeGreaterThanOrEqual(2);
    expect(backward).toEqual(forward);
  });

  it('data scope: the regional manager of EAST sees and ranks the EAST reps only; partner credentials are refused', async () => {
    // definition v2: one KPI, partners over 0..2 -> A 3 -> 100 (capped), B 1 -> 50, D 0 -> 0
    const list = await rm.get('/v1/evaluations/rep-scorecards?period=2026-Q1');
    expect(list.data.data.map(brief)).toEqual([
      { rep: 'REP-A', total: '100.00', grade: 'A', rank: 1 },
      { rep: 'REP-B', total: '50.00', grade: 'A', rank: 2 },
      { rep: 'REP-D', total: '0.00', grade: 'A', rank: 3 },
    ]);
    expect((await rm.get('/v1/evaluations/rep-scorecards/REP-C?period=2026-Q1')).statusCode).toBe(404);
    // for the admin REP-C (2 partners -> 100) ties with REP-A at 100.00: both rank 1 (competition ranking)
    expect((await admin.get('/v1/evaluations/rep-scorecards/REP-C?period=2026-Q1')).data).toMatchObject({ total: '100.00', rank: 1 });
    const g = await rm.gql(`{ repScorecard(rep: "REP-C", period: "2026-Q1") { total } }`);
    expect(g.data.repScorecard).toBeNull();
    // a scoped credential cannot change the tenant-wide definition
    expect((await rm.put('/v1/evaluations/rep-scorecard-definition', { kpis: [], gradeBands: [] })).statusCode).toBe(400);
    const def = (await admin.get('/v1/evaluations/rep-scorecard-definition')).data;
    expect((await rm.put('/v1/evaluations/rep-scorecard-definition', { kpis: def.kpis, gradeBands: def.gradeBands, note: 'x' })).statusCode).toBe(403);
    const p1 = (await admin.get('/v1/partners/by-code/P1')).data;
    const portal = t.client(await t.token({ partner: p1.id, scope: 'partner-portal' }));
    expect((await portal.get('/v1/evaluations/rep-scorecards?period=2026-Q1')).statusCode).toBe(403);
  });
});
