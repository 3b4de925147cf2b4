import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { setupTestApp, type Client, type TestApp } from '../helpers/app.js';
import { contractProblems } from '../helpers/contract.js';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await setupTestApp();
  admin = t.client(await t.token());
});
afterAll(async () => t?.close());

const doc = YAML.parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'));
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

describe('conditional reads', () => {
  it('a versioned read carries W/"<version>"; If-None-Match with it is a bodyless 304; a change gives 200 again', async () => {
    const p = await admin.post('/v1/partners', { code: 'ETAG-1', legalName: 'Etag Ltd', type: 'distributor' });
    expect(p.statusCode).toBe(201);
    const read = await admin.get(`/v1/partners/${p.data.id}`);
    expect(read.headers.etag).toBe('W/"1"');
    const again = await admin.get(`/v1/partners/${p.data.id}`, { 'if-none-match': 'W/"1"' });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await admin.get(`/v1/partners/${p.data.id}`, { 'if-none-match': '"7", W/"1"' })).statusCode).toBe(304);
    expect((await admin.patch(`/v1/partners/${p.data.id}`, { tier: 'L2' })).statusCode).toBe(200);
    const changed = await admin.get(`/v1/partners/${p.data.id}`, { 'if-none-match': 'W/"1"' });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('W/"2"');
    expect(changed.data.tier).toBe('L2');
  });

  it('a read without a version gets a hash ETag that changes with the content', async () => {
    const list = '/v1/onboarding/applications?limit=5';
    const first = await admin.get(list);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^W\/"h[\w-]+"$/);
    expect((await admin.get(list, { 'if-none-match': tag })).statusCode).toBe(304);
    const app = { partnerCode: 'ETAG-AP', legalName: 'Applicant', partnerType: 'dealer', contactName: 'Bo', contactPhone: '123' };
    expect((await admin.post('/v1/onboarding/applications', app)).statusCode).toBe(201);
    const after = await admin.get(list, { 'if-none-match': tag });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(tag);
  });

  it("a page of partners is tagged by its items' ids and versions and its cursor: a change on the page or a new item on it gives 200 again", async () => {
    for (const code of ['PG-1', 'PG-2', 'PG-3']) await admin.post('/v1/partners', { code, legalName: code, type: 'dealer' });
    const list = '/v1/partners?limit=2&q=PG-';
    const first = await admin.get(list);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^W\/"p[\w-]+"$/);
    expect(first.data.data).toHaveLength(2);
    expect((await admin.get(list, { 'if-none-match': tag })).statusCode).toBe(304);
    // a partner past the page: the same page, the same body, still 304
    await admin.post('/v1/partners', { code: 'PG-4', legalName: 'PG-4', type: 'dealer' });
    expect((await admin.get(list, { 'if-none-match': tag })).statusCode).toBe(304);
    // a change of an item on the page (its version rises)
    expect((await admin.patch(`/v1/partners/${first.data.data[1].id}`, { tier: 'L2' })).statusCode).toBe(200);
    const changed = await admin.get(list, { 'if-none-match': tag });
    expect(changed.statusCode).toBe(200);
    expect(changed.data.data[1].tier).toBe('L2');
    const tag2 = String(changed.headers.etag);
    expect(tag2).not.toBe(tag);
    // the last page: another item joins it (a new cursor-less page body)
    const last = `/v1/partners?limit=2&q=PG-&cursor=${encodeURIComponent(first.data.nextCursor)}`;
    const lastTag = String((await admin.get(last)).headers.etag);
    await admin.post('/v1/partners', { code: 'PG-5', legalName: 'PG-5', type: 'dealer' });
    const grown = await admin.get(last, { 'if-none-match': lastTag });
    expect(grown.statusCode).toBe(200);
  });

  it('a write is never answered 304', async () => {
    const res = await admin.post('/v1/partners', { code: 'ETAG-3', legalName: 'Etag Three', type: 'dealer' }, { 'if-none-match': '*' });
    expect(res.statusCode).toBe(201);
  });
});

