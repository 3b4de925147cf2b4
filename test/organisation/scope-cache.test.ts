/**
 * The data scope cache (DataScopeCache: a credential's resolved scope kept 10 s): an organisation write in this
 * process takes effect on the next request, and a scope read while such a write commits is not kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataScopeCache } from '../../src/modules/organisation/scope.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { activePartnerWithAgreement, seedCatalog } from '../helpers/onboarding.js';
import { assignOwner, orgFixture } from '../helpers/organisation.js';

let t: TestApp;
let admin: Client;
let rm: Client;
let partner: { id: string; code: string };
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await orgFixture(admin);
  rm = t.client(await t.token({ sub: 'rm-east', scope: 'admin' }));
  const cat = await seedCatalog(admin);
  partner = (await activePartnerWithAgreement(admin, 'EP-1', [cat.territories.zj.id], [cat.lines.tea.id])).partner;
  await assignOwner(admin, 'EP-1', 'EAST-SH', 'AM-SH');
});

afterAll(async () => {
  await t?.close();
});

describe('data scope cache', () => {
  it('an ownership change in this process is seen by the next request of a credential whose scope is cached', async () => {
    expect((await rm.get(`/v1/partners/${partner.id}`)).statusCode).toBe(200); // resolved and cached
    await assignOwner(admin, 'EP-1', 'SOUTH', null, today());
    expect((await rm.get(`/v1/partners/${partner.id}`)).statusCode).toBe(404);
    expect((await rm.get('/v1/partners')).data.data.map((p: { code: string }) => p.code)).not.toContain('EP-1');
    await assignOwner(admin, 'EP-1', 'EAST', null, today());
    expect((await rm.get(`/v1/partners/${partner.id}`)).statusCode).toBe(200);
  });

  it('does not keep a scope read before a clear and answered after it (it may predate the write)', async () => {
    const cache = new DataScopeCache();
    const actor = { tenantId: 't1', subject: 'rm-east', kind: 'user' as const };
    const pending = cache.resolve(t.database.db, actor);
    cache.clearTenant('t1'); // an organisation write commits while the scope is being read
    expect(await pending).toContain(partner.id);
    expect(cache.cached(actor)).toBeUndefined();
    // read again with no write in between: kept
    await cache.resolve(t.database.db, actor);
    expect(cache.cached(actor)?.ids).toContain(partner.id);
  });
});
