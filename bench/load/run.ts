/**
 * bench/load: a realistic mix for DURATION seconds (default 60) on loopback against the service as `npm start` runs
 * it (dist/server.js, built first when stale) on a scratch PostgreSQL database:
 *   - REST reads: partner list (keyset pages), single partner, target list, partner achievement
 *   - REST writes with Idempotency-Key: create partner, patch partner (If-Match version)
 *   - GraphQL: partners with parent and children
 *   - a sell-through import (CSV, 500 rows) every IMPORT_EVERY_S seconds (default 5)
 * Seeded tenant: SEED_PARTNERS partners (default 500), 1,000 products, 6 territories, a published price list of every
 * product, a sales target per partner for 2026, 20,000 sell-through rows (through the import route).
 * Prints throughput per 10 s window, overall throughput, p50 / p99, the error count (anything but the expected
 * status: must be 0) and the ratio of the last 10 s to the first 10 s (no decline: about 1).
 *   npm run bench:load                 DURATION=60 CLIENTS=16 npm run bench:load
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch database it drops.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mintToken } from '../../src/platform/tokens.js';
import { scratchDatabase, seedCatalog, serverArgs } from '../lib/db.js';

const DURATION = Number(process.env.DURATION ?? 60);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const PARTNERS = Number(process.env.SEED_PARTNERS ?? 500);
const IMPORT_EVERY_S = Number(process.env.IMPORT_EVERY_S ?? 5);
const PORT = Number(process.env.PORT ?? 23301);
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const TENANT = 'bench';
const base = `http://127.0.0.1:${PORT}`;
const log = (m: string) => process.stderr.write(`[bench:load] ${m}\n`);

async function start(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, serverArgs(), { env: { ...process.env, ...env, PORT: String(PORT) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

let auth = '';
async function call(method: string, path: string, body?: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: auth,
      ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, etag: res.headers.get('etag') };
}
async function must(method: string, path: string, body?: string | object) {
  const r = await call(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text);
}

let extSeq = 0;
const sellThroughCsv = (rows: number) => {
  const terr = ['NORTH', 'SOUTH', 'EAST', 'WEST', 'CENTRAL', 'ISLANDS'];
  let csv = 'externalId,date,partnerCode,productCode,quantity,amount,customerId,territoryCode\n';
  for (let i = 0; i < rows; i++) {
    const n = ++extSeq;
    const qty = 1 + (n % 40);
    csv += `EXT-${n},2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')},P${String(n % PARTNERS).padStart(5, '0')},SKU-${String(n % 1000).padStart(6, '0')},${qty},${(qty * 12.5).toFixed(2)},CU${n % 5000},${terr[n % 6]}\n`;
  }
  return csv;
};

execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const scratch = await scratchDatabase(`bench_load_${process.pid}`);
let server: ChildProcess | undefined;
try {
  const sql = scratch.database.client!;
  await seedCatalog(sql, TENANT, PARTNERS, 1000);
  server = await start({
    DATABASE_URL: scratch.url,
    JWT_SECRET: SECRET,
    DATABASE_POOL_MAX: '20',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    NODE_ENV: 'production',
    RATE_LIMIT_MAX: '100000000',
  });
  auth = `Bearer ${await mintToken(SECRET, { tenant: TENANT, scope: 'admin', sub: 'bench', ttl: '2h' })}`;

  log(`seeding: ${PARTNERS} partners, 1,000 products, a price list, a target per partner, 20,000 sell-through rows`);
  const pol = await must('POST', '/v1/policy/price-policies', { code: 'STD', name: 'Std', currency: 'CNY', scope: { kind: 'default' } });
  const ver = await must('POST', `/v1/policy/price-policies/${pol.id}/versions`, { effectiveFrom: '2026-01-01' });
  await must('POST', `/v1/policy/versions/${ver.id}/lines`, {
    lines: Array.from({ length: 1000 }, (_, i) => ({
      product: `SKU-${String(i).padStart(6, '0')}`,
      distributionPrice: `${10 + (i % 50)}.00`,
      suggestedRetailPrice: '999.00',
    })),
  });
  await must('POST', `/v1/policy/versions/${ver.id}/publish`, {});
  const partners = (await sql<{ id: string; code: string }[]>`select id, code from partners where tenant_id = ${TENANT} order by code`).map((r) => r);
  for (let i = 0; i < partners.length; i += 25)
    await Promise.all(
      partners.slice(i, i + 25).map((p) => must('POST', '/v1/targets', { partnerId: p.id, period: '2026', metric: 'sales_amount', value: '100000.00' })),
    );
  for (let i = 0; i < 4; i++) await must('POST', '/v1/actuals/sell-through:import', sellThroughCsv(5000));
  await sql`vacuum analyze`;

  // ----- the mix
  const rnd = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const gql = { query: '{ partners(first: 20) { nodes { code legalName parent { code } children { code } } } }' };
  let created = 0;
  type Op = { name: string; run: () => Promise<boolean> };
  const ok = (r: { status: number }, ...statuses: number[]) => statuses.includes(r.status);
  const ops: Op[] = [
    { name: 'list', run: async () => ok(await call('GET', '/v1/partners?limit=50'), 200) },
    { name: 'single', run: async () => ok(await call('GET', `/v1/partners/${rnd(partners).id}`), 200) },
    { name: 'targets', run: async () => ok(await call('GET', `/v1/targets?partnerId=${rnd(partners).id}`), 200) },
    { name: 'achievement', run: async () => ok(await call('GET', `/v1/targets/achievement?period=2026&limit=20`), 200) },
    { name: 'graphql', run: async () => ok(await call('POST', '/graphql', gql), 200) },
    {
      name: 'create',
      run: async () => {
        const code = `L${process.pid}-${++created}`;
        return ok(await call('POST', '/v1/partners', { code, legalName: `Load ${code} Ltd.`, type: 'dealer' }, { 'idempotency-key': randomUUID() }), 201);
      },
    },
    {
      name: 'patch',
      run: async () => {
        const p = rnd(partners);
        const cur = await call('GET', `/v1/partners/${p.id}`);
        if (cur.status !== 200) return false;
        const r = await call(
          'PATCH',
          `/v1/partners/${p.id}`,
          { legalName: `Partner ${p.code} ${Date.now()}` },
          { 'if-match': cur.etag ?? '', 'idempotency-key': randomUUID() },
        );
        // a concurrent patch of the same partner is a 412 (the version moved): expected under this mix
        return ok(r, 200, 412);
      },
    },
  ];
  // weights: mostly reads
  const mix = [...Array(4).fill(ops[0]), ...Array(4).fill(ops[1]), ops[2], ops[2], ops[3], ops[4], ops[4], ops[4], ops[5], ops[6]] as Op[];

  const t0 = performance.now();
  const end = t0 + DURATION * 1000;
  const windows = Array.from({ length: Math.ceil(DURATION / 10) }, () => 0);
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);
  const record = (started: number, good: boolean, name: string) => {
    const now = performance.now();
    if (!good) fail(name);
    latencies.push(now - started);
    const w = Math.floor((started - t0) / 10_000);
    if (w < windows.length) windows[w]!++;
  };
  const client = async () => {
    while (performance.now() < end) {
      const op = rnd(mix);
      const s = performance.now();
      let good = false;
      try {
        good = await op.run();
      } catch {
        good = false;
      }
      record(s, good, op.name);
    }
  };
  let imports = 0;
  const importer = async () => {
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, IMPORT_EVERY_S * 1000));
      if (performance.now() >= end) break;
      const s = performance.now();
      const r = await call('POST', '/v1/actuals/sell-through:import', sellThroughCsv(500)).catch(() => ({ status: 0, text: '' }));
      const good = r.status === 200 && JSON.parse(r.text).rejected === 0;
      imports++;
      record(s, good, 'import');
    }
  };
  log(`driving ${CLIENTS} clients + an import every ${IMPORT_EVERY_S} s for ${DURATION} s`);
  await Promise.all([...Array.from({ length: CLIENTS }, client), importer()]);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!.toFixed(1);
  const errors = [...failures.values()].reduce((a, b) => a + b, 0);
  const perWindow = windows.map((n, i) => ({
    window: `${i * 10}-${Math.min(DURATION, (i + 1) * 10)} s`,
    reqPerS: Math.round(n / (Math.min(DURATION, (i + 1) * 10) - i * 10)),
  }));
  for (const w of perWindow) console.log(`${w.window.padEnd(10)} ${String(w.reqPerS).padStart(6)} req/s`);
  console.log(
    JSON.stringify(
      {
        durationS: +seconds.toFixed(1),
        clients: CLIENTS,
        requests: latencies.length,
        imports,
        reqPerS: Math.round(latencies.length / seconds),
        p50Ms: pct(50),
        p99Ms: pct(99),
        errors,
        errorsByOp: Object.fromEntries(failures),
        ratio: { last10sVsFirst10s: +(perWindow.at(-1)!.reqPerS / perWindow[0]!.reqPerS).toFixed(2) },
        goal: { errors: 0, last10sVsFirst10s: '>= 0.9' },
      },
      null,
      2,
    ),
  );
} finally {
  server?.kill('SIGTERM');
  await scratch.drop();
}
