import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { systemActor } from './platform/actor.js';

export const DEMO_TENANT = 'demo';

/** Demo tenant with a small partner network, created once (embedded database only). */
export async function seedDemo(app: FastifyInstance): Promise<void> {
  await app.tenants.create(DEMO_TENANT, 'Demo Brand Co.');
  const [{ n } = { n: 0 }] = (await app.store.database.rows<{ n: number }>(sql`select count(*)::int as n from partners where tenant_id = ${DEMO_TENANT}`)) as {
    n: number;
  }[];
  if (Number(n) > 0) return;
  const actor = systemActor(DEMO_TENANT, 'seed');
  const partners = app.services.onboarding.partners;
  const east = await partners.create(actor, {
    code: 'D-EAST',
    legalName: 'East China Distribution Co., Ltd.',
    type: 'distributor',
    channel: 'both',
    tier: 'L1',
    status: 'active',
    regionCode: '310000',
    address: { city: 'Shanghai', country: 'CN' },
  });
  await partners.create(actor, {
    code: 'R-HZ-01',
    legalName: 'Hangzhou West Lake Retail',
    type: 'retailer',
    channel: 'offline',
    tier: 'L2',
    parentId: east.id,
    status: 'active',
    regionCode: '330100',
  });
  await partners.create(actor, {
    code: 'D-SOUTH',
    legalName: 'Guangdong Channel Partners',
    type: 'distributor',
    channel: 'offline',
    tier: 'L1',
    regionCode: '440000',
  });
}
