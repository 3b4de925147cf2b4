/**
 * Review findings on money exactness and heavy work: each test failed before its fix.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { catalogFixture, makePartner as makePolicyPartner, makePolicy, price } from '../helpers/policy.js';
import { createPartner, importCsv } from '../helpers/target.js';
import { makePartners } from '../helpers/evaluation.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  await catalogFixture(t, { products: [{ code: 'RM-A' }, { code: 'RM-B' }] });
});
afterAll(async () => t?.close());

describe('policy: price line amounts compared exactly', () => {
  async function draftVersion(code: string, discountRules?: unknown[]) {
    const p = await admin.post('/v1/policy/price-policies', { code, name: code, currency: 'CNY', scope: { kind: 'default' } });
    expect(p.statusCode, p.body).toBe(201);
    return admin.post(`/v1/policy/price-policies/${p.data.id}/versions`, { effectiveFrom: '2026-01-01', ...(discountRules ? { discountRules } : {}) });
  }

  it('refuses a distribution price above the suggested retail price by 0.0001 at 14 integer digits (not compared as doubles)', async () => {
    const v = await draftVersion('RM-DP');
    expect(v.statusCode, v.body).toBe(201);
    const res = await admin.post(`/v1/policy/versions/${v.data.id}/lines`, {
      lines: [{ product: 'RM-A', distributionPrice: '12345678901234.0002', suggestedRetailPrice: '12345678901234.0001' }],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/lines.0.distributionPrice$/) })]));
    const n = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from price_lines where version_id = ${v.data.id}`);
    expect(Number(n[0]!.n)).toBe(0);
  });

  it('refuses a minimum resale price above the suggested retail price by 0.0001 with a 400 naming the field', async () => {
    const v = await draftVersion('RM-MRP');
    const res = await admin.post(`/v1/policy/versions/${v.data.id}/lines`, {
      lines: [{ product: 'RM-A', distributionPrice: '1.0000', suggestedRetailPrice: '12345678901234.0001', minResalePrice: '12345678901234.0002' }],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/lines.0.minResalePrice$/) })]));
  });

  it('accepts volume tiers whose thresholds differ only in the 4th decimal at 14 integer digits', async () => {
    const v = await draftVersion('RM-VOL', [
      {
        kind: 'volume',
        basis: 'amount',
        tiers: [
          { min: '12345678901234.0001', ratePercent: '1' },
          { min: '12345678901234.0002', ratePercent: '2' },
        ],
      },
    ]);
    expect(v.statusCode, v.body).toBe(201);
  });
});

describe('target: allocation with save is set-based', () => {
  it('stores an allocation across 40 partners with the same number of statements as across 4, and a re-allocation updates only changed values', async () => {
    const ps: string[] = [];
    for (let i = 0; i < 40; i++) ps.push((await createPartner(admin, `RM-AL${String(i).padStart(2, '0')}`)).id);
    const alloc = (ids: string[], value: string, period: string) =>
      admin.post('/v1/targets/allocate', { period, metric: 'sales_amount', value, partners: ids.map((partnerId) => ({ partnerId })), save: true });

    // each size saved twice (other years) and the least count kept: a credential cache expiring only ever adds
    const saved = async (ids: string[], period: string) => {
      const before = t.database.statements;
      const r = await alloc(ids, '100.00', period);
      expect(r.statusCode, r.body).toBe(200);
      return { r, n: t.database.statements - before };
    };
    const small = await saved(ps.slice(0, 4), '2030');
    const nSmall = Math.min(small.n, (await saved(ps.slice(0, 4), '2032')).n);
    const first = await saved(ps, '2031');
    const big = first.r;
    const nBig = Math.min(first.n, (await saved(ps, '2033')).n);
    expect(nBig).toBe(nSmall);

    // 100.00 / 40 = 2.50 each; the parts, the stored rows and the total all agree
    expect(big.data.parts.every((p: { value: string; targetId: string }) => p.value === '2.5000' && p.targetId)).toBe(true);
    const stored = await t.database.rows<{ s: string; n: number }>(
      sql`select sum(value)::text as s, count(*)::int as n from targets where tenant_id = 't1' and period = '2031'`,
    );
    expect(stored[0]).toEqual({ s: '100.0000', n: 40 });
    const ev = await t.database.rows<{ n: number }>(
      sql`select count(*)::int as n from events where tenant_id = 't1' and type = 'target.set' and payload->'target'->>'period' = '2031'`,
    );
    expect(Number(ev[0]!.n)).toBe(40);

    // re-allocate 100.01: one partner gets 2.51, the others keep 2.50 and are not touched (version 1)
    t.database.statements = 0;
    const again = await alloc(ps, '100.01', '2031');
    expect(again.statusCode, again.body).toBe(200);
    expect(t.database.statements).toBeLessThanOrEqual(nBig + 1);
    expect(again.data.parts.map((p: { targetId: string }) => p.targetId)).toEqual(big.data.parts.map((p: { targetId: string }) => p.targetId));
    const rows = await t.database.rows<{ value: string; version: number }>(
      sql`select value::text as value, version from targets where tenant_id = 't1' and period = '2031' order by value desc, partner_id`,
    );
    expect(rows[0]).toEqual({ value: '2.5100', version: 2 });
    expect(rows.slice(1).every((r) => r.value === '2.5000' && Number(r.version) === 1)).toBe(true);
    const sum = await t.database.rows<{ s: string }>(sql`select sum(value)::text as s from targets where tenant_id = 't1' and period = '2031'`);
    expect(sum[0]!.s).toBe('100.0100');
  });
});

describe('target: amounts and dates are exact', () => {
  it('refuses a JSON number for a target amount (12345678901234.00001 would arrive as 12345678901234), in create, decompose and allocate', async () => {
    const p = await createPartner(admin, 'RM-NUM');
    const create = await admin.post('/v1/targets', { partnerId: p.id, period: '2026', metric: 'sales_amount', value: 12345678901234.00001 });
    expect(create.statusCode, create.body).toBe(400);
    expect(create.data.errors[0].path).toMatch(/value$/);
    const dec = await admin.post('/v1/targets/decompose', { partnerId: p.id, period: '2026', metric: 'sales_amount', value: 12345678901234.00001 });
    expect(dec.statusCode, dec.body).toBe(400);
    const al = await admin.post('/v1/targets/allocate', { period: '2026', metric: 'sales_amount', value: 100, partners: [{ partnerId: p.id }] });
    expect(al.statusCode, al.body).toBe(400);
    const n = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from targets where tenant_id = 't1' and partner_id = ${p.id}`);
    expect(Number(n[0]!.n)).toBe(0);
    // the same amounts as decimal strings are exact
    const ok = await admin.post('/v1/targets/decompose', { partnerId: p.id, period: '2026', metric: 'sales_amount', value: '12345678901234.00' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.data.parts.map((x: { value: string }) => x.value)).toEqual(Array(4).fill('3086419725308.5000'));
  });

  it('refuses an asOf that is not a calendar date (2026-02-30 is not 2026-03-02)', async () => {
    const p = await createPartner(admin, 'RM-ASOF');
    for (const asOf of ['2026-02-30', '2026-02-29', '2026-04-31']) {
      const one = await admin.get(`/v1/targets/achievement/${p.id}?period=2026-Q1&metric=sales_amount&asOf=${asOf}`);
      expect(one.statusCode, `${asOf} ${one.body}`).toBe(400);
      const net = await admin.get(`/v1/targets/achievement?period=2026-Q1&metric=sales_amount&asOf=${asOf}`);
      expect(net.statusCode, `${asOf} ${net.body}`).toBe(400);
    }
    const leap = await admin.get(`/v1/targets/achievement?period=2028-Q1&metric=sales_amount&asOf=2028-02-29`);
    expect(leap.statusCode, leap.body).toBe(200);
  });
});

describe('GraphQL: money fields are Decimal', () => {
  it('ResolvedTerms.creditLimit carries a Decimal value, not a String', async () => {
    const q = await admin.gql(`{ __type(name: "ResolvedTerms") { fields { name type { ofType { name fields { name type { name } } } } } } }`);
    expect(q.errors).toBeUndefined();
    const credit = q.data.__type.fields.find((f: { name: string }) => f.name === 'creditLimit');
    const value = credit.type.ofType.fields.find((f: { name: string }) => f.name === 'value');
    expect(value.type.name).toBe('Decimal');
  });
});

describe('evaluation: scores a template can give fit where they are stored', () => {
  const kpi = (scoring: Record<string, unknown>) => ({ code: 'k', name: 'k', weight: '100', direction: 'higher', source: 'manual', scoring });
  const tpl = (code: string, scoring: Record<string, unknown>) =>
    admin.post('/v1/evaluations/templates', { code, name: code, gradeBands: [{ grade: 'A', min: '0' }], kpis: [kpi(scoring)] });

  it('refuses a cap, band score or otherwise above 99999.9999 (numeric(9,4)) when the template is saved, not in every later run', async () => {
    const cap = await tpl('RM-CAP', { type: 'linear', floor: '0', target: '1', cap: '100000' });
    expect(cap.statusCode, cap.body).toBe(400);
    expect(cap.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/kpis.0.scoring.cap$/) })]));
    const band = await tpl('RM-BAND', { type: 'banded', bands: [{ threshold: '1', score: '100000' }] });
    expect(band.statusCode, band.body).toBe(400);
    expect(band.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/kpis.0.scoring.bands.0.score$/) })]));
    const otherwise = await tpl('RM-OTHER', { type: 'banded', bands: [{ threshold: '1', score: '1' }], otherwise: '100000' });
    expect(otherwise.statusCode, otherwise.body).toBe(400);
    const n = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from scorecard_templates where tenant_id = 't1' and code like 'RM-%'`);
    expect(Number(n[0]!.n)).toBe(0);
  });

  it('a template at the largest storable cap runs and stores the capped score', async () => {
    await makePartners(admin, ['RM-E1']);
    const ok = await tpl('RM-MAX', { type: 'linear', floor: '0', target: '1', cap: '99999.9999' });
    expect(ok.statusCode, ok.body).toBe(201);
    const mv = await admin.put('/v1/evaluations/manual-values', { values: [{ partnerCode: 'RM-E1', period: '2026-Q1', kpi: 'k', value: '99999999999999' }] });
    expect(mv.statusCode, mv.body).toBe(200);
    const run = await admin.post('/v1/evaluations/runs', { template: 'RM-MAX', period: '2026-Q1', partners: ['RM-E1'] });
    expect(run.statusCode, run.body).toBe(201);
    const res = await admin.get(`/v1/evaluations/runs/${run.data.id}/results`);
    // score capped at 99999.9999; total = score x 100 / 100 rounded to 2 decimals = 100000.00
    expect(res.data.data[0]).toMatchObject({ total: '100000.00' });
    expect(res.data.data[0].kpis[0]).toMatchObject({ score: '99999.9999' });
  });
});

describe('incentive: rebate spend maxPercent is a percentage', () => {
  it('refuses maxPercent below 0 or above 100 with a 400 (150% let a spend exceed the order it pays)', async () => {
    const p = await createPartner(admin, 'RM-SPEND');
    for (const maxPercent of ['150', '100.0001', '-10']) {
      const res = await admin.post(`/v1/incentives/rebate-accounts/${p.id}/spend`, {
        amount: '120.00',
        orderRef: `RM-${maxPercent}`,
        orderAmount: '100.00',
        maxPercent,
      });
      expect(res.statusCode, `${maxPercent} ${res.body}`).toBe(400);
      expect(res.data.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/maxPercent$/) })]));
    }
  });
});

describe('incentive: amounts use the ISO 4217 minor unit of every currency', () => {
  it('refuses fractions of currencies without minor units (XOF, XAF, UGX, PYG, RWF) and a 4th decimal of 3-decimal ones (LYD, IQD)', async () => {
    const p = await createPartner(admin, 'RM-CUR');
    for (const unit of ['XOF', 'XAF', 'UGX', 'PYG', 'RWF']) {
      const res = await admin.post('/v1/incentives/statements/lines', { partnerId: p.id, period: '2026-01', amount: '10.50', reason: 'bonus', unit });
      expect(res.statusCode, `${unit} ${res.body}`).toBe(400);
      const whole = await admin.post('/v1/incentives/statements/lines', { partnerId: p.id, period: '2026-01', amount: '10', reason: 'bonus', unit });
      expect(whole.statusCode, `${unit} ${whole.body}`).toBe(201);
      expect(whole.data.amount).toBe('10');
    }
    for (const unit of ['LYD', 'IQD']) {
      const res = await admin.post('/v1/incentives/statements/lines', { partnerId: p.id, period: '2026-01', amount: '1.0005', reason: 'bonus', unit });
      expect(res.statusCode, `${unit} ${res.body}`).toBe(400);
      const ok = await admin.post('/v1/incentives/statements/lines', { partnerId: p.id, period: '2026-01', amount: '1.005', reason: 'bonus', unit });
      expect(ok.statusCode, `${unit} ${ok.body}`).toBe(201);
      expect(ok.data.amount).toBe('1.005');
    }
  });
});

describe('policy: amounts use the ISO 4217 minor unit (not the display digits of Intl)', () => {
  it('keeps the cents of IDR, HUF and COP prices (ISO exponent 2) and rounds IQD to 3 decimals', async () => {
    const partner = await makePolicyPartner(admin, 'RM-IDR');
    await catalogFixture(t, { products: [{ code: 'RM-IDR-P' }, { code: 'RM-HUF-P' }, { code: 'RM-COP-P' }, { code: 'RM-IQD-P' }] });
    const cases = [
      ['IDR', 'RM-IDR-P', '10000.50', '10000.50'],
      ['HUF', 'RM-HUF-P', '999.45', '999.45'],
      ['COP', 'RM-COP-P', '1234.56', '1234.56'],
      ['IQD', 'RM-IQD-P', '1.2345', '1.235'],
    ] as const;
    for (const [currency, product, unitPrice, gross] of cases) {
      await makePolicy(admin, {
        code: `RM-${currency}`,
        currency,
        scope: { kind: 'partner', value: partner.id },
        lines: [price(product, unitPrice, '20000.00')],
      });
      const res = await admin.get(`/v1/policy/prices/resolve?partner=${partner.code}&product=${product}&date=2026-05-01&quantity=1`);
      expect(res.statusCode, res.body).toBe(200);
      expect([currency, res.data.grossAmount, res.data.netAmount]).toEqual([currency, gross, gross]);
    }
  });
});

describe('incentive: a computed amount too large to store is a clear 422', () => {
  it('refuses a run whose points exceed numeric(18,4) with UNPROCESSABLE naming the partner, and stores nothing', async () => {
    const token = await t.token({ tenant: 'rmpts' });
    const c = t.client(token);
    await catalogFixture(t, { products: [{ code: 'PX' }] }, 'rmpts');
    const res = await c.post('/v1/partners', { code: 'PP', legalName: 'PP Co.', type: 'distributor', status: 'active' });
    expect(res.statusCode, res.body).toBe(201);
    const imp = await importCsv(t, token, 'sell-in', 'externalId,date,partnerCode,productCode,quantity,amount\nX-1,2026-01-15,PP,PX,1,100\n');
    expect(imp.data).toMatchObject({ created: 1 });
    const prog = await c.post('/v1/incentives/programs', {
      code: 'PTS-BIG',
      name: 'points',
      type: 'points',
      granularity: 'quarter',
      rules: { basis: 'base', mode: 'whole', tiers: [{ threshold: '0', rate: '100' }], pointsPerUnit: '99999999999999' },
    });
    expect(prog.statusCode, prog.body).toBe(201);
    expect((await c.post(`/v1/incentives/programs/${prog.data.id}/activate`)).statusCode).toBe(200);
    // 100 x 100% x 99999999999999 points = 9999999999999900 points: more than numeric(18,4) holds
    const run = await c.post('/v1/incentives/runs', { program: prog.data.id, period: '2026-Q1' });
    expect(run.statusCode, run.body).toBe(422);
    expect(run.data.errors).toEqual([expect.objectContaining({ path: `lines.${res.data.id}.amount` })]);
    const n = await t.database.rows<{ n: number }>(sql`select count(*)::int as n from incentive_runs where tenant_id = 'rmpts'`);
    expect(Number(n[0]!.n)).toBe(0);
    // a dry run (nothing stored) still answers with the exact amount
    const dry = await c.post('/v1/incentives/runs', { program: prog.data.id, period: '2026-Q1', dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
  });
});
