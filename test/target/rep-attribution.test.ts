/**
 * The direct channel (issue 17): sell-through lines attributed to sales reps (optional repCode column, resolved
 * set-based; an unknown or non-rep code is a rejected row), the per-rep monthly totals kept by the import statement
 * and the totals rebuild, rep targets (REST and GraphQL, versioned, locked periods, audited, events) and rep
 * achievement, with the data scope of a regional manager. Every expectation is computed by hand in the comments.
 */
import { relayBothWays } from '../helpers/relay.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, seedCatalog } from '../helpers/onboarding.js';
import { createStaff, orgFixture } from '../helpers/organisation.js';
import { importCsv } from '../helpers/target.js';

let t: TestApp;
let admin: Client;
let adminToken: string;
let rm: Client;
const reps: Record<string, { id: string }> = {};

const HEAD = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode,repCode';

beforeAll(async () => {
  t = await setupTestApp();
  adminToken = await t.token();
  admin = t.client(adminToken);
  await orgFixture(admin);
  rm = t.client(await t.token({ sub: 'rm-east', scope: 'admin' }));
  await seedCatalog(admin);
  await createPartner(admin, 'P1');
  await createPartner(admin, 'P2');
  reps.E1 = await createStaff(admin, 'REP-E1', 'sales_rep', 'EAST-SH', { subjects: ['rep-e1'], dataScope: 'portfolio' });
  reps.E2 = await createStaff(admin, 'REP-E2', 'sales_rep', 'EAST');
  reps.S1 = await createStaff(admin, 'REP-S1', 'sales_rep', 'SOUTH');
});
afterAll(async () => t?.close());

