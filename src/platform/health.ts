import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from './db.js';

async function healthPlugin(app: FastifyInstance, opts: { database: Database }) {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await opts.database.db.execute(sql`select 1`);
      const pending = await opts.database.pendingMigrations();
      if (pending.length) return reply.code(503).send({ status: 'migrations pending', pending });
      return { status: 'ready', database: opts.database.kind };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
}

export default fp(healthPlugin, { name: 'health' });
