import { sql } from 'drizzle-orm';
import type { Client, TestApp } from './app.js';

export async function makePartner(c: Client, code: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await c.post('/v1/partners', { code, legalName: `${code} Co.`, type: 'distributor', status: 'active', ...extra });
  if (res.statusCode !== 201) throw new Error(`partner ${code}: ${res.statusCode} ${res.body}`);
  return res.data.id as string;
}

export const rebateRules = (mode: 'whole' | 'marginal' = 'whole', extra: Record<string, unknown> = {}) => ({
  basis: 'base',
  mode,
  tiers: [
    { threshold: '0', rate: '1' },
    { threshold: '100000', rate: '2' },
    { threshold: '200000', rate: '3' },
  ],
  ...extra,
});

export async function makeProgram(c: Client, code: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await c.post('/v1/incentives/programs', {
    code,
    name: `${code} program`,
    type: 'rebate',
    granularity: 'quarter',
    rules: rebateRules(),
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`program ${code}: ${res.statusCode} ${res.body}`);
  return res.data;
}

export const countRows = async (t: TestApp, table: string, where = 'true') =>
  Number((await t.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table} where ${where}`)))[0]!.n);
