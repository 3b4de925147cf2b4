import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

let t: TestApp;
let admin: Client;

const count = async (table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);

const partner = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  legalName: `${code} Trading Co.`,
  type: 'distributor',
  ...extra,
});

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

describe('partners over REST', () => {
  it('creates, reads back with an ETag, and records audit and event rows in the same write', async () => {
    const res = await admin.post(
      '/v1/partners',
      partner('P-001', { channel: 'both', tier: 'L1', contactEmail: 'a@b.cn', address: { city: 'Shanghai', country: 'cn' } }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v1/partners/${res.data.id}`);
    expect(res.data).toMatchObject({ code: 'P-001', status: 'applicant', version: 1, channel: 'both', address: { city: 'Shanghai', country: 'CN' } });
    const got = await admin.get(`/v1/partners/${res.data.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('W/"1"');
    expect(got.data).toEqual(res.data);
    const audit = await t.database.rows<{ action: string; changes: any; subject: string }>(
      sql`select action, changes, subject from audit_log where resource_id = ${res.data.id}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', subject: 'tester' });
    expect(audit[0]!.changes.code).toEqual({ from: null, to: 'P-001' });
    expect(await count('events', `resource_id = '${res.data.id}' and type = 'partner.created'`)).toBe(1);
  });

  it('refuses invalid input with a problem naming each field, and writes nothing', async () => {
    const before = await count('partners');
    const res = await admin.post('/v1/partners', { code: 'bad code!', type: 'vendor', legalName: '', contactEmail: 'nope', extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.data).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', type: '/problems/validation-failed' });
    const paths = res.data.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.code', 'body.type', 'body.legalName', 'body.contactEmail']));
    expect(await count('partners')).toBe(before);
  });

  it('answers a malformed JSON body and an unknown parent with 4xx, never 500', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/partners',
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'application/json' },
      payload: '{"code":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const orphan = await admin.post('/v1/partners', partner('P-ORPHAN', { parentId: '0190b5a6-0000-7000-8000-000000000000' }));
    expect(orphan.statusCode).toBe(400);
    expect(orphan.data.errors[0].path).toBe('parentId');
  });

  it('refuses a duplicate code with 409 naming the field', async () => {
    await admin.post('/v1/partners', partner('P-DUP'));
    const res = await admin.post('/v1/partners', partner('P-DUP'));
    expect(res.statusCode).toBe(409);
    expect(res.data.errors[0].path).toBe('code');
    expect(await count('partners', `code = 'P-DUP'`)).toBe(1);
  });

  it('updates with optimistic concurrency: stale body version 409, stale If-Match 412', async () => {
    const p = (await admin.post('/v1/partners', partner('P-VER'))).data;
    const ok = await admin.patch(`/v1/partners/${p.id}`, { legalName: 'Renamed Ltd.', version: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.data).toMatchObject({ legalName: 'Renamed Ltd.', version: 2 });
    expect(ok.headers.etag).toBe('W/"2"');
    const stale = await admin.patch(`/v1/partners/${p.id}`, { legalName: 'Lost update', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.data).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const staleEtag = await admin.patch(`/v1/partners/${p.id}`, { legalName: 'Lost update' }, { 'if-match': 'W/"1"' });
    expect(staleEtag.statusCode).toBe(412);
    const fresh = await admin.patch(`/v1/partners/${p.id}`, { tier: 'gold' }, { 'if-match': 'W/"2"' });
    expect(fresh.statusCode).toBe(200);
    expect((await admin.get(`/v1/partners/${p.id}`)).data).toMatchObject({ legalName: 'Renamed Ltd.', tier: 'gold', version: 3 });
    const audit = await t.database.rows<{ changes: any }>(sql`select changes from audit_log where resource_id = ${p.id} and action = 'update' order by id`);
    expect(audit.map((a) => a.changes)).toEqual([
      { legalName: { from: 'P-VER Trading Co.', to: 'Renamed Ltd.' }, version: { from: 1, to: 2 } },
      { tier: { from: null, to: 'gold' }, version: { from: 2, to: 3 } },
    ]);
  });

  it('refuses a status change through PATCH and a parent cycle', async () => {
    const a = (await admin.post('/v1/partners', partner('P-CYC-A'))).data;
    const b = (await admin.post('/v1/partners', partner('P-CYC-B', { parentId: a.id }))).data;
    expect((await admin.patch(`/v1/partners/${a.id}`, { status: 'active' })).statusCode).toBe(400);
    const cyc = await admin.patch(`/v1/partners/${a.id}`, { parentId: b.id });
    expect(cyc.statusCode).toBe(400);
    expect(cyc.data.errors[0]).toMatchObject({ path: 'parentId' });
    expect((await admin.get(`/v1/partners/${a.id}`)).data.parentId).toBeNull();
  });

  it('upserts by code for ERP sync: 201 then 200, and no status change by upsert', async () => {
    const first = await admin.put('/v1/partners/by-code/ERP-77', { legalName: 'ERP Seventy Seven', type: 'dealer', status: 'active' });
    expect(first.statusCode).toBe(201);
    expect(first.data).toMatchObject({ code: 'ERP-77', status: 'active', version: 1 });
    const second = await admin.put('/v1/partners/by-code/ERP-77', { legalName: 'ERP 77 Ltd.', type: 'dealer' });
    expect(second.statusCode).toBe(200);
    expect(second.data).toMatchObject({ id: first.data.id, legalName: 'ERP 77 Ltd.', version: 2 });
    const same = await admin.put('/v1/partners/by-code/ERP-77', { legalName: 'ERP 77 Ltd.', type: 'dealer' });
    expect(same.data.version).toBe(2);
    const status = await admin.put('/v1/partners/by-code/ERP-77', { legalName: 'ERP 77 Ltd.', type: 'dealer', status: 'suspended' });
    expect(status.statusCode).toBe(409);
  });

  it('walks every row exactly once through cursor pages, with filters', async () => {
    for (let i = 0; i < 23; i++) await admin.post('/v1/partners', partner(`PG-${String(i).padStart(2, '0')}`, { type: i % 2 ? 'dealer' : 'retailer' }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await admin.get(`/v1/partners?limit=5&q=PG-${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...res.data.data.map((p: { code: string }) => p.code));
      cursor = res.data.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const dealers = await admin.get('/v1/partners?type=dealer&q=pg-&limit=100');
    expect(dealers.data.data).toHaveLength(11);
    expect((await admin.get('/v1/partners?cursor=garbage')).statusCode).toBe(400);
    expect((await admin.get('/v1/partners?limit=0')).statusCode).toBe(400);
  });
});

describe('default pages', () => {
  it('walks 75 partners in default pages (50 rows, then 25) over REST and GraphQL, each row once, in id order', async () => {
    const c = t.client(await t.token({ tenant: 'tpages' }));
    await t.database.rows(
      sql`insert into partners (tenant_id, id, code, legal_name, type, status)
        select 'tpages', gen_random_uuid(), 'DP-' || g, 'Default page ' || g, 'dealer', 'active' from generate_series(1, 75) g`,
    );
    const all = (await t.database.rows<{ id: string }>(sql`select id from partners where tenant_id = 'tpages' order by id`)).map((r) => r.id);
    const first = await c.get('/v1/partners');
    expect(first.data.data.map((p: { id: string }) => p.id)).toEqual(all.slice(0, 50));
    expect(first.data.nextCursor).toBeTruthy();
    const second = await c.get(`/v1/partners?cursor=${first.data.nextCursor}`);
    expect(second.data.data.map((p: { id: string }) => p.id)).toEqual(all.slice(50));
    expect(second.data.nextCursor).toBeNull();

    const q = `query($after: String) { partners(after: $after) { nodes { id code } pageInfo { hasNextPage endCursor } } }`;
    const g1 = await c.gql(q);
    expect(g1.data.partners.nodes.map((p: { id: string }) => p.id)).toEqual(all.slice(0, 50));
    expect(g1.data.partners.pageInfo.hasNextPage).toBe(true);
    const g2 = await c.gql(q, { after: g1.data.partners.pageInfo.endCursor });
    expect(g2.data.partners.nodes.map((p: { id: string }) => p.id)).toEqual(all.slice(50));
    expect(g2.data.partners.pageInfo.hasNextPage).toBe(false);
  });
});

describe('idempotency', () => {
  it('a retried POST with the same key writes once and returns the first response', async () => {
    const body = partner('P-IDEM');
    const first = await admin.post('/v1/partners', body, { 'idempotency-key': 'k-1' });
    const retry = await admin.post('/v1/partners', body, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.data).toEqual(first.data);
    expect(await count('partners', `code = 'P-IDEM'`)).toBe(1);
    const other = await admin.post('/v1/partners', partner('P-IDEM-2'), { 'idempotency-key': 'k-1' });
    expect(other.statusCode).toBe(422);
    expect(other.data.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count('partners', `code = 'P-IDEM-2'`)).toBe(0);
  });

  it('concurrent requests with one key create one partner', async () => {
    const body = partner('P-IDEM-C');
    const results = await Promise.all([1, 2, 3, 4].map(() => admin.post('/v1/partners', body, { 'idempotency-key': 'k-conc' })));
    expect(results.map((r) => r.statusCode).every((s) => s === 201 || s === 409)).toBe(true);
    expect(await count('partners', `code = 'P-IDEM-C'`)).toBe(1);
  });

  it("keys are per caller: another client of the same tenant is not replayed the first one's response", async () => {
    const other = t.client(await t.token({ sub: 'another-client' }));
    const res = await other.post('/v1/partners', partner('P-IDEM-SUB'), { 'idempotency-key': 'k-1' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.data.code).toBe('P-IDEM-SUB');
  });

  it('keys are per tenant', async () => {
    const other = t.client(await t.token({ tenant: 't-idem' }));
    const res = await other.post('/v1/partners', partner('P-IDEM'), { 'idempotency-key': 'k-1' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('auth and tenancy', () => {
  it('401 without a token, with a bad signature, or expired', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/v1/partners' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    const forged = t.client((await t.token()).slice(0, -4) + 'AAAA');
    expect((await forged.get('/v1/partners')).statusCode).toBe(401);
    const { SignJWT } = await import('jose');
    const expired = await new SignJWT({ tenant: 't1', scope: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode('test-secret-0123456789-0123456789-abcdef'));
    const res = await t.client(expired).get('/v1/partners');
    expect(res.statusCode).toBe(401);
    expect(res.data.detail).toMatch(/expired/);
    const noTenant = await new SignJWT({ scope: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('test-secret-0123456789-0123456789-abcdef'));
    expect((await t.client(noTenant).get('/v1/partners')).statusCode).toBe(401);
  });

  it('403 when the scope is missing, over REST and GraphQL', async () => {
    const reader = t.client(await t.token({ scope: 'partners:read' }));
    expect((await reader.get('/v1/partners')).statusCode).toBe(200);
    const res = await reader.post('/v1/partners', partner('P-NOSCOPE'));
    expect(res.statusCode).toBe(403);
    expect(res.data).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['partners:write'] });
    const g = await reader.gql(`mutation { createPartner(input: {code: "P-NOSCOPE", legalName: "x", type: dealer}) { id } }`);
    expect(g.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await count('partners', `code = 'P-NOSCOPE'`)).toBe(0);
    const none = t.client(await t.token({ scope: 'targets:read' }));
    expect((await none.get('/v1/partners')).statusCode).toBe(403);
  });

  it("tenant B never sees or changes tenant A's partner", async () => {
    const p = (await admin.post('/v1/partners', partner('P-TENANT'))).data;
    const b = t.client(await t.token({ tenant: 't2' }));
    expect((await b.get(`/v1/partners/${p.id}`)).statusCode).toBe(404);
    expect((await b.patch(`/v1/partners/${p.id}`, { legalName: 'Hijacked' })).statusCode).toBe(404);
    expect((await b.get('/v1/partners?q=P-TENANT')).data.data).toHaveLength(0);
    const g = await b.gql(`query($id: ID!) { partner(id: $id) { id } partnerByCode(code: "P-TENANT") { id } }`, { id: p.id });
    expect(g.data).toEqual({ partner: null, partnerByCode: null });
    // the same code is free in tenant B
    expect((await b.post('/v1/partners', partner('P-TENANT'))).statusCode).toBe(201);
    const row = await t.database.rows<{ legal_name: string; version: number }>(sql`select legal_name, version from partners where id = ${p.id}`);
    expect(row[0]).toEqual({ legal_name: 'P-TENANT Trading Co.', version: 1 });
  });

  it('a partner user cannot change partner records, not even its own tier', async () => {
    const mine = (await admin.post('/v1/partners', partner('P-SELF', { tier: 'silver' }))).data;
    const pu = t.client(await t.token({ scope: 'partners:write', partner: mine.id }));
    expect((await pu.patch(`/v1/partners/${mine.id}`, { tier: 'gold' })).statusCode).toBe(403);
    expect((await pu.post('/v1/partners', partner('P-SUB-BY-PARTNER', { parentId: mine.id }))).statusCode).toBe(403);
    expect((await pu.put('/v1/partners/by-code/P-SELF', { legalName: 'x', type: 'dealer' })).statusCode).toBe(403);
    expect((await admin.get(`/v1/partners/${mine.id}`)).data).toMatchObject({ tier: 'silver', version: 1 });
    expect(await count('partners', `code = 'P-SUB-BY-PARTNER'`)).toBe(0);
  });

  it('a partner user sees only its own partner record', async () => {
    const mine = (await admin.post('/v1/partners', partner('P-MINE'))).data;
    const theirs = (await admin.post('/v1/partners', partner('P-THEIRS'))).data;
    const pu = t.client(await t.token({ scope: 'partners:read', partner: mine.id }));
    expect((await pu.get(`/v1/partners/${mine.id}`)).statusCode).toBe(200);
    expect((await pu.get(`/v1/partners/${theirs.id}`)).statusCode).toBe(404);
    const list = await pu.get('/v1/partners?limit=500');
    expect(list.data.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
  });
});

describe('partners over GraphQL', () => {
  it('creates, reads, lists as a connection and updates with version checks', async () => {
    const created = await admin.gql(`mutation($in: CreatePartnerInput!) { createPartner(input: $in) { id code status version channel } }`, {
      in: { code: 'G-001', legalName: 'Graph One', type: 'agent', channel: 'online' },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.createPartner).toMatchObject({ code: 'G-001', status: 'applicant', version: 1, channel: 'online' });
    const id = created.data.createPartner.id;
    const read = await admin.gql(`query($id: ID!) { partner(id: $id) { code legalName } }`, { id });
    expect(read.data.partner).toEqual({ code: 'G-001', legalName: 'Graph One' });
    const upd = await admin.gql(`mutation($id: ID!) { updatePartner(id: $id, version: 1, input: {tier: "L2"}) { tier version } }`, { id });
    expect(upd.data.updatePartner).toEqual({ tier: 'L2', version: 2 });
    const stale = await admin.gql(`mutation($id: ID!) { updatePartner(id: $id, version: 1, input: {tier: "L3"}) { tier } }`, { id });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'VERSION_CONFLICT' });
    const bad = await admin.gql(`mutation { createPartner(input: {code: "G 2", legalName: "", type: agent}) { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['code', 'legalName']));
  });

  it('pages a connection to the end', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const r: any = await admin.gql(
        `query($after: String) { partners(first: 7, after: $after, filter: {q: "PG-"}) { edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      for (const e of r.data.partners.edges) seen.add(e.node.code);
      if (!r.data.partners.pageInfo.hasNextPage) break;
      after = r.data.partners.pageInfo.endCursor;
    }
    expect(seen.size).toBe(23);
  });

  it('resolves parent and children with a bounded number of SQL statements (no N+1)', async () => {
    const parents = [];
    for (let i = 0; i < 6; i++) {
      const p = (await admin.post('/v1/partners', partner(`NET-${i}`, { tier: 'net' }))).data;
      parents.push(p);
      for (let j = 0; j < 3; j++) await admin.post('/v1/partners', partner(`NET-${i}-${j}`, { parentId: p.id, tier: 'net-child' }));
    }
    const q = `{ partners(first: 100, filter: {tier: "net"}) { nodes { code children { code parent { code } } } } }`;
    const before = t.database.statements;
    const r = await admin.gql(q);
    const used = t.database.statements - before;
    expect(r.errors).toBeUndefined();
    expect(r.data.partners.nodes).toHaveLength(6);
    expect(r.data.partners.nodes[0].children.map((c: { code: string }) => c.code)).toEqual(['NET-0-0', 'NET-0-1', 'NET-0-2']);
    expect(r.data.partners.nodes[5].children[2].parent.code).toBe('NET-5');
    // the page brings its nodes' children (one statement); the children's parents are one batch: not 6 + 18
    expect(used).toBeLessThanOrEqual(2);
  });

  it("brings a page's parents and children in the page's own statement, as the loaders answer them, within the caller's visibility", async () => {
    // a tenant of its own, so that the default page (the first 50 by id) is this tree: G > A > (A2, A1), G > B
    const c = t.client(await t.token({ tenant: 'tprefetch' }));
    const make = async (code: string, parentId?: string) =>
      (await c.post('/v1/partners', partner(code, { ...(parentId ? { parentId } : {}), address: { city: 'Hangzhou', line1: code } }))).data;
    const g = await make('PF-G');
    const a = await make('PF-A', g.id);
    await make('PF-A2', a.id);
    await make('PF-A1', a.id);
    await make('PF-B', g.id);
    const sel = '{ id code parent { code legalName address { city line1 } createdAt version } children { code tier status updatedAt parent { code } } }';
    for (const q of [`{ partners { nodes ${sel} } }`, `{ partners(first: 10, filter: {q: "PF-"}) { edges { node ${sel} } } }`]) {
      const before = t.database.statements;
      const r = await c.gql(q);
      const used = t.database.statements - before;
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const nodes = r.data.partners.nodes ?? r.data.partners.edges.map((e: { node: unknown }) => e.node);
      expect(nodes.map((n: { code: string }) => n.code)).toEqual(['PF-G', 'PF-A', 'PF-A2', 'PF-A1', 'PF-B']);
      // the page with every parent and child in one statement; the children's own parent one batch
      expect(used).toBeLessThanOrEqual(2);
      expect(nodes[0].parent).toBeNull();
      expect(nodes[0].children.map((x: { code: string }) => x.code)).toEqual(['PF-A', 'PF-B']);
      expect(nodes[1].children.map((x: { code: string }) => x.code)).toEqual(['PF-A1', 'PF-A2']);
      expect(nodes[1].parent).toEqual({
        code: 'PF-G',
        legalName: 'PF-G Trading Co.',
        address: { city: 'Hangzhou', line1: 'PF-G' },
        createdAt: g.createdAt,
        version: 1,
      });
      // the same values as the single read answers (partner(id) resolves parent and children through the loaders)
      for (const n of nodes) expect(n).toEqual((await c.gql(`query($id: ID!) { partner(id: $id) ${sel} }`, { id: n.id })).data.partner);
    }
    // a partner credential over A's subtree lists A and its children: A's parent (not visible) is null
    const sub = t.client(await t.token({ tenant: 'tprefetch', scope: 'partners:read', partner: a.id, partner_scope: 'subtree' }));
    const r = await sub.gql(`{ partners(first: 10) { nodes { code parent { code } children { code } } } }`);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(r.data.partners.nodes).toEqual([
      { code: 'PF-A', parent: null, children: [{ code: 'PF-A1' }, { code: 'PF-A2' }] },
      { code: 'PF-A2', parent: { code: 'PF-A' }, children: [] },
      { code: 'PF-A1', parent: { code: 'PF-A' }, children: [] },
    ]);
    // a credential of A alone: its children are not visible either
    const self = t.client(await t.token({ tenant: 'tprefetch', scope: 'partners:read', partner: a.id }));
    const s = await self.gql(`{ partners(first: 10) { nodes { code parent { code } children { code } } } }`);
    expect(s.data.partners.nodes).toEqual([{ code: 'PF-A', parent: null, children: [] }]);
  });
});

describe('platform', () => {
  it('health and readiness answer without a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('echoes X-Request-Id and serves docs and problem types', async () => {
    const res = await admin.get('/v1/partners?limit=1', { 'x-request-id': 'req-abc-123' });
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    expect((await t.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/problems/not-found' })).json()).toMatchObject({ status: 404 });
    const unknown = await admin.get('/v1/nothing-here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });
});
