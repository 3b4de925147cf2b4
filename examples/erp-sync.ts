/**
 * ERP sync with the generated REST client (openapi-typescript types + openapi-fetch): upserts partners by the
 * ERP's own code, then reads each one back. Run against a server:
 *
 *   CHANNEL_API_URL=http://127.0.0.1:3000 CHANNEL_API_TOKEN=ck_live_... npx tsx examples/erp-sync.ts
 *
 * Regenerate the types after an API change: npm run clients
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../clients/typescript/src/index.js';

export type Partner = components['schemas']['Partner'];
export type PartnerUpsert = components['schemas']['PartnerUpsert'];

export interface ErpPartner {
  code: string;
  name: string;
  type: PartnerUpsert['type'];
  tier?: string;
  city?: string;
}

export interface SyncResult {
  code: string;
  created: boolean;
  partner: Partner;
}

export function channelClient(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });
}

/** Upserts every ERP partner by code (PUT /v1/partners/by-code/{code}) and reads it back by id. */
export async function syncPartners(baseUrl: string, token: string, rows: ErpPartner[]): Promise<SyncResult[]> {
  const api = channelClient(baseUrl, token);
  const out: SyncResult[] = [];
  for (const row of rows) {
    const put = await api.PUT('/v1/partners/by-code/{code}', {
      params: { path: { code: row.code } },
      body: {
        legalName: row.name,
        type: row.type,
        ...(row.tier ? { tier: row.tier } : {}),
        ...(row.city ? { address: { city: row.city } } : {}),
      },
    });
    if (!put.data) throw new Error(`upsert of ${row.code} failed: ${put.response.status} ${JSON.stringify(put.error)}`);
    const got = await api.GET('/v1/partners/{id}', { params: { path: { id: put.data.id } } });
    if (!got.data) throw new Error(`read-back of ${row.code} failed: ${got.response.status}`);
    out.push({ code: row.code, created: put.response.status === 201, partner: got.data });
  }
  return out;
}

const isMain = process.argv[1]?.endsWith('erp-sync.ts');
if (isMain) {
  const baseUrl = process.env.CHANNEL_API_URL ?? 'http://127.0.0.1:3000';
  const token = process.env.CHANNEL_API_TOKEN;
  if (!token) {
    console.error('set CHANNEL_API_TOKEN (a JWT or an API key with partners:write)');
    process.exit(2);
  }
  const results = await syncPartners(baseUrl, token, [
    { code: 'ERP-1001', name: 'Shanghai Huamei Trading Co.', type: 'distributor', tier: 'L1', city: 'Shanghai' },
    { code: 'ERP-1002', name: 'Hangzhou Xinyuan Retail Ltd.', type: 'retailer', city: 'Hangzhou' },
  ]);
  for (const r of results) console.log(`${r.created ? 'created' : 'updated'} ${r.code} -> ${r.partner.id} (version ${r.partner.version})`);
}
