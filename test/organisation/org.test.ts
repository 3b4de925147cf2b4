import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner } from '../helpers/onboarding.js';
import { assignOwner, orgFixture } from '../helpers/organisation.js';

let t: TestApp;
let admin: Client;
let org: Awaited<ReturnType<typeof orgFixture>>;
const rows = <T = any>(q: ReturnType<typeof sql>) => t.database.rows<T>(q);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  org = await orgFixture(admin);
});
afterAll(async () => t?.close());

describe('org units', () => {
  it('reads by id and code, lists with filters and pagination, audits and emits', async () => {
    expect((await admin.get(`/v1/organisation/units/${org.east.id}`)).data).toMatchObject({ code: 'EAST', kind: 'region', parentId: org.hq.id, version: 1 });
    expect((await admin.get('/v1/organisation/units/by-code/EAST-SH')).data.parentId).toBe(org.east.id);
    const children = await admin.get(`/v1/organisation/units?parent=HQ`);
    expect(children.data.data.map((u: any) => u.code).sort()).toEqual(['EAST', 'SOUTH']);
    const p1 = await admin.get('/v1/organisation/units?limit=2');
    expect(p1.data.data).toHaveLength(2);
    const p2 = await admin.get(`/v1/organisation/units?limit=2&cursor=${p1.data.nextCursor}`);
    expect([...p1.data.data, ...p2.data.data].map((u: any) => u.code).sort()).toEqual(['EAST', 'EAST-SH', 'HQ', 'SOUTH']);
    expect(await rows(sql`select count(*)::int as n from audit_log where resource_type = 'org_unit' and action = 'create'`)).toEqual([{ n: 4 }]);
    expect(await rows(sql`select count(*)::int as n from events where type = 'organisation.unit_changed'`)).toEqual([{ n: 4 }]);
  });

  it('refuses a move that makes a cycle, and unknown parents, without changing anything', async () => {
    const res = await admin.patch(`/v1/organisation/units/${org.east.id}`, { parent: 'EAST-SH' });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors[0].path).toBe('parent');
    expect((await admin.patch(`/v1/organisation/units/${org.east.id}`, { parent: org.east.id })).statusCode).toBe(400);
    expect((await admin.post('/v1/organisation/units', { code: 'X', name: 'x', kind: 'team', parent: 'NOPE' })).data.errors[0].path).toBe('parent');
    expect(await rows(sql`select parent_id from org_units where id = ${org.east.id}`)).toEqual([{ parent_id: org.hq.id }]);
    // a legal move
    const moved = await admin.patch(`/v1/organisation/units/${org.eastSh.id}`, { parent: 'SOUTH', version: 1 });
    expect(moved.data).toMatchObject({ parentId: org.south.id, version: 2 });
    expect((await admin.patch(`/v1/organisation/units/${org.eastSh.id}`, { parent: 'EAST', version: 1 })).statusCode).toBe(409);
    expect((await admin.patch(`/v1/organisation/units/${org.eastSh.id}`, { parent: 'EAST' })).data.parentId).toBe(org.east.id);
  });

  it('upserts by code idempotently', async () => {
    const a = await admin.put('/v1/organisation/units/by-code/NORTH', { name: '华北', kind: 'region', parent: 'HQ' });
    expect(a.statusCode).toBe(201);
    const b = await admin.put('/v1/organisation/units/by-code/NORTH', { name: '华北', kind: 'region', parent: 'HQ' });
    expect(b.statusCode).toBe(200);
    expect(b.data).toMatchObject({ id: a.data.id, version: 1 });
    const c = await admin.put('/v1/organisation/units/by-code/NORTH', { name: '华北区', kind: 'region', parent: 'HQ' });
    expect(c.data).toMatchObject({ name: '华北区', version: 2 });
    expect((await admin.post('/v1/organisation/units', { code: 'NORTH', name: 'dup', kind: 'region' })).statusCode).toBe(409);
  });
});

describe('staff members', () => {
  it('CRUD by code, links identity subjects, knows who I am', async () => {
    expect((await admin.get('/v1/organisation/staff/by-code/RM-EAST')).data).toMatchObject({
      post: 'regional_manager',
      orgUnitId: org.east.id,
      subjects: ['rm-east'],
      dataScope: 'org_subtree',
    });
    const me = t.client(await t.token({ sub: 'cd', scope: 'organisation:read' }));
    expect((await me.get('/v1/organisation/staff/me')).data.code).toBe('CD');
    expect((await admin.get('/v1/organisation/staff/me')).statusCode).toBe(404);
    expect((await admin.get('/v1/organisation/staff?post=regional_manager')).data.data.map((s: any) => s.code).sort()).toEqual(['RM-EAST', 'RM-SOUTH']);
    const bad = await admin.post('/v1/organisation/staff', { code: 'Z', name: 'z', post: 'boss' });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toBe('body.post');
    const up = await admin.put('/v1/organisation/staff/by-code/FIN-1', { name: 'Finance', post: 'finance', subjects: ['fin-1'] });
    expect(up.statusCode).toBe(201);
    expect((await admin.put('/v1/organisation/staff/by-code/FIN-1', { name: 'Finance', post: 'finance', subjects: ['fin-1'] })).data.version).toBe(1);
    // partner users and tokens without the scope are refused
    expect((await t.client(await t.token({ scope: 'partners:read' })).get('/v1/organisation/staff')).statusCode).toBe(403);
  });
});

