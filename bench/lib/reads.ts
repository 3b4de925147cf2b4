/**
 * What the read benchmarks (bench/lists, bench/promotion) share: the bare handler they compare the service with,
 * the service's environment for them, and the bench tenant's read token.
 */
import type postgres from 'postgres';
import { mintToken } from '../../src/platform/tokens.js';
import { seedCatalog } from './db.js';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';

/** The bare handler (fastify + postgres.js, prepared tagged reads, no auth, no log): `node --input-type=module -e BARE_SERVER`; env DATABASE_URL, POOL, PORT. */
export const BARE_SERVER = `
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

/** The service's environment for a read benchmark on `url`: production mode, access log on, no demo tenant, no rate limit in the way. */
export function serviceEnv(url: string, connections: number): Record<string, string> {
  return {
    DATABASE_URL: url,
    JWT_SECRET: SECRET,
    DATABASE_POOL_MAX: String(connections),
    LOG_LEVEL: 'info',
    SEED_DEMO: 'false',
    NODE_ENV: 'production',
    RATE_LIMIT_MAX: '100000000',
  };
}

/** The REST list both servers answer: a keyset page of 50. */
export const LIST_PATH = '/v1/partners?limit=50';

/** The service's GraphQL page: 50 partners with parent and children (the body of a POST /graphql). */
export const GRAPHQL_PAGE = JSON.stringify({
  query: '{ partners(first: 50) { nodes { code legalName tier parent { code legalName } children { code legalName } } } }',
});

/** A read a benchmark sends again and again: its path (asked per request), its method and JSON body. */
export interface ReadRequest {
  path: () => string;
  method?: 'GET' | 'POST';
  body?: string;
}

/** The read as autocannon's `requests` (the token as a bearer credential, the body as JSON). */
export function cannonRequests(req: ReadRequest, token?: string) {
  const headers: Record<string, string> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(req.body ? { 'content-type': 'application/json' } : {}),
  };
  return [
    {
      method: req.method ?? 'GET',
      ...(req.body ? { body: req.body } : {}),
      setupRequest: (r: any) => ({ ...r, path: req.path(), headers: { ...(r.headers ?? {}), ...headers } }),
    },
  ];
}

/** A token of the bench tenant that may read partners. */
export const readToken = () => mintToken(SECRET, { tenant: 'bench', scope: 'partners:read', ttl: '1h' });

/**
 * The read benchmarks' data: 10,000 partners of the bench tenant with 10 products (with `parents`, every tenth
 * partner the parent of the next nine), analysed. Returns the path of a point read of a random partner.
 */
export async function seedReads(sql: postgres.Sql, parents: boolean): Promise<() => string> {
  await seedCatalog(sql, 'bench', 10_000, 10);
  if (parents)
    await sql`update partners c set parent_id = p.id from partners p
      where c.tenant_id = 'bench' and p.tenant_id = 'bench' and p.code = 'P' || lpad(((substr(c.code, 2)::int / 10) * 10)::text, 5, '0') and p.id <> c.id`;
  await sql`analyze`;
  const ids = (await sql<{ id: string }[]>`select id from partners where tenant_id = 'bench'`).map((r) => r.id);
  return () => `/v1/partners/${ids[Math.floor(Math.random() * ids.length)]}`;
}
