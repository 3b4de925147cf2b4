/**
 * Writes the committed contracts from the code: openapi.yaml (from the zod route schemas) and schema.graphql
 * (the SDL the server assembles from its modules). `--check` fails instead when a file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { buildApp } from '../src/app.js';
import { Database } from '../src/platform/db.js';
import { graphqlLib } from '../src/platform/graphql-lib.js';

export async function renderContracts() {
  // postgres.js connects lazily: building the app needs no database.
  const database = new Database({ url: 'postgres://contracts@127.0.0.1:1/none' });
  const app = await buildApp({
    config: { NODE_ENV: 'development', LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(32), IDEMPOTENCY_TTL_HOURS: 24 },
    database,
    logger: false,
  });
  await app.ready();
  // components sorted by name: the committed file must not depend on the order modules happen to load their schemas in
  const doc = app.swagger() as { components?: { schemas?: Record<string, unknown> } };
  if (doc.components?.schemas)
    doc.components.schemas = Object.fromEntries(Object.entries(doc.components.schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const openapi = YAML.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  const graphql = graphqlLib.printSchema(app.graphql.schema) + '\n';
  await app.close();
  return { openapi, graphql };
}

const isMain = process.argv[1] && resolve(process.argv[1]).endsWith('contracts.ts');
if (isMain) {
  const check = process.argv.includes('--check');
  const { openapi, graphql } = await renderContracts();
  let drift = false;
  for (const [file, text] of [
    ['openapi.yaml', openapi],
    ['schema.graphql', graphql],
  ] as const) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      /* missing */
    }
    if (current === text) continue;
    if (check) {
      console.error(`${file} differs from what the server serves: run npm run openapi`);
      drift = true;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
  process.exit(drift ? 1 : 0);
}
