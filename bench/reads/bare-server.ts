/** The bare-stack baseline: fastify + postgres.js, one prepared single-row read, no auth, no logging. */
import Fastify from 'fastify';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.POOL ?? 50), onnotice: () => {} });
const app = Fastify({ logger: false });
app.get('/v1/partners/:id', async (req, reply) => {
  const rows = await sql`select * from partners where tenant_id = ${'bench'} and id = ${(req.params as { id: string }).id}`;
  if (!rows.length) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('ready');
