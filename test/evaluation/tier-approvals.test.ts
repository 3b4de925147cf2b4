// Tier changes through the sales organisation's approval authority (issue 17): with a `tier_change` policy "the
// regional manager for any downgrade" (measure amount = tiers moved down; step over 0), accepting a tier_down waits
// in pending_approval until the regional manager decides; a tier_up (-1 tiers down) is applied at once, as before.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES, makePartners, THREE_KPIS, valueRows } from '../helpers/evaluation.js';
import { assignOwner, createStaff, createUnit } from '../helpers/organisation.js';

let t: TestApp;
let admin: Client;
let rm: Client;
let fin: Client;
let ids: Record<string, string>;
let gold: Record<string, string>;
let runId: string;

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};
const actionOf = async (code: string) => (await admin.get(`/v1/evaluations/actions?run=${runId}&partnerId=${code}`)).data.data[0];
const tierOf = async (code: string) => (await admin.get(`/v1/partners/by-code/${code}`)).data.tier;
const eventsOf = async (id: string) => (await rows<{ type: string }>(sql`select type from events where resource_id = ${id} order by seq`)).map((e) => e.type);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await createUnit(admin, 'HQ', 'region');
  await createUnit(admin, 'EAST', 'region', 'HQ');
  await createStaff(admin, 'RM-EAST', 'regional_manager', 'EAST', { subjects: ['rm-east'], dataScope: 'org_subtree' });
  await createStaff(admin, 'FIN', 'finance', 'HQ', { subjects: ['fin'] });
  rm = t.client(await t.token({ sub: 'rm-east', scope: 'evaluations:write partners:write organisation:write' }));
  fin = t.client(await t.token({ sub: 'fin', scope: 'evaluations:write partners:write organisation:write' }));
  ids = await makePartners(admin, ['T-UP', 'T-DN'], { tier: 'silver' });
  gold = await makePartners(admin, ['T-DN2'], { tier: 'gold' });
  for (const p of ['T-UP', 'T-DN', 'T-DN2']) await assignOwner(admin, p, 'EAST', null);
  const ladder = ['bronze', 'silver', 'gold'];
  expect((await admin.post('/v1/evaluations/templates', { code: 'T1', name: 'Scorecard', kpis: THREE_KPIS, gradeBands: GRADES })).statusCode).toBe(201);
  for (const [code, action, grade] of [
    ['DOWN-D', 'tier_down', 'D'],
    ['UP-A', 'tier_up', 'A'],
  ])
    expect(
      (await admin.post('/v1/evaluations/action-rules', { code, name: code, action, condition: { grades: [grade] }, tierLadder: ladder })).statusCode,
    ).toBe(201);
  // T-UP: 100/100/0 complaints -> total 100, grade A; T-DN and T-DN2: 60/0/10 -> total 0, grade D
  const values = valueRows('2026-Q1', [
    ['T-UP', '100', '100', '0'],
    ['T-DN', '60', '0', '10'],
    ['T-DN2', '60', '0', '10'],
  ]);
  expect((await admin.put('/v1/evaluations/manual-values', { values })).statusCode).toBe(200);
  const run = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1' });
  expect(run.statusCode, run.body).toBe(201);
  runId = run.data.id;
  expect((await admin.post(`/v1/evaluations/runs/${runId}:finalise`)).statusCode).toBe(200);
  const policy = await admin.put('/v1/organisation/approval-policies/tier_change', { measure: 'amount', steps: [{ post: 'regional_manager', over: '0' }] });
  expect(policy.statusCode, policy.body).toBe(201);
});
afterAll(async () => t?.close());

describe('tier changes through the tier_change approval policy', () => {
  it('the recommendations: T-UP silver -> gold, T-DN silver -> bronze, T-DN2 gold -> silver', async () => {
    expect(await actionOf('T-UP')).toMatchObject({ action: 'tier_up', fromTier: 'silver', toTier: 'gold', grade: 'A' });
    expect(await actionOf('T-DN')).toMatchObject({ action: 'tier_down', fromTier: 'silver', toTier: 'bronze', grade: 'D' });
    expect(await actionOf('T-DN2')).toMatchObject({ action: 'tier_down', fromTier: 'gold', toTier: 'silver' });
  });

  it('an upgrade (-1 tiers down, not over 0) is applied at once, as before', async () => {
    const a = await actionOf('T-UP');
    const res = await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.status).toBe('accepted');
    expect(await tierOf('T-UP')).toBe('gold');
    expect(await rows(sql`select id from approval_requests where ref = ${a.id}`)).toEqual([]);
  });

  it('a downgrade (1 tier down) waits for the regional manager; finance cannot decide (403); then the tier moves', async () => {
    const a = await actionOf('T-DN');
    const res = await admin.post(`/v1/evaluations/actions/${a.id}:accept`, { note: 'review' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ status: 'pending_approval', decidedBy: null });
    expect(await tierOf('T-DN')).toBe('silver');
    const [req] = await rows(sql`select id, status, amount::text as amount, partner_id from approval_requests where ref = ${a.id}`);
    expect(req).toMatchObject({ status: 'pending', amount: '1.0000', partner_id: ids['T-DN'] });
    expect((await fin.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(403);
    expect((await fin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).statusCode).toBe(403);
    expect((await actionOf('T-DN')).status).toBe('pending_approval');
    const done = await rm.post(`/v1/organisation/approval-requests/${req.id}/approve`, { note: 'agreed' });
    expect(done.statusCode, done.body).toBe(200);
    expect(await actionOf('T-DN')).toMatchObject({ status: 'accepted', decidedBy: 'rm-east', note: 'agreed' });
    const p = (await admin.get(`/v1/partners/by-code/T-DN`)).data;
    expect(p).toMatchObject({ tier: 'bronze', version: 2 });
    expect(await eventsOf(a.id)).toEqual(['evaluation.action_approval_requested', 'evaluation.action_accepted']);
    const audit = await rows(sql`select action from audit_log where resource_id in (${a.id}, ${req.id}) order by id`);
    expect(audit.map((x) => x.action)).toEqual(['create', 'request_approval', 'approve_step_1', 'accept']);
    const tierAudit = await rows(sql`select changes from audit_log where resource_id = ${ids['T-DN']} and action = 'update'`);
    expect(tierAudit.map((x) => x.changes.tier)).toEqual([{ from: 'silver', to: 'bronze' }]);
  });

  it('a rejection (the regional manager dismissing the action) dismisses it; the tier stays', async () => {
    const a = await actionOf('T-DN2');
    expect((await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).data.status).toBe('pending_approval');
    const no = await rm.post(`/v1/evaluations/actions/${a.id}:dismiss`, { note: 'one more quarter' });
    expect(no.statusCode, no.body).toBe(200);
    expect(no.data).toMatchObject({ status: 'dismissed', decidedBy: 'rm-east', note: 'one more quarter' });
    expect(await tierOf('T-DN2')).toBe('gold');
    expect(await rows(sql`select status from approval_requests where ref = ${a.id}`)).toEqual([{ status: 'rejected' }]);
    expect(await eventsOf(a.id)).toEqual(['evaluation.action_approval_requested', 'evaluation.action_approval_rejected']);
    expect(gold['T-DN2']).toBeDefined();
  });
});
