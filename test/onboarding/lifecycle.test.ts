import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowedPartnerActions,
  applicationTransition,
  checkWeights,
  evaluateChecklist,
  meetsMinimum,
  partnerTransition,
  weightedScore,
  type PartnerAction,
} from '../../src/modules/onboarding/onboarding.rules.js';
import type { PartnerStatus } from '../../src/modules/onboarding/partners.schemas.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

describe('partner lifecycle rules (pure)', () => {
  const table: [PartnerStatus, PartnerAction, PartnerStatus | null][] = [
    ['applicant', 'review', 'under_review'],
    ['applicant', 'approve', 'approved'],
    ['under_review', 'approve', 'approved'],
    ['under_review', 'reject', 'rejected'],
    ['approved', 'activate', 'active'],
    ['active', 'suspend', 'suspended'],
    ['suspended', 'reinstate', 'active'],
    ['active', 'terminate', 'terminated'],
    ['suspended', 'terminate', 'terminated'],
    ['approved', 'terminate', 'terminated'],
    ['applicant', 'activate', null],
    ['active', 'activate', null],
    ['active', 'reinstate', null],
    ['terminated', 'reinstate', null],
    ['terminated', 'activate', null],
    ['rejected', 'approve', null],
    ['suspended', 'suspend', null],
  ];
  it.each(table)('%s --%s--> %s', (from, action, to) => {
    const r = partnerTransition(from, action);
    if (to === null) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.allowed).toEqual(allowedPartnerActions(from));
    } else expect(r).toEqual({ ok: true, to });
  });
  it('lists the allowed actions of each state', () => {
    expect(allowedPartnerActions('active')).toEqual(['suspend', 'terminate']);
    expect(allowedPartnerActions('terminated')).toEqual([]);
    expect(allowedPartnerActions('suspended')).toEqual(['reinstate', 'terminate']);
  });
  it('application machine', () => {
    expect(applicationTransition('draft', 'submit')).toEqual({ ok: true, to: 'submitted' });
    expect(applicationTransition('under_review', 'approve')).toEqual({ ok: true, to: 'approved' });
    expect(applicationTransition('submitted', 'approve')).toEqual({ ok: false, allowed: ['review', 'reject', 'withdraw'] });
    expect(applicationTransition('approved', 'withdraw')).toEqual({ ok: false, allowed: [] });
  });
  it('checklist: required missing and failed items are named; na passes; optional items are ignored', () => {
    const kinds = [
      { code: 'site_visit', name: 'Site visit', required: true },
      { code: 'credit', name: 'Credit', required: true },
      { code: 'legal', name: 'Legal', required: true },
      { code: 'survey', name: 'Survey', required: false },
    ];
    expect(
      evaluateChecklist(kinds, [
        { code: 'credit', result: 'fail' },
        { code: 'legal', result: 'na' },
        { code: 'survey', result: 'fail' },
      ]),
    ).toEqual({
      missing: ['site_visit'],
      failed: ['credit'],
      complete: false,
    });
  });
  it('scorecard: weights sum to 100; weighted score by hand', () => {
    expect(
      checkWeights([
        { code: 'a', weight: '60' },
        { code: 'b', weight: '30' },
      ]),
    ).toBe('weights must sum to 100; they sum to 90');
    expect(
      checkWeights([
        { code: 'a', weight: '33.3333' },
        { code: 'b', weight: '66.6667' },
      ]),
    ).toBeNull();
    // 40*80/100 + 35*70/100 + 25*90/100 = 32 + 24.5 + 22.5 = 79
    const s = weightedScore(
      [
        { code: 'coverage', weight: '40' },
        { code: 'reputation', weight: '35' },
        { code: 'willingness', weight: '25' },
      ],
      { coverage: '80', reputation: '70', willingness: '90' },
    );
    expect(s.total).toBe('79.00');
    expect(s.breakdown.map((b) => b.weighted)).toEqual(['32.0000', '24.5000', '22.5000']);
    expect(weightedScore([{ code: 'a', weight: '100' }], {}).missing).toEqual(['a']);
    expect(meetsMinimum('79', '80')).toBe(false);
    expect(meetsMinimum('80', '80')).toBe(true);
    expect(meetsMinimum(null, null)).toBe(true);
  });
});

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('partner lifecycle over REST and GraphQL', () => {
  it('walks approved -> active -> suspended -> active -> terminated with history and events; refuses illegal moves with the allowed ones', async () => {
    const p = (await admin.post('/v1/partners', { code: 'LC-1', legalName: 'Lifecycle Ltd', type: 'dealer', status: 'approved' })).data;
    const act = await admin.post(`/v1/partners/${p.id}:activate`, { reason: 'agreement signed' });
    expect(act.statusCode).toBe(200);
    expect(act.data).toMatchObject({ status: 'active', version: 2 });
    const again = await admin.post(`/v1/partners/${p.id}:activate`, {});
    expect(again.statusCode).toBe(409);
    expect(again.data).toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 409, allowed: ['suspend', 'terminate'] });
    expect((await admin.post(`/v1/partners/${p.id}:suspend`, { reason: 'late payments' })).data.status).toBe('suspended');
    expect((await admin.post(`/v1/partners/${p.id}:reinstate`, { reason: 'paid' })).data.status).toBe('active');
    expect((await admin.post(`/v1/partners/${p.id}:terminate`, { reason: 'breach' })).data.status).toBe('terminated');
    const dead = await admin.post(`/v1/partners/${p.id}:reinstate`, {});
    expect(dead.statusCode).toBe(409);
    expect(dead.data.allowed).toEqual([]);

    const h = await admin.get(`/v1/partners/${p.id}/history`);
    expect(h.statusCode).toBe(200);
    expect(h.data.data.map((x: any) => [x.action, x.from, x.to, x.reason])).toEqual([
      ['create', null, 'approved', null],
      ['activate', 'approved', 'active', 'agreement signed'],
      ['suspend', 'active', 'suspended', 'late payments'],
      ['reinstate', 'suspended', 'active', 'paid'],
      ['terminate', 'active', 'terminated', 'breach'],
    ]);
    expect(h.data.data[1].subject).toBe('tester');
    const ev = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from events where resource_id = ${p.id} and type = 'partner.status_changed'`);
    expect(ev[0]!.n).toBe(4);

    const g = await admin.gql(`query($id: ID!) { partner(id: $id) { code status history { action from to reason subject } } }`, { id: p.id });
    expect(g.data.partner.history).toHaveLength(5);
    const gm = await admin.gql(`mutation($id: ID!) { transitionPartner(id: $id, action: activate, reason: "x") { status } }`, { id: p.id });
    expect(gm.errors![0].extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', allowed: [] });
  });

  it('a partner user reads its own record and history; another partner is 404; it cannot change status', async () => {
    const a = (await admin.post('/v1/partners', { code: 'LC-A', legalName: 'A', type: 'dealer', status: 'active' })).data;
    const b = (await admin.post('/v1/partners', { code: 'LC-B', legalName: 'B', type: 'dealer', status: 'active' })).data;
    const pa = t.client(await t.token({ partner: a.id, scope: 'partners:read onboarding:read' }));
    expect((await pa.get(`/v1/partners/${a.id}`)).statusCode).toBe(200);
    expect((await pa.get(`/v1/partners/${a.id}/history`)).statusCode).toBe(200);
    expect((await pa.get(`/v1/partners/${b.id}`)).statusCode).toBe(404);
    expect((await pa.get(`/v1/partners/${b.id}/history`)).statusCode).toBe(404);
    const pw = t.client(await t.token({ partner: a.id, scope: 'partners:write' }));
    expect((await pw.post(`/v1/partners/${a.id}:suspend`, {})).statusCode).toBe(403);
  });
});
