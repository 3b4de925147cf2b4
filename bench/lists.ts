/**
 * bench/lists: the hot reads through the whole service (JWT auth, tenant scoping, prepared statements, compiled
 * response serialisation, request logging) against a bare handler (fastify + postgres.js, prepared, no auth, no
 * log) on the same data, measured in the same run, one after the other:
 *   - REST list of 50 partners (keyset, first page)       vs a bare keyset list of 50
 *   - REST single read by id                              vs a bare prepared single-row read
 *   - GraphQL 50 partners with parent and children        vs the service's own REST list of 50
 * Prints req/s, p99 and the ratios.
 *   npx tsx bench/lists.ts          (5 s a run, 20 connections)      DURATION=10 CONNECTIONS=50 npx tsx bench/lists.ts
 * Needs PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); works in a scratch
 * database it creates and drops. The service runs from dist/ (built first when stale), as `npm start` runs it;
 * SERVER_NODE_FLAGS adds node flags (e.g. "--heap-growing-percent=0": V8's own heap growth, not the server's 25%).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { mintToken } from '../src/platform/tokens.js';
import { scratchDatabase, seedCatalog } from './lib/db.js';

const duration = Number(process.env.DURATION ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 20);
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const log = (m: string) => process.stderr.write(`[bench:lists] ${m}\n`);

const BARE = `
import Fastify from 'fastify';
import postgres from 'postgres';
const sql = postgres(process.env.DATABASE_URL, { max: Number(process.env.POOL), onnotice: () => {} });
const app = Fastify({ logger: false });
app.get('/v1/partners', async () => ({ data: await sql\`select * from partners where tenant_id = \${'bench'} order by id limit 51\` }));
app.get('/v1/partners/:id', async (req, reply) => {
  const rows = await sql\`select * from partners where tenant_id = \${'bench'} and id = \${req.params.id}\`;
  return rows.length ? rows[0] : reply.code(404).send({ error: 'not found' });
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
`;

async function start(args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v1/partners`)).status < 500) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`server ${args.join(' ')} did not start`);
}

type Req = { method?: 'GET' | 'POST'; path: () => string; body?: string };
async function load(port: number, req: Req, token?: string) {
  const headers: Record<string, string> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(req.body ? { 'content-type': 'application/json' } : {}),
  };
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [
      {
        method: req.method ?? 'GET',
        ...(req.body ? { body: req.body } : {}),
        setupRequest: (r: any) => ({ ...r, path: req.path(), headers: { ...(r.headers ?? {}), ...headers } }),
      },
    ],
  });
  return { rps: Math.round(r.requests.total / r.duration), p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

execFileSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
const scratch = await scratchDatabase(`bench_lists_${process.pid}`);
try {
  log('seeding 10,000 partners (every tenth the parent of the next nine)');
  const sql = scratch.database.client!;
  await seedCatalog(sql, 'bench', 10_000, 10);
  await sql`update partners c set parent_id = p.id from partners p
    where c.tenant_id = 'bench' and p.tenant_id = 'bench' and p.code = 'P' || lpad(((substr(c.code, 2)::int / 10) * 10)::text, 5, '0') and p.id <> c.id`;
  await sql`analyze`;
  const ids = (await sql<{ id: string }[]>`select id from partners where tenant_id = 'bench'`).map((r) => r.id);
  const one = () => `/v1/partners/${ids[Math.floor(Math.random() * ids.length)]}`;
  const list = () => '/v1/partners?limit=50';
  const gql = JSON.stringify({ query: '{ partners(first: 50) { nodes { code legalName tier parent { code legalName } children { code legalName } } } }' });

  log(`bare: ${duration} s a run, ${connections} connections`);
  const bare = await start(['--input-type=module', '-e', BARE], { DATABASE_URL: scratch.url, POOL: String(connections) }, 23201);
  const bareList = await load(23201, { path: list });
  const bareOne = await load(23201, { path: one });
  bare.kill();

  log('service (node dist/server.js)');
  const svc = await start(
    [...(process.env.SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean), 'dist/server.js'],
    {
      DATABASE_URL: scratch.url,
      JWT_SECRET: SECRET,
      DATABASE_POOL_MAX: String(connections),
      LOG_LEVEL: 'info',
      SEED_DEMO: 'false',
      NODE_ENV: 'production',
      RATE_LIMIT_MAX: '100000000',
    },
    23202,
  );
  const token = await mintToken(SECRET, { tenant: 'bench', scope: 'partners:read', ttl: '1h' });
  const svcList = await load(23202, { path: list }, token);
  const svcOne = await load(23202, { path: one }, token);
  const svcGql = await load(23202, { method: 'POST', path: () => '/graphql', body: gql }, token);
  svc.kill('SIGTERM');

  const row = (name: string, r: typeof bareList) =>
    `${name.padEnd(44)} ${String(r.rps).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(row('bare keyset list of 50', bareList));
  console.log(row('service GET /v1/partners?limit=50', svcList));
  console.log(row('bare prepared single read', bareOne));
  console.log(row('service GET /v1/partners/:id', svcOne));
  console.log(row('service GraphQL 50 partners + parent + children', svcGql));
  console.log(
    JSON.stringify({
      ratio: {
        restListVsBare: +(svcList.rps / bareList.rps).toFixed(2),
        singleReadVsBare: +(svcOne.rps / bareOne.rps).toFixed(2),
        graphqlVsRestList: +(svcGql.rps / svcList.rps).toFixed(2),
      },
      goal: { restListVsBare: 0.7, singleReadVsBare: 0.7, graphqlVsRestList: 0.6 },
    }),
  );
} finally {
  await scratch.drop();
}
