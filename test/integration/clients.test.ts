import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  it('openapi-typescript output from openapi.yaml is the committed examples/generated/openapi.d.ts', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oas-'));
    try {
      const r = await run(process.execPath, [
        'node_modules/openapi-typescript/bin/cli.js',
        'openapi.yaml',
        '--default-non-nullable=false',
        '-o',
        join(dir, 'openapi.d.ts'),
      ]);
      expect(r.code, r.out).toBe(0);
      expect(readFileSync(join(dir, 'openapi.d.ts'), 'utf8')).toBe(readFileSync('examples/generated/openapi.d.ts', 'utf8'));
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
});
