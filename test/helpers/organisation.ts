import type { Client } from './app.js';

async function ok(p: Promise<{ statusCode: number; data: any; body: string }>, status = [200, 201]) {
  const res = await p;
  if (!status.includes(res.statusCode)) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
  return res.data;
}

export const createUnit = (c: Client, code: string, kind: string, parent?: string) =>
  ok(c.post('/v1/organisation/units', { code, name: code, kind, ...(parent ? { parent } : {}) }));

export const createStaff = (c: Client, code: string, post: string, orgUnit: string | null, extra: Record<string, unknown> = {}) =>
  ok(c.post('/v1/organisation/staff', { code, name: code, post, orgUnit, ...extra }));

export const assignOwner = (c: Client, partner: string, orgUnit: string, accountManager: string | null, validFrom = '2020-01-01') =>
  ok(c.post('/v1/organisation/ownership', { partner, orgUnit, accountManager, validFrom }));

/**
 * 总部 HQ > 华东 EAST > {Shanghai team EAST-SH}, HQ > 华南 SOUTH; staff: the regional managers of EAST and SOUTH
 * (data scope org_subtree), an account manager in EAST-SH (portfolio), a channel director (all).
 */
export async function orgFixture(admin: Client) {
  const hq = await createUnit(admin, 'HQ', 'region');
  const east = await createUnit(admin, 'EAST', 'region', 'HQ');
  const eastSh = await createUnit(admin, 'EAST-SH', 'team', 'EAST');
  const south = await createUnit(admin, 'SOUTH', 'region', 'HQ');
  const rmEast = await createStaff(admin, 'RM-EAST', 'regional_manager', 'EAST', { subjects: ['rm-east'], dataScope: 'org_subtree' });
  const rmSouth = await createStaff(admin, 'RM-SOUTH', 'regional_manager', 'SOUTH', { subjects: ['rm-south'], dataScope: 'org_subtree' });
  const amSh = await createStaff(admin, 'AM-SH', 'account_manager', 'EAST-SH', { subjects: ['am-sh'], dataScope: 'portfolio' });
  const director = await createStaff(admin, 'CD', 'channel_director', 'HQ', { subjects: ['cd'] });
  return { hq, east, eastSh, south, rmEast, rmSouth, amSh, director };
}
