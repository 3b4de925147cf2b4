import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const run = (...args: string[]) => {
  try {
    return {
      code: 0,
      out: execFileSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'scripts', 'check-boundaries.ts'), ...args], {
        cwd: repo,
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout + x.stderr };
  }
};

describe('module boundaries', () => {
  it('hold in this repository: modules import each other only through contract.ts, one way, and name no foreign table in SQL', () => {
    const r = run();
    expect(r.out).toContain('module boundaries: ok');
    expect(r.code).toBe(0);
  }, 60_000);

  it('fail on a deliberate cross-module table import and SQL naming a foreign table, naming the file', () => {
    const r = run('test/fixtures/boundaries');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/module-internals: src\/modules\/policy\/prices\.service\.ts → src\/modules\/onboarding\/partners\.tables\.ts/);
    expect(r.out).toMatch(/src\/modules\/policy\/prices\.service\.ts:4: SQL names 'partners' of module 'onboarding'/);
    // the contract import beside it is allowed
    expect(r.out).not.toMatch(/contract\.ts/.source + ' →');
  }, 60_000);
});
