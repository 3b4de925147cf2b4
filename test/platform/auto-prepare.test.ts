/**
 * Statements prepared unasked (issue 15: prepared statements for every hot list and lookup; src/platform/db.ts
 * AutoPrepare): on PostgreSQL a statement drizzle sends unprepared is kept on the connection under a name from its
 * second run, bounded in number and length; its plans stay custom (plan_cache_mode = force_custom_plan on the pool's
 * connections), and a scoped read its caller prepared keeps generic plans. Results are unchanged, also when a table a
 * prepared statement reads changes shape under it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoPrepare, Database, withTenant } from '../../src/platform/db.js';
import { toDomainError } from '../../src/platform/errors.js';
import { cloneTestDatabase } from '../helpers/app.js';

describe('AutoPrepare bounds', () => {
  const unsafe = (text: string, params: unknown[] = [1], options?: object) => [text, params, options] as never;
  it('prepares a text from its second sighting, never one without parameters, a long one or past the cap', () => {
    const auto = new AutoPrepare(2, 40);
    const opts = (text: string, params?: unknown[], options?: object) => (auto.args(unsafe(text, params, options)) as unknown[])[2];
    expect(opts('select $1::int')).toBeUndefined();
    expect(opts('select $1::int')).toEqual({ prepare: true });
    expect(opts('select $1::int', [1], { prepare: false })).toEqual({ prepare: true }); // drizzle's default
    expect(opts('select 1', [])).toBeUndefined(); // a simple query already
    const long = `select $1::int /* ${'x'.repeat(40)} */`;
    opts(long);
    expect(opts(long)).toBeUndefined();
    opts('select $1::text');
    expect(opts('select $1::text')).toEqual({ prepare: true });
    opts('select $1::bigint');
    expect(opts('select $1::bigint')).toBeUndefined(); // the cap of 2 texts is reached
    expect(opts('select $1::int')).toEqual({ prepare: true }); // still prepared
    expect(auto.size).toBe(2);
    // reads only: a write (or a with, which may hold one) is never prepared unasked
    const writes = new AutoPrepare(10, 1000);
    for (const text of ['update t set a = $1', 'with x as (delete from t where id = $1 returning 1) select 1', '  SELECT $1::int'])
      for (let i = 0; i < 2; i++) writes.args(unsafe(text));
    expect(writes.size).toBe(1);
  });
});

const clone = await cloneTestDatabase();

describe.skipIf(!clone)('prepared statements on PostgreSQL', () => {
  // one connection: the pool's queries all run on the session whose prepared statements pg_prepared_statements lists
  let database: Database;
  beforeAll(() => {
    database = new Database({ url: clone!.url, poolMax: 1 });
  });
  afterAll(async () => {
    await database?.close();
    await clone?.drop();
  });

  const rows = <T>(r: unknown) => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
  const one = async <T>(q: ReturnType<typeof sql>) => rows<T>(await database.db.execute(q))[0]!;
  const scoped = <T>(tenant: string, text: string, params: unknown[], prepare?: boolean) =>
    withTenant(tenant, async () => (await database.client!.unsafe(text, params as never, prepare ? { prepare } : undefined)) as unknown as T[]);

  it('a statement run twice outside a transaction is prepared; a one-off is not; plans stay custom', async () => {
    for (let i = 0; i < 3; i++) expect((await one<{ n: number }>(sql`select ${i}::int + 1 as n`)).n).toBe(i + 1);
    await one(sql`select ${'once'}::text as one_off`);
    const prepared = rows<{ statement: string }>(await database.db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
    expect(prepared).toContain('select $1::int + 1 as n');
    expect(prepared).not.toContain('select $1::text as one_off');
    expect((await one<{ m: string }>(sql`select current_setting('plan_cache_mode') as m`)).m).toBe('force_custom_plan');
    // a transaction's statements are not prepared unasked (a stale one would fail the transaction)
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.execute(sql`select ${i}::int * 2 as in_tx`);
    });
    const after = rows<{ statement: string }>(await database.db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
    expect(after).not.toContain('select $1::int * 2 as in_tx');
  });

  it('DB_AUTO_PREPARE=false (autoPrepare: false): nothing prepared unasked, plans as PostgreSQL chooses', async () => {
    const off = new Database({ url: clone!.url, poolMax: 1, autoPrepare: false });
    try {
      for (let i = 0; i < 3; i++) await off.db.execute(sql`select ${i}::int - 1 as off`);
      const prepared = rows<{ statement: string }>(await off.db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
      expect(prepared).not.toContain('select $1::int - 1 as off');
      expect(rows<{ m: string }>(await off.db.execute(sql`select current_setting('plan_cache_mode') as m`))[0]!.m).toBe('auto');
    } finally {
      await off.close();
    }
  });

  it('a scoped read its caller prepared keeps generic plans; the others are planned at every run', async () => {
    const text = `select current_setting('plan_cache_mode') as m, $1::text as x`;
    expect((await scoped<{ m: string }>('t-auto', text, ['a'], true))[0]!.m).toBe('auto');
    expect((await scoped<{ m: string }>('t-auto', text, ['a']))[0]!.m).toBe('force_custom_plan');
  });

  it('a table changing shape under a prepared scoped read: the new shape, still behind the tenant wall', async () => {
    // a table under the same wall as every tenant table (row-level security on tenant_id; see row-security.test.ts)
    await database.db.execute(sql`create table auto_prepare_probe (tenant_id text not null, id int primary key, a text)`);
    await database.db.execute(sql`alter table auto_prepare_probe enable row level security`);
    await database.db.execute(sql.raw(`create policy tenant_wall on auto_prepare_probe using (tenant_id = current_setting('app.tenant_id', true))`));
    await database.db.execute(sql.raw(`grant select on auto_prepare_probe to channel_app`));
    await database.db.execute(sql`insert into auto_prepare_probe values ('t1', 1, 'mine'), ('t2', 2, 'theirs')`);
    // a read that forgets the tenant filter: the wall alone keeps t2's row out
    const read = (prepare?: boolean) => scoped<Record<string, unknown>>('t1', 'select * from auto_prepare_probe where id > $1 order by id', [0], prepare);
    for (const prepare of [true, undefined]) {
      expect(await read(prepare)).toEqual([{ tenant_id: 't1', id: 1, a: 'mine' }]);
      expect(await read(prepare)).toEqual([{ tenant_id: 't1', id: 1, a: 'mine' }]);
    }
    await database.db.execute(sql`alter table auto_prepare_probe add column b text not null default 'bee'`);
    // postgres.js sends a stale statement again after the scoped transaction's commit, as the connecting role (which
    // bypasses the wall): that answer must never be the read's
    for (const prepare of [true, undefined]) expect(await read(prepare)).toEqual([{ tenant_id: 't1', id: 1, a: 'mine', b: 'bee' }]);
    // and outside a tenant scope a stale statement is simply prepared again
    const all = async () => rows<{ id: number }>(await database.db.execute(sql`select id, a from auto_prepare_probe where id > ${0} order by id`));
    expect(await all()).toHaveLength(2);
    expect(await all()).toHaveLength(2);
    await database.db.execute(sql`alter table auto_prepare_probe alter column a type varchar(20)`);
    expect(await all()).toEqual([
      { id: 1, a: 'mine' },
      { id: 2, a: 'theirs' },
    ]);
  });

  it('inside a transaction a statement its caller prepared, gone stale, fails the request as a retryable 503 once', async () => {
    const inTx = () =>
      database.db.transaction(async (tx) => {
        const c = (tx as unknown as { session: { client: { unsafe: (q: string, p: unknown[], o: object) => Promise<unknown[]> } } }).session.client;
        return c.unsafe('select * from auto_prepare_probe where id = $1', [2], { prepare: true });
      });
    expect(await inTx()).toHaveLength(1);
    await database.db.execute(sql`alter table auto_prepare_probe add column c int`);
    const failure = await inTx().then(
      () => undefined,
      (e: unknown) => toDomainError(e),
    );
    expect(failure).toMatchObject({ code: 'DATABASE_TIMEOUT', status: 503, extra: { reason: 'schema_changed' } });
    expect(await inTx()).toEqual([{ tenant_id: 't2', id: 2, a: 'theirs', b: 'bee', c: null }]);
  });
});