const ach = async (c: Client, rep: string, period = '2026-Q1', metric = 'sales_amount') => {
  const res = await c.get(`/v1/targets/rep-achievement/${rep}?period=${period}&metric=${metric}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.data;
};
const pick = (a: any) => ({ actual: a.actual, target: a.target, achievementPct: a.achievementPct, partners: a.partners });

describe('sell-through attributed to sales reps', () => {
  it('imports the rep column set-based; an unknown code and a staff member who is not a rep are rejected rows', async () => {
    const csv = [
      HEAD,
      'R-1,2026-01-10,P1,TEA-1,10,1000.50,C1,ZJ,REP-E1',
      'R-2,2026-02-05,P2,TEA-1,5,500.25,C2,ZJ,REP-E1',
      'R-3,2026-02-20,P1,TEA-2,2,200,C3,ZJ,REP-E2',
      'R-4,2026-03-01,P1,TEA-1,1,100,C4,ZJ,NOPE',
      'R-5,2026-03-02,P1,TEA-1,1,99,C5,ZJ,',
      'R-6,2026-03-03,P1,TEA-1,1,50,C5,ZJ,AM-SH',
      'R-7,2025-01-15,P1,TEA-1,4,750.25,C1,ZJ,REP-E1',
    ].join('\n');
    const dry = await importCsv(t, adminToken, 'sell-through', csv, '?dryRun=true');
    expect(dry.data).toMatchObject({ accepted: 5, rejected: 2, committed: false });
    expect((await ach(admin, 'REP-E1')).actual).toBe('0.0000'); // a dry run writes nothing
    const res = await importCsv(t, adminToken, 'sell-through', csv);
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ accepted: 5, rejected: 2, created: 5, updated: 0 });
    // header = line 1: R-4 is line 5, R-6 line 7
    expect(res.data.errors).toEqual([
      { line: 5, path: 'repCode', message: "no sales rep with code 'NOPE'" },
      { line: 7, path: 'repCode', message: "no sales rep with code 'AM-SH'" },
    ]);
    // REP-E1 2026-Q1: 1000.50 + 500.25 = 1500.75 over P1 and P2 (R-7 is 2025); 10 + 5 = 15 units
    expect(pick(await ach(admin, 'REP-E1'))).toEqual({ actual: '1500.7500', target: null, achievementPct: null, partners: 2 });
    expect((await ach(admin, 'REP-E1', '2026-Q1', 'quantity')).actual).toBe('15.0000');
    expect(pick(await ach(admin, 'REP-E2'))).toEqual({ actual: '200.0000', target: null, achievementPct: null, partners: 1 });
    expect(pick(await ach(admin, reps.E1!.id, '2025'))).toMatchObject({ actual: '750.2500', partners: 1 });
    // the same file again changes nothing
    expect((await importCsv(t, adminToken, 'sell-through', csv)).data).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
  });

  it('keeps the rep totals exact when a line moves to another rep, loses its rep, or comes back; NDJSON too; rebuild agrees', async () => {
    // R-2 moves from REP-E1 to REP-E2 with a new amount: E1 1000.50 (P1 only), E2 200 + 600 = 800 over P1 and P2
    let r = await importCsv(t, adminToken, 'sell-through', `${HEAD}\nR-2,2026-02-05,P2,TEA-1,5,600,C2,ZJ,REP-E2`);
    expect(r.data).toMatchObject({ accepted: 1, updated: 1 });
    expect(pick(await ach(admin, 'REP-E1'))).toMatchObject({ actual: '1000.5000', partners: 1 });
    expect(pick(await ach(admin, 'REP-E2'))).toMatchObject({ actual: '800.0000', partners: 2 });
    // a file without the rep column re-sends R-3: the line is replaced, its attribution with it (E2: 600, P2 only)
    r = await importCsv(
      t,
      adminToken,
      'sell-through',
      'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\nR-3,2026-02-20,P1,TEA-2,2,200,C3,ZJ',
    );
    expect(r.data).toMatchObject({ accepted: 1, updated: 1 });
    expect(pick(await ach(admin, 'REP-E2'))).toMatchObject({ actual: '600.0000', partners: 1 });
    r = await importCsv(t, adminToken, 'sell-through', `${HEAD}\nR-3,2026-02-20,P1,TEA-2,2,200,C3,ZJ,REP-E2`);
    expect(pick(await ach(admin, 'REP-E2'))).toMatchObject({ actual: '800.0000', partners: 2 });
    // NDJSON: R-8 adds 0.50 to REP-E1 -> 1001.00
    const nd = await t.app.inject({
      method: 'POST',
      url: '/v1/actuals/sell-through:import',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/x-ndjson' },
      payload:
        JSON.stringify({
          externalId: 'R-8',
          date: '2026-03-10',
          partnerCode: 'P1',
          productCode: 'TEA-1',
          quantity: '1',
          amount: '0.50',
          territoryCode: 'ZJ',
          repCode: 'REP-E1',
        }) +
        '\n' +
        JSON.stringify({
          externalId: 'R-9',
          date: '2026-03-10',
          partnerCode: 'P1',
          productCode: 'TEA-1',
          quantity: '1',
          amount: '1',
          territoryCode: 'ZJ',
          repCode: 'bad code!',
        }) +
        '\n',
    });
    expect(nd.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, path: 'repCode' }] });
    expect(pick(await ach(admin, 'REP-E1'))).toMatchObject({ actual: '1001.0000', partners: 1 });
    // the maintained totals equal the facts, and a rebuild from the facts gives the same
    const check = async () =>
      (
        await t.database
          .client!`select (select coalesce(json_agg(x order by rep_id, month, partner_id), '[]') from (select rep_id, month::text, partner_id, amount::text, quantity::text, lines from rep_monthly_totals where tenant_id = 't1' and lines <> 0) x) as totals,
          (select coalesce(json_agg(x order by rep_id, month, partner_id), '[]') from (select rep_id, date_trunc('month', date)::date::text as month, partner_id, sum(amount)::text as amount, sum(quantity)::text as quantity, count(*)::int as lines from sell_through_lines where tenant_id = 't1' and rep_id is not null group by 1, 2, 3) x) as facts`
      )[0]!;
    if (t.database.kind === 'postgres') {
      const before = await check();
      expect(before.totals).toEqual(before.facts);
      expect((await admin.post('/v1/actuals/totals:rebuild')).statusCode).toBe(200);
      const after = await check();
      expect(after.totals).toEqual(before.totals);
    }
    expect(pick(await ach(admin, 'REP-E2'))).toMatchObject({ actual: '800.0000', partners: 2 });
  });
});

describe('rep targets and achievement', () => {
  let e1Target: any;
  it('sets targets by rep code or id; refuses bad input naming the field, a non-rep, a duplicate; audited with an event', async () => {
    let res = await admin.post('/v1/targets/reps', { rep: 'REP-E1', period: '2026-Q1', metric: 'sales_amount', value: '2000' }, { 'idempotency-key': 'rt-1' });
    expect(res.statusCode, res.body).toBe(201);
    e1Target = res.data;
    expect(e1Target).toMatchObject({
      repId: reps.E1!.id,
      period: '2026-Q1',
      periodStart: '2026-01-01',
      periodEnd: '2026-03-31',
      value: '2000.0000',
      version: 1,
    });
    // the same key again replays the first answer
    const again = await admin.post(
      '/v1/targets/reps',
      { rep: 'REP-E1', period: '2026-Q1', metric: 'sales_amount', value: '2000' },
      { 'idempotency-key': 'rt-1' },
    );
    expect(again.statusCode).toBe(201);
    expect(again.data.id).toBe(e1Target.id);
    expect((await admin.post('/v1/targets/reps', { rep: 'REP-E1', period: '2026-Q1', metric: 'sales_amount', value: '1' })).statusCode).toBe(409);
    for (const [body, path] of [
      [{ rep: 'REP-E1', period: '2026-Q2', metric: 'sales_amount', value: '-1' }, 'body.value'],
      [{ rep: 'REP-E1', period: '2026-Q2', metric: 'new_customers', value: '1' }, 'body.metric'],
      [{ rep: 'REP-E1', period: '2026-Q9', metric: 'sales_amount', value: '1' }, 'period'],
      [{ rep: 'AM-SH', period: '2026-Q2', metric: 'sales_amount', value: '1' }, 'rep'],
    ] as const) {
      res = await admin.post('/v1/targets/reps', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.data.errors.map((e: any) => e.path)).toContain(path);
    }
    expect((await admin.get('/v1/targets/reps?period=2026-Q2')).data.data).toEqual([]);
    expect((await admin.post('/v1/targets/reps', { rep: reps.E2!.id, period: '2026-Q1', metric: 'sales_amount', value: '1000' })).statusCode).toBe(201);
    expect((await admin.post('/v1/targets/reps', { rep: 'REP-S1', period: '2026-Q1', metric: 'sales_amount', value: '500' })).statusCode).toBe(201);
    const audit = await admin.get(`/v1/audit?resourceType=rep_target&resourceId=${e1Target.id}`);
    expect(audit.data.data.map((a: any) => a.action)).toEqual(['create']);
    const ev = await admin.get('/v1/events?types=target.rep_target_set&limit=10');
    expect(ev.data.data.length).toBe(3);
  });

  it('achievement = attributed actual / target at 2 decimals; ranked; PATCH is versioned and locked periods refuse', async () => {
    // E1: 1001.00 / 2000 = 50.05 %; E2: 800 / 1000 = 80.00 %; S1: 0 / 500 = 0.00 %
    expect(pick(await ach(admin, 'REP-E1'))).toEqual({ actual: '1001.0000', target: '2000.0000', achievementPct: '50.05', partners: 1 });
    expect((await ach(admin, 'REP-E1')).gap).toBe('999.0000');
    const list = await admin.get('/v1/targets/rep-achievement?period=2026-Q1');
    expect(list.data.data.map((a: any) => [a.repCode, a.achievementPct, a.rank])).toEqual([
      ['REP-E2', '80.00', 1],
      ['REP-E1', '50.05', 2],
      ['REP-S1', '0.00', 3],
    ]);
    // 1001 / 2001.99 = 50.0002... -> 50.00; a stale version is 409, a stale If-Match 412
    let res = await admin.patch(`/v1/targets/reps/${e1Target.id}`, { value: '2001.99', version: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ value: '2001.9900', version: 2 });
    expect((await admin.patch(`/v1/targets/reps/${e1Target.id}`, { value: '1', version: 1 })).statusCode).toBe(409);
    expect((await admin.patch(`/v1/targets/reps/${e1Target.id}`, { value: '1' }, { 'if-match': 'W/"1"' })).statusCode).toBe(412);
    expect((await ach(admin, 'REP-E1')).achievementPct).toBe('50.00');
    // 1001 / 1334 = 75.0374... -> 75.04 (through GraphQL)
    const g = await admin.gql(`mutation { updateRepTarget(id: "${e1Target.id}", input: { value: "1334" }, version: 2) { value version } }`);
    expect(g.data.updateRepTarget).toEqual({ value: '1334.0000', version: 3 });
    expect((await ach(admin, 'REP-E1')).achievementPct).toBe('75.04');
    expect((await admin.post('/v1/targets/periods/2026-Q1:lock')).statusCode).toBe(200);
    res = await admin.patch(`/v1/targets/reps/${e1Target.id}`, { value: '1' });
    expect(res.statusCode).toBe(409);
    expect((await admin.post('/v1/targets/reps', { rep: 'REP-E2', period: '2026-01', metric: 'sales_amount', value: '1' })).statusCode).toBe(409);
    expect((await admin.post('/v1/targets/periods/2026-Q1:unlock')).statusCode).toBe(204);
    expect((await admin.get(`/v1/audit?resourceType=rep_target&resourceId=${e1Target.id}`)).data.data.map((a: any) => a.action)).toEqual([
      'update',
      'update',
      'create',
    ]);
  });

  it('GraphQL: rep targets, achievement and ranking, StaffMember.repAchievement batched', async () => {
    const g = await admin.gql(`{
      repTargets(rep: "REP-E2") { nodes { value metric period } }
      repAchievement(rep: "REP-E2", period: "2026-Q1") { actual target achievementPct partners }
      repAchievements(period: "2026-Q1", first: 2) { nodes { repCode rank } pageInfo { hasNextPage } }
      staffMembers(post: sales_rep) { nodes { code repAchievement(period: "2026-Q1") { achievementPct } } }
    }`);
    expect(g.errors).toBeUndefined();
    expect(g.data.repTargets.nodes).toEqual([{ value: '1000.0000', metric: 'sales_amount', period: '2026-Q1' }]);
    expect(g.data.repAchievement).toEqual({ actual: '800.0000', target: '1000.0000', achievementPct: '80.00', partners: 2 });
    expect(g.data.repAchievements).toEqual({
      nodes: [
        { repCode: 'REP-E2', rank: 1 },
        { repCode: 'REP-E1', rank: 2 },
      ],
      pageInfo: { hasNextPage: true },
    });
    expect(Object.fromEntries(g.data.staffMembers.nodes.map((n: any) => [n.code, n.repAchievement?.achievementPct]))).toEqual({
      'REP-E1': '75.04',
      'REP-E2': '80.00',
      'REP-S1': '0.00',
    });
    const bad = await admin.gql(`mutation { createRepTarget(input: { rep: "REP-E1", period: "2026-Q2", metric: sales_amount, value: "x" }) { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('GraphQL pages rep targets and the ranking both ways (first/after, last/before) with the same nodes', async () => {
    const targets = await relayBothWays(admin, 'repTargets', '', 'id');
    expect(targets.forward.length).toBeGreaterThanOrEqual(2);
    expect(targets.backward).toEqual(targets.forward);
    const ranking = await relayBothWays(admin, 'repAchievements', 'period: "2026-Q1"', 'repCode rank');
    expect(ranking.forward.map((n) => n.rank)).toEqual(ranking.forward.map((_, i) => i + 1));
    expect(ranking.forward.length).toBeGreaterThanOrEqual(3);
    expect(ranking.backward).toEqual(ranking.forward);
  });

  it('data scope: the regional manager of EAST sees EAST reps only; a portfolio rep sees itself; partner credentials are refused', async () => {
    expect((await rm.get('/v1/targets/rep-achievement?period=2026-Q1')).data.data.map((a: any) => a.repCode)).toEqual(['REP-E2', 'REP-E1']);
    expect((await rm.get('/v1/targets/reps')).data.data.map((x: any) => x.repId).sort()).toEqual([reps.E1!.id, reps.E2!.id].sort());
    expect((await rm.get('/v1/targets/rep-achievement/REP-S1?period=2026-Q1')).statusCode).toBe(404);
    const s1Target = (await admin.get('/v1/targets/reps?rep=REP-S1')).data.data[0];
    expect((await rm.get(`/v1/targets/reps/${s1Target.id}`)).statusCode).toBe(404);
    expect((await rm.patch(`/v1/targets/reps/${s1Target.id}`, { value: '1' })).statusCode).toBe(404);
    expect((await rm.post('/v1/targets/reps', { rep: 'REP-S1', period: '2026-Q2', metric: 'sales_amount', value: '1' })).statusCode).toBe(400);
    const g = await rm.gql(`{ repAchievement(rep: "REP-S1", period: "2026-Q1") { actual } repAchievements(period: "2026-Q1") { nodes { repCode } } }`);
    expect(g.data.repAchievement).toBeNull();
    expect(g.data.repAchievements.nodes.map((n: any) => n.repCode)).toEqual(['REP-E2', 'REP-E1']);
    const me = t.client(await t.token({ sub: 'rep-e1', scope: 'admin' }));
    expect((await me.get('/v1/targets/rep-achievement?period=2026-Q1')).data.data.map((a: any) => a.repCode)).toEqual(['REP-E1']);
    const p1 = (await admin.get('/v1/partners/by-code/P1')).data;
    const portal = t.client(await t.token({ partner: p1.id, scope: 'partner-portal' }));
    expect((await portal.get('/v1/targets/rep-achievement?period=2026-Q1')).statusCode).toBe(403);
    expect((await portal.get('/v1/targets/reps')).statusCode).toBe(403);
  });
});
