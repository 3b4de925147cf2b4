import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { countRows, makePartner, makeProgram, rebateRules } from '../helpers/incentive.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);

describe('programs', () => {
  it('creates a draft rebate program, reads it back, and walks draft -> active -> closed', async () => {
    const p = await makeProgram(admin, 'RB-1', { eligibility: { partnerTypes: ['distributor'] } });
    expect(p).toMatchObject({ code: 'RB-1', status: 'draft', version: 1, currency: 'CNY', base: { metric: 'sell_in_amount' } });
    expect(p.rules.tiers).toHaveLength(3);
    const act = await admin.post(`/v1/incentives/programs/${p.id}/activate`);
    expect(act.statusCode).toBe(200);
    expect(act.data).toMatchObject({ status: 'active', version: 2 });
    const again = await admin.post(`/v1/incentives/programs/${p.id}/activate`);
    expect(again.statusCode).toBe(409);
    expect(again.data.code).toBe('ILLEGAL_TRANSITION');
    expect((await admin.post(`/v1/incentives/programs/${p.id}/close`)).data.status).toBe('closed');
    const edit = await admin.patch(`/v1/incentives/programs/${p.id}`, { name: 'changed' });
    expect(edit.statusCode).toBe(409);
    expect((await admin.get(`/v1/incentives/programs/${p.id}`)).data.name).toBe('RB-1 program');
    expect(await countRows(t, 'events', `resource_id = '${p.id}' and type = 'incentive_program.activated'`)).toBe(1);
  });

  it('refuses an invalid rule set naming every field, and stores nothing', async () => {
    const before = await countRows(t, 'incentive_programs');
    const res = await admin.post('/v1/incentives/programs', {
      code: 'BAD-1',
      name: 'bad',
      type: 'rebate',
      granularity: 'month',
      rules: {
        mode: 'whole',
        tiers: [
          { threshold: '100', rate: '1' },
          { threshold: '50', rate: '101' },
          { threshold: '50', amount: '3' },
          { threshold: 12, rate: '1' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.data.code).toBe('VALIDATION_FAILED');
    const paths = res.data.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('body.rules.tiers.3.threshold'); // a number, not a decimal string
    expect(await countRows(t, 'incentive_programs')).toBe(before);
    const semantic = await admin.post('/v1/incentives/programs', {
      code: 'BAD-2',
      name: 'bad',
      type: 'rebate',
      granularity: 'month',
      rules: {
        mode: 'whole',
        tiers: [
          { threshold: '100', rate: '1' },
          { threshold: '50', rate: '101' },
          { threshold: '50', rate: '3' },
        ],
      },
    });
    expect(semantic.statusCode).toBe(400);
    const byPath = Object.fromEntries(semantic.data.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    expect(byPath['body.rules.tiers.1.threshold']).toMatch(/ascending/);
    expect(byPath['body.rules.tiers.1.rate']).toMatch(/between 0 and 100/);
    expect(byPath['body.rules.tiers.2.threshold']).toMatch(/duplicate/);
    expect(await countRows(t, 'incentive_programs')).toBe(before);
  });

  it('versions edits with optimistic concurrency and rejects a duplicate code', async () => {
    const p = await makeProgram(admin, 'RB-VER');
    const act = await makeProgram(admin, 'RB-FIXED');
    await admin.post(`/v1/incentives/programs/${act.id}/activate`);
    const cur = await admin.patch(`/v1/incentives/programs/${act.id}`, { currency: 'USD' });
    expect(cur.statusCode).toBe(409); // currency and granularity are fixed once active
    expect(cur.data.errors[0].path).toBe('currency');
    const ok = await admin.patch(`/v1/incentives/programs/${p.id}`, { rules: rebateRules('marginal'), version: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.data).toMatchObject({ version: 2, rules: { mode: 'marginal' } });
    expect((await admin.patch(`/v1/incentives/programs/${p.id}`, { name: 'x', version: 1 })).statusCode).toBe(409);
    expect((await admin.patch(`/v1/incentives/programs/${p.id}`, { name: 'x' }, { 'if-match': 'W/"1"' })).statusCode).toBe(412);
    const bad = await admin.patch(`/v1/incentives/programs/${p.id}`, { rules: { tiers: [{ threshold: '0', rate: '150' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors[0].path).toMatch(/rules\.tiers\.0\.rate$/);
    expect(
      (await makeProgram(admin, 'RB-DUP'),
      (await admin.post('/v1/incentives/programs', { code: 'RB-DUP', name: 'x', type: 'rebate', granularity: 'year', rules: rebateRules() })).statusCode),
    ).toBe(409);
  });

  it('needs incentives:write to create and incentives:read to list', async () => {
    const reader = t.client(await t.token({ scope: 'incentives:read' }));
    expect((await reader.get('/v1/incentives/programs')).statusCode).toBe(200);
    expect((await reader.post('/v1/incentives/programs', { code: 'X', name: 'x', type: 'rebate', granularity: 'year', rules: rebateRules() })).statusCode).toBe(
      403,
    );
    const none = t.client(await t.token({ scope: 'partners:read' }));
    expect((await none.get('/v1/incentives/programs')).statusCode).toBe(403);
  });

  it('GraphQL creates a program and reports rule errors with the same code', async () => {
    const ok = await admin.gql(`mutation($i: CreateIncentiveProgramInput!) { createIncentiveProgram(input: $i) { id code type status rules } }`, {
      i: {
        code: 'GQL-1',
        name: 'gql',
        type: 'target_bonus',
        granularity: 'year',
        rules: { basis: 'achievement', mode: 'whole', tiers: [{ threshold: '100', amount: '5000' }] },
      },
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createIncentiveProgram).toMatchObject({ code: 'GQL-1', type: 'target_bonus', status: 'draft', rules: { basis: 'achievement' } });
    const bad = await admin.gql(`mutation($i: CreateIncentiveProgramInput!) { createIncentiveProgram(input: $i) { id } }`, {
      i: { code: 'GQL-2', name: 'gql', type: 'points', granularity: 'year', rules: { tiers: [{ threshold: '0', rate: '1' }] } },
    });
    expect(bad.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0].extensions.errors[0].path).toBe('rules.pointsPerUnit');
  });
});

describe('statements, approval, payment and the rebate account', () => {
  let partner: string;
  let other: string;
  let program: any;
  let statementId: string;

  beforeAll(async () => {
    partner = await makePartner(admin, 'ST-P1');
    other = await makePartner(admin, 'ST-P2');
    program = await makeProgram(admin, 'ST-RB');
  });

  it('groups manual lines on one draft statement whose total is exactly the sum of lines', async () => {
    const a = await admin.post('/v1/incentives/statements/lines', {
      partnerId: partner,
      period: '2026-Q1',
      amount: '1000.10',
      reason: 'Q1 rebate',
      programId: program.id,
    });
    expect(a.statusCode).toBe(201);
    const b = await admin.post('/v1/incentives/statements/lines', {
      partnerId: partner,
      period: '2026-Q1',
      amount: '-200.60',
      reason: 'correction',
      programId: program.id,
    });
    expect(b.data.statementId).toBe(a.data.statementId);
    const c = await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period: '2026-Q1', amount: '0.05', reason: 'rounding gift' });
    expect(c.data.statementId).toBe(a.data.statementId); // same partner, period and currency (CNY)
    statementId = a.data.statementId;
    const st = await admin.get(`/v1/incentives/statements/${statementId}`);
    expect(st.statusCode).toBe(200);
    // 1000.10 - 200.60 + 0.05 = 799.55
    expect(st.data).toMatchObject({ status: 'draft', unit: 'CNY', total: '799.55', partnerId: partner, period: '2026-Q1' });
    expect(st.data.lines.map((l: { amount: string }) => l.amount)).toEqual(['1000.10', '-200.60', '0.05']);
    const cents = await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period: '2026-Q1', amount: '1.005', reason: 'x' });
    expect(cents.statusCode).toBe(400); // CNY has 2 decimals: refused, never rounded silently
    expect(cents.data.errors[0].path).toBe('amount');
    const bad = await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period: '2026-Q5', amount: '1.001', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.period', 'body.reason']));
  });

  it('approves exactly once under concurrent requests and accrues the rebate lines', async () => {
    const approver = t.client(await t.token({ scope: 'incentives:approve incentives:read' }));
    const writer = t.client(await t.token({ scope: 'incentives:write' }));
    expect((await writer.post(`/v1/incentives/statements/${statementId}/approve`)).statusCode).toBe(403);
    const results = await Promise.all(Array.from({ length: 5 }, () => approver.post(`/v1/incentives/statements/${statementId}/approve`)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409]);
    expect(results.find((r) => r.statusCode === 409)!.data.code).toBe('ILLEGAL_TRANSITION');
    expect(await countRows(t, 'events', `resource_id = '${statementId}' and type = 'statement.approved'`)).toBe(1);
    // rebate-program lines only: 1000.10 - 200.60 = 799.50 accrued (the 0.05 line has no program)
    const bal = await admin.get(`/v1/incentives/rebate-accounts/${partner}`);
    expect(bal.data).toMatchObject({ accrued: '799.50', available: '0.00', currency: 'CNY' });
    expect(await countRows(t, 'rebate_ledger', `partner_id = '${partner}' and kind = 'accrue'`)).toBe(1);
    // the event says the same amount at the currency's minor unit (it once said "799.5")
    const ev = await admin.get('/v1/events?types=statement.approved&limit=50');
    const approved = ev.data.data.find((e: { resourceId: string }) => e.resourceId === statementId);
    expect(approved.payload.rebateAccrued).toBe('799.50');
  });

  it('an approved statement takes no new lines: they open a new draft', async () => {
    const line = await admin.post('/v1/incentives/statements/lines', { partnerId: partner, period: '2026-Q1', amount: '10', reason: 'late bonus' });
    expect(line.data.statementId).not.toBe(statementId);
    expect((await admin.get(`/v1/incentives/statements/${statementId}`)).data.total).toBe('799.55');
  });

  it('pays exactly once with a payment reference and makes the accrued rebate available', async () => {
    const unpaid = await admin.post(`/v1/incentives/statements/${statementId}/pay`, {});
    expect(unpaid.statusCode).toBe(400); // paymentReference required
    const results = await Promise.all(
      ['PAY-1', 'PAY-2', 'PAY-3'].map((ref) => admin.post(`/v1/incentives/statements/${statementId}/pay`, { paymentReference: ref })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    const st = (await admin.get(`/v1/incentives/statements/${statementId}`)).data;
    expect(st.status).toBe('paid');
    expect(['PAY-1', 'PAY-2', 'PAY-3']).toContain(st.paymentReference);
    expect(await countRows(t, 'events', `resource_id = '${statementId}' and type = 'statement.paid'`)).toBe(1);
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data).toMatchObject({ accrued: '0.00', available: '799.50' });
  });

  it('spends concurrently without overdrawing, idempotent by orderRef', async () => {
    // available 799.50; five spends of 200 -> exactly three fit (600), 199.50 stays
    const spends = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '200', orderRef: `SO-${i}` })),
    );
    expect(spends.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 409, 409]);
    const refused = spends.find((r) => r.statusCode === 409)!;
    expect(refused.data.detail).toMatch(/Insufficient available rebate/);
    const bal = (await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data;
    expect(bal).toMatchObject({ available: '199.50', spent: '600.00' });
    const won = spends.find((r) => r.statusCode === 201)!;
    const replay = await admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '200', orderRef: won.data.entry.orderRef });
    expect(replay.statusCode).toBe(200);
    expect(replay.data).toMatchObject({ replayed: true, entry: { id: won.data.entry.id } });
    const clash = await admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '5', orderRef: won.data.entry.orderRef });
    expect(clash.statusCode).toBe(409);
    // Idempotency-Key replays the first response
    const k1 = await admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '9.50', orderRef: 'SO-K' }, { 'idempotency-key': 'k-spend-1' });
    const k2 = await admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '9.50', orderRef: 'SO-K' }, { 'idempotency-key': 'k-spend-1' });
    expect(k1.statusCode).toBe(201);
    expect(k2.statusCode).toBe(201);
    expect(k2.data.entry.id).toBe(k1.data.entry.id);
    // 199.50 - 9.50 = 190.00
    expect((await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data.available).toBe('190.00');
    // at most 10% of a 1000 order = 100
    const sub = await admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '0.005', orderRef: 'SO-SUB' });
    expect(sub.statusCode).toBe(400); // below a cent: refused
    const share = await admin.post(`/v1/incentives/rebate-accounts/${partner}/spend`, {
      amount: '100.01',
      orderRef: 'SO-10P',
      orderAmount: '1000',
      maxPercent: '10',
    });
    expect(share.statusCode).toBe(422);
  });

  it('keeps an append-only ledger with a balance as of any date', async () => {
    const past = (await admin.get(`/v1/incentives/rebate-accounts/${partner}?asOf=${yesterday()}`)).data;
    expect(past).toMatchObject({ asOf: yesterday(), accrued: '0.00', available: '0.00', spent: '0.00' });
    const now = (await admin.get(`/v1/incentives/rebate-accounts/${partner}?asOf=${today()}`)).data;
    const current = (await admin.get(`/v1/incentives/rebate-accounts/${partner}`)).data;
    expect({ ...now, asOf: null }).toEqual(current);
    // accrue 799.50, release 799.50, 3 x spend 200, spend 9.50 = 6 entries
    const ledger = (await admin.get(`/v1/incentives/rebate-accounts/${partner}/ledger?limit=50`)).data.data;
    expect(ledger.map((e: { kind: string }) => e.kind).sort()).toEqual(['accrue', 'release', 'spend', 'spend', 'spend', 'spend']);
    const expire = await admin.post(`/v1/incentives/rebate-accounts/${partner}/entries`, { kind: 'expire', amount: '190.01', reason: 'year end' });
    expect(expire.statusCode).toBe(409);
    const ok = await admin.post(`/v1/incentives/rebate-accounts/${partner}/entries`, { kind: 'expire', amount: '90', reason: 'year end' });
    expect(ok.data.balance).toMatchObject({ available: '100.00', expired: '90.00' });
  });

  it('confines partner tokens to their own statements and account; spending needs rebates:spend', async () => {
    const mine = t.client(await t.token({ scope: 'incentives:read', partner }));
    const list = (await mine.get('/v1/incentives/statements')).data.data;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((s: { partnerId: string }) => s.partnerId === partner)).toBe(true);
    await admin.post('/v1/incentives/statements/lines', { partnerId: other, period: '2026-Q1', amount: '5', reason: 'x' });
    const otherSt = (await admin.get(`/v1/incentives/statements?partnerId=${other}`)).data.data[0];
    expect((await mine.get(`/v1/incentives/statements/${otherSt.id}`)).statusCode).toBe(404);
    expect((await mine.get(`/v1/incentives/rebate-accounts/${partner}`)).statusCode).toBe(200);
    expect((await mine.get(`/v1/incentives/rebate-accounts/${other}`)).statusCode).toBe(404);
    expect((await mine.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '1', orderRef: 'P-1' })).statusCode).toBe(403);
    const spender = t.client(await t.token({ scope: 'incentives:read rebates:spend', partner }));
    expect((await spender.post(`/v1/incentives/rebate-accounts/${other}/spend`, { amount: '1', orderRef: 'P-2' })).statusCode).toBe(404);
    const own = await spender.post(`/v1/incentives/rebate-accounts/${partner}/spend`, { amount: '1', orderRef: 'P-3' });
    expect(own.statusCode).toBe(201);
    expect(own.data.balance.available).toBe('99.00'); // 100.00 - 1
  });

  it('exports statement lines as CSV and JSON', async () => {
    const json = await admin.get('/v1/incentives/statements/export.json?period=2026-Q1&status=paid');
    expect(json.statusCode).toBe(200);
    expect(json.data.data.map((r: { amount: string }) => r.amount)).toEqual(['1000.10', '-200.60', '0.05']);
    expect(json.data.data[0]).toMatchObject({ partnerCode: 'ST-P1', statementTotal: '799.55', programCode: 'ST-RB', status: 'paid' });
    const csv = await admin.get('/v1/incentives/statements/export.csv?period=2026-Q1&status=paid');
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toBe('statement_id,partner_id,partner_code,period,unit,status,statement_total,payment_reference,line_id,kind,program_code,amount,reason');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain(',-200.60,correction');
  });

  it('GraphQL reads statements with lines and programs in a bounded number of statements', async () => {
    for (let i = 0; i < 4; i++) {
      const p = await makePartner(admin, `GQ-${i}`);
      await admin.post('/v1/incentives/statements/lines', { partnerId: p, period: '2026-Q2', amount: `${i + 1}.25`, reason: 'gql', programId: program.id });
    }
    const before = t.database.statements;
    const res = await admin.gql(`{ incentiveStatements(period: "2026-Q2", first: 10) { nodes { total unit lines { amount kind program { code } } } } }`);
    const used = t.database.statements - before;
    expect(res.errors).toBeUndefined();
    expect(res.data.incentiveStatements.nodes.map((n: { total: string }) => n.total).sort()).toEqual(['1.25', '2.25', '3.25', '4.25']);
    expect(res.data.incentiveStatements.nodes[0].lines[0].program.code).toBe('ST-RB');
    expect(used).toBeLessThanOrEqual(4); // list + lines + programs (+ auth/idempotency none for reads)
    const st = res.data.incentiveStatements.nodes.length;
    expect(st).toBe(4);
    const approve = await admin.gql(`mutation($id: ID!) { approveIncentiveStatement(id: $id) { status } }`, { id: statementId });
    expect(approve.errors?.[0].extensions.code).toBe('ILLEGAL_TRANSITION');
    const bal = await admin.gql(
      `query($p: ID!) { rebateBalance(partnerId: $p) { available spent expired } rebateLedger(partnerId: $p, first: 2) { nodes { kind amount orderRef } pageInfo { hasNextPage } } }`,
      { p: partner },
    );
    expect(bal.data.rebateBalance).toEqual({ available: '99.00', spent: '610.50', expired: '90.00' }); // 600 + 9.50 + 1
    expect(bal.data.rebateLedger.nodes).toEqual([
      { kind: 'spend', amount: '1.00', orderRef: 'P-3' },
      { kind: 'expire', amount: '90.00', orderRef: null },
    ]);
    expect(bal.data.rebateLedger.pageInfo.hasNextPage).toBe(true);
  });
});

describe('recognition', () => {
  it('grants an award manually and lists it per partner', async () => {
    const p = await makePartner(admin, 'AW-1');
    const res = await admin.post('/v1/incentives/awards', { partnerId: p, period: '2026', title: 'Distributor of the year', citation: 'Best growth' });
    expect(res.statusCode).toBe(201);
    expect(res.data).toMatchObject({ partnerId: p, title: 'Distributor of the year', rank: null });
    const list = await admin.get(`/v1/incentives/awards?partnerId=${p}`);
    expect(list.data.data).toHaveLength(1);
    const notRecognition = await makeProgram(admin, 'AW-RB');
    const bad = await admin.post('/v1/incentives/awards', { partnerId: p, period: '2026', title: 'x', programId: notRecognition.id });
    expect(bad.statusCode).toBe(400);
    const gql = await admin.gql(`query($p: ID!) { recognitionAwards(partnerId: $p) { nodes { title period } } }`, { p });
    expect(gql.data.recognitionAwards.nodes).toEqual([{ title: 'Distributor of the year', period: '2026' }]);
  });
});
