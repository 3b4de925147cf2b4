import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/actor.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';

let t: TestApp;
let admin: Client;

const partner = (code: string, extra: Record<string, unknown> = {}) => ({ code, legalName: `${code} Trading Co.`, type: 'distributor', ...extra });
const count = async (table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

/** polls the whole feed from a cursor */
async function drain(c: Client, after?: string, types?: string) {
  const seen: any[] = [];
  let cursor = after;
  for (;;) {
    const q = new URLSearchParams({ limit: '7', ...(cursor ? { after: cursor } : {}), ...(types ? { types } : {}) });
    const res = await c.get(`/v1/events?${q}`);
    expect(res.statusCode).toBe(200);
    seen.push(...res.data.data);
    if (res.data.nextCursor === cursor || res.data.data.length === 0) return { seen, cursor: res.data.nextCursor as string };
    cursor = res.data.nextCursor;
  }
}

describe('audit trail API', () => {
  it('lists audit rows per resource with the diff of each write kind (create, update, upsert), newest first', async () => {
    const created = (await admin.post('/v1/partners', partner('AU-1', { tier: 'L1' }))).data;
    expect((await admin.patch(`/v1/partners/${created.id}`, { legalName: 'Renamed Ltd.', tier: 'L2' })).statusCode).toBe(200);
    expect((await admin.put('/v1/partners/by-code/AU-1', { legalName: 'Renamed Ltd.', type: 'dealer' })).statusCode).toBe(200);

    const res = await admin.get(`/v1/audit?resourceType=partner&resourceId=${created.id}`);
    expect(res.statusCode).toBe(200);
    const rows = res.data.data;
    expect(rows.map((r: any) => r.action)).toEqual(['update', 'update', 'create']);
    // upsert changed only the type (legalName was already the same)
    expect(rows[0].changes).toEqual({ type: { from: 'distributor', to: 'dealer' }, version: { from: 2, to: 3 } });
    expect(rows[1].changes).toEqual({
      legalName: { from: 'AU-1 Trading Co.', to: 'Renamed Ltd.' },
      tier: { from: 'L1', to: 'L2' },
      version: { from: 1, to: 2 },
    });
    expect(rows[2].changes.code).toEqual({ from: null, to: 'AU-1' });
    expect(rows[2].changes.tier).toEqual({ from: null, to: 'L1' });
    expect(rows[2]).toMatchObject({ subject: 'tester', actorKind: 'user', resourceType: 'partner', resourceId: created.id });
    expect(rows[2].requestId).toBeTruthy();
    expect(rows[2].tokenId).toBeTruthy();
  });

  it('filters by subject, paginates, and needs audit:read; partner users are refused', async () => {
    const other = t.client(await t.token({ sub: 'auditor-2', scope: 'partners:write' }));
    for (const c of ['AU-S1', 'AU-S2', 'AU-S3']) expect((await other.post('/v1/partners', partner(c))).statusCode).toBe(201);
    const p1 = await admin.get('/v1/audit?subject=auditor-2&limit=2');
    expect(p1.data.data).toHaveLength(2);
    expect(p1.data.nextCursor).toBeTruthy();
    const p2 = await admin.get(`/v1/audit?subject=auditor-2&limit=2&cursor=${p1.data.nextCursor}`);
    expect(p2.data.data).toHaveLength(1);
    expect(p2.data.nextCursor).toBeNull();
    const codes = [...p1.data.data, ...p2.data.data].map((r: any) => r.changes.code.to);
    expect(codes).toEqual(['AU-S3', 'AU-S2', 'AU-S1']);

    expect((await other.get('/v1/audit')).statusCode).toBe(403);
    const reader = t.client(await t.token({ scope: 'audit:read' }));
    expect((await reader.get('/v1/audit?subject=auditor-2')).data.data).toHaveLength(3);
    const partnerUser = t.client(await t.token({ scope: 'audit:read', partner: p1.data.data[0].resourceId }));
    expect((await partnerUser.get('/v1/audit')).statusCode).toBe(403);
    expect((await admin.get('/v1/audit?resourceId=x')).statusCode).toBe(400);
  });

  it('is served over GraphQL too', async () => {
    const r = await admin.gql(
      `{ auditEntries(first: 2, filter: { subject: "auditor-2" }) { nodes { action resourceType changes } pageInfo { hasNextPage } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.auditEntries.nodes).toHaveLength(2);
    expect(r.data.auditEntries.pageInfo.hasNextPage).toBe(true);
    expect(r.data.auditEntries.nodes[0].changes.code.to).toBe('AU-S3');
  });

  it('a tenant never reads another tenant audit rows', async () => {
    const t2 = t.client(await t.token({ tenant: 't2' }));
    expect((await t2.get('/v1/audit?subject=auditor-2')).data.data).toEqual([]);
  });
});

describe('rolled-back writes', () => {
  it('a refused write leaves neither audit row nor event', async () => {
    await admin.post('/v1/partners', partner('RB-1'));
    const events = await count('events');
    const audits = await count('audit_log');
    expect((await admin.post('/v1/partners', partner('RB-1'))).statusCode).toBe(409);
    expect(await count('events')).toBe(events);
    expect(await count('audit_log')).toBe(audits);
  });

  it('a unit of work that throws after emitting and flushing rolls its event back', async () => {
    const events = await count('events');
    await expect(
      t.app.store.write(systemActor('t1'), async (w) => {
        w.audit({ resourceType: 'thing', resourceId: 'x', action: 'create', after: { a: 1 } });
        w.emit({ type: 'thing.created', resourceType: 'thing', resourceId: 'x', payload: {} });
        await w.flush();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count('events')).toBe(events);
    expect(await count('audit_log', `resource_type = 'thing'`)).toBe(0);
  });
});

describe('event feed', () => {
  it('returns events after a cursor in order, filters by type, and keeps the cursor when nothing is new', async () => {
    const start = await drain(admin);
    const a = (await admin.post('/v1/partners', partner('EV-1'))).data;
    await admin.patch(`/v1/partners/${a.id}`, { tier: 'L9' });
    const next = await drain(admin, start.cursor);
    expect(next.seen.map((e: any) => e.type)).toEqual(['partner.created', 'partner.updated']);
    expect(next.seen[0]).toMatchObject({ resourceType: 'partner', resourceId: a.id, subject: 'tester' });
    expect(next.seen[0].payload).toBeTypeOf('object');
    expect(BigInt(next.seen[1].seq)).toBeGreaterThan(BigInt(next.seen[0].seq));
    const again = await admin.get(`/v1/events?after=${next.cursor}`);
    expect(again.data).toEqual({ data: [], nextCursor: next.cursor });
    const onlyUpdates = await drain(admin, start.cursor, 'partner.updated');
    expect(onlyUpdates.seen.map((e: any) => e.resourceId)).toEqual([a.id]);
    expect((await admin.get('/v1/events?after=bogus')).statusCode).toBe(400);
    expect((await t.client(await t.token({ scope: 'partners:read' })).get('/v1/events')).statusCode).toBe(403);
    const g = await admin.gql(`query($a: String) { events(after: $a, types: ["partner.updated"]) { events { type resourceId seq } nextCursor } }`, {
      a: start.cursor,
    });
    expect(g.data.events.events).toEqual([{ type: 'partner.updated', resourceId: a.id, seq: next.seen[1].seq }]);
  });

  it('under concurrent writes a poller sees every event exactly once, in seq order', async () => {
    const { cursor: start } = await drain(admin);
    const seen: any[] = [];
    let cursor = start;
    let writing = true;
    const poller = (async () => {
      while (writing) {
        const res = await admin.get(`/v1/events?after=${cursor}&limit=50`);
        seen.push(...res.data.data);
        cursor = res.data.nextCursor;
        await new Promise((r) => setImmediate(r)); // let the writers run (PGlite answers without I/O)
      }
    })();
    const writers = Array.from({ length: 6 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 8; i++) {
          const res = await admin.post('/v1/partners', partner(`CC-${w}-${i}`));
          expect(res.statusCode, res.body).toBe(201);
        }
      })(),
    );
    try {
      await Promise.all(writers);
    } finally {
      writing = false;
      await poller;
    }
    seen.push(...(await drain(admin, cursor)).seen);
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.filter((e) => e.type === 'partner.created')).toHaveLength(48);
    const seqs = seen.map((e) => BigInt(e.seq));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
    const inDb = await t.database.rows<{ id: string }>(
      sql`select id from events where tenant_id = 't1' and seq > ${Number(JSON.parse(Buffer.from(start, 'base64url').toString())[0])} order by seq`,
    );
    expect(ids).toEqual(inDb.map((r) => r.id));
  });

  it('a transaction that drew a lower seq but commits later holds back later commits (no skipped event)', async (ctx) => {
    if (t.database.kind !== 'postgres') ctx.skip(); // PGlite runs one transaction at a time
    const { cursor: start } = await drain(admin);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let flushed!: () => void;
    const isFlushed = new Promise<void>((r) => (flushed = r));
    const slow = t.app.store.write(systemActor('t1', 'slow'), async (w) => {
      w.emit({ type: 'test.slow', resourceType: 'test', resourceId: 'slow', payload: {} });
      await w.flush(); // seq drawn, not committed
      flushed();
      await gate;
    });
    await isFlushed;
    const fast = t.app.store.write(systemActor('t1', 'fast'), async (w) => {
      w.emit({ type: 'test.fast', resourceType: 'test', resourceId: 'fast', payload: {} });
    });
    await new Promise((r) => setTimeout(r, 200));
    const mid = await admin.get(`/v1/events?after=${start}`);
    expect(mid.data.data).toEqual([]); // neither is visible: fast waits for slow to commit
    release();
    await Promise.all([slow, fast]);
    const after = await drain(admin, start);
    expect(after.seen.map((e: any) => e.type)).toEqual(['test.slow', 'test.fast']);
  });
});

describe('API keys', () => {
  it('are shown once, work as bearer credentials with their scopes, record last use, and are refused once revoked', async () => {
    const created = await admin.post('/v1/api-keys', { name: 'ERP', scopes: ['partners:write'] });
    expect(created.statusCode).toBe(201);
    const key: string = created.data.key;
    expect(key).toMatch(/^ck_live_[A-Za-z0-9_-]+_[0-9a-f]{64}$/);
    expect(created.data.hint).toBe(`ck_live_…${key.slice(-4)}`);
    const stored = await t.database.rows<{ key_hash: string }>(sql`select key_hash from api_keys where id = ${created.data.id}`);
    expect(stored[0]!.key_hash).not.toContain(key.slice(-20));
    expect(JSON.stringify(stored)).not.toContain(key);
    const got = await admin.get(`/v1/api-keys/${created.data.id}`);
    expect(got.data.key).toBeUndefined();
    expect(got.data.lastUsedAt).toBeNull();
    expect((await admin.get('/v1/api-keys')).body).not.toContain(key);

    const machine = t.client(key);
    const p = await machine.put('/v1/partners/by-code/API-1', { legalName: 'Via key', type: 'dealer' });
    expect(p.statusCode).toBe(201);
    expect((await machine.get('/v1/partners?limit=1')).statusCode).toBe(200);
    expect((await machine.get('/v1/audit')).statusCode).toBe(403); // not in its scopes
    const audit = await admin.get(`/v1/audit?subject=apikey:${created.data.id}`);
    expect(audit.data.data[0]).toMatchObject({ actorKind: 'api_key', tokenId: created.data.id, resourceId: p.data.id });
    await new Promise((r) => setTimeout(r, 100)); // last use is written off the request path
    expect((await admin.get(`/v1/api-keys/${created.data.id}`)).data.lastUsedAt).not.toBeNull();

    expect((await admin.post(`/v1/api-keys/${created.data.id}/revoke`)).data.revokedAt).not.toBeNull();
    const refused = await machine.get('/v1/partners');
    expect(refused.statusCode).toBe(401);
    expect(refused.data.code).toBe('UNAUTHENTICATED');
    expect((await t.client(key.slice(0, -1) + (key.endsWith('0') ? '1' : '0')).get('/v1/partners')).statusCode).toBe(401);
    expect((await t.client('ck_live_garbage').get('/v1/partners')).statusCode).toBe(401);
  });

  it('cannot grant scopes the creator lacks, and needs apikeys:write', async () => {
    const limited = t.client(await t.token({ scope: 'apikeys:write partners:read' }));
    const res = await limited.post('/v1/api-keys', { name: 'x', scopes: ['partners:write'] });
    expect(res.statusCode).toBe(403);
    expect((await limited.post('/v1/api-keys', { name: 'x', scopes: ['partners:read'] })).statusCode).toBe(201);
    expect((await t.client(await t.token({ scope: 'partners:write' })).post('/v1/api-keys', { name: 'x', scopes: ['partners:read'] })).statusCode).toBe(403);
    const g = await admin.gql(`mutation { createApiKey(input: { name: "gql", scopes: ["events:read"] }) { key apiKey { id scopes } } }`);
    expect(g.data.createApiKey.apiKey.scopes).toEqual(['events:read']);
    expect((await t.client(g.data.createApiKey.key).get('/v1/events')).statusCode).toBe(200);
  });
});
