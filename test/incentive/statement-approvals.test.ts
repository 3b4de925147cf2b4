// Statement approvals through the sales organisation's approval authority (issue 17): with a `statement` policy
// "over 1,000 the regional manager, over 5,000 also finance", approving a statement opens a request and the statement
// waits in pending_approval until the chain decides; at or below the threshold, and without a policy, it is approved
// at once as before. A rejection returns it to draft (merging lines booked meanwhile).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makePartner, makeProgram } from '../helpers/incentive.js';
import { assignOwner, createStaff, createUnit } from '../helpers/organisation.js';

let t: TestApp;
let admin: Client;
let rm: Client;
let fin: Client;
let approver: Client;
let program: any;

const rows = async <T = any>(q: ReturnType<typeof sql>) => {
  const r: any = await t.database.db.execute(q);
  return (Array.isArray(r) ? r : r.rows) as T[];
};

/** a draft statement of the partner with a rebate-program line of `rebate` and a manual line of `other` */
async function statement(partner: string, period: string, rebate: string, other?: string): Promise<string> {
  const a = await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period, amount: rebate, reason: 'rebate', programId: program.id });
  expect(a.statusCode, a.body).toBe(201);
  if (other) expect((await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period, amount: other, reason: 'bonus' })).statusCode).toBe(201);
  return a.data.statementId;
}
const requestOf = async (ref: string) =>
  (await rows(sql`select id, status, amount::text as amount from approval_requests where ref = ${ref} order by id`)).at(-1);
const eventsOf = async (id: string) => (await rows<{ type: string }>(sql`select type from events where resource_id = ${id} order by seq`)).map((e) => e.type);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await createUnit(admin, 'HQ', 'region');
  await createUnit(admin, 'EAST', 'region', 'HQ');
  await createStaff(admin, 'RM-EAST', 'regional_manager', 'EAST', { subjects: ['rm-east'], dataScope: 'org_subtree' });
  await createStaff(admin, 'FIN', 'finance', 'HQ', { subjects: ['fin'] });
  rm = t.client(await t.token({ sub: 'rm-east', scope: 'incentives:approve incentives:read organisation:write' }));
  fin = t.client(await t.token({ sub: 'fin', scope: 'incentives:approve incentives:read organisation:write' }));
  approver = t.client(await t.token({ sub: 'boss', scope: 'incentives:approve incentives:read organisation:write' }));
  for (const p of ['SA-1', 'SA-2', 'SA-3', 'SA-4', 'SA-5']) {
    await makePartner(admin, p);
    await assignOwner(admin, p, 'EAST', null);
  }
  program = await makeProgram(admin, 'SA-RB');
});
afterAll(async () => t?.close());

const pid = async (code: string) => (await admin.get(`/v1/partners/by-code/${code}`)).data.id as string;

