import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastStatements, setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES, makePartners, THREE_KPIS, valueRows } from '../helpers/evaluation.js';

let t: TestApp;
let admin: Client;
let ids: Record<string, string>;

const count = async (table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);

/*
 * Period 2026-Q1, template T1 (THREE_KPIS, grades A >= 90, B >= 75, C >= 60, D >= 0):
 *   sat: 100 x (v - 60) / 40, cap 100      audit: >= 90 -> 100, >= 70 -> 60, else 0      complaints: 100 x (v - 10) / (0 - 10)
 * P-A: sat 100 -> 100; audit 95 -> 100; complaints 0 -> 100      total 50 + 30 + 20          = 100.00  A  rank 1
 * P-C: sat 90 -> 75;   audit 70 -> 60;  complaints 2 -> 80       total 37.5 + 18 + 16        =  71.50  C  rank 2
 * P-B: sat 80 -> 50;   audit 90 -> 100; complaints 5 -> 50       total 25 + 30 + 10          =  65.00  C  rank 3
 * P-E: same values as P-B                                                                      =  65.00  C  rank 3 (tie, listed after P-B)
 * P-D: sat 60 -> 0;    audit 69.9999 -> 0; complaints 10 -> 0    total 0                     =   0.00  D  rank 5
 * P-X: sat 85, audit missing, complaints 1                        incomplete (missing audit), no grade, no rank
 *   with allowDefaults: audit 50 -> 0; sat 85 -> 62.5; complaints 1 -> 90: 31.25 + 0 + 18 = 49.25 D
 * P-Z: status applicant -> not in a run over "every active partner"
 */
const Q1 = valueRows('2026-Q1', [
  ['P-A', '100', '95', '0'],
  ['P-B', '80', '90', '5'],
  ['P-C', '90', '70', '2'],
  ['P-D', '60', '69.9999', '10'],
  ['P-E', '80', '90', '5'],
  ['P-X', '85', null, '1'],
]);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  ids = await makePartners(admin, ['P-A', 'P-B', 'P-C', 'P-D', 'P-E', 'P-X'], { tier: 'silver' });
  Object.assign(ids, await makePartners(admin, ['P-Z'], { status: 'applicant' }));
});
afterAll(async () => t?.close());

describe('scorecard templates', () => {
  it('refuses weights not summing to 100, naming the sum, and writes nothing', async () => {
    const kpis = THREE_KPIS.map((k) => (k.code === 'complaints' ? { ...k, weight: '15.5' } : k));
    const res = await admin.post('/v1/evaluations/templates', { code: 'BAD', name: 'Bad', kpis, gradeBands: GRADES });
    expect(res.statusCode).toBe(400);
    expect(res.data.code).toBe('VALIDATION_FAILED');
    // 50 + 30 + 15.5 = 95.5
    expect(res.data.errors).toContainEqual({ path: 'kpis', message: 'weights must sum to 100; they sum to 95.5' });
    expect(await count('scorecard_templates')).toBe(0);
    expect(await count('scorecard_template_versions')).toBe(0);
    expect(await count('audit_log', `resource_type = 'scorecard_template'`)).toBe(0);
  });

  it('refuses grade bands without a 0 floor and a linear rule pointing the wrong way', async () => {
    const kpis = THREE_KPIS.map((k) => (k.code === 'complaints' ? { ...k, scoring: { type: 'linear', floor: 0, target: 10 } } : k));
    const res = await admin.post('/v1/evaluations/templates', { code: 'BAD2', name: 'Bad', kpis, gradeBands: GRADES.slice(0, 3) });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['kpis.2.scoring.target', 'gradeBands']));
  });

  it('creates version 1, readable by id and code, audited', async () => {
    const res = await admin.post('/v1/evaluations/templates', { code: 'T1', name: 'Quarterly scorecard', kpis: THREE_KPIS, gradeBands: GRADES });
    expect(res.statusCode).toBe(201);
    expect(res.data).toMatchObject({ code: 'T1', latestVersion: 1, version: 1, current: { versionNo: 1, used: false } });
    expect(res.data.current.kpis[0]).toMatchObject({ code: 'sat', weight: '50', scoring: { type: 'linear', floor: '60', target: '100' } });
    const byCode = await admin.get('/v1/evaluations/templates/T1');
    expect(byCode.data).toEqual(res.data);
    expect(await count('audit_log', `resource_type = 'scorecard_template' and action = 'create'`)).toBe(1);
  });

  it('changes an unused version in place (If-Match checked)', async () => {
    const stale = await admin.put('/v1/evaluations/templates/T1', { kpis: THREE_KPIS, gradeBands: GRADES, note: 'x' }, { 'if-match': 'W/"7"' });
    expect(stale.statusCode).toBe(412);
    const ok = await admin.put('/v1/evaluations/templates/T1', { kpis: THREE_KPIS, gradeBands: GRADES, note: 'tuned' }, { 'if-match': 'W/"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.data).toMatchObject({ latestVersion: 1, version: 2, current: { versionNo: 1, note: 'tuned' } });
  });
});

