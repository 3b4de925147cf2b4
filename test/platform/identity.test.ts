import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Database } from '../../src/platform/db.js';
import { cloneTestDatabase, setupTestApp, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { hardenedApp, type HardenedApp } from './hardening-app.js';

let h: HardenedApp;
let partnerId: string;
let otherTenantPartner: string;

const get = (token: string, url = '/v1/partners') => h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const count = async (table: string, where: string) =>
  Number((await h.app.store.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);

beforeAll(async () => {
  h = await hardenedApp({ JWT_MAX_LIFETIME_SECONDS: 3600 }, { tenants: ['t1', 't2'] });
  const create = async (tenant: string, code: string) =>
    (
      await h.app.inject({
        method: 'POST',
        url: '/v1/partners',
        headers: { authorization: `Bearer ${await h.sign({ tenant })}` },
        payload: { code, legalName: `${code} Ltd.`, type: 'distributor' },
      })
    ).json().id as string;
  partnerId = await create('t1', 'ID-A');
  await create('t1', 'ID-B');
  otherTenantPartner = await create('t2', 'ID-OTHER');
});
afterAll(async () => h?.close());

describe('identity fails closed', () => {
  it("a 'partner' claim that is not the id of a partner of the tenant is 401, never a tenant user", async () => {
    for (const partner of ['', null, 0, 42, ['x'], 'p-1', '0190b5a6-0000-7000-8000-000000000000']) {
      const res = await get(await h.sign({ partner, scope: 'partners:read' }));
      expect(res.statusCode, JSON.stringify(partner)).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    // a partner of another tenant is unknown here
    const foreign = await get(await h.sign({ partner: otherTenantPartner, scope: 'partners:read' }));
    expect(foreign.statusCode).toBe(401);
    expect(foreign.json().detail).toMatch(/no partner of its tenant/);
  });

  it('an existing partner is a partner user confined to its own data; no claim is a tenant user', async () => {
    const mine = await get(await h.sign({ partner: partnerId, scope: 'partners:read' }));
    expect(mine.statusCode).toBe(200);
    expect(mine.json().data.map((p: { code: string }) => p.code)).toEqual(['ID-A']);
    const tenantUser = await get(await h.sign({ scope: 'partners:read' }));
    expect(tenantUser.json().data.map((p: { code: string }) => p.code)).toEqual(['ID-A', 'ID-B']);
  });

  it('a token of a tenant that does not exist is 401 and writes nothing', async () => {
    const ghost = await h.sign({ tenant: 'ghost-tenant' });
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/partners',
      headers: { authorization: `Bearer ${ghost}` },
      payload: { code: 'ORPHAN', legalName: 'Orphan Ltd.', type: 'dealer' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: "The token's tenant does not exist" });
    expect(await count('partners', "tenant_id = 'ghost-tenant'")).toBe(0);
    expect(await count('audit_log', "tenant_id = 'ghost-tenant'")).toBe(0);
    // once provisioned, the tenant's tokens are accepted (this instance clears its cache on create)
    await h.app.tenants.create('ghost-tenant', 'Now real');
    expect((await get(ghost)).statusCode).toBe(200);
  });

  it('exp is required and the lifetime is capped (JWT_MAX_LIFETIME_SECONDS)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noExp = await get(await h.sign({}, { exp: null }));
    expect(noExp.statusCode).toBe(401);
    expect(noExp.json().detail).toMatch(/'exp'/);
    // exp - iat over the cap (3600 s here)
    expect((await get(await h.sign({}, { iat: now, exp: now + 3601 }))).statusCode).toBe(401);
    // an iat in the past does not hide a long remaining life (exp - now over the cap)
    expect((await get(await h.sign({}, { iat: now - 60, exp: now + 7200 }))).statusCode).toBe(401);
    expect((await get(await h.sign({}, { iat: now, exp: now + 3600 }))).statusCode).toBe(200);
  });

  it('ids of another tenant inside an application body are refused with 400 naming the field; nothing is stored', async () => {
    const t2 = await h.sign({ tenant: 't2' });
    const t1 = await h.sign({ tenant: 't1' });
    const post = (token: string, url: string, payload: object, method: 'POST' | 'PATCH' = 'POST') =>
      h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
    const territory = (await post(t2, '/v1/onboarding/territories', { code: 'T2-ZJ', name: 'Zhejiang', level: 'province' })).json();
    const line = (await post(t2, '/v1/onboarding/product-lines', { code: 'T2-TEA', name: 'Tea' })).json();
    expect(territory.id).toBeTruthy();
    expect(line.id).toBeTruthy();
    const own = (await post(t1, '/v1/onboarding/territories', { code: 'T1-ZJ', name: 'Zhejiang', level: 'province' })).json();
    const before = await count('applications', "tenant_id = 't1'");
    const res = await post(t1, '/v1/onboarding/applications', {
      partnerCode: 'APP-X',
      legalName: 'App X',
      partnerType: 'dealer',
      requestedTerritoryIds: [own.id, territory.id],
      requestedProductLineIds: [line.id],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors).toEqual([
      { path: 'requestedTerritoryIds.1', message: `territory '${territory.id}' does not exist` },
      { path: 'requestedProductLineIds.0', message: `product line '${line.id}' does not exist` },
    ]);
    expect(await count('applications', "tenant_id = 't1'")).toBe(before);
    // the same check on a draft's update
    const draft = await post(t1, '/v1/onboarding/applications', {
      partnerCode: 'APP-Y',
      legalName: 'App Y',
      partnerType: 'dealer',
      requestedTerritoryIds: [own.id],
    });
    expect(draft.statusCode).toBe(201);
    const upd = await post(t1, `/v1/onboarding/applications/${draft.json().id}`, { requestedTerritoryIds: [territory.id] }, 'PATCH');
    expect(upd.statusCode).toBe(400);
    expect(upd.json().errors[0].path).toBe('requestedTerritoryIds.0');
  });
});

describe('tenant provisioning (npm run tenant)', () => {
  it('creates and lists tenants; a token of the new tenant is then accepted', async () => {
    const clone = await cloneTestDatabase();
    if (!clone) {
      console.warn('skipped: the tenant CLI test needs PostgreSQL (TEST_DATABASE_URL)');
      return;
    }
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/tenant.ts', ...args], {
          env: { ...process.env, DATABASE_URL: clone.url, LOG_LEVEL: 'silent' },
        });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => resolve({ code, out, err }));
      });
    try {
      expect(await run(['create', 'cli-co', 'CLI', 'Company'])).toMatchObject({ code: 0, out: "created tenant 'cli-co' (CLI Company)\n" });
      expect((await run(['create', 'cli-co', 'Other'])).out).toMatch(/already exists/);
      const bad = await run(['create', 'bad id!', 'x']);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/id: must be/);
      expect((await run(['nonsense'])).code).toBe(2);
      const list = await run(['list', '--json']);
      expect(JSON.parse(list.out).map((t: { id: string }) => t.id)).toContain('cli-co');

      const database = new Database({ url: clone.url, poolMax: 2 });
      const app = await buildApp({
        config: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_SECRET, IDEMPOTENCY_TTL_HOURS: 24 },
        database,
        logger: false,
      });
      const { mintToken } = await import('../../src/platform/tokens.js');
      const token = await mintToken(TEST_SECRET, { tenant: 'cli-co', scope: 'partners:read' });
      expect((await app.inject({ method: 'GET', url: '/v1/partners', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      await app.close();
    } finally {
      await clone.drop();
    }
  }, 180_000);
});

describe('the test helper provisions the tenants it mints tokens for', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await setupTestApp();
  });
  afterAll(async () => t?.close());
  it('t.token() creates its tenant', async () => {
    const c = t.client(await t.token({ tenant: 'helper-made' }));
    expect((await c.get('/v1/partners')).statusCode).toBe(200);
    expect((await t.app.tenants.list()).map((x) => x.id)).toContain('helper-made');
  });
});
