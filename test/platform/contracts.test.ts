import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderContracts } from '../../scripts/contracts.js';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await setupTestApp();
});
afterAll(async () => t?.close());

describe('committed contracts match the running server (run `npm run openapi` after an API change)', () => {
  it('openapi.yaml is what /docs/json serves', async () => {
    const committed = YAML.parse(readFileSync('openapi.yaml', 'utf8'));
    const served = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(served).toEqual(committed);
  });

  it('schema.graphql is what /graphql serves (introspection)', async () => {
    const res = await t.client(await t.token()).post('/graphql', { query: getIntrospectionQuery() });
    const served = printSchema(buildClientSchema(res.data.data)) + '\n';
    expect(served).toBe(readFileSync('schema.graphql', 'utf8'));
  });

  it('regenerating them from the code changes nothing', async () => {
    const { openapi, graphql } = await renderContracts();
    expect(openapi).toBe(readFileSync('openapi.yaml', 'utf8'));
    expect(graphql).toBe(readFileSync('schema.graphql', 'utf8'));
  });
});
