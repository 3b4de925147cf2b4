import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/platform/logging.js';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { hardenedApp } from './hardening-app.js';

let t: TestApp;
let admin: Client;

const post = (payload: unknown, token: string) =>
  t.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}` }, payload: payload as object });

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
  for (const code of ['GL-1', 'GL-2']) await admin.post('/v1/partners', { code, legalName: `${code} Ltd.`, type: 'distributor' });
});
afterAll(async () => t?.close());

describe('GraphQL limits (defaults: depth 10, cost 50,000, aliases 30, batch 10)', () => {
  it('1,000 aliases of partners(first: 500) are refused fast with GRAPHQL_LIMIT_EXCEEDED naming the limit', async () => {
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: partners(first: 500) { nodes { id code } }`).join(' ')} }`;
    const started = performance.now();
    const res = await post({ query }, await t.token());
    const ms = performance.now() - started;
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].extensions).toMatchObject({ code: 'GRAPHQL_LIMIT_EXCEEDED', limit: 'aliases', max: 30 });
    expect(res.json().data).toBeNull();
    expect(ms).toBeLessThan(1000);
  });

  it('deep nesting is refused', async () => {
    let sel = 'code';
    for (let i = 0; i < 10; i++) sel = `children { ${sel} }`;
    const res = await admin.gql(`{ partners(first: 1) { nodes { ${sel} } } }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_LIMIT_EXCEEDED', limit: 'depth', max: 10 });
    // within the limit it runs
    const ok = await admin.gql(`{ partners(first: 1) { nodes { children { children { code } } } } }`);
    expect(ok.status).toBe(200);
    expect(ok.errors).toBeUndefined();
  });

  it('cost counts first x nesting, with the variables the request sends', async () => {
    const q = `query($n: Int) { partners(first: $n) { nodes { code children { code children { code } } } } }`;
    const big = await admin.gql(q, { n: 500 });
    expect(big.status).toBe(400);
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_LIMIT_EXCEEDED', limit: 'cost', max: 50_000 });
    expect(big.errors?.[0]?.extensions.actual).toBeGreaterThan(50_000);
    const small = await admin.gql(q, { n: 5 });
    expect(small.status).toBe(200);
    expect(small.data.partners.nodes).toHaveLength(2);
    // 20 aliases (under the alias cap) of a full page are over the cost cap
    const wide = await admin.gql(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: partners(first: 500) { nodes { id code legalName tier } }`).join(' ')} }`);
    expect(wide.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_LIMIT_EXCEEDED', limit: 'cost' });
  });

  it('a syntax error is 400 GRAPHQL_PARSE_FAILED with the real message', async () => {
    const res = await admin.gql(`{ partners(first: 5) { nodes { code } `);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/^Syntax Error: Expected Name, found <EOF>/);
  });

  it('a validation error is 400 GRAPHQL_VALIDATION_FAILED with the real message; bad variables too', async () => {
    const res = await admin.gql(`{ partners(first: 5) { nodes { nosuchfield } } }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/Cannot query field "nosuchfield"/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const vars = await admin.gql(`query($n: Int) { partners(first: $n) { nodes { code } } }`, { n: 'many' });
    expect(vars.status).toBe(400);
    expect(vars.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(vars.errors?.[0]?.message).toMatch(/\$n/);
  });

  it('batched operations are accepted up to the cap', async () => {
    const token = await t.token();
    const two = await post([{ query: '{ viewer { tenant } }' }, { query: '{ partners(first: 1) { nodes { code } } }' }], token);
    expect(two.statusCode).toBe(200);
    expect(two.json()).toHaveLength(2);
    expect(two.json()[0].data.viewer.tenant).toBe('t1');
    const eleven = await post(
      Array.from({ length: 11 }, () => ({ query: '{ viewer { tenant } }' })),
      token,
    );
    expect(eleven.statusCode).toBe(400);
    expect(eleven.json().errors[0].extensions).toMatchObject({ code: 'GRAPHQL_LIMIT_EXCEEDED', limit: 'batch', max: 10, actual: 11 });
  });

  it('introspection is on outside production', async () => {
    const res = await admin.gql(`{ __schema { queryType { name } } }`);
    expect(res.data.__schema.queryType.name).toBe('Query');
  });
});

describe('GraphQL in production', () => {
  it('introspection is off by default (GRAPHQL_INTROSPECTION turns it on); refusals are logged at info, not as errors', async () => {
    const lines: { level: number; msg: string }[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    const h = await hardenedApp({ NODE_ENV: 'production', LOG_LEVEL: 'info' }, { logger: { ...loggerOptions('info'), stream } as never });
    const on = await hardenedApp({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: true });
    try {
      const ask = async (app: typeof h, query: string) =>
        app.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${await app.sign()}` }, payload: { query } });
      const off = await ask(h, '{ __schema { types { name } } }');
      expect(off.statusCode).toBe(400);
      expect(off.json().errors[0]).toMatchObject({
        message: expect.stringMatching(/introspection has been disabled/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      expect((await ask(h, '{ viewer { tenant } }')).statusCode).toBe(200);
      expect((await ask(on, '{ __schema { queryType { name } } }')).json().data.__schema.queryType.name).toBe('Query');
      expect((await ask(h, '{ viewer { ')).statusCode).toBe(400);
      const refusals = lines.filter((l) => l.msg === 'graphql request refused');
      expect(refusals.length).toBeGreaterThanOrEqual(2);
      expect(refusals.every((l) => l.level === 30)).toBe(true);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    } finally {
      await h.close();
      await on.close();
    }
  });
});

describe('GraphQL requests refused at the HTTP level', () => {
  it('a body that is not JSON is 400 problem+json, not a 200 with INTERNAL', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${await t.token()}`, 'content-type': 'application/json' },
      payload: '{"query": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('BAD_REQUEST');
  });
});