describe('partner ownership', () => {
  it('is dated: a new owner closes the previous period; history is kept; no overlap; audited', async () => {
    const p = await createPartner(admin, 'OWN-1', 'active');
    const first = await assignOwner(admin, 'OWN-1', 'EAST-SH', 'AM-SH', '2026-01-01');
    expect(first).toMatchObject({ partnerId: p.id, orgUnitId: org.eastSh.id, accountManagerId: org.amSh.id, validTo: null });
    const second = await admin.post('/v1/organisation/ownership', { partner: p.id, orgUnit: 'SOUTH', validFrom: '2026-07-01', reason: 'moved south' });
    expect(second.statusCode).toBe(201);
    const hist = (await admin.get(`/v1/organisation/partners/OWN-1/ownership/history`)).data.data;
    expect(hist.map((h: any) => [h.orgUnitId, h.validFrom, h.validTo])).toEqual([
      [org.south.id, '2026-07-01', null],
      [org.eastSh.id, '2026-01-01', '2026-07-01'],
    ]);
    expect((await admin.get(`/v1/organisation/partners/OWN-1/ownership?asOf=2026-03-01`)).data.orgUnitId).toBe(org.eastSh.id);
    expect((await admin.get(`/v1/organisation/partners/OWN-1/ownership?asOf=2026-07-01`)).data.orgUnitId).toBe(org.south.id);
    expect((await admin.get(`/v1/organisation/partners/OWN-1/ownership?asOf=2025-12-31`)).statusCode).toBe(404);
    // before the latest period: refused, nothing changes
    const back = await admin.post('/v1/organisation/ownership', { partner: p.id, orgUnit: 'EAST', validFrom: '2026-03-01' });
    expect(back.statusCode).toBe(409);
    expect(await rows(sql`select count(*)::int as n from partner_ownership where partner_id = ${p.id}`)).toEqual([{ n: 2 }]);
    // the same start day corrects the latest period
    await assignOwner(admin, 'OWN-1', 'EAST', null, '2026-07-01');
    expect(
      await rows(sql`select org_unit_id, valid_from::text as f, valid_to::text as t from partner_ownership where partner_id = ${p.id} order by valid_from`),
    ).toEqual([
      { org_unit_id: org.eastSh.id, f: '2026-01-01', t: '2026-07-01' },
      { org_unit_id: org.east.id, f: '2026-07-01', t: null },
    ]);
    // only account managers own partners
    const notAm = await admin.post('/v1/organisation/ownership', { partner: p.id, orgUnit: 'EAST', accountManager: 'RM-EAST', validFrom: '2026-08-01' });
    expect(notAm.statusCode).toBe(400);
    expect(notAm.data.errors[0].path).toBe('accountManager');
    expect(await rows(sql`select count(*)::int as n from audit_log where resource_type = 'partner_ownership'`)).toEqual([{ n: 3 }]);
  });

  it('bulk assigns set-based, all or nothing, and lists by org subtree and manager', async () => {
    const a = await createPartner(admin, 'BULK-A', 'active');
    const b = await createPartner(admin, 'BULK-B', 'active');
    const bad = await admin.post('/v1/organisation/ownership/bulk', {
      items: [
        { partner: 'BULK-A', orgUnit: 'EAST-SH', accountManager: 'AM-SH', validFrom: '2026-01-01' },
        { partner: 'BULK-B', orgUnit: 'NOWHERE', validFrom: '2026-01-01' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toBe('items.1.orgUnit');
    expect(await rows(sql`select count(*)::int as n from partner_ownership where partner_id in (${a.id}, ${b.id})`)).toEqual([{ n: 0 }]);
    const ok = await admin.post('/v1/organisation/ownership/bulk', {
      items: [
        { partner: 'BULK-A', orgUnit: 'EAST-SH', accountManager: 'AM-SH', validFrom: '2026-01-01' },
        { partner: 'BULK-B', orgUnit: 'SOUTH', validFrom: '2026-01-01' },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.data.assigned).toHaveLength(2);
    const east = (await admin.get('/v1/organisation/ownership?orgUnit=EAST')).data.data.map((o: any) => o.partnerId);
    expect(east).toContain(a.id);
    expect(east).not.toContain(b.id);
    expect((await admin.get('/v1/organisation/ownership?accountManager=AM-SH')).data.data.map((o: any) => o.partnerId)).toEqual([a.id]);
  });

  it('exposes the ownership and the org tree as SQL relations', async () => {
    const { organisationSql } = await import('../../src/modules/organisation/contract.js');
    const tree = await rows<{ code: string; depth: number }>(sql`select code, depth from ${organisationSql.orgUnitTree('t1')} t order by code`);
    expect(tree.find((x) => x.code === 'EAST-SH')?.depth).toBe(2);
    const own = await rows(sql`select count(*)::int as n from ${organisationSql.ownership('t1')} o`);
    expect(own[0].n).toBeGreaterThan(0);
  });

  it('GraphQL: units with parents (loader), staff, ownership', async () => {
    const g = await admin.gql(
      `{ orgUnits(first: 10) { nodes { code parent { code } } } staffMember(id: "AM-SH") { code orgUnit { code } } partnerOwnershipHistory(partner: "OWN-1") { validFrom orgUnit { code } } }`,
    );
    expect(g.errors).toBeUndefined();
    expect(g.data.orgUnits.nodes.find((n: any) => n.code === 'EAST').parent.code).toBe('HQ');
    expect(g.data.staffMember.orgUnit.code).toBe('EAST-SH');
    expect(g.data.partnerOwnershipHistory.map((h: any) => h.orgUnit.code)).toEqual(['EAST', 'EAST-SH']);
    const m = await admin.gql(`mutation { createOrgUnit(input: { code: "WEST", name: "西区", kind: region, parent: "HQ" }) { code parentId } }`);
    expect(m.data.createOrgUnit).toEqual({ code: 'WEST', parentId: org.hq.id });
  });
});
