/**
 * A stream's writers wait for each other (PostgreSQL only): an import's batch waits for the stream's lock for at least
 * 25 s whatever the session's lock_timeout, since the lock's holder is another writer of the stream doing bounded work
 * (an apply slice of the totals-pending sweep took longer than the default 5 s on a loaded machine and made a running
 * 1M-row import fail with 503 lock_timeout). Here the session's lock_timeout is 300 ms and another connection holds
 * the lock for 1.5 s: the import waits, then answers 200 with every row; the rest of its transaction keeps the
 * session's 300 ms.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lockStream } from '../../src/modules/target/target.ingest.js';
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
});
