/**
 * An import whose database connections are killed between batches (PostgreSQL only): the sell-through import
 * route, a file of several 20,000-row batches, and the backends killed with pg_terminate_backend from a separate
 * admin connection at a moment the test makes deterministic. The admin connection holds the stream's advisory lock
 * (the one every batch's write takes after its staging): batch 1 is staged and waits for the lock inside its
 * statement, batch 2 is staged on the second connection and waits for its turn (idle in transaction), and with a
 * pool of two connections a concurrent request waits for a connection. Then backends are killed and the lock
 * released.
 *
 * Before the fix this hung for good: postgres.js lost the reservation waiting when a connection closed (never
 * resolved nor rejected), and a statement sent on the reserved connection killed while idle never settled. Now the
 * import answers promptly with a 503 DATABASE_UNAVAILABLE problem that says what it committed (exactly what the
 * database holds), the waiting request is served, the totals of the committed batches are applied, and the pool
 * serves the next import.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminConnection, setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { createPartner, seedCatalog } from '../helpers/target.js';

/** a response later than this is a hang */
const BOUND_MS = 15_000;
/** the spec's batch size on PostgreSQL */
const BATCH = 20_000;
const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

let t: TestApp;
let client: Client;
let token: string;
let admin: postgres.Sql;

const csv = (prefix: string, rows: number) => {
  const lines = [HEADER];
  for (let i = 1; i <= rows; i++) lines.push(`${prefix}-${String(i).padStart(6, '0')},2026-01-15,IO1,IOS1,1,10.00,C${i % 100},IOT1`);
  return lines.join('\n') + '\n';
};

