// Lifecycle actions through the sales organisation's approval authority (issue 17): a termination_review rule's
// suspend / terminate, accepted, asks the `lifecycle` policy (measure amount = severity: 1 suspend, 2 terminate). With
// "the regional manager for both, over 1 also the channel director" a suspension waits for the regional manager, a
// termination for both; a rejection dismisses the action and the partner keeps its status; thresholds at their
// boundaries (over 1 exclusive / inclusive) decide which steps apply.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { GRADES, makePartners, THREE_KPIS, valueRows } from '../helpers/evaluation.js';
import { assignOwner, createStaff, createUnit } from '../helpers/organisation.js';

let t: TestApp;
let admin: Client;
let rm: Client;
let cd: Client;
let fin: Client;
let ids: Record<string, string>;
let runId: string;

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};
const actionOf = async (code: string) => (await admin.get(`/v1/evaluations/actions?run=${runId}&partnerId=${code}`)).data.data[0];
const statusOf = async (code: string) => (await admin.get(`/v1/partners/by-code/${code}`)).data.status;
const eventsOf = async (id: string) => (await rows<{ type: string }>(sql`select type from events where resource_id = ${id} order by seq`)).map((e) => e.type);
const requestOf = async (ref: string) =>
  (await rows(sql`select id, status, amount::text as amount from approval_requests where ref = ${ref} and kind = 'lifecycle'`))[0];
const stepsOf = async (requestId: string) =>
  (await rows<{ post: string; status: string }>(sql`select post, status from approval_steps where request_id = ${requestId} order by seq`)).map(
    (s) => `${s.post}:${s.status}`,
  );
const putPolicy = async (steps: unknown[]) => {
  const res = await admin.put('/v1/organisation/approval-policies/lifecycle', { measure: 'amount', steps });
  expect([200, 201], res.body).toContain(res.statusCode);
};
const CHAIN = [{ post: 'regional_manager' }, { post: 'channel_director', over: '1' }];

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await createUnit(admin, 'HQ', 'region');
  await createUnit(admin, 'EAST', 'region', 'HQ');
  await createStaff(admin, 'RM-EAST', 'regional_manager', 'EAST', { subjects: ['rm-east'], dataScope: 'org_subtree' });
  await createStaff(admin, 'CD', 'channel_director', 'HQ', { subjects: ['cd'] });
  await createStaff(admin, 'FIN', 'finance', 'HQ', { subjects: ['fin'] });
  const scope = 'evaluations:write partners:write organisation:write';
  rm = t.client(await t.token({ sub: 'rm-east', scope }));
  cd = t.client(await t.token({ sub: 'cd', scope }));
  fin = t.client(await t.token({ sub: 'fin', scope }));
  const codes = ['L-S1', 'L-S2', 'L-S3', 'L-S4', 'L-T1', 'L-T2'];
  ids = await makePartners(admin, codes);
  for (const p of codes) await assignOwner(admin, p, 'EAST', null);
  expect((await admin.post('/v1/evaluations/templates', { code: 'T1', name: 'Scorecard', kpis: THREE_KPIS, gradeBands: GRADES })).statusCode).toBe(201);
  for (const [code, grade, lifecycleAction] of [
    ['SUSPEND-C', 'C', 'suspend'],
    ['TERMINATE-D', 'D', 'terminate'],
  ])
    expect(
      (await admin.post('/v1/evaluations/action-rules', { code, name: code, action: 'termination_review', condition: { grades: [grade] }, lifecycleAction }))
        .statusCode,
    ).toBe(201);
  // L-S*: 100/0/0 -> total 70, grade C (suspend); L-T*: 60/0/10 -> total 0, grade D (terminate)
  const values = valueRows(
    '2026-Q1',
    codes.map((c) => (c.startsWith('L-S') ? [c, '100', '0', '0'] : [c, '60', '0', '10'])),
  );
  expect((await admin.put('/v1/evaluations/manual-values', { values })).statusCode).toBe(200);
  const run = await admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q1' });
  expect(run.statusCode, run.body).toBe(201);
  runId = run.data.id;
  expect((await admin.post(`/v1/evaluations/runs/${runId}:finalise`)).statusCode).toBe(200);
});
afterAll(async () => t?.close());

