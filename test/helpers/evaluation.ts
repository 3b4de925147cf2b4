import type { Client } from './app.js';

/** Creates partners (active by default) and returns their ids by code. */
export async function makePartners(client: Client, codes: string[], extra: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const code of codes) {
    const res = await client.post('/v1/partners', { code, legalName: `${code} Ltd.`, type: 'distributor', status: 'active', ...extra });
    if (res.statusCode !== 201) throw new Error(`partner ${code}: ${res.statusCode} ${res.body}`);
    out[code] = res.data.id;
  }
  return out;
}

export const GRADES = [
  { grade: 'A', min: 90 },
  { grade: 'B', min: 75 },
  { grade: 'C', min: 60 },
  { grade: 'D', min: 0 },
];

/**
 * Three manual KPIs:
 * - sat (customer satisfaction) weight 50, higher is better, linear floor 60 -> target 100
 * - audit (display and stock audit) weight 30, higher is better, banded >= 90: 100, >= 70: 60, else 0; default 50
 * - complaints weight 20, lower is better, linear floor 10 (worst) -> target 0
 */
export const THREE_KPIS = [
  { code: 'sat', name: 'Customer satisfaction', weight: 50, direction: 'higher', source: 'manual', scoring: { type: 'linear', floor: '60', target: '100' } },
  {
    code: 'audit',
    name: 'Display and stock audit',
    weight: '30',
    direction: 'higher',
    source: 'manual',
    scoring: {
      type: 'banded',
      bands: [
        { threshold: '90', score: '100' },
        { threshold: '70', score: '60' },
      ],
    },
    defaultValue: '50',
  },
  { code: 'complaints', name: 'Complaints', weight: 20, direction: 'lower', source: 'manual', scoring: { type: 'linear', floor: 10, target: 0 } },
];

/** manual values as [partnerCode, sat, audit, complaints] rows (null = not entered) */
export function valueRows(period: string, rows: [string, string | null, string | null, string | null][]) {
  const out: { partnerCode: string; period: string; kpi: string; value: string }[] = [];
  for (const [partnerCode, sat, audit, complaints] of rows) {
    if (sat !== null) out.push({ partnerCode, period, kpi: 'sat', value: sat });
    if (audit !== null) out.push({ partnerCode, period, kpi: 'audit', value: audit });
    if (complaints !== null) out.push({ partnerCode, period, kpi: 'complaints', value: complaints });
  }
  return out;
}