describe('the document says what the server does', () => {
  it('every write takes Idempotency-Key; every error is application/problem+json; 401/403/429/500 on every operation', () => {
    for (const { path, method, op } of operations()) {
      const where = `${method} ${path}`;
      if (['post', 'put', 'patch', 'delete'].includes(method))
        expect(op.parameters ?? [], where).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
      for (const s of ['401', '403', '429', '500']) expect(op.responses[s], `${where} ${s}`).toBeDefined();
      for (const [status, res] of Object.entries(op.responses as Record<string, any>))
        if (Number(status) >= 400 && res.content) expect(Object.keys(res.content), `${where} ${status}`).toEqual(['application/problem+json']);
    }
    expect(doc.servers).toHaveLength(1);
    expect(doc.info.license).toBeDefined();
  });

  it('an optional body is not required; the import operations declare their CSV / NDJSON body with its columns', () => {
    expect(doc.paths['/v1/policy/versions/{id}/publish'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v1/partners'].post.requestBody.required).toBe(true);
    for (const { path, method, op } of operations().filter((o) => o.path.endsWith(':import'))) {
      expect(Object.keys(op.requestBody?.content ?? {}), `${method} ${path}`).toEqual(expect.arrayContaining(['text/csv', 'application/x-ndjson']));
    }
    expect(doc.paths['/v1/policy/price-observations:import'].post.requestBody.content['text/csv'].schema.description).toMatch(/partner,product,date,price/);
  });

  it('strings the document bounds by default are refused over the bound (400 naming the field), not stored', async () => {
    const schema = doc.components.schemas.TargetCreate.properties.value;
    expect(schema.maxLength).toBe(10000);
    const p = await admin.post('/v1/partners', { code: 'CAP-1', legalName: 'Cap Ltd', type: 'dealer' });
    const res = await admin.post('/v1/targets', { partnerId: p.data.id, period: '2026-Q3', metric: 'sales_amount', value: '1'.repeat(10_001) });
    expect(res.statusCode).toBe(400);
    expect(res.data.errors).toEqual([{ path: 'body.value', message: 'must be at most 10000 characters' }]);
    expect((await admin.get(`/v1/targets?partnerId=${p.data.id}`)).data.data).toEqual([]);
  });

  it('the contract check reports an undeclared status, a wrong media type, a body off its schema and a bad header', () => {
    const base = { method: 'GET', url: '/v1/partners/00000000-0000-7000-8000-000000000000', headers: { 'content-type': 'application/json' } };
    expect(contractProblems({ ...base, status: 418, body: '{}' })[0]).toMatch(
      /GET \/v1\/partners\/\{id\} \(getPartner\) answered 418, which openapi.yaml does not declare/,
    );
    expect(contractProblems({ ...base, status: 404, body: '{}' })[0]).toMatch(/content-type 'application\/json'; declared: application\/problem\+json/);
    expect(contractProblems({ ...base, status: 200, body: '{"id": 1}' })[0]).toMatch(/body that does not match its schema/);
    expect(contractProblems({ ...base, status: 304, headers: { 'ratelimit-limit': 'x', etag: 'W/"1"' }, body: '' })).toEqual([]);
    expect(contractProblems({ ...base, status: 200, headers: { ...base.headers, 'ratelimit-limit': 'many' }, body: '{}' }).join()).toMatch(/RateLimit-Limit/);
    expect(contractProblems({ method: 'GET', url: '/v1/nothing-here', status: 200, headers: {}, body: '' })[0]).toMatch(/no such operation/);
  });
});

describe('CSV rows with a wrong number of columns', () => {
  const post = (url: string, csv: string) => admin.post(url, csv, { 'content-type': 'text/csv' });

  it('are reported as such by the generic reader (partners), the good rows kept', async () => {
    const res = await post('/v1/partners:import', ['code,legalName,type', 'COL-1,Short Row', 'COL-2,Good Row,dealer', 'COL-3,Long,dealer,extra'].join('\n'));
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({ accepted: 1, rejected: 2 });
    expect(res.data.errors).toEqual([
      { line: 2, message: 'wrong number of columns: the row has 2, the header line has 3' },
      { line: 4, message: 'wrong number of columns: the row has 4, the header line has 3' },
    ]);
  });

  it('are reported as such by the fast reader (sell-through)', async () => {
    const res = await post(
      '/v1/actuals/sell-through:import',
      ['externalId,date,partnerCode,productCode,quantity,amount', 'X-1,2026-07-01,PA,SKU1,1'].join('\n'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.data.errors).toEqual([{ line: 2, message: 'wrong number of columns: the row has 5, the header line has 6' }]);
  });
});

describe('CLI', () => {
  const run = promisify(execFile);
  const cli = async (script: string, args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', `scripts/${script}.ts`, ...args], { env: { ...process.env, ...env } });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('--help for both commands; an unreachable database, a missing file and a bad option are one line each, no stack', async () => {
    const file = join(tmpdir(), `h16-${process.pid}.csv`);
    writeFileSync(file, 'externalId,date\n');
    const [importHelp, tokenHelp, noDb, noFile, badOption] = await Promise.all([
      cli('import', ['--help']),
      cli('token', ['--help']),
      cli('import', ['--kind', 'sell-through', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }),
      cli('import', ['--kind', 'sell-through', '/nonexistent/rows.csv']),
      cli('token', ['--nope']),
    ]);
    expect(importHelp).toMatchObject({ code: 0, stderr: '' });
    expect(importHelp.stdout).toMatch(/^usage: npm run import -- --kind/);
    expect(tokenHelp.stdout).toMatch(/^usage: npm run token/);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr.trim()).toMatch(/^import: database unusable \(DATABASE_URL\): .*ECONNREFUSED/);
    expect(noDb.stderr.trim().split('\n')).toHaveLength(1);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr.trim()).toMatch(/^import: cannot read \/nonexistent\/rows\.csv: .*ENOENT/);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr.trim()).toBe("token: Unknown option '--nope' (npm run token -- --help)");
  }, 60_000);
});
