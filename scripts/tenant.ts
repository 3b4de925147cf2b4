/**
 * Tenant provisioning for operators: a token (or API key) is accepted only for a tenant that exists.
 *   npm run tenant -- create <id> <name>     creates the tenant (an existing id is left as it is; exit 0)
 *   npm run tenant -- list                   one line per tenant: id, name, created (JSON with --json)
 * Uses DATABASE_URL (migrations are applied first, as the server does) or the embedded database in DATA_DIR.
 * Exit code 2 for a usage error or an invalid id/name.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { Database } from '../src/platform/db.js';
import { DomainError } from '../src/platform/errors.js';
import { TenantDirectory } from '../src/platform/tenants.js';

const USAGE = 'usage: npm run tenant -- create <id> <name> | list [--json]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const [command, ...rest] = positionals;
  if (command !== 'create' && command !== 'list') {
    console.error(USAGE);
    return 2;
  }
  if (command === 'create' && rest.length < 2) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const database = new Database(config.DATABASE_URL ? { url: config.DATABASE_URL, poolMax: 2 } : { dataDir: resolve(config.DATA_DIR, 'pglite') });
  try {
    await database.migrate();
    const tenants = new TenantDirectory(() => database.db);
    if (command === 'create') {
      const [id, ...name] = rest;
      const { tenant, created } = await tenants.create(id!, name.join(' '));
      console.log(created ? `created tenant '${tenant.id}' (${tenant.name})` : `tenant '${tenant.id}' already exists (${tenant.name}); unchanged`);
      return 0;
    }
    const rows = await tenants.list();
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else for (const r of rows) console.log(`${r.id}\t${r.name}\t${r.createdAt}`);
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(`${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
