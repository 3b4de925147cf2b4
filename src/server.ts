import { resolve } from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { baselineWasmOnly, Database, installProcessGuards } from './platform/db.js';
import { unpackEmbeddedTemplate } from './platform/embedded-template.js';
import { boundHeapGrowth } from './platform/heap.js';
import { mintToken, resolveJwtSecret } from './platform/tokens.js';
import { DEMO_TENANT, seedDemo } from './seed.js';
import { startBackground } from './services.js';

async function main() {
  boundHeapGrowth();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const embedded = !config.DATABASE_URL;
  const secret = resolveJwtSecret(config);
  const dataDir = resolve(config.DATA_DIR, 'pglite');
  if (embedded) {
    baselineWasmOnly();
    // a new embedded database starts as a copy of the build's migrated template (when one matches: else initdb runs)
    await unpackEmbeddedTemplate(dataDir);
  }
  const database = new Database({
    ...(config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir }),
    poolMax: config.DATABASE_POOL_MAX,
    connectTimeoutSeconds: config.DB_CONNECT_TIMEOUT_MS / 1000,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DB_LOCK_TIMEOUT_MS,
    rowSecurity: config.DB_ROW_SECURITY,
    autoPrepare: config.DB_AUTO_PREPARE,
    ...(config.DB_READ_LANES === undefined ? {} : { readLanes: config.DB_READ_LANES }),
    appRole: config.DB_APP_ROLE,
  });
  await database.migrate();
  const app = await buildApp({ config: { ...config, ...(secret ? { JWT_SECRET: secret } : {}) }, database });
  // a lost database connection or a stray rejection is logged, never the end of the process
  installProcessGuards(app.log);
  app.store.importMaxErrors = config.IMPORT_MAX_ERRORS;

  const seed = config.SEED_DEMO ?? embedded;
  if (seed) await seedDemo(app);

  await app.listen({ host: config.HOST, port: config.PORT });
  // webhook delivery, import jobs and the scheduled jobs run in every instance (claimed in the database);
  // INTEGRATION_WORKERS=false leaves them to dedicated `npm run worker` processes. They stop with app.close().
  if (config.INTEGRATION_WORKERS) {
    startBackground(app.services, config, { onError: (err) => app.log.error({ err }, 'background work failed') });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;

  if (seed && secret) {
    const token = await mintToken(secret, { tenant: DEMO_TENANT, scope: 'admin', sub: 'demo-admin', ttl: '24h' });
    process.stdout.write(
      [
        '',
        `Channel API listening on ${base} (${database.kind}${embedded ? `, data in ${resolve(config.DATA_DIR)}` : ''})`,
        `Demo tenant '${DEMO_TENANT}'. Dev token (scope admin, 24h):`,
        '',
        `  export TOKEN=${token}`,
        '',
        `  curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/partners`,
        '',
        `REST docs: ${base}/docs   GraphiQL: ${base}/graphiql   More tokens: npm run token -- --scope "partners:read"`,
        '',
      ].join('\n'),
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out');
      process.exit(1);
    }, 20_000);
    timer.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
