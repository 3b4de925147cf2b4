import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { assignOwner, orgFixture } from '../helpers/organisation.js';
import { catalogFixture, makePartner, makePolicy, price } from '../helpers/policy.js';

/**
 * Approval authority (审批权限) on price deviations: min resale 80, retail 100; a deviation over 10% needs the regional
 * manager, over 20% also the channel director. The deviation's percentage is (80 - price) / 80.
 */
let t: TestApp;
let admin: Client;
let rmEast: Client;
let rmSouth: Client;
let director: Client;
let month = 0;
const rows = <T = any>(q: ReturnType<typeof sql>) => t.database.rows<T>(q);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await orgFixture(admin);
  await makePartner(admin, 'DEV-E');
  await assignOwner(admin, 'DEV-E', 'EAST-SH', 'AM-SH');
  await catalogFixture(t, { products: [{ code: 'W1' }] });
  await makePolicy(admin, { code: 'BASE', scope: { kind: 'default' }, lines: [price('W1', '60.00', '100.00', '80.00')] });
  const scope = 'policy:write organisation:read';
  rmEast = t.client(await t.token({ sub: 'rm-east', scope }));
  rmSouth = t.client(await t.token({ sub: 'rm-south', scope }));
  director = t.client(await t.token({ sub: 'cd', scope }));
});
afterAll(async () => t?.close());

