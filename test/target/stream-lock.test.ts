/**
 * A stream's writers wait for each other (PostgreSQL only): an import's batch waits for the stream's lock for at least
 * 25 s whatever the session's lock_timeout, since the lock's holder is another writer of the stream doing bounded work
 * (an apply slice of the totals-pending sweep took longer than the default 5 s on a loaded machine and made a running
 * 1M-row import fail with 503 lock_timeout). Here the session's lock_timeout is 300 ms and another connection holds
 * the lock for 1.5 s: the import waits, then answers 200 with every row; the rest of its transaction keeps the
 * session's 300 ms. The totals have a lock of their own, which batches do not take: an import's deltas applied in the
 * background wait for it while the import's next batches are written; one that fails is told to the caller (the
 * server logs it) and its rows are applied after the last batch.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemActor } from '../../src/platform/actor.js';
import { runImport } from '../../src/platform/imports.js';
import type { Store } from '../../src/platform/store.js';
import { factImportSpec, lockStream } from '../../src/modules/target/target.ingest.js';
import { adminConnection, setupTestApp, type TestApp } from '../helpers/app.js';
import { createPartner, seedCatalog } from '../helpers/target.js';

const HEADER = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode';

describe.skipIf(inject('testDb').kind !== 'postgres')("an import and another writer holding the stream's lock (PostgreSQL)", () => {
  let t: TestApp;
  let token: string;
  let admin: postgres.Sql;
  beforeAll(async () => {
    t = await setupTestApp({ database: { lockTimeoutMs: 300 } });
    token = await t.token();
    await createPartner(t.client(token), 'SL1');
    await seedCatalog(t, 't1', { products: [{ code: 'SLS1' }], territories: [{ code: 'SLT1' }] });
    admin = await adminConnection(t);
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  it('waits past the session lock_timeout for the lock, then imports every row; the lock_timeout is put back after', async () => {
    const rows = [HEADER, ...Array.from({ length: 50 }, (_, i) => `SL-${i},2026-02-10,SL1,SLS1,1,10.00,C${i},SLT1`)].join('\n') + '\n';
    await admin.unsafe(`select pg_advisory_lock(hashtext('target:t1:sell-through'))`);
    const started = Date.now();
    const importing = Promise.resolve(
      t.app.inject({
        method: 'POST',
        url: '/v1/actuals/sell-through:import',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: rows,
      }),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    await admin.unsafe(`select pg_advisory_unlock(hashtext('target:t1:sell-through'))`);
    const res = await importing;
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ created: 50, rejected: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const [n] = await admin<{ n: number }[]>`select count(*)::int as n from sell_through_lines where tenant_id = 't1' and external_id like 'SL-%'`;
    expect(n!.n).toBe(50);

    // the rest of a transaction that took the lock keeps the session's lock_timeout
    const after = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await lockStream(tx, 't1', 'collections');
      return (await t.database.rows<{ lt: string }>(sql`select current_setting('lock_timeout') as lt`, tx))[0]!.lt;
    });
    expect(after).toBe('300ms');
  });
  it("an import's batches go on while its deltas, applied in the background, wait for the totals' lock; the totals come out whole", async () => {
    const store = (t.app as unknown as { store: Store }).store;
    const actor = systemActor('t1', 'cli-import');
    // an apply as soon as a row is pending (in the background), none due before the end
    const spec = factImportSpec(store, 'sell-through', actor, undefined, { pendingBound: 1_000_000, sliceRows: 1_000_000, earlyApply: 1 });
    const csv = [
      HEADER,
      ...Array.from({ length: 60 }, (_, i) => `BG-${i},2026-0${(i % 9) + 1}-10,SL1,SLS1,${1 + (i % 4)},${(5 + i * 0.25).toFixed(2)},B${i % 11},SLT1`),
    ].join('\n');
    const count = async (q: string) => Number((await admin.unsafe<{ n: number }[]>(q))[0]!.n);
    const facts = () => count(`select count(*)::int as n from sell_through_lines where tenant_id = 't1' and external_id like 'BG-%'`);
    const waiting = () =>
      count(`select count(*)::int as n from pg_locks
        where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`);
    const waitFor = async (what: string, check: () => Promise<boolean>) => {
      for (const until = Date.now() + 15_000; !(await check()); await new Promise((r) => setTimeout(r, 20)))
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    };
    const monthly = () => count(`select coalesce(sum(lines), 0)::int as n from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through'`);
    const before = await monthly();

    await admin.unsafe(`select pg_advisory_lock(hashtext('target:t1:sell-through:totals'))`);
    let applyWaited = false;
    let importing: ReturnType<typeof runImport> | undefined;
    try {
      importing = runImport(store, actor, Readable.from([csv]), spec, {
        format: 'csv',
        batchSize: 5,
        // half way through the file (reading paused), an apply started after the first batches waits for the lock
        onProgress: async (p) => {
          if (applyWaited || p.rowsRead < 30) return;
          await waitFor('an apply waiting for the totals lock', async () => (await waiting()) > 0);
          applyWaited = true;
        },
      });
      importing.catch(() => {});
      // every batch commits while the lock is held: batches do not take it, and do not wait for the apply
      await waitFor('every batch committed', async () => (await facts()) === 60);
      expect(applyWaited).toBe(true);
      expect(await monthly()).toBe(before); // nothing applied yet
    } finally {
      await admin.unsafe(`select pg_advisory_unlock(hashtext('target:t1:sell-through:totals'))`);
    }
    const r = await importing;
    expect(r).toMatchObject({ committed: true, rowsRead: 60, accepted: 60, created: 60, rejected: 0 });
    expect(await count(`select count(*)::int as n from actual_pending_deltas where tenant_id = 't1'`)).toBe(0);
    expect(await monthly()).toBe(before + 60);
    const sums = await admin<{ facts: string; monthly: string; quarterly: string; dims: string }[]>`
      select (select sum(amount)::text from sell_through_lines where tenant_id = 't1') as facts,
        (select sum(amount)::text from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through') as monthly,
        (select sum(amount)::text from actual_quarterly_totals where tenant_id = 't1' and stream = 'sell_through') as quarterly,
        (select sum(amount)::text from actual_monthly_dim_totals where tenant_id = 't1' and stream = 'sell_through') as dims`;
    expect(sums[0]).toEqual({ facts: sums[0]!.facts, monthly: sums[0]!.facts, quarterly: sums[0]!.facts, dims: sums[0]!.facts });
    expect(await count(`select count(*)::int as n from partner_customers where tenant_id = 't1' and customer_id like 'B%'`)).toBe(11);
  });
  it('a background apply that fails is told to onDeferredError; its rows are applied after the last batch', async () => {
    const store = (t.app as unknown as { store: Store }).store;
    const actor = systemActor('t1', 'cli-import');
    const spec = factImportSpec(store, 'sell-through', actor, undefined, { pendingBound: 1_000_000, sliceRows: 1_000_000, earlyApply: 1 });
    const csv = [HEADER, ...Array.from({ length: 20 }, (_, i) => `FA-${i},2026-03-1${i % 10},SL1,SLS1,1,2.50,F${i},SLT1`)].join('\n');
    const sum = async (q: string) => (await admin.unsafe<{ s: string | null }[]>(q))[0]!.s;
    const monthly = () => sum(`select sum(amount)::text as s from actual_monthly_totals where tenant_id = 't1' and stream = 'sell_through'`);
    const before = Number(await monthly());
    const told: unknown[] = [];
    await admin.unsafe(`select pg_advisory_lock(hashtext('target:t1:sell-through:totals'))`);
    let canceled = false;
    try {
      const importing = runImport(store, actor, Readable.from([csv]), spec, {
        format: 'csv',
        batchSize: 5,
        // a listener that throws (a logger's own failure) changes nothing for the import
        onDeferredError: (e) => {
          told.push(e);
          throw new Error('the listener failed');
        },
        // after the first batches: the background apply waiting for the totals lock is canceled
        onProgress: async (p) => {
          if (canceled || p.rowsRead < 10) return;
          for (const until = Date.now() + 15_000; !canceled; await new Promise((r) => setTimeout(r, 20))) {
            if (Date.now() > until) throw new Error('timed out waiting for an apply waiting for the totals lock');
            const c = await admin.unsafe<{ ok: boolean }[]>(`select pg_cancel_backend(pid) as ok from pg_locks
              where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`);
            canceled = c.some((r) => r.ok);
          }
          for (const until = Date.now() + 15_000; !told.length; await new Promise((r) => setTimeout(r, 20)))
            if (Date.now() > until) throw new Error('timed out waiting for onDeferredError');
          await admin.unsafe(`select pg_advisory_unlock(hashtext('target:t1:sell-through:totals'))`);
        },
      });
      const r = await importing;
      expect(r).toMatchObject({ committed: true, accepted: 20, created: 20, rejected: 0 });
    } finally {
      if (!canceled) await admin.unsafe(`select pg_advisory_unlock(hashtext('target:t1:sell-through:totals'))`);
    }
    expect(canceled).toBe(true);
    expect(told.length).toBe(1);
    expect((told[0] as { cause?: { code?: string } }).cause?.code).toBe('57014'); // query_canceled (drizzle's error, the driver's as its cause)
    expect(Number(await monthly())).toBe(before + 50);
    expect(await sum(`select count(*)::text as s from actual_pending_deltas where tenant_id = 't1'`)).toBe('0');
  });
});
