import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnersQuery, PartnersQueryVariables } from '../../examples/generated/graphql.js';
import { syncPartners } from '../../examples/erp-sync.js';
import codegenConfig from '../../examples/codegen.js';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let base: string;
let token: string;
beforeAll(async () => {
  t = await setupTestApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  token = await t.token({ scope: 'partners:write', sub: 'erp' });
});
afterAll(async () => t?.close());

const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });

describe('typed clients generated from the committed contracts (npm run clients)', () => {
  it('openapi-typescript output from openapi.yaml is the committed clients/typescript/src/openapi.ts', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oas-'));
    try {
      const r = await run(process.execPath, [
        'node_modules/openapi-typescript/bin/cli.js',
        'openapi.yaml',
        '--default-non-nullable=false',
        '-o',
        join(dir, 'openapi.ts'),
      ]);
      expect(r.code, r.out).toBe(0);
      expect(readFileSync(join(dir, 'openapi.ts'), 'utf8')).toBe(readFileSync('clients/typescript/src/openapi.ts', 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('graphql-codegen accepts schema.graphql and the example operation, and its output is committed', { timeout: 60_000 }, async () => {
    const files = await generate({ ...codegenConfig, silent: true }, false);
    expect(files.map((f: { filename: string }) => f.filename).sort()).toEqual(['examples/generated/graphql.ts', 'examples/generated/schema-types.ts']);
    for (const f of files as { filename: string; content: string }[]) expect(f.content, f.filename).toBe(readFileSync(f.filename, 'utf8'));
  });

  it('the example compiles against the generated types', { timeout: 60_000 }, () => {
    const program = ts.createProgram(['examples/erp-sync.ts', 'examples/generated/graphql.ts', 'examples/generated/schema-types.ts'], {
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diags).toEqual([]);
  });
});

describe('examples run against the live server on 127.0.0.1', () => {
  it('erp-sync upserts partners by code with the generated REST client and reads them back', async () => {
    const rows = [
      { code: 'ERP-1', name: 'Huamei Trading', type: 'distributor' as const, tier: 'L1', city: 'Shanghai' },
      { code: 'ERP-2', name: 'Xinyuan Retail', type: 'retailer' as const },
    ];
    const first = await syncPartners(base, token, rows);
    expect(first.map((r) => [r.code, r.created, r.partner.version])).toEqual([
      ['ERP-1', true, 1],
      ['ERP-2', true, 1],
    ]);
    expect(first[0]!.partner).toMatchObject({ legalName: 'Huamei Trading', tier: 'L1', address: { city: 'Shanghai' } });
    const second = await syncPartners(base, token, [{ ...rows[0]!, name: 'Huamei Trading Group' }]);
    expect(second[0]).toMatchObject({ created: false, partner: { id: first[0]!.partner.id, legalName: 'Huamei Trading Group', version: 2 } });
  });

  it('erp-sync runs as a script', { timeout: 60_000 }, async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'examples/erp-sync.ts'], { CHANNEL_API_URL: base, CHANNEL_API_TOKEN: token });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/created ERP-1001 -> [0-9a-f-]{36} \(version 1\)/);
  });

  it('examples/partners.graphql runs and matches its generated result type', async () => {
    const query = readFileSync('examples/partners.graphql', 'utf8');
    const variables: PartnersQueryVariables = { first: 10, filter: { q: 'ERP-' } };
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: PartnersQuery; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const codes = body.data.partners.nodes.map((n) => n.code).sort();
    expect(codes).toEqual(['ERP-1', 'ERP-1001', 'ERP-1002', 'ERP-2']);
    expect(body.data.partners.nodes.find((n) => n.code === 'ERP-1')).toMatchObject({ type: 'distributor', tier: 'L1', parent: null, children: [] });
  });

  it('the client package (clients/typescript) builds under strict settings, is versioned with the API, and works', { timeout: 120_000 }, async () => {
    const pkg = JSON.parse(readFileSync('clients/typescript/package.json', 'utf8')) as { version: string; files: string[] };
    const served = (await t.app.inject({ url: '/docs/json' })).json() as { info: { version: string } };
    expect(pkg.version).toBe(served.info.version);
    const built = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'clients/typescript/tsconfig.json']);
    expect(built.code, built.out).toBe(0);
    const client = (await import(
      pathToFileURL(join(process.cwd(), 'clients/typescript/dist/index.js')).href
    )) as typeof import('../../clients/typescript/src/index.js');
    expect(client.API_VERSION).toBe(served.info.version);

    const api = client.createChannelClient({ baseUrl: base, credential: await t.token({ scope: 'partners:write', sub: 'pkg' }) });
    const me = client.unwrap(await api.GET('/v1/me'));
    expect(me).toMatchObject({ tenantId: 't1', subject: 'pkg', partnerId: null });
    // writes carry an Idempotency-Key: the same explicit key twice is one partner, the second answer a replay
    const body = { code: 'PKG-1', legalName: 'Package Co.', type: 'distributor' as const };
    const first = await api.POST('/v1/partners', { body, headers: { 'Idempotency-Key': 'pkg-create-1' } });
    const again = await api.POST('/v1/partners', { body, headers: { 'Idempotency-Key': 'pkg-create-1' } });
    expect(first.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data?.id).toBe(first.data?.id);
    // errors are thrown as ChannelApiError with the problem's stable code
    const missing = await api.GET('/v1/partners/{id}', { params: { path: { id: '00000000-0000-7000-8000-000000000000' } } });
    expect(() => client.unwrap(missing)).toThrow(client.ChannelApiError);
    try {
      client.unwrap(missing);
    } catch (e) {
      expect((e as InstanceType<typeof client.ChannelApiError>).code).toBe('NOT_FOUND');
    }
    // pages() walks a cursor list to its end
    for (let i = 2; i <= 5; i++) expect((await api.POST('/v1/partners', { body: { ...body, code: `PKG-${i}` } })).response.status).toBe(201);
    const codes: string[] = [];
    for await (const p of client.pages((cursor) => api.GET('/v1/partners', { params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } } })))
      codes.push(p.code);
    expect(codes.filter((c) => c.startsWith('PKG-')).sort()).toEqual(['PKG-1', 'PKG-2', 'PKG-3', 'PKG-4', 'PKG-5']);
  });
});
