/**
 * Every environment variable goes through src/config.ts: a bad value is refused with a message naming it (the
 * server and the worker print it and exit 2), and the background tuning reaches the composition root typed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('configuration of the background work', () => {
  it.each([
    ['INTEGRATION_WORKERS', 'maybe'],
    ['WEBHOOK_LEASE_MS', 'soon'],
    ['WEBHOOK_CONCURRENCY', '0'],
    ['WORKER_POLL_MS', '-5'],
    ['JOB_LEASE_MS', '1.5'],
  ])('refuses %s=%s, naming it', (name, value) => {
    const msg = refusal({ [name]: value });
    expect(msg).toContain(name);
    // only the bad variable is named
    for (const other of ['INTEGRATION_WORKERS', 'WEBHOOK_LEASE_MS', 'WEBHOOK_CONCURRENCY', 'WORKER_POLL_MS', 'JOB_LEASE_MS'].filter((o) => o !== name)) {
      expect(msg).not.toContain(other);
    }
  });

  it('parses good values; workers run in the API process unless INTEGRATION_WORKERS is false', () => {
    expect(loadConfig({}).INTEGRATION_WORKERS).toBe(true);
    const c = loadConfig({ INTEGRATION_WORKERS: 'false', WEBHOOK_LEASE_MS: '30000', WEBHOOK_CONCURRENCY: '8', WORKER_POLL_MS: '250', JOB_LEASE_MS: '60000' });
    expect(c).toMatchObject({ INTEGRATION_WORKERS: false, WEBHOOK_LEASE_MS: 30000, WEBHOOK_CONCURRENCY: 8, WORKER_POLL_MS: 250, JOB_LEASE_MS: 60000 });
    expect(loadConfig({ INTEGRATION_WORKERS: '0' }).INTEGRATION_WORKERS).toBe(false);
  });

  it('no process.env read outside config.ts in src/', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    const readers = walk('src').filter((f) => f !== join('src', 'config.ts') && /process\.env\b/.test(readFileSync(f, 'utf8')));
    // TARGET_INGEST_DEBUG (target.ingest.ts) is being removed with the target import pipeline
    expect(readers.filter((f) => !f.endsWith('target.ingest.ts'))).toEqual([]);
  });
});
