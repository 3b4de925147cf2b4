/**
 * Read lanes (issue 15; src/platform/db.ts ReadLanes): the hot tenant-scoped reads (plain selects their caller
 * prepared) run on a few pool connections kept for them, whose session runs as the app role with the tenant set
 * only when it changes, instead of a transaction of their own each. What must hold is the tenant wall: pipelined
 * reads of several tenants each see only their own rows (the wall alone filtering), the owner's queries never run as
 * the app role, a lane whose connection dies is dropped (no read ever runs on a fresh session of the owner), and a
 * table changing shape under a lane's prepared read gives the new shape, still behind the wall.
 */
import { sql } from 'drizzle-orm';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, withTenant } from '../../src/platform/db.js';
import { isConnectionLost } from '../../src/platform/errors.js';
import { cloneTestDatabase } from '../helpers/app.js';

const clone = await cloneTestDatabase();

describe.skipIf(!clone)('read lanes on PostgreSQL', () => {
  let database: Database;
  let admin: postgres.Sql;
  let owner: string;
  // a tenant id a literal must quote (the lane's `set app.tenant_id` is a simple query: no parameters)
  const ODD = "o'brien\\x";
  const TENANTS = ['t1', 't2', ODD];

  beforeAll(async () => {
    database = new Database({ url: clone!.url, poolMax: 10, readLanes: 2 });
    admin = postgres(clone!.url, { max: 1, onnotice: () => {} });
    owner = (await admin<{ u: string }[]>`select current_user as u`)[0]!.u;
    // a table under the same wall as every tenant table (see row-security.test.ts)
    await admin.unsafe(`create table lane_probe (tenant_id text not null, id int primary key, a text)`);
    await admin.unsafe(`alter table lane_probe enable row level security`);
    await admin.unsafe(`create policy tenant_wall on lane_probe using (tenant_id = current_setting('app.tenant_id', true))`);
    await admin.unsafe(`grant select on lane_probe to channel_app`);
    let id = 0;
    for (const t of TENANTS) for (let i = 0; i < 3; i++) await admin`insert into lane_probe values (${t}, ${++id}, ${`${t}-${i}`})`;
  });
  afterAll(async () => {
    await database?.close();
    await admin?.end();
    await clone?.drop();
  });

  type Row = { tenant_id: string; u: string; pid: number };
  // forgets the tenant filter on purpose: only the wall keeps the other tenants' rows out
  const HOT = 'select tenant_id, current_user as u, pg_backend_pid() as pid from lane_probe where id > $1 order by id';
  const hot = (tenant: string, text = HOT) => withTenant(tenant, async () => (await database.client!.unsafe(text, [0], { prepare: true })) as unknown as Row[]);
  const settle = () => new Promise((r) => setTimeout(r, 100));

  /** sequential reads until both lanes are open; the backends of the lanes */
  async function lanePids(): Promise<Set<number>> {
    for (let i = 0; i < 50 && database.readLanes < 2; i++) {
      await Promise.all([hot('t1'), hot('t2')]);
      await settle();
    }
    expect(database.readLanes).toBe(2);
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) for (const r of await hot('t1')) pids.add(r.pid);
    return pids;
  }

  it('sequential hot reads run on the lanes, as the app role', async () => {
    const pids = await lanePids();
    // one read at a time: always on a lane (at most two backends)
    expect(pids.size).toBeLessThanOrEqual(2);
    const rows = await hot('t2');
    expect(rows.map((r) => r.tenant_id)).toEqual(['t2', 't2', 't2']);
    expect(pids.has(rows[0]!.pid)).toBe(true);
    expect(rows.every((r) => r.u === 'channel_app')).toBe(true);
  });

  it('reads of three tenants pipelined on the lanes each see only their own rows', async () => {
    const reads = Array.from({ length: 600 }, (_, i) => {
      const tenant = TENANTS[(i * 7) % 3]!;
      return hot(tenant).then((rows) => ({ tenant, rows }));
    });
    for (const { tenant, rows } of await Promise.all(reads)) {
      expect(rows).toHaveLength(3);
      for (const r of rows) expect(r).toMatchObject({ tenant_id: tenant, u: 'channel_app' });
    }
  });

  it("a lane's reads leave nothing behind on it: memory stays flat over 12,000 reads", async () => {
    // each read once raced a promise of the lane that settles only when its connection closes: every race left a
    // reaction on it (~600 bytes a read, kept for the connection's life: gigabytes an hour under load)
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await lanePids();
    const reads = async (n: number) => {
      for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => hot(TENANTS[j % 3]!)));
    };
    await reads(2_000); // warm: statements, lanes, code
    gc();
    const before = process.memoryUsage().heapUsed;
    await reads(12_000);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown / 12_000).toBeLessThan(80);
  });

  it("the owner's queries and transactions never run as the app role while lanes are open", async () => {
    await lanePids();
    const unscoped = await Promise.all(
      Array.from({ length: 40 }, () => database.client!.unsafe('select current_user as u, count(*)::int as n from lane_probe')),
    );
    for (const [r] of unscoped) expect(r).toEqual({ u: owner, n: 9 });
    // a scoped transaction still runs under its own wall (set local), on a connection of the pool
    const inTx = await withTenant('t1', () =>
      database.db.transaction(async (tx) => tx.execute(sql`select current_user as u, count(*)::int as n from lane_probe`)),
    );
    expect([...(inTx as unknown as { u: string; n: number }[])]).toEqual([{ u: 'channel_app', n: 3 }]);
  });

  it('a lane whose connection is killed is dropped: later reads run under the wall on new lanes', async () => {
    const pids = await lanePids();
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where pid in ${admin([...pids])}`;
    await settle();
    for (let i = 0; i < 30; i++) {
      const tenant = TENANTS[i % 3]!;
      const rows = await hot(tenant);
      expect(rows).toHaveLength(3);
      for (const r of rows) {
        expect(r).toMatchObject({ tenant_id: tenant, u: 'channel_app' });
        expect(pids.has(r.pid)).toBe(false);
      }
    }
    const again = await lanePids();
    for (const p of again) expect(pids.has(p)).toBe(false);
  });

  it('reads queued on a lane whose connection is killed all settle (an answer or a connection error), none hangs', async () => {
    // a database of its own: postgres.js keeps the read that was running on a killed backend with its error, and
    // answers the next caller that reconnects the same connection object with that error (a 503 for the tests after)
    const database = new Database({ url: clone!.url, poolMax: 10, readLanes: 2 });
    const hot = (tenant: string) => withTenant(tenant, async () => (await database.client!.unsafe(HOT, [0], { prepare: true })) as unknown as Row[]);
    for (let i = 0; i < 50 && database.readLanes < 2; i++) {
      await Promise.all([hot('t1'), hot('t2')]);
      await settle();
    }
    expect(database.readLanes).toBe(2);
    // a statement new to the lanes: postgres.js describes it first and queues the reads behind it on the connection
    // (one at a time), where a closing connection leaves them without an answer
    const slow = 'select pg_sleep($2::float8), tenant_id from lane_probe where id > $1 order by id';
    const reads = Array.from({ length: 12 }, (_, i) =>
      withTenant(TENANTS[i % 3]!, () => database.client!.unsafe(slow, [0, 0.3], { prepare: true })).then(
        (rows) => ({ rows: rows as unknown as { tenant_id: string }[] }),
        (e: unknown) => ({ error: e as { code?: string } }),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where query like 'select pg_sleep($2::float8)%' and pid <> pg_backend_pid()`;
    const outcomes = await Promise.race([Promise.all(reads), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8_000))]);
    expect(outcomes).not.toBe('hung');
    for (const o of outcomes as ({ rows: { tenant_id: string }[] } | { error: { code?: string } })[]) {
      if ('error' in o) expect(isConnectionLost(o.error)).toBe(true);
      else expect(o.rows).toHaveLength(3);
    }
    expect((outcomes as object[]).some((o) => 'error' in o)).toBe(true);
    // and the reads go on (a read may first meet the killed backend's error, a connection error, once)
    await settle();
    for (const t of TENANTS) {
      const rows = await hot(t).catch((e: unknown) => {
        if (!isConnectionLost(e)) throw e;
        return hot(t);
      });
      expect(rows.map((r) => [r.tenant_id, r.u])).toEqual(Array(3).fill([t, 'channel_app']));
    }
    await database.close();
  });

  it("a table changing shape under a lane's prepared read: the new shape, still behind the wall", async () => {
    const text = 'select * from lane_probe where id > $1 order by id';
    const read = (tenant: string) =>
      withTenant(tenant, async () => (await database.client!.unsafe(text, [0], { prepare: true })) as unknown as Record<string, unknown>[]);
    await lanePids();
    for (let i = 0; i < 4; i++) expect((await read('t1')).map((r) => r.a)).toEqual(['t1-0', 't1-1', 't1-2']);
    const retired = database.readLanesRetired;
    await admin.unsafe(`alter table lane_probe add column b text not null default 'bee'`);
    // postgres.js sends a stale statement again after the others queued on its lane: possibly behind another
    // tenant's setting; that answer is never the read's (it runs again in a transaction of its own)
    const after = await Promise.all(Array.from({ length: 30 }, (_, i) => TENANTS[i % 3]!).map(async (t) => ({ t, rows: await read(t) })));
    for (const { t, rows } of after) {
      expect(rows).toHaveLength(3);
      for (const r of rows) expect(r).toMatchObject({ tenant_id: t, b: 'bee' });
    }
    // the lanes that had the stale statement were retired (and new ones opened)
    expect(database.readLanesRetired).toBeGreaterThan(retired);
    await lanePids();
  });

  it("a read the server refuses gives the server's own error; the lane is retired and handed back as the owner's", async () => {
    await lanePids();
    const retired = database.readLanesRetired;
    const bad = await withTenant('t1', () => database.client!.unsafe('select * from lane_probe where id = $1', ['not a number'], { prepare: true })).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    expect(bad?.code).toBe('22P02'); // invalid_text_representation, as without lanes
    expect(database.readLanesRetired).toBe(retired + 1);
    await settle();
    // every connection of the pool, the handed-back one among them, runs the owner's queries as the owner
    const unscoped = await Promise.all(
      Array.from({ length: 40 }, () => database.client!.unsafe('select current_user as u, count(*)::int as n from lane_probe')),
    );
    for (const [r] of unscoped) expect(r).toEqual({ u: owner, n: 9 });
    for (const t of TENANTS) expect((await hot(t)).map((r) => [r.tenant_id, r.u])).toEqual(Array(3).fill([t, 'channel_app']));
  });

  it('closing the database hands the lanes back at once (the pool does not wait out its 5 s for them)', async () => {
    const other = new Database({ url: clone!.url, poolMax: 10, readLanes: 2 });
    const read = () => withTenant('t1', () => other.client!.unsafe(HOT, [0], { prepare: true }));
    for (let i = 0; i < 50 && other.readLanes < 2; i++) {
      await Promise.all([read(), read(), read()]);
      await settle();
    }
    expect(other.readLanes).toBe(2);
    // reads in flight while it closes still get their answers
    const inFlight = Array.from({ length: 6 }, () => read());
    const t0 = Date.now();
    await other.close();
    expect(Date.now() - t0).toBeLessThan(2_000);
    for (const rows of await Promise.all(inFlight)) expect(rows).toHaveLength(3);
  });

  it('DB_READ_LANES=0 (readLanes: 0) and DB_AUTO_PREPARE=false: no lanes, the same answers', async () => {
    for (const opts of [{ readLanes: 0 }, { autoPrepare: false }]) {
      const other = new Database({ url: clone!.url, poolMax: 10, ...opts });
      try {
        for (let i = 0; i < 5; i++) {
          const rows = (await withTenant('t2', () => other.client!.unsafe(HOT, [0], { prepare: true }))) as unknown as Row[];
          expect(rows.map((r) => [r.tenant_id, r.u])).toEqual(Array(3).fill(['t2', 'channel_app']));
        }
        expect(other.readLanes).toBe(0);
      } finally {
        await other.close();
      }
    }
  });
});
