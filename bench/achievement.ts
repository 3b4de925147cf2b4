/**
 * bench/achievement: the network achievement (all partners ranked by achievement for a quarter, first page of 50)
 * on a mixed data set (sell-through, sell-in and collections over 36 months, inventory snapshots, a sales and a
 * collection target for every partner), against the bare SQL aggregate over the facts (sum of sell-through by
 * partner for the quarter) measured in the same run. Medians of 3. Prints JSON with the ratio.
 *   npx tsx bench/achievement.ts                     (2,000 partners, 300,000 facts a stream: about a minute)
 *   PARTNERS=10000 FACTS=10000000 npx tsx bench/achievement.ts      (the size: 31M facts, ~20 min to load)
 * KEEP=1 keeps the scratch database (named after the size) and, on the next run with KEEP=1 and the same size, measures
 * on it without loading again (load once on a busy machine, measure when it is quiet).
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { systemActor } from '../src/platform/actor.js';
import { Store } from '../src/platform/store.js';
import { ActualsService } from '../src/modules/target/actuals.service.js';
import { TargetService } from '../src/modules/target/target.service.js';
import { keptDatabase, scratchDatabase, secs, seedCatalog } from './lib/db.js';

const PARTNERS = Number(process.env.PARTNERS ?? 2_000);
const FACTS = Number(process.env.FACTS ?? 300_000);
const TENANT = 'bench';
const CHUNK = 1_000_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (m: string) => process.stderr.write(`[bench:achievement] ${m}\n`);

const KEEP = process.env.KEEP === '1';
const NAME = `bench_achievement_${PARTNERS}_${FACTS}`;
const kept = KEEP ? await keptDatabase(NAME) : undefined;
const { database, drop } = kept ?? (await scratchDatabase(NAME));
const sql = database.client!;
const store = new Store(database);
const actor = systemActor(TENANT, 'bench');
const targets = new TargetService(store);
const actuals = new ActualsService(store, targets);

/** The mixed data set: facts of every stream, the totals rebuilt from them, the targets. */
async function load() {
  const t0 = performance.now();
  await seedCatalog(sql, TENANT, PARTNERS, 1_000);
  await sql`create table pmap as select (row_number() over (order by code)) - 1 as n, id from partners where tenant_id = ${TENANT}`;
  await sql`create table prmap as select (row_number() over (order by code)) - 1 as n, id from products where tenant_id = ${TENANT}`;
  const [terr] = await sql`select id from territories where tenant_id = ${TENANT} limit 1`;
  // partner by hash (not g % partners: that would tie partners to dates), dates over 36 months
  const gen = (table: string, cols: string, vals: string, n: number) =>
    (async () => {
      for (let from = 1; from <= n; from += CHUNK) {
        const to = Math.min(from + CHUNK - 1, n);
        await sql.unsafe(`insert into ${table} (tenant_id, external_id, partner_id, ${cols})
          select '${TENANT}', '${table}-' || g, pm.id, ${vals}
          from generate_series(${from}::bigint, ${to}::bigint) g
          join pmap pm on pm.n = abs(hashint8(g * 5)) % ${PARTNERS}
          join prmap pr on pr.n = abs(hashint8(g * 3)) % 1000`);
        if (n > CHUNK) log(`${table}: ${to.toLocaleString('en')} of ${n.toLocaleString('en')} rows, ${secs(t0)} s`);
      }
    })();
  const date = `date '2023-01-01' + (abs(hashint8(g)) % 1096)::int`;
  await gen(
    'sell_through_lines',
    'product_id, territory_id, date, quantity, amount, cross_region',
    `pr.id, '${terr!.id}'::uuid, ${date}, 1 + abs(hashint8(g * 7)) % 100, (abs(hashint8(g * 11)) % 1000000) / 100.0, false`,
    FACTS,
  );
  await gen(
    'sell_in_lines',
    'product_id, date, quantity, amount',
    `pr.id, ${date}, 1 + abs(hashint8(g * 7)) % 500, (abs(hashint8(g * 13)) % 5000000) / 100.0`,
    FACTS,
  );
  await gen('collections', 'date, amount', `${date}, (abs(hashint8(g * 17)) % 5000000) / 100.0`, FACTS);
  await gen('inventory_snapshots', 'product_id, date, quantity_on_hand', `pr.id, ${date}, abs(hashint8(g * 19)) % 1000`, Math.ceil(FACTS / 10));
  log(`loaded ${(3 * FACTS + Math.ceil(FACTS / 10)).toLocaleString('en')} facts in ${secs(t0)} s`);
  log('rebuilding the totals from the facts');
  const rebuilt = await actuals.rebuildTotals(actor);
  await sql`insert into targets (tenant_id, id, partner_id, period, period_start, period_end, metric, value)
    select ${TENANT}, gen_random_uuid(), id, '2025-Q1', '2025-01-01', '2025-03-31', m, 400000 + n * 10 from pmap, unnest(array['sales_amount', 'collection_amount']) m`;
  await sql`vacuum analyze`;
  log(`${rebuilt.months.toLocaleString('en')} partner-months of totals`);
}

try {
  if (kept) log(`measuring on the database kept by an earlier run (${NAME})`);
  else await load();
  if (KEEP) await sql`create table if not exists bench_complete ()`;
  const [{ months }] = (await sql`select count(*)::int as months from actual_monthly_totals`) as unknown as [{ months: number }];
  log(`${months.toLocaleString('en')} partner-months of totals; measuring`);
  const time = async (fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await fn();
      xs.push((performance.now() - t) / 1000);
    }
    return median(xs);
  };
  const q = { period: '2025-Q1', asOf: '2025-02-15', limit: 50 };
  await actuals.network(actor, { ...q, metric: 'sales_amount' }); // warm the catalog caches like a running service
  const network = await time(() => actuals.network(actor, { ...q, metric: 'sales_amount' }));
  const networkCollections = await time(() => actuals.network(actor, { ...q, metric: 'collection_amount' }));
  const bare = await time(
    () =>
      sql`select partner_id, sum(amount) as amount from sell_through_lines where tenant_id = ${TENANT} and date >= '2025-01-01' and date < '2025-04-01' group by partner_id`,
  );
  console.log(
    JSON.stringify(
      {
        partners: PARTNERS,
        factsPerStream: FACTS,
        monthlyTotals: months,
        networkAchievementSalesSeconds: +network.toFixed(4),
        networkAchievementCollectionsSeconds: +networkCollections.toFixed(4),
        bareAggregateSeconds: +bare.toFixed(4),
        ratio: { salesVsBare: +(network / bare).toFixed(3), collectionsVsBare: +(networkCollections / bare).toFixed(3) },
        goal: '<= 50 ms and <= 2x bare',
      },
      null,
      2,
    ),
  );
} finally {
  if (KEEP) await database.close();
  else await drop();
}
