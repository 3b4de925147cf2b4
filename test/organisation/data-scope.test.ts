/**
 * Data scope over every route (generated, like test/platform/robustness.test.ts): the regional manager of 华东 (EAST),
 * whose staff data scope is `org_subtree`, holds the `admin` scope and still never sees a 华南 (SOUTH) partner. Every
 * GET operation of the OpenAPI document and every GraphQL query field is called with the SOUTH partner's id, code
 * and the ids of its records in every module (agreement, deviation, target, statement, evaluation run...) in each
 * path parameter, partner filter and required argument; no answer may contain any of them. The same calls with a
 * tenant admin without a data scope do contain them (the probe reaches the data), and the regional manager does see
 * the EAST partner (the scope is not a blanket refusal). Whatever a module adds is covered automatically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { activePartnerWithAgreement, seedCatalog } from '../helpers/onboarding.js';
import { assignOwner, orgFixture } from '../helpers/organisation.js';
import { makePolicy, price } from '../helpers/policy.js';
import { GRADES, THREE_KPIS } from '../helpers/evaluation.js';

let t: TestApp;
let admin: Client;
let adminToken: string;
let rmToken: string;
let east: { id: string; code: string };
let south: { id: string; code: string };
/** the SOUTH partner's id and code and the ids of its records: none may reach the EAST regional manager */
const secrets = new Set<string>();
const label = new Map<string, string>();
/** path-parameter candidates: the secrets plus ids of shared records (runs, programs) whose sub-resources name partners */
const pool = new Set<string>();
/** the SOUTH staff probed in staff filters */
const staffIds = { amSouth: '', repSouth: '' };

async function ok(p: Promise<{ statusCode: number; data: any; body: string }>) {
  const res = await p;
  if (res.statusCode >= 300) throw new Error(`fixture: ${res.statusCode} ${res.body}`);
  return res.data;
}

