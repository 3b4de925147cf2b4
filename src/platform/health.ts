import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from './db.js';

/** `/readyz` answers within this bound even when the database does not (a hung connect, a full pool). */
export const READINESS_TIMEOUT_MS = 800;

class Timeout extends Error {}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  work.catch(() => {}); // settles after the bound: nobody waits any more
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

async function healthPlugin(app: FastifyInstance, opts: { database: Database }) {
  // the probes answer whatever the load (a process manager or load balancer polls them): no rate limit on them, and
  // an access line only when they fail
  app.get('/healthz', { config: { public: true, rateLimit: false, accessLog: 'failures' }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { public: true, rateLimit: false, accessLog: 'failures' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      const pending = await within(
        READINESS_TIMEOUT_MS,
        (async () => {
          await opts.database.db.execute(sql`select 1`);
          return opts.database.pendingMigrations();
        })(),
      );
      if (pending.length) return reply.code(503).header('retry-after', '5').send({ status: 'migrations pending', pending });
      return { status: 'ready', database: opts.database.kind };
    } catch (e) {
      return reply
        .code(503)
        .header('retry-after', '2')
        .send({ status: e instanceof Timeout ? 'database not answering' : 'database unreachable' });
    }
  });
}

export default fp(healthPlugin, { name: 'health' });