async function deviation(p: string) {
  month++;
  const m = String(month).padStart(2, '0');
  const res = await admin.post('/v1/policy/deviations', {
    partner: 'DEV-E',
    product: 'W1',
    price: p,
    validFrom: `2026-${m}-01`,
    validTo: `2026-${m}-20`,
    reason: 'x',
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.data.status).toBe('pending');
  const req = await admin.get(`/v1/organisation/approval-requests?kind=price_deviation&limit=500`);
  return { id: res.data.id as string, request: req.data.data.find((r: any) => r.ref === res.data.id) };
}

describe('without a policy', () => {
  it('a deviation is decided in one step by anyone with the scope, as before', async () => {
    const d = await deviation('60.00'); // 25%
    expect(d.request).toBeUndefined();
    expect((await admin.post(`/v1/policy/deviations/${d.id}/approve`, {})).data.status).toBe('approved');
  });
});

describe('with a price_deviation policy: over 10% the regional manager, over 20% also the channel director', () => {
  beforeAll(async () => {
    const p = await admin.put('/v1/organisation/approval-policies/price_deviation', {
      measure: 'pct',
      steps: [
        { post: 'regional_manager', over: '10' },
        { post: 'channel_director', over: '20' },
      ],
    });
    expect(p.statusCode, p.body).toBe(201);
    expect(p.data.steps).toEqual([
      { post: 'regional_manager', over: '10', inclusive: false },
      { post: 'channel_director', over: '20', inclusive: false },
    ]);
  });

  it('exactly 10%: no step applies, one-step decision as before', async () => {
    const d = await deviation('72.00');
    expect(d.request).toBeUndefined();
    expect((await admin.post(`/v1/policy/deviations/${d.id}/approve`, {})).data.status).toBe('approved');
  });

  it('10.01%: the regional manager of the partner decides; others cannot', async () => {
    const d = await deviation('71.992');
    expect(d.request).toMatchObject({ pct: '10.0100', status: 'pending', currentPost: 'regional_manager' });
    expect(d.request.steps.map((s: any) => s.post)).toEqual(['regional_manager']);
    const asAdmin = await admin.post(`/v1/policy/deviations/${d.id}/approve`, {});
    expect(asAdmin.statusCode).toBe(403);
    expect((await director.post(`/v1/policy/deviations/${d.id}/approve`, {})).statusCode).toBe(403);
    // the regional manager of 华南 does not even see a 华东 partner's deviation
    expect((await rmSouth.post(`/v1/policy/deviations/${d.id}/approve`, {})).statusCode).toBe(404);
    expect((await rmSouth.post(`/v1/organisation/approval-requests/${d.request.id}/approve`, {})).statusCode).toBe(404);
    expect(await rows(sql`select status from price_deviations where id = ${d.id}`)).toEqual([{ status: 'pending' }]);
    const ok = await rmEast.post(`/v1/policy/deviations/${d.id}/approve`, { note: 'fine' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.data).toMatchObject({ status: 'approved', decidedBy: 'rm-east', decisionNote: 'fine' });
    expect((await admin.get(`/v1/organisation/approval-requests/${d.request.id}`)).data).toMatchObject({ status: 'approved', currentPost: null });
  });

  it('exactly 20%: the regional manager only', async () => {
    const d = await deviation('64.00');
    expect(d.request.pct).toBe('20.0000');
    expect(d.request.steps.map((s: any) => s.post)).toEqual(['regional_manager']);
    expect((await rmEast.post(`/v1/policy/deviations/${d.id}/approve`, {})).data.status).toBe('approved');
  });

  it('20.01%: the regional manager, then the channel director; each step audited with an event', async () => {
    const d = await deviation('63.992');
    expect(d.request.pct).toBe('20.0100');
    expect(d.request.steps.map((s: any) => s.post)).toEqual(['regional_manager', 'channel_director']);
    // the director cannot skip the first step
    expect((await director.post(`/v1/organisation/approval-requests/${d.request.id}/approve`, {})).statusCode).toBe(403);
    const first = await rmEast.post(`/v1/organisation/approval-requests/${d.request.id}/approve`, {});
    expect(first.data).toMatchObject({ status: 'pending', currentPost: 'channel_director' });
    expect((await admin.get(`/v1/policy/deviations/${d.id}`)).data.status).toBe('pending');
    // pending for me: the director sees it, the regional manager no longer does
    expect((await director.get('/v1/organisation/approval-requests?mine=true')).data.data.map((r: any) => r.id)).toEqual([d.request.id]);
    expect((await rmEast.get('/v1/organisation/approval-requests?mine=true')).data.data).toEqual([]);
    const last = await director.post(`/v1/policy/deviations/${d.id}/approve`, {});
    expect(last.data.status).toBe('approved');
    const audits = await rows(sql`select action, subject from audit_log where resource_id = ${d.request.id} order by id`);
    expect(audits).toEqual([
      { action: 'create', subject: 'tester' },
      { action: 'approve_step_1', subject: 'rm-east' },
      { action: 'approve_step_2', subject: 'cd' },
    ]);
    const ev = await rows(sql`select type from events where resource_id in (${d.request.id}, ${d.id}) order by id`);
    expect(ev.map((e: any) => e.type)).toEqual([
      'organisation.approval_requested',
      'organisation.approval_step_decided',
      'organisation.approval_step_decided',
      'organisation.approval_decided',
      'policy.deviation_decided',
    ]);
    // decided: no further step
    expect((await director.post(`/v1/organisation/approval-requests/${d.request.id}/approve`, {})).statusCode).toBe(409);
  });

  it('a rejection at any step rejects the deviation and skips the remaining steps', async () => {
    const d = await deviation('50.00');
    const res = await rmEast.post(`/v1/policy/deviations/${d.id}/reject`, { note: 'too deep' });
    expect(res.data).toMatchObject({ status: 'rejected', decisionNote: 'too deep' });
    expect((await admin.get(`/v1/organisation/approval-requests/${d.request.id}`)).data.steps.map((s: any) => s.status)).toEqual(['rejected', 'skipped']);
  });

  it('inclusive thresholds: at the value too', async () => {
    await admin.put('/v1/organisation/approval-policies/price_deviation', {
      measure: 'pct',
      steps: [{ post: 'regional_manager', over: '10', inclusive: true }],
    });
    const d = await deviation('72.00');
    expect(d.request.steps.map((s: any) => s.post)).toEqual(['regional_manager']);
  });

  it('GraphQL: policies and requests, approve a step', async () => {
    const g = await director.gql(`{ approvalPolicy(kind: price_deviation) { measure steps { post over inclusive } } }`);
    expect(g.data.approvalPolicy.steps).toEqual([{ post: 'regional_manager', over: '10', inclusive: true }]);
    const pending = await rmEast.gql(`{ approvalRequests(mine: true) { nodes { id ref currentPost } } }`);
    expect(pending.data.approvalRequests.nodes).toHaveLength(1);
    const m = await rmEast.gql(`mutation($id: ID!) { approveApprovalStep(id: $id) { status } }`, { id: pending.data.approvalRequests.nodes[0].id });
    expect(m.data.approveApprovalStep.status).toBe('approved');
    expect((await admin.get(`/v1/policy/deviations/${pending.data.approvalRequests.nodes[0].ref}`)).data.status).toBe('approved');
  });

  it('generic requests for other kinds; 422 when no step applies', async () => {
    await admin.put('/v1/organisation/approval-policies/credit_override', { measure: 'amount', steps: [{ post: 'finance', over: '100000' }] });
    expect(
      (await admin.post('/v1/organisation/approval-requests', { kind: 'credit_override', ref: 'ORD-1', partner: 'DEV-E', amount: '100000' })).statusCode,
    ).toBe(422);
    const r = await admin.post('/v1/organisation/approval-requests', { kind: 'credit_override', ref: 'ORD-1', partner: 'DEV-E', amount: '100000.01' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.data.steps.map((s: any) => s.post)).toEqual(['finance']);
    expect((await admin.post('/v1/organisation/approval-requests', { kind: 'credit_override', ref: 'ORD-1', amount: '200000' })).statusCode).toBe(409);
  });

  it('every kind of the issue can be configured; fund_request and claim (reserved for trade funds) run a two-step chain by hand', async () => {
    for (const kind of ['fund_request', 'claim', 'statement', 'tier_change', 'order_override', 'lifecycle']) {
      const res = await admin.put(`/v1/organisation/approval-policies/${kind}`, {
        measure: 'amount',
        steps: [
          { post: 'regional_manager', over: '50000' },
          { post: 'channel_director', over: '200000' },
        ],
      });
      expect(res.statusCode, `${kind}: ${res.body}`).toBe(201);
    }
    const kinds = (await admin.get('/v1/organisation/approval-policies')).data.data.map((p: any) => p.kind).sort();
    expect(kinds).toEqual(['claim', 'credit_override', 'fund_request', 'lifecycle', 'order_override', 'price_deviation', 'statement', 'tier_change']);
    // an unknown kind is a 400 naming it
    const bad = await admin.put('/v1/organisation/approval-policies/trade_fund', { measure: 'amount', steps: [{ post: 'finance' }] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.data.errors)).toContain('kind');
    // a fund request of exactly 200,000: the regional manager only; 200,000.01: the regional manager, then the director
    const at = await admin.post('/v1/organisation/approval-requests', { kind: 'fund_request', ref: 'FR-1', partner: 'DEV-E', amount: '200000' });
    expect(at.data.steps.map((s: any) => s.post)).toEqual(['regional_manager']);
    const over = await admin.post('/v1/organisation/approval-requests', { kind: 'claim', ref: 'CL-1', partner: 'DEV-E', amount: '200000.01' });
    expect(over.statusCode, over.body).toBe(201);
    expect(over.data.steps.map((s: any) => s.post)).toEqual(['regional_manager', 'channel_director']);
    const decide = (c: Client) => c.post(`/v1/organisation/approval-requests/${over.data.id}/approve`, {});
    expect((await decide(director)).statusCode).toBe(403);
    expect((await decide(rmEast)).data.status).toBe('pending');
    expect((await decide(director)).data.status).toBe('approved');
    const audit = await rows<{ action: string }>(sql`select action from audit_log where resource_id = ${over.data.id} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'approve_step_1', 'approve_step_2']);
  });
});