describe('lifecycle actions through the lifecycle approval policy', () => {
  it('the recommendations: suspend for grade C, terminate for grade D', async () => {
    expect(await actionOf('L-S1')).toMatchObject({ action: 'termination_review', lifecycleAction: 'suspend', grade: 'C', status: 'recommended' });
    expect(await actionOf('L-T1')).toMatchObject({ action: 'termination_review', lifecycleAction: 'terminate', grade: 'D', status: 'recommended' });
  });

  it('a suspension (severity 1, not over 1) waits for the regional manager alone; finance cannot decide; then the partner is suspended', async () => {
    await putPolicy(CHAIN);
    const a = await actionOf('L-S1');
    const res = await admin.post(`/v1/evaluations/actions/${a.id}:accept`, { note: 'review' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ status: 'pending_approval', decidedBy: null });
    expect(await statusOf('L-S1')).toBe('active');
    const req = await requestOf(a.id);
    expect(req).toMatchObject({ status: 'pending', amount: '1.0000' });
    expect(await stepsOf(req.id)).toEqual(['regional_manager:pending']);
    expect((await fin.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(403);
    expect((await fin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).statusCode).toBe(403);
    expect((await actionOf('L-S1')).status).toBe('pending_approval');
    // a second accept by the admin (no staff post) decides nothing either
    expect((await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).statusCode).toBe(403);
    const done = await rm.post(`/v1/evaluations/actions/${a.id}:accept`, { note: 'agreed' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.data).toMatchObject({ status: 'accepted', decidedBy: 'rm-east', note: 'agreed' });
    expect(await statusOf('L-S1')).toBe('suspended');
    expect(await requestOf(a.id)).toMatchObject({ status: 'approved' });
    expect(await eventsOf(a.id)).toEqual(['evaluation.action_approval_requested', 'evaluation.action_accepted']);
    const audit = await rows(sql`select action from audit_log where resource_id in (${a.id}, ${req.id}) order by id`);
    expect(audit.map((x) => x.action)).toEqual(['create', 'request_approval', 'approve_step_1', 'accept']);
    const partnerAudit = await rows(sql`select action, changes from audit_log where resource_id = ${ids['L-S1']} and action = 'suspend'`);
    expect(partnerAudit.map((x) => x.changes.status)).toEqual([{ from: 'active', to: 'suspended' }]);
  });

  it('a termination (severity 2, over 1) needs the regional manager, then the channel director; each step audited', async () => {
    const a = await actionOf('L-T1');
    expect((await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).data.status).toBe('pending_approval');
    const req = await requestOf(a.id);
    expect(req).toMatchObject({ status: 'pending', amount: '2.0000' });
    expect(await stepsOf(req.id)).toEqual(['regional_manager:pending', 'channel_director:pending']);
    // the director cannot jump the chain
    expect((await cd.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(403);
    const first = await rm.post(`/v1/organisation/approval-requests/${req.id}/approve`, { note: 'ok' });
    expect(first.statusCode, first.body).toBe(200);
    expect((await actionOf('L-T1')).status).toBe('pending_approval');
    expect(await statusOf('L-T1')).toBe('active');
    const second = await cd.post(`/v1/evaluations/actions/${a.id}:accept`, { note: 'terminate' });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.data).toMatchObject({ status: 'accepted', decidedBy: 'cd' });
    expect(await statusOf('L-T1')).toBe('terminated');
    expect(await stepsOf(req.id)).toEqual(['regional_manager:approved', 'channel_director:approved']);
    const audit = await rows(sql`select action from audit_log where resource_id in (${a.id}, ${req.id}) order by id`);
    expect(audit.map((x) => x.action)).toEqual(['create', 'request_approval', 'approve_step_1', 'approve_step_2', 'accept']);
  });

  it('a rejection dismisses the action; the partner keeps its status and the remaining step is skipped', async () => {
    const a = await actionOf('L-T2');
    expect((await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).data.status).toBe('pending_approval');
    const req = await requestOf(a.id);
    const no = await rm.post(`/v1/evaluations/actions/${a.id}:dismiss`, { note: 'one more quarter' });
    expect(no.statusCode, no.body).toBe(200);
    expect(no.data).toMatchObject({ status: 'dismissed', decidedBy: 'rm-east', note: 'one more quarter' });
    expect(await statusOf('L-T2')).toBe('active');
    expect(await requestOf(a.id)).toMatchObject({ status: 'rejected' });
    expect(await stepsOf(req.id)).toEqual(['regional_manager:rejected', 'channel_director:skipped']);
    expect(await eventsOf(a.id)).toEqual(['evaluation.action_approval_requested', 'evaluation.action_approval_rejected']);
    const audit = await rows(sql`select action from audit_log where resource_id in (${a.id}, ${req.id}) order by id`);
    expect(audit.map((x) => x.action)).toEqual(['create', 'request_approval', 'reject_step_1', 'approval_rejected']);
    // decided: a second decision is refused
    expect((await rm.post(`/v1/evaluations/actions/${a.id}:accept`, {})).statusCode).toBe(409);
  });

  it('the boundary: over 1 inclusive makes a suspension (severity exactly 1) need the director too', async () => {
    await putPolicy([{ post: 'regional_manager' }, { post: 'channel_director', over: '1', inclusive: true }]);
    const a = await actionOf('L-S2');
    expect((await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {})).data.status).toBe('pending_approval');
    const req = await requestOf(a.id);
    expect(await stepsOf(req.id)).toEqual(['regional_manager:pending', 'channel_director:pending']);
    expect((await rm.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(200);
    expect((await cd.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(200);
    expect(await statusOf('L-S2')).toBe('suspended');
  });

  it('no step applies (only over 1, exclusive, for a suspension): accepted at once as before, no request', async () => {
    await putPolicy([{ post: 'channel_director', over: '1' }]);
    const a = await actionOf('L-S3');
    const res = await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.status).toBe('accepted');
    expect(await statusOf('L-S3')).toBe('suspended');
    expect(await requestOf(a.id)).toBeUndefined();
  });

  it('a lifecycle action the partner status no longer allows is refused (409) before any approver is asked', async () => {
    await putPolicy(CHAIN);
    expect((await admin.post(`/v1/partners/${ids['L-S4']}:terminate`, { reason: 'gone' })).statusCode).toBe(200);
    const a = await actionOf('L-S4');
    const res = await admin.post(`/v1/evaluations/actions/${a.id}:accept`, {});
    expect(res.statusCode, res.body).toBe(409);
    expect(res.data).toMatchObject({ code: 'ILLEGAL_TRANSITION', currentStatus: 'terminated' });
    expect((await actionOf('L-S4')).status).toBe('recommended');
    expect(await requestOf(a.id)).toBeUndefined();
  });

  it('the lifecycle kind is a policy kind like the others (validation names the field)', async () => {
    const bad = await admin.put('/v1/organisation/approval-policies/lifecycle', { measure: 'amount', steps: [{ post: 'ceo' }] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.data.errors)).toContain('steps.0.post');
    const g = await admin.gql(`{ approvalPolicy(kind: lifecycle) { kind measure steps { post over inclusive } } }`);
    expect(g.data.approvalPolicy).toEqual({
      kind: 'lifecycle',
      measure: 'amount',
      steps: [
        { post: 'regional_manager', over: null, inclusive: false },
        { post: 'channel_director', over: '1', inclusive: false },
      ],
    });
  });
});