beforeAll(async () => {
  t = await setupTestApp();
  adminToken = await t.token();
  admin = t.client(adminToken);
  const org = await orgFixture(admin);
  rmToken = await t.token({ sub: 'rm-east', scope: 'admin' });
  const cat = await seedCatalog(admin);
  const e = await activePartnerWithAgreement(admin, 'EP-1', [cat.territories.zj.id], [cat.lines.tea.id]);
  const s = await activePartnerWithAgreement(admin, 'SP-1', [cat.territories.js.id], [cat.lines.wine.id]);
  east = e.partner;
  south = s.partner;
  await assignOwner(admin, 'EP-1', 'EAST-SH', 'AM-SH');
  // SP-1 has an account manager of SOUTH: staff-related reads (ownership, portfolios, roll-ups by manager) are probed too
  const amSouth = await ok(admin.post('/v1/organisation/staff', { code: 'AM-SZ', name: 'AM-SZ', post: 'account_manager', orgUnit: 'SOUTH' }));
  await assignOwner(admin, 'SP-1', 'SOUTH', 'AM-SZ');
  const keep = (...ids: string[]) => ids.forEach((id) => (secrets.add(id), pool.add(id), label.set(id, label.get(id) ?? `#${label.size}`)));
  keep(south.id, south.code, s.agreement.id);
  label.set(south.id, 'SP-1 id');
  pool.add(east.id);
  // staff are confined too (their org subtree): the SOUTH regional manager is out of the EAST manager's sight
  keep(org.rmSouth.id, amSouth.id);
  staffIds.amSouth = amSouth.id;
  label.set(org.rmSouth.id, 'RM-SOUTH id');
  label.set(amSouth.id, 'AM-SZ id');

  // policy: prices for everyone, a policy for SP-1 alone, a deviation each
  await makePolicy(admin, { code: 'BASE', scope: { kind: 'default' }, lines: [price('TEA-1', '60', '100', '80'), price('WINE-1', '60', '100', '80')] });
  const own = await makePolicy(admin, { code: 'SP1-ONLY', scope: { kind: 'partner', value: south.id }, lines: [price('WINE-1', '55', '100', '80')] });
  keep(own.policyId, own.versionId);
  for (const [p, product] of [
    [east, 'TEA-1'],
    [south, 'WINE-1'],
  ] as const) {
    const d = await ok(
      admin.post('/v1/policy/deviations', { partner: p.id, product, price: '70', validFrom: '2026-03-01', validTo: '2026-03-31', reason: 'x' }),
    );
    if (p === south) keep(d.id);
  }
  const cr = await ok(
    admin.post('/v1/onboarding/cross-region-requests', {
      partnerId: south.id,
      territoryId: cat.territories.zj.id,
      productLineId: cat.lines.wine.id,
      validFrom: '2026-01-01',
      validTo: '2026-02-01',
      reason: 'x',
    }),
  );
  keep(cr.id);
  // targets and actuals
  for (const p of [east, south]) {
    const tg = await ok(admin.post('/v1/targets', { partnerId: p.id, period: '2026-Q3', metric: 'sales_amount', value: '1000' }));
    if (p === south) keep(tg.id);
  }
  const csv = [
    'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode',
    'E-1,2026-07-05,EP-1,TEA-1,3,300,C1,ZJ',
    'S-1,2026-07-05,SP-1,WINE-1,3,300,C1,JS',
    'S-2,2026-07-06,SP-1,WINE-1,1,100,C2,ZJ',
  ].join('\n');
  expect(
    (
      await t.app.inject({
        method: 'POST',
        url: '/v1/actuals/sell-through:import',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
        payload: csv,
      })
    ).statusCode,
  ).toBe(200);
  // the direct channel (issue 17): a sales rep in each region with a target and attributed sell-through. The SOUTH
  // rep's id, its target id and its distinctive sales amount are secrets (staff reads, rep targets, rep achievement and
  // rep scorecards are swept like the rest)
  for (const [code, unit, partner, product, territory] of [
    ['REP-E', 'EAST', 'EP-1', 'TEA-1', 'ZJ'],
    ['REP-S', 'SOUTH', 'SP-1', 'WINE-1', 'JS'],
  ] as const) {
    const rep = await ok(admin.post('/v1/organisation/staff', { code, name: code, post: 'sales_rep', orgUnit: unit }));
    const rt = await ok(admin.post('/v1/targets/reps', { rep: code, period: '2026-Q3', metric: 'sales_amount', value: '1000' }));
    const amount = code === 'REP-S' ? '123.4567' : '100';
    const line = `externalId,date,partnerCode,productCode,quantity,amount,territoryCode,repCode\n${code}-1,2026-07-07,${partner},${product},1,${amount},${territory},${code}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/actuals/sell-through:import',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      payload: line,
    });
    expect(res.json()).toMatchObject({ accepted: 1 });
    if (code === 'REP-S') {
      keep(rt.id);
      secrets.add('123.4567');
      label.set('123.4567', 'REP-S sales');
      keep(rep.id);
      label.set(rep.id, 'REP-S id');
      staffIds.repSouth = rep.id;
    }
  }
  // incentives: a statement line, an award, a rebate credit each
  for (const p of [east, south]) {
    const line = await ok(admin.post('/v1/incentives/statements/lines', { partnerId: p.id, period: '2026-Q3', amount: '100.00', reason: 'bonus' }));
    const award = await ok(admin.post('/v1/incentives/awards', { partnerId: p.id, period: '2026', title: 'Best' }));
    if (p === south) keep(line.statementId ?? line.id, award.id);
  }
  // evaluation: a template, manual values and a run over both
  await ok(admin.post('/v1/evaluations/templates', { code: 'T1', name: 'Scorecard', kpis: THREE_KPIS, gradeBands: GRADES }));
  await ok(
    admin.put('/v1/evaluations/manual-values', {
      values: [
        { partnerCode: 'EP-1', period: '2026-Q3', kpi: 'sat', value: '90' },
        { partnerCode: 'SP-1', period: '2026-Q3', kpi: 'sat', value: '80' },
      ],
    }),
  );
  const run = await ok(admin.post('/v1/evaluations/runs', { template: 'T1', period: '2026-Q3', allowDefaults: true }));
  pool.add(run.id);
  // an approval request on SP-1
  await ok(admin.put('/v1/organisation/approval-policies/credit_override', { measure: 'amount', steps: [{ post: 'finance' }] }));
  const ar = await ok(admin.post('/v1/organisation/approval-requests', { kind: 'credit_override', ref: 'ORDER-9', partner: 'SP-1', amount: '5' }));
  keep(ar.id);
  // statements (the ids the list answers)
  const st = await ok(admin.get(`/v1/incentives/statements?partnerId=${south.id}`));
  for (const x of st.data) keep(x.id);
});
afterAll(async () => t?.close());

type Op = { path: string; op: any };
const PERIODS = ['2026-Q3', '2026'];

/** every URL to try for one GET operation: path parameters from the pool, required query values, partner filters */
function urls(o: Op): string[] {
  const params: any[] = o.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name as string);
  const query = params.filter((p) => p.in === 'query');
  let paths = [o.path];
  for (const name of pathParams) {
    const values = name === 'kind' ? ['credit_override'] : name === 'versionNo' ? ['1'] : name === 'template' ? ['T1'] : [...pool];
    paths = paths.flatMap((p) => values.map((v) => p.replace(`{${name}}`, encodeURIComponent(v))));
  }
  const required = query.filter((q) => q.required);
  let queries: string[][] = [[]];
  for (const q of required) {
    const n = q.name as string;
    const values: string[] =
      q.schema?.enum ??
      (n === 'period'
        ? PERIODS
        : n === 'partner' || n === 'partnerId'
          ? [south.id, south.code]
          : n === 'product'
            ? ['WINE-1']
            : n === 'territory'
              ? ['JS']
              : n === 'against'
                ? [...pool]
                : ['x']);
    queries = queries.flatMap((qs) => values.map((v) => [...qs, `${n}=${encodeURIComponent(v)}`]));
  }
  // optional partner filters and formats: also with the SOUTH partner / every format
  const extra: string[][] = [];
  for (const q of query.filter((x) => !x.required)) {
    if (/^partner(Id)?$/.test(q.name)) extra.push([`${q.name}=${south.id}`], [`${q.name}=${south.code}`]);
    if (q.name === 'format' && q.schema?.enum) for (const f of q.schema.enum) extra.push([`format=${f}`]);
    if (q.name === 'mine') extra.push(['mine=true']);
    // staff and unit filters: the SOUTH account manager / rep / unit
    if (q.name === 'accountManager') extra.push([`accountManager=AM-SZ`], [`accountManager=${staffIds.amSouth}`]);
    if (q.name === 'rep') extra.push(['rep=REP-S'], [`rep=${staffIds.repSouth}`]);
    if (q.name === 'orgUnit') extra.push(['orgUnit=SOUTH']);
  }
  const out: string[] = [];
  for (const p of paths) for (const qs of queries) for (const e of [[], ...extra]) out.push(qs.length + e.length ? `${p}?${[...qs, ...e].join('&')}` : p);
  return out;
}

async function sweep(token: string, check: (url: string, status: number, body: string) => void) {
  const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  let calls = 0;
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    if (!item.get) continue;
    for (const url of urls({ path, op: item.get })) {
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      calls++;
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      check(`GET ${url} -> ${res.statusCode}`, res.statusCode, res.body);
    }
  }
  return calls;
}

const hits = (body: string) => [...secrets].filter((s) => body.includes(s));
/** leaks grouped by operation, for a readable failure */
function summary(leaks: { op: string; what: string[] }[]): string[] {
  const by = new Map<string, { n: number; what: Set<string>; first: string }>();
  for (const l of leaks) {
    const e = by.get(l.op) ?? { n: 0, what: new Set<string>(), first: '' };
    e.n++;
    l.what.forEach((w) => e.what.add(label.get(w) ?? w));
    by.set(l.op, e);
  }
  return [...by].map(([op, e]) => `${op} (${e.n} calls) leaks ${[...e.what].join(', ')}`);
}
/**
 * A leak: a SOUTH reference the caller did not send, or any SOUTH reference in a success (a read of a SOUTH record
 * must be 404, not 200). An error that echoes the id the caller sent ("deviation '…' was not found") is no leak.
 */
const leaked = (request: string, status: number, body: string) => hits(body).filter((s) => status < 300 || !request.includes(s));

describe('a regional manager with data scope org_subtree never sees partners outside their subtree', () => {
  it('REST: every GET operation (lists, reads, reports, exports) with every SOUTH reference', async () => {
    const leaks: { op: string; what: string[] }[] = [];
    const seesEast = new Set<string>();
    const calls = await sweep(rmToken, (url, status, body) => {
      const h = leaked(url, status, body);
      if (h.length) leaks.push({ op: url.split('?')[0]!.replace(/[0-9a-f-]{36}|SP-1/g, '*'), what: h });
      if (body.includes(east.id)) seesEast.add(url.split('?')[0]!);
    });
    expect(calls).toBeGreaterThan(300);
    expect(summary(leaks)).toEqual([]);
    expect(seesEast.size).toBeGreaterThan(10);
    // the probe reaches the data: a tenant admin without a data scope sees SOUTH records through many operations
    const reached = new Set<string>();
    await sweep(adminToken, (url, status, body) => {
      if (leaked(url, status, body).length) reached.add(url.split(' ->')[0]!.split('?')[0]!);
    });
    expect(reached.size).toBeGreaterThan(20);
  }, 600_000);

  it('GraphQL: every query field with every SOUTH reference in its ID/String arguments', async () => {
    const rm = t.client(rmToken);
    const intro = await admin.gql(
      `{ __schema { queryType { name } types { name kind fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } enumValues { name } } } }`,
    );
    const types = new Map<string, any>(intro.data.__schema.types.map((x: any) => [x.name, x]));
    const named = (ty: any): any => (ty.ofType ? named(ty.ofType) : ty);
    const selection = (typeName: string, depth: number): string => {
      const ty = types.get(typeName);
      if (!ty || !ty.fields) return '';
      const parts: string[] = [];
      for (const f of ty.fields) {
        if (f.args.some((a: any) => a.type.kind === 'NON_NULL')) continue;
        const n = named(f.type);
        if (n.kind === 'SCALAR' || n.kind === 'ENUM') parts.push(f.name);
        else if (depth < 2 && (n.kind === 'OBJECT' || n.kind === 'INTERFACE')) {
          const sub = selection(n.name, depth + 1);
          if (sub) parts.push(`${f.name} { ${sub} }`);
        }
      }
      return parts.join(' ');
    };
    const argValues = (a: any): unknown[] | undefined => {
      const n = named(a.type);
      if (n.kind === 'ENUM') return [types.get(n.name).enumValues[0].name];
      if (n.kind === 'INPUT_OBJECT') return undefined;
      if (n.name === 'Int') return [10];
      if (n.name === 'Boolean') return [true];
      if (n.name === 'Date') return ['2026-07-15'];
      if (a.name === 'period') return PERIODS;
      if (a.name === 'template') return ['T1'];
      if (a.name === 'product') return ['WINE-1'];
      if (a.name === 'territory') return ['JS'];
      return [...pool];
    };
    const fields = types.get(intro.data.__schema.queryType.name).fields as any[];
    const leaks: { op: string; what: string[] }[] = [];
    const reached: string[] = [];
    let calls = 0;
    for (const f of fields) {
      const required = f.args.filter((a: any) => a.type.kind === 'NON_NULL');
      const optionalPartner = f.args.filter((a: any) => a.type.kind !== 'NON_NULL' && /^partner(Id)?$/.test(a.name));
      let combos: Record<string, unknown>[] = [{}];
      let skip = false;
      for (const a of required) {
        const vs = argValues(a);
        if (!vs) {
          skip = true;
          break;
        }
        combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [a.name]: v })));
      }
      if (skip) continue;
      for (const a of optionalPartner) combos = [...combos, ...combos.map((c) => ({ ...c, [a.name]: south.id }))];
      const n = named(f.type);
      const sel = n.kind === 'OBJECT' ? `{ ${selection(n.name, 0)} }` : '';
      for (const c of combos) {
        const args = Object.entries(c).map(
          ([k, v]) => `${k}: ${typeof v === 'string' && named(f.args.find((a: any) => a.name === k).type).kind === 'ENUM' ? v : JSON.stringify(v)}`,
        );
        const q = `{ ${f.name}${args.length ? `(${args.join(', ')})` : ''} ${sel} }`;
        calls++;
        const res = await rm.gql(q);
        // data naming a SOUTH record the query did not name is a leak, and so is the SOUTH partner's id in any data (its
        // record was resolved); an echo of an id sent (an error, a field repeating an argument) is not
        const h = hits(JSON.stringify(res.data ?? null))
          .filter((s) => !q.includes(s) || s === south.id)
          .concat(hits(JSON.stringify(res.errors ?? null)).filter((s) => !q.includes(s)));
        if (h.length) leaks.push({ op: f.name, what: h });
        const ra = await admin.gql(q);
        if (hits(JSON.stringify(ra.data ?? null)).length) reached.push(f.name);
      }
    }
    expect(calls).toBeGreaterThan(100);
    expect(summary(leaks)).toEqual([]);
    expect(new Set(reached).size).toBeGreaterThan(10);
  }, 600_000);

  it('tenant-side writes on an out-of-scope partner answer 404; in scope they work', async () => {
    const rm = t.client(rmToken);
    expect((await rm.patch(`/v1/partners/${south.id}`, { legalName: 'hijack' })).statusCode).toBe(404);
    expect(
      (
        await rm.post('/v1/policy/deviations', {
          partner: south.id,
          product: 'WINE-1',
          price: '70',
          validFrom: '2026-05-01',
          validTo: '2026-05-31',
          reason: 'x',
        })
      ).statusCode,
    ).toBe(404);
    expect((await rm.post('/v1/organisation/ownership', { partner: 'SP-1', orgUnit: 'EAST', validFrom: '2026-09-01' })).statusCode).toBe(404);
    expect((await rm.post(`/v1/partners/${south.id}:suspend`, { reason: 'x' })).statusCode).toBe(404);
    expect((await rm.patch(`/v1/partners/${east.id}`, { legalName: 'EP-1 Trading' })).statusCode).toBe(200);
    // a scoped credential cannot widen its own scope, mint an unscoped API key, or read the tenant-wide feeds
    expect(
      (await rm.put('/v1/organisation/staff/by-code/RM-EAST', { name: 'RM', post: 'regional_manager', subjects: ['rm-east'], dataScope: 'all' })).statusCode,
    ).toBe(403);
    expect((await rm.post('/v1/api-keys', { name: 'escape', scopes: ['admin'] })).statusCode).toBe(403);
    expect((await rm.get('/v1/audit')).statusCode).toBe(403);
    expect((await admin.get('/v1/organisation/staff/by-code/RM-EAST')).data.dataScope).toBe('org_subtree');
    // an ownership change applies to the next request (the resolved scopes of the tenant are dropped at commit)
    expect((await rm.get(`/v1/partners/${south.id}`)).statusCode).toBe(404);
    await assignOwner(admin, 'SP-1', 'EAST', null, new Date().toISOString().slice(0, 10));
    expect((await rm.get(`/v1/partners/${south.id}`)).statusCode).toBe(200);
    // a portfolio account manager sees the partners they own, nothing else
    const am = t.client(await t.token({ sub: 'am-sh', scope: 'admin' }));
    expect((await am.get('/v1/partners')).data.data.map((p: any) => p.id)).toEqual([east.id]);
    // staff without a data scope (the channel director) and unlinked tokens see everything, as before
    const cd = t.client(await t.token({ sub: 'cd', scope: 'admin' }));
    expect((await cd.get('/v1/partners')).data.data.map((p: any) => p.id).sort()).toEqual([east.id, south.id].sort());
    expect((await admin.get(`/v1/partners/${south.id}`)).statusCode).toBe(200);
  });

  it('staff: a scoped credential sees the staff of its org subtree (itself included), portfolio only itself; the org tree is whole', async () => {
    const codes = async (c: Client, q = '') => ((await c.get(`/v1/organisation/staff${q}`)).data.data as any[]).map((x) => x.code).sort();
    const rm = t.client(rmToken);
    const am = t.client(await t.token({ sub: 'am-sh', scope: 'admin' }));
    const cd = t.client(await t.token({ sub: 'cd', scope: 'admin' }));
    expect(await codes(rm)).toEqual(['AM-SH', 'REP-E', 'RM-EAST']);
    expect(await codes(rm, '?post=regional_manager')).toEqual(['RM-EAST']);
    expect(await codes(rm, '?orgUnit=SOUTH')).toEqual([]);
    expect(await codes(am)).toEqual(['AM-SH']);
    expect(await codes(cd)).toEqual(['AM-SH', 'AM-SZ', 'CD', 'REP-E', 'REP-S', 'RM-EAST', 'RM-SOUTH']);
    // single reads outside the scope are 404 (by id and by code), in it 200; GraphQL answers null / omits them
    expect((await rm.get('/v1/organisation/staff/by-code/RM-SOUTH')).statusCode).toBe(404);
    expect((await rm.get('/v1/organisation/staff/by-code/CD')).statusCode).toBe(404);
    expect((await rm.get('/v1/organisation/staff/by-code/AM-SH')).statusCode).toBe(200);
    expect((await am.get('/v1/organisation/staff/by-code/RM-EAST')).statusCode).toBe(404);
    expect((await am.get('/v1/organisation/staff/me')).data.code).toBe('AM-SH');
    const south = (await admin.get('/v1/organisation/staff/by-code/RM-SOUTH')).data;
    expect((await rm.get(`/v1/organisation/staff/${south.id}`)).statusCode).toBe(404);
    expect((await cd.get(`/v1/organisation/staff/${south.id}`)).statusCode).toBe(200);
    const g = await rm.gql(`{ a: staffMember(id: "${south.id}") { code } b: staffMember(id: "AM-SH") { code } staffMembers(first: 50) { nodes { code } } }`);
    expect(g.data.a).toBeNull();
    expect(g.data.b).toEqual({ code: 'AM-SH' });
    expect(g.data.staffMembers.nodes.map((n: any) => n.code).sort()).toEqual(['AM-SH', 'REP-E', 'RM-EAST']);
    // the org tree is structure, not data: every unit is listed for a scoped credential
    const units = ((await rm.get('/v1/organisation/units')).data.data as any[]).map((u) => u.code).sort();
    expect(units).toEqual(['EAST', 'EAST-SH', 'HQ', 'SOUTH']);
  });

  it('staff filters: a member outside the scope answers exactly as an unknown one (400 naming the filter), one inside filters', async () => {
    const rm = t.client(rmToken);
    const problem = async (url: string) => {
      const r = await rm.get(url);
      expect(r.statusCode, r.body).toBe(400);
      return r.data.errors.map((e: any) => `${e.path}: ${e.message}`);
    };
    // an account manager of SOUTH, by code and by id, against one that does not exist
    expect(await problem('/v1/organisation/ownership?accountManager=AM-SZ')).toEqual(["accountManager: no staff member 'AM-SZ'"]);
    expect(await problem(`/v1/organisation/ownership?accountManager=${staffIds.amSouth}`)).toEqual([`accountManager: no staff member '${staffIds.amSouth}'`]);
    expect(await problem('/v1/organisation/ownership?accountManager=AM-NONE')).toEqual(["accountManager: no staff member 'AM-NONE'"]);
    // a rep of SOUTH, by code and by id, against one that does not exist
    expect(await problem('/v1/targets/reps?rep=REP-S')).toEqual(["rep: no sales rep 'REP-S'"]);
    expect(await problem(`/v1/targets/reps?rep=${staffIds.repSouth}`)).toEqual([`rep: no sales rep '${staffIds.repSouth}'`]);
    expect(await problem('/v1/targets/reps?rep=REP-NONE')).toEqual(["rep: no sales rep 'REP-NONE'"]);
    // in scope the filters work; without a data scope the SOUTH ones do too
    expect((await rm.get('/v1/organisation/ownership?accountManager=AM-SH')).statusCode).toBe(200);
    expect((await rm.get('/v1/targets/reps?rep=REP-E')).statusCode).toBe(200);
    expect((await admin.get('/v1/organisation/ownership?accountManager=AM-SZ')).statusCode).toBe(200);
    const south = await admin.get('/v1/targets/reps?rep=REP-S');
    expect(south.statusCode).toBe(200);
    expect(south.data.data.length).toBeGreaterThan(0);
  });
});