const within = <T>(p: Promise<T>, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${BOUND_MS} ms (hung)`)), BOUND_MS).unref()),
  ]);

const waitFor = async (what: string, check: () => Promise<boolean> | boolean) => {
  const until = Date.now() + BOUND_MS;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** the app's backends (not the admin connection) */
const backends = () =>
  admin<{ pid: number; state: string; wait: string | null; query: string }[]>`
    select pid, state, wait_event_type as wait, query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;

const LOCK = "hashtext('target:t1:sell-through')";
/** the last statement of a sell-through batch's staging (target.ingest.ts PRICE_STAGE) */
const STAGED = /_price_stage/;

describe.skipIf(inject('testDb').kind !== 'postgres')('an import whose connections are killed between batches (PostgreSQL)', () => {
  beforeAll(async () => {
    // two connections: the import's two batches hold both, so a third request waits for a connection; a lock wait
    // far longer than the test needs (the default 5 s would end batch 1 on its own on a loaded machine)
    t = await setupTestApp({ database: { poolMax: 2, lockTimeoutMs: 60_000 } });
    token = await t.token();
    client = t.client(token);
    await createPartner(client, 'IO1');
    await seedCatalog(t, 't1', { products: [{ code: 'IOS1' }], territories: [{ code: 'IOT1' }] });
    admin = await adminConnection(t);
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  const facts = async (prefix: string) =>
    (
      await admin<{ n: number; first: string | null; last: string | null }[]>`
        select count(*)::int as n, min(external_id) as first, max(external_id) as last from sell_through_lines
        where tenant_id = 't1' and external_id like ${prefix + '-%'}`
    )[0]!;

  /**
   * Starts a 3-batch import (plus a few rows) with the stream's lock held, waits until batch 1 waits for the lock
   * and batch 2 is staged and idle, starts a partner write (waiting for a connection), kills `victims`, releases
   * the lock; answers the import's and the partner write's responses.
   */
  async function importKilled(prefix: string, victims: 'staged batch' | 'all') {
    await admin.unsafe(`select pg_advisory_lock(${LOCK})`);
    let locked = true;
    try {
      // sent now (an inject is sent when it is awaited)
      const importing = Promise.resolve(
        t.app.inject({
          method: 'POST',
          url: '/v1/actuals/sell-through:import',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
          payload: csv(prefix, 3 * BATCH + 5),
        }),
      );
      // batch 1 inside its statement waiting for the lock, batch 2 staged waiting for its turn: its last staging
      // statement done, the price verdicts' (a sell-through batch's staging ends with them: no price list here, so
      // the creation of their empty table)
      await waitFor('batch 1 waiting for the lock and batch 2 staged', async () => {
        const b = await backends();
        return b.some((x) => x.wait === 'Lock') && b.some((x) => x.state === 'idle in transaction' && STAGED.test(x.query));
      });
      // (not through the contract-checking client: while every connection is being killed a 503 is a right answer)
      const partner = Promise.resolve(
        t.app.inject({
          method: 'POST',
          url: '/v1/partners',
          headers: { authorization: `Bearer ${token}` },
          payload: { code: `${prefix}-P`, legalName: `${prefix} Ltd.`, type: 'dealer' },
        }),
      );
      await waitFor('the partner write waiting for a connection', () => t.database.poolUse.waiting > 0);
      const killed = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
          and (${victims === 'all'} or (state = 'idle in transaction' and query ~ ${STAGED.source}))`;
      expect(killed.length).toBe(victims === 'all' ? 2 : 1);
      for (const { pid } of killed) await admin`select pg_terminate_backend(${pid})`;
      await waitFor('the killed backends gone', async () => !(await backends()).some((b) => killed.some((k) => k.pid === b.pid)));
      await admin.unsafe(`select pg_advisory_unlock(${LOCK})`);
      locked = false;

      return { importing: await within(importing, 'the import'), partner: await within(partner, 'the partner write') };
    } finally {
      if (locked) await admin.unsafe(`select pg_advisory_unlock(${LOCK})`);
    }
  }

  const expectOutage = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    expect(res.statusCode, res.body).toBe(503);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBeTruthy();
    const problem = JSON.parse(res.body) as { code: string; committed: Record<string, number> };
    expect(problem.code).toBe('DATABASE_UNAVAILABLE');
    return problem;
  };

  /** no pending deltas left and the monthly totals equal the facts: the committed batches' totals were applied */
  const totalsApplied = async () => {
    const [r] = await admin<{ pending: number; facts: string | null; totals: string | null }[]>`
      select (select count(*)::int from actual_pending_deltas where tenant_id = 't1') as pending,
             (select sum(amount)::text from sell_through_lines where tenant_id = 't1') as facts,
             (select sum(amount)::text from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through') as totals`;
    expect(r!.pending).toBe(0);
    expect(r!.totals).toBe(r!.facts);
  };

  /** the pool serves an import again (every connection the failed one held was released or dropped) */
  const nextImportWorks = async (prefix: string) => {
    const res = await within(
      t.app.inject({
        method: 'POST',
        url: '/v1/actuals/sell-through:import',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: csv(prefix, 10),
      }),
      'the next import',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ accepted: 10, created: 10 });
    await waitFor('no connection held', () => t.database.poolUse.inUse === 0);
  };

  it('the staged batch’s connection killed while it waits for its turn: 503 after batch 1 committed, saying so', async () => {
    const started = Date.now();
    const { importing, partner } = await importKilled('IOA', 'staged batch');
    expect(Date.now() - started).toBeLessThan(2 * BOUND_MS);
    const problem = expectOutage(importing);
    // batch 1 (lines 2-20001) committed, batch 2 lost with its connection, nothing after it
    expect(problem.committed).toEqual({ throughLine: BATCH + 1, accepted: BATCH, created: BATCH, updated: 0, unchanged: 0 });
    expect(await facts('IOA')).toEqual({ n: BATCH, first: 'IOA-000001', last: `IOA-${String(BATCH).padStart(6, '0')}` });
    // the request that waited for a connection when one closed is served
    expect(partner.statusCode, partner.body).toBe(201);
    await totalsApplied();
    await nextImportWorks('IOA2');
  }, 60_000);

  it('both connections killed (batch 1 inside its statement): 503 with nothing committed', async () => {
    const { importing, partner } = await importKilled('IOB', 'all');
    const problem = expectOutage(importing);
    expect(problem.committed).toEqual({ throughLine: 0, accepted: 0, created: 0, updated: 0, unchanged: 0 });
    expect((await facts('IOB')).n).toBe(0);
    // it waited for a connection while every connection was killed: served, or a retryable 503, never a hang
    expect([201, 503], partner.body).toContain(partner.statusCode);
    await totalsApplied();
    await nextImportWorks('IOB2');
  }, 60_000);
});