describe('manual values', () => {
  it('refuses a batch with an unknown partner as a whole (nothing written)', async () => {
    const res = await admin.put('/v1/evaluations/manual-values', {
      values: [...Q1.slice(0, 2), { partnerCode: 'NOPE', period: '2026-Q1', kpi: 'sat', value: '1' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors).toEqual([{ path: 'values.2.partnerCode', message: "no partner 'NOPE' in this tenant" }]);
    expect(await count('evaluation_manual_values')).toBe(0);
  });

  it('imports CSV with a row-level report, then upserts by JSON', async () => {
    const csv = ['partnerCode,period,kpi,value', 'P-A,2026-Q1,sat,1', 'P-Q,2026-Q1,sat,5', 'P-B,2026-Q9,sat,5', 'P-C,2026-Q1,sat,abc'].join('\n');
    const res = await admin.post('/v1/evaluations/manual-values:import', csv, { 'content-type': 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ rowsRead: 4, accepted: 1, rejected: 3, created: 1, updated: 0 });
    expect(res.data.errors).toEqual(
      expect.arrayContaining([
        { line: 3, path: 'partnerCode', message: "no partner 'P-Q' in this tenant" },
        expect.objectContaining({ line: 4, path: 'period' }),
        expect.objectContaining({ line: 5, path: 'value' }),
      ]),
    );
    const put = await admin.put('/v1/evaluations/manual-values', { values: Q1 });
    expect(put.statusCode).toBe(200);
    expect(put.data.written).toBe(17);
    // P-A sat was 1 from the CSV and is now 100 (upsert)
    const list = await admin.get(`/v1/evaluations/manual-values?period=2026-Q1&kpi=sat&partnerId=${ids['P-A']}`);
    expect(list.data.data).toEqual([expect.objectContaining({ partnerCode: 'P-A', value: '100.0000', kpi: 'sat' })]);
  });
});

let run1: any;

describe('evaluation runs', () => {
  it('refuses unknown partners and unavailable computed KPIs', async () => {
    const res = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1', partners: ['P-A', 'NOPE'] });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors).toEqual([{ path: 'partners.1', message: "no partner 'NOPE' in this tenant" }]);
    expect(await count('evaluation_runs')).toBe(0);
  });

  it('computes values, scores, totals, grades and competition ranks; a missing manual value is incomplete, not 0', async () => {
    const res = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1' });
    expect(res.statusCode).toBe(201);
    run1 = res.data;
    expect(run1).toMatchObject({
      templateCode: 'T1',
      templateVersion: 1,
      status: 'draft',
      partnerCount: 6,
      completeCount: 5,
      incompleteCount: 1,
      periodStart: '2026-01-01',
      periodEnd: '2026-03-31',
    });
    const results = (await admin.get(`/v1/evaluations/runs/${run1.id}/results`)).data.data;
    expect(results.map((r: any) => [r.partnerCode, r.total, r.grade, r.rank])).toEqual([
      ['P-A', '100.00', 'A', 1],
      ['P-C', '71.50', 'C', 2],
      ['P-B', '65.00', 'C', 3],
      ['P-E', '65.00', 'C', 3],
      ['P-D', '0.00', 'D', 5],
      ['P-X', null, null, null],
    ]);
    const x = results.find((r: any) => r.partnerCode === 'P-X');
    expect(x).toMatchObject({ complete: false, missing: ['audit'] });
    const c = results.find((r: any) => r.partnerCode === 'P-C');
    expect(c.kpis).toEqual([
      { code: 'sat', value: '90.0000', score: '75.0000', weight: '50', weighted: '37.5000', defaulted: false },
      { code: 'audit', value: '70.0000', score: '60.0000', weight: '30', weighted: '18.0000', defaulted: false },
      { code: 'complaints', value: '2.0000', score: '80.0000', weight: '20', weighted: '16.0000', defaulted: false },
    ]);
    // the template version is now used: immutable
    expect((await admin.get('/v1/evaluations/templates/T1')).data.current.used).toBe(true);
  });

  it('pages results by rank with a cursor', async () => {
    const p1 = await admin.get(`/v1/evaluations/runs/${run1.id}/results?limit=3`);
    expect(p1.data.data.map((r: any) => r.partnerCode)).toEqual(['P-A', 'P-C', 'P-B']);
    const p2 = await admin.get(`/v1/evaluations/runs/${run1.id}/results?limit=3&cursor=${p1.data.nextCursor}`);
    expect(p2.data.data.map((r: any) => r.partnerCode)).toEqual(['P-E', 'P-D', 'P-X']);
    expect(p2.data.nextCursor).toBeNull();
  });

  it('uses the KPI default for missing manual values when allowed', async () => {
    const res = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1', partners: ['P-X', ids['P-A']], allowDefaults: true });
    expect(res.data).toMatchObject({ partnerCount: 2, completeCount: 2 });
    const x = (await admin.get(`/v1/evaluations/runs/${res.data.id}/results/${ids['P-X']}`)).data;
    // 85 -> 62.5 x .5 = 31.25; audit default 50 -> 0; complaints 1 -> 90 x .2 = 18; total 49.25
    expect(x).toMatchObject({ complete: true, total: '49.25', grade: 'D', rank: 2 });
    expect(x.kpis[1]).toMatchObject({ code: 'audit', value: '50.0000', score: '0.0000', defaulted: true });
    expect((await admin.delete(`/v1/evaluations/runs/${res.data.id}`)).statusCode).toBe(204);
  });

  it('is reproducible: the same inputs give the same results', async () => {
    const again = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1' });
    const a = (await admin.get(`/v1/evaluations/runs/${run1.id}/results`)).data.data.map(({ runId: _r, ...rest }: any) => rest);
    const b = (await admin.get(`/v1/evaluations/runs/${again.data.id}/results`)).data.data.map(({ runId: _r, ...rest }: any) => rest);
    expect(b).toEqual(a);
    await admin.delete(`/v1/evaluations/runs/${again.data.id}`);
  });

  it('keeps the version it used when the template changes afterwards', async () => {
    const kpis = THREE_KPIS.map((k) => (k.code === 'sat' ? { ...k, weight: 40 } : k.code === 'complaints' ? { ...k, weight: 30 } : k));
    const res = await admin.put('/v1/evaluations/templates/T1', { kpis, gradeBands: GRADES });
    expect(res.data).toMatchObject({ latestVersion: 2, current: { versionNo: 2, used: false } });
    const v1 = await admin.get('/v1/evaluations/templates/T1/versions/1');
    expect(v1.data.kpis[0].weight).toBe('50');
    expect((await admin.get(`/v1/evaluations/runs/${run1.id}`)).data.templateVersion).toBe(1);
  });

  it('answers through GraphQL with the same numbers', async () => {
    const q = await admin.gql(
      `query($run: ID!) { evaluationResults(run: $run, first: 2) { nodes { partnerCode total grade rank kpis { code score } } pageInfo { hasNextPage } } }`,
      { run: run1.id },
    );
    expect(q.errors).toBeUndefined();
    expect(q.data.evaluationResults.nodes).toEqual([
      {
        partnerCode: 'P-A',
        total: '100.00',
        grade: 'A',
        rank: 1,
        kpis: [
          { code: 'sat', score: '100.0000' },
          { code: 'audit', score: '100.0000' },
          { code: 'complaints', score: '100.0000' },
        ],
      },
      {
        partnerCode: 'P-C',
        total: '71.50',
        grade: 'C',
        rank: 2,
        kpis: [
          { code: 'sat', score: '75.0000' },
          { code: 'audit', score: '60.0000' },
          { code: 'complaints', score: '80.0000' },
        ],
      },
    ]);
    expect(q.data.evaluationResults.pageInfo.hasNextPage).toBe(true);
  });
});

describe('actions, finalising and immutability', () => {
  it('creates action rules', async () => {
    const down = await admin.post('/v1/evaluations/action-rules', {
      code: 'DOWN-D',
      name: 'Tier down on D',
      action: 'tier_down',
      condition: { grades: ['D'] },
      tierLadder: ['bronze', 'silver', 'gold'],
    });
    expect(down.statusCode).toBe(201);
    const warn = await admin.post('/v1/evaluations/action-rules', {
      code: 'WARN-C',
      name: 'Warning on C',
      template: 'T1',
      action: 'warning',
      condition: { grades: ['C'] },
    });
    expect(warn.statusCode).toBe(201);
    const bad = await admin.post('/v1/evaluations/action-rules', { code: 'UP', name: 'Up', action: 'tier_up', condition: { grades: ['A'] } });
    expect(bad.statusCode).toBe(400);
  });

  it('finalises once; finalised results, runs and manual values then refuse every change', async () => {
    const fin = await admin.post(`/v1/evaluations/runs/${run1.id}:finalise`);
    expect(fin.statusCode).toBe(200);
    expect(fin.data).toMatchObject({ status: 'finalised', finalisedBy: 'tester' });
    expect(await count('events', `type = 'evaluation.finalised' and resource_id = '${run1.id}'`)).toBe(1);
    const again = await admin.post(`/v1/evaluations/runs/${run1.id}:finalise`);
    expect(again.statusCode, again.body).toBe(409);
    expect((await admin.delete(`/v1/evaluations/runs/${run1.id}`)).statusCode).toBe(409);
    const change = await admin.put('/v1/evaluations/manual-values', { values: [{ partnerCode: 'P-A', period: '2026-Q1', kpi: 'sat', value: '1' }] });
    expect(change.statusCode).toBe(400);
    expect(change.data.errors[0].message).toContain('is finalised');
    expect((await admin.get(`/v1/evaluations/manual-values?period=2026-Q1&kpi=sat&partnerId=${ids['P-A']}`)).data.data[0].value).toBe('100.0000');
    // issue 14 #4: the lock is the finalised run's own (period, KPI, partner), not the KPI code tenant-wide:
    // another period, and a partner the run did not score, can still be given a `sat` value
    const late = await admin.post('/v1/partners', { code: 'P-LATE', legalName: 'Late Co.', type: 'distributor', status: 'active' });
    expect(late.statusCode).toBe(201);
    const free = await admin.put('/v1/evaluations/manual-values', {
      values: [
        { partnerCode: 'P-LATE', period: '2026-Q1', kpi: 'sat', value: '77' },
        { partnerCode: 'P-A', period: '2026-Q2', kpi: 'sat', value: '88' },
      ],
    });
    expect(free.statusCode, free.body).toBe(200);
    expect(free.data.written).toBe(2);
    expect((await admin.get(`/v1/evaluations/manual-values?period=2026-Q1&kpi=sat&partnerId=P-LATE`)).data.data[0].value).toBe('77.0000');
    // the finalised run itself is unchanged
    expect(await count('evaluation_result_kpis', `run_id = '${run1.id}' and partner_id = '${late.data.id}'`)).toBe(0);
    // a second run of the same template and period can be computed but not finalised
    const other = await admin.post('/v1/evaluations/runs', { template: 'T1', templateVersion: 1, period: '2026-Q1' });
    const fin2 = await admin.post(`/v1/evaluations/runs/${other.data.id}:finalise`);
    expect(fin2.statusCode).toBe(409);
    expect(fin2.data.finalisedRunId).toBe(run1.id);
    await admin.delete(`/v1/evaluations/runs/${other.data.id}`);
  });

  it('recommended actions: tier down for D, warning for C, with grade history', async () => {
    const list = (await admin.get(`/v1/evaluations/actions?run=${run1.id}`)).data.data;
    const summary = list.map((a: any) => [a.partnerCode, a.action, a.fromTier, a.toTier]).sort();
    expect(summary).toEqual([
      ['P-B', 'warning', null, null],
      ['P-C', 'warning', null, null],
      ['P-D', 'tier_down', 'silver', 'bronze'],
      ['P-E', 'warning', null, null],
    ]);
    const d = list.find((a: any) => a.partnerCode === 'P-D');
    expect(d).toMatchObject({ status: 'recommended', grade: 'D', gradeHistory: [{ period: '2026-Q1', grade: 'D' }] });
  });

  it('an accepted tier-down changes the partner tier through onboarding, audited; concurrent accepts: exactly one wins', async () => {
    const d = (await admin.get(`/v1/evaluations/actions?run=${run1.id}&partnerId=${ids['P-D']}`)).data.data[0];
    const [r1, r2] = await Promise.all([
      admin.post(`/v1/evaluations/actions/${d.id}:accept`, { note: 'agreed in review' }),
      admin.post(`/v1/evaluations/actions/${d.id}:accept`, { note: 'twice' }),
    ]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 409]);
    const ok = r1.statusCode === 200 ? r1 : r2;
    expect(ok.data).toMatchObject({ status: 'accepted', decidedBy: 'tester', fromTier: 'silver', toTier: 'bronze' });
    const p = (await admin.get(`/v1/partners/${ids['P-D']}`)).data;
    expect(p.tier).toBe('bronze');
    expect(p.version).toBe(2); // one update, not two
    const partnerAudit = await t.database.rows<{ changes: any }>(
      sql`select changes from audit_log where resource_type = 'partner' and resource_id = ${ids['P-D']} and action = 'update'`,
    );
    expect(partnerAudit).toHaveLength(1);
    expect(partnerAudit[0]!.changes.tier).toEqual({ from: 'silver', to: 'bronze' });
    const actionAudit = await t.database.rows<{ changes: any }>(
      sql`select changes from audit_log where resource_type = 'evaluation_action' and resource_id = ${d.id} and action = 'accept'`,
    );
    expect(actionAudit).toHaveLength(1);
    expect(actionAudit[0]!.changes.status).toEqual({ from: 'recommended', to: 'accepted' });
    expect(await count('events', `type = 'evaluation.action_accepted' and resource_id = '${d.id}'`)).toBe(1);
  });

  it('dismisses an action without touching the partner', async () => {
    const b = (await admin.get(`/v1/evaluations/actions?run=${run1.id}&partnerId=${ids['P-B']}`)).data.data[0];
    const res = await admin.post(`/v1/evaluations/actions/${b.id}:dismiss`, {});
    expect(res.data.status).toBe('dismissed');
    expect((await admin.get(`/v1/partners/${ids['P-B']}`)).data.version).toBe(1);
  });

  it('grade distribution of the network', async () => {
    const csv = await admin.get(`/v1/evaluations/runs/${run1.id}/grade-distribution?format=csv`);
    expect(csv.body).toBe('grade,count,share\r\nA,1,20.00\r\nB,0,0.00\r\nC,3,60.00\r\nD,1,20.00\r\n(incomplete),1,\r\n');
    const res = await admin.get(`/v1/evaluations/runs/${run1.id}/grade-distribution`);
    // 5 graded: A 1 (20%), B 0, C 3 (60%), D 1 (20%); 1 incomplete
    expect(res.data).toMatchObject({
      grades: [
        { grade: 'A', count: 1, share: '20.00' },
        { grade: 'B', count: 0, share: '0.00' },
        { grade: 'C', count: 3, share: '60.00' },
        { grade: 'D', count: 1, share: '20.00' },
      ],
      incomplete: 1,
    });
  });
});

describe('simulation', () => {
  it('reports who would change grade and rank under changed weights, storing nothing', async () => {
    /*
     * weights sat 30, audit 50, complaints 20:
     * P-A 100 A r1; P-B 50x.3 + 100x.5 + 50x.2 = 15 + 50 + 10 = 75 B r2; P-E 75 B r2;
     * P-C 75x.3 + 60x.5 + 80x.2 = 22.5 + 30 + 16 = 68.5 C r4; P-D 0 D r5; P-X incomplete
     * changes: grade P-B C->B, P-E C->B (2); rank P-B 3->2, P-E 3->2, P-C 2->4 (3)
     */
    const before = await count('evaluation_results');
    const kpis = THREE_KPIS.map((k) => ({ ...k, weight: k.code === 'sat' ? 30 : k.code === 'audit' ? 50 : 20 }));
    const res = await admin.post('/v1/evaluations/simulations', { run: run1.id, kpis });
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ partners: 6, gradeChanges: 2, rankChanges: 3 });
    const row = (code: string) => res.data.results.find((r: any) => r.partnerCode === code);
    expect(row('P-B')).toMatchObject({
      before: { total: '65.00', grade: 'C', rank: 3 },
      after: { total: '75.00', grade: 'B', rank: 2 },
      gradeChanged: true,
      rankChanged: true,
    });
    expect(row('P-C')).toMatchObject({ after: { total: '68.50', grade: 'C', rank: 4 }, gradeChanged: false, rankChanged: true });
    expect(row('P-X')).toMatchObject({ after: { total: null, grade: null, rank: null }, missing: ['audit'] });
    expect(await count('evaluation_results')).toBe(before);
    const bad = await admin.post('/v1/evaluations/simulations', { run: run1.id, kpis: kpis.slice(0, 2) });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors).toContainEqual({ path: 'kpis', message: 'weights must sum to 100; they sum to 80' });
  });
});