describe('statement approvals through the statement approval policy', () => {
  it('without a policy the statement is approved at once, as before', async () => {
    const id = await statement(await pid('SA-1'), '2026-Q1', '20000.00');
    const res = await approver.post(`/v1/incentives/statements/${id}/approve`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data.status).toBe('approved');
    expect(await requestOf(id)).toBeUndefined();
  });

  it('at the threshold (1,000.00, not over it) the statement is approved at once', async () => {
    const p = (
      await admin.put('/v1/organisation/approval-policies/statement', {
        measure: 'amount',
        steps: [
          { post: 'regional_manager', over: '1000' },
          { post: 'finance', over: '5000' },
        ],
      })
    ).statusCode;
    expect(p).toBe(201);
    // 1,200.00 rebate - 200.00 bonus correction = 1,000.00: the total is the measure
    const partner = await pid('SA-2');
    const id = await statement(partner, '2026-Q1', '1200.00', '-200.00');
    const res = await approver.post(`/v1/incentives/statements/${id}/approve`, {});
    expect(res.data).toMatchObject({ status: 'approved', total: '1000.00', approvedBy: 'boss' });
    expect(await requestOf(id)).toBeUndefined();
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data.accrued).toBe('1200.00');
  });

  it('over it (1,000.01): pending until the regional manager approves; finance cannot decide that step (403)', async () => {
    const partner = await pid('SA-3');
    const id = await statement(partner, '2026-Q1', '1000.01');
    const res = await approver.post(`/v1/incentives/statements/${id}/approve`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.data).toMatchObject({ status: 'pending_approval', approvedBy: null });
    const req = await requestOf(id);
    expect(req).toMatchObject({ status: 'pending', amount: '1000.0100' });
    const steps = await rows(sql`select seq, post from approval_steps where request_id = ${req.id} order by seq`);
    expect(steps).toEqual([{ seq: 1, post: 'regional_manager' }]);
    // nothing accrued yet; pay refuses; another post cannot decide; the statement takes no new lines
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).statusCode).toBe(404);
    expect((await approver.post(`/v1/incentives/statements/${id}/pay`, { paymentReference: 'X' })).statusCode).toBe(409);
    const refused = await fin.post(`/v1/organisation/approval-requests/${req.id}/approve`, {});
    expect(refused.statusCode).toBe(403);
    expect((await approver.post(`/v1/incentives/statements/${id}/approve`, {})).statusCode).toBe(403);
    expect((await admin.get(`/v1/incentives/statements/${id}`)).data.status).toBe('pending_approval');
    const done = await rm.post(`/v1/organisation/approval-requests/${req.id}/approve`, { note: 'ok' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.data.status).toBe('approved');
    expect((await admin.get(`/v1/incentives/statements/${id}`)).data).toMatchObject({ status: 'approved', approvedBy: 'rm-east', total: '1000.01' });
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data).toMatchObject({ accrued: '1000.01', available: '0.00' });
    expect(await eventsOf(id)).toEqual(['statement.approval_requested', 'statement.approved']);
    const audit = await rows(sql`select action from audit_log where resource_id in (${id}, ${req.id}) order by id`);
    expect(audit.map((a) => a.action)).toEqual(['create', 'request_approval', 'approve_step_1', 'approve']);
  });

  it('over 5,000: the regional manager (through the statement endpoint), then finance; the same member cannot decide twice', async () => {
    const partner = await pid('SA-4');
    const id = await statement(partner, '2026-Q2', '5000.01');
    expect((await approver.post(`/v1/incentives/statements/${id}/approve`, {})).data.status).toBe('pending_approval');
    const req = await requestOf(id);
    expect(await rows(sql`select post from approval_steps where request_id = ${req.id} order by seq`)).toEqual([
      { post: 'regional_manager' },
      { post: 'finance' },
    ]);
    const step1 = await rm.post(`/v1/incentives/statements/${id}/approve`, {});
    expect(step1.statusCode, step1.body).toBe(200);
    expect(step1.data.status).toBe('pending_approval');
    expect((await rm.post(`/v1/organisation/approval-requests/${req.id}/approve`, {})).statusCode).toBe(403);
    const step2 = await fin.post(`/v1/organisation/approval-requests/${req.id}/approve`, {});
    expect(step2.data.status).toBe('approved');
    expect((await admin.get(`/v1/incentives/statements/${id}`)).data).toMatchObject({ status: 'approved', approvedBy: 'fin' });
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data.accrued).toBe('5000.01');
    expect(await rows(sql`select count(*)::int as n from rebate_ledger where partner_id = ${partner} and kind = 'accrue'`)).toEqual([{ n: 1 }]);
  });

  it('a rejection returns the statement to draft, taking the lines booked meanwhile; it can be approved again', async () => {
    const partner = await pid('SA-5');
    const id = await statement(partner, '2026-Q1', '2000.00');
    expect((await approver.post(`/v1/incentives/statements/${id}/approve`, {})).data.status).toBe('pending_approval');
    // a line booked while it waits opens a new draft
    const late = await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period: '2026-Q1', amount: '10.50', reason: 'late' });
    expect(late.data.statementId).not.toBe(id);
    const req = await requestOf(id);
    const no = await rm.post(`/v1/organisation/approval-requests/${req.id}/reject`, { note: 'check the figures' });
    expect(no.statusCode, no.body).toBe(200);
    // 2,000.00 + 10.50 = 2,010.50 on the one draft; the other draft is gone
    const st = (await admin.get(`/v1/incentives/statements/${id}`)).data;
    expect(st).toMatchObject({ status: 'draft', total: '2010.50', approvedBy: null });
    expect(st.lines.map((l: any) => l.amount)).toEqual(['2000.00', '10.50']);
    expect((await admin.get(`/v1/incentives/statements/${late.data.statementId}`)).statusCode).toBe(404);
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).statusCode).toBe(404);
    expect(await eventsOf(id)).toEqual(['statement.approval_requested', 'statement.approval_rejected']);
    // approving again opens a new request for 2,010.50
    expect((await approver.post(`/v1/incentives/statements/${id}/approve`, {})).data.status).toBe('pending_approval');
    expect(await requestOf(id)).toMatchObject({ status: 'pending', amount: '2010.5000' });
  });
});