describe('history, GraphQL on Partner, partner tokens and scopes', () => {
  it('a partner history and Partner.latestEvaluation / evaluationHistory batched (statement count independent of partners)', async () => {
    const h = await admin.get(`/v1/evaluations/partners/${ids['P-C']}/history`);
    expect(h.data.data).toEqual([expect.objectContaining({ runId: run1.id, period: '2026-Q1', total: '71.50', grade: 'C', rank: 2, templateCode: 'T1' })]);
    const hc = await admin.get(`/v1/evaluations/partners/${ids['P-C']}/history?format=csv`);
    expect(hc.headers['content-type']).toContain('text/csv');
    expect(hc.body.split('\r\n')[0]).toBe('period,periodStart,templateCode,templateVersion,total,grade,rank,complete,finalisedAt,runId');
    expect(hc.body.split('\r\n')[1]).toMatch(new RegExp(`^2026-Q1,2026-01-01,T1,1,71.50,C,2,true,[^,]+,${run1.id}$`));
    const query = `query($n: Int) { partners(first: $n) { nodes { code latestEvaluation { period grade total } evaluationHistory(template: "T1") { period rank } } } }`;
    const two = await admin.gql(query, { n: 2 });
    const all = await admin.gql(query, { n: 7 });
    expect(two.errors).toBeUndefined();
    expect(all.errors).toBeUndefined();
    expect(all.data.partners.nodes.length).toBeGreaterThan(two.data.partners.nodes.length);
    const ofTwo = await leastStatements(t, () => admin.gql(query, { n: 2 }));
    expect(await leastStatements(t, () => admin.gql(query, { n: 7 }))).toBe(ofTwo);
    const byCode = Object.fromEntries(all.data.partners.nodes.map((n: any) => [n.code, n]));
    expect(byCode['P-A'].latestEvaluation).toEqual({ period: '2026-Q1', grade: 'A', total: '100.00' });
    expect(byCode['P-Z'].latestEvaluation).toBeNull();
    expect(byCode['P-E'].evaluationHistory).toEqual([{ period: '2026-Q1', rank: 3 }]);
  });

  it('partner tokens read their own results only', async () => {
    const pc = t.client(await t.token({ scope: 'evaluations:read partners:read', partner: ids['P-C']! }));
    const list = await pc.get(`/v1/evaluations/runs/${run1.id}/results`);
    expect(list.statusCode).toBe(200);
    expect(list.data.data.map((r: any) => r.partnerCode)).toEqual(['P-C']);
    expect((await pc.get(`/v1/evaluations/runs/${run1.id}/results/${ids['P-A']}`)).statusCode).toBe(404);
    expect((await pc.get(`/v1/evaluations/partners/${ids['P-A']}/history`)).statusCode).toBe(404);
    expect((await pc.get(`/v1/evaluations/partners/${ids['P-C']}/history`)).data.data).toHaveLength(1);
    expect((await pc.get('/v1/evaluations/templates')).statusCode).toBe(403);
    expect((await pc.get(`/v1/evaluations/actions`)).statusCode).toBe(403);
    const q = await pc.gql(`{ evaluationResults(run: "${run1.id}") { nodes { partnerCode } } }`);
    expect(q.data.evaluationResults.nodes).toEqual([{ partnerCode: 'P-C' }]);
  });

  it('a read-only token cannot write', async () => {
    const ro = t.client(await t.token({ scope: 'evaluations:read' }));
    expect((await ro.get('/v1/evaluations/templates')).statusCode).toBe(200);
    const res = await ro.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q2' });
    expect(res.statusCode).toBe(403);
    const g = await ro.gql(`mutation { finaliseEvaluationRun(id: "${run1.id}") { id } }`);
    expect(g.errors![0].extensions.code).toBe('FORBIDDEN');
  });

  it('GraphQL mutations: template with bad weights refused, run started and finalised', async () => {
    const bad = await admin.gql(`mutation($i: CreateScorecardTemplateInput!) { createScorecardTemplate(input: $i) { id } }`, {
      i: { code: 'G1', name: 'G', kpis: [{ ...THREE_KPIS[0], weight: '99' }], gradeBands: GRADES },
    });
    expect(bad.errors![0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.errors![0].message).toContain('they sum to 99');
    const ok = await admin.gql(
      `mutation($i: CreateScorecardTemplateInput!) { createScorecardTemplate(input: $i) { code current { versionNo kpis { code weight } } } }`,
      { i: { code: 'G1', name: 'G', kpis: [{ ...THREE_KPIS[0], weight: '100' }], gradeBands: GRADES } },
    );
    expect(ok.errors).toBeUndefined();
    const run = await admin.gql(
      `mutation { startEvaluationRun(input: { template: "G1", period: "2026-Q1", partners: ["P-A", "P-B"] }) { id partnerCount completeCount } }`,
    );
    expect(run.data.startEvaluationRun).toMatchObject({ partnerCount: 2, completeCount: 2 });
    const fin = await admin.gql(`mutation($id: ID!) { finaliseEvaluationRun(id: $id) { status } }`, { id: run.data.startEvaluationRun.id });
    expect(fin.data.finaliseEvaluationRun.status).toBe('finalised');
  });
});

describe('reports and exports', () => {
  it('KPI averages by partner type and territory, JSON and CSV', async () => {
    /*
     * sat values 100, 80, 90, 60, 80, 85 -> 495 / 6 = 82.5; scores 100, 50, 75, 0, 50, 62.5 -> 337.5 / 6 = 56.25
     * audit values 95, 90, 70, 69.9999, 90 (P-X none) -> 414.9999 / 5 = 82.99998 -> 83.0000; scores 100, 100, 60, 0, 100 -> 72
     * complaints 0, 5, 2, 10, 5, 1 -> 23 / 6 = 3.8333; scores 100, 50, 80, 0, 50, 90 -> 370 / 6 = 61.6667
     */
    const res = await admin.get(`/v1/evaluations/runs/${run1.id}/kpi-averages?by=partner_type`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.data).toEqual([
      { group: 'distributor', kpi: 'sat', partners: 6, avgValue: '82.5000', avgScore: '56.2500' },
      { group: 'distributor', kpi: 'audit', partners: 5, avgValue: '83.0000', avgScore: '72.0000' },
      { group: 'distributor', kpi: 'complaints', partners: 6, avgValue: '3.8333', avgScore: '61.6667' },
    ]);
    await admin.patch(`/v1/partners/${ids['P-A']}`, { regionCode: 'EAST' });
    await admin.patch(`/v1/partners/${ids['P-B']}`, { regionCode: 'EAST' });
    const byT = await admin.get(`/v1/evaluations/runs/${run1.id}/kpi-averages?by=territory&format=csv`);
    expect(byT.headers['content-type']).toContain('text/csv');
    const lines = byT.body.trim().split('\r\n');
    // EAST: sat (100 + 80) / 2 = 90, scores (100 + 50) / 2 = 75
    expect(lines[0]).toBe('group,kpi,partners,avgValue,avgScore');
    expect(lines[1]).toBe('EAST,sat,2,90.0000,75.0000');
    expect(lines).toHaveLength(7);
  });

  it('exports a run as CSV by rank', async () => {
    const res = await admin.get(`/v1/evaluations/runs/${run1.id}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe('partnerCode,complete,total,grade,rank,missing,sat.value,sat.score,audit.value,audit.score,complaints.value,complaints.score');
    expect(lines[1]).toBe('P-A,true,100.00,A,1,,100.0000,100.0000,95.0000,100.0000,0.0000,100.0000');
    expect(lines[6]).toBe('P-X,false,,,,audit,85.0000,62.5000,,,1.0000,90.0000');
    const mine = await t.client(await t.token({ scope: 'evaluations:read', partner: ids['P-B']! })).get(`/v1/evaluations/runs/${run1.id}/export?format=json`);
    expect(mine.data.data.map((r: any) => r.partnerCode)).toEqual(['P-B']);
  });
});

describe('lifecycle actions', () => {
  it('an accepted termination review suspends the partner through onboarding, with the grade history', async () => {
    const rule = await admin.post('/v1/evaluations/action-rules', {
      code: 'REVIEW-DD',
      name: 'Two D grades in a row',
      action: 'termination_review',
      condition: { grades: ['D'], consecutive: 2 },
      lifecycleAction: 'suspend',
    });
    expect(rule.statusCode, rule.body).toBe(201);
    // T1 version 2 (sat 40, audit 30, complaints 30); P-D in 2026-Q2: every KPI at its floor -> total 0, D
    await admin.put('/v1/evaluations/manual-values', { values: valueRows('2026-Q2', [['P-D', '60', '0', '10']]) });
    const run = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q2', partners: ['P-D'] });
    expect(run.data).toMatchObject({ templateVersion: 2, completeCount: 1 });
    expect((await admin.post(`/v1/evaluations/runs/${run.data.id}:finalise`)).statusCode).toBe(200);
    const actions = (await admin.get(`/v1/evaluations/actions?run=${run.data.id}`)).data.data;
    // DOWN-D: P-D is already bronze, the bottom of the ladder -> nothing to recommend
    expect(actions.map((a: any) => a.action)).toEqual(['termination_review']);
    expect(actions[0]).toMatchObject({
      lifecycleAction: 'suspend',
      gradeHistory: [
        { period: '2026-Q2', grade: 'D' },
        { period: '2026-Q1', grade: 'D' },
      ],
    });
    const ok = await admin.post(`/v1/evaluations/actions/${actions[0].id}:accept`, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await admin.get(`/v1/partners/${ids['P-D']}`)).data.status).toBe('suspended');
    const audit = await t.database.rows<{ n: number }>(
      sql`select count(*)::int as n from audit_log where resource_id = ${ids['P-D']} and action <> 'create' and changes -> 'status' = '{"from": "active", "to": "suspended"}'::jsonb`,
    );
    expect(audit[0]!.n).toBe(1);
    expect((await admin.post(`/v1/evaluations/actions/${actions[0].id}:accept`, {})).statusCode).toBe(409);
  });
});
