/**
 * The platform scheduler and the composition root: scheduled jobs are registered in createServices (the
 * integration module no longer knows the agreement sweep), run at start, and stop with the background work.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/platform/scheduler.js';
import { createServices, startBackground, stopBackground } from '../../src/services.js';
import { Database } from '../../src/platform/db.js';
import { Store } from '../../src/platform/store.js';

describe('scheduler', () => {
  it('runs each job at start and again after its interval, never twice at once, and stops', async () => {
    const s = new Scheduler();
    let runs = 0;
    let inFlight = 0;
    let overlap = false;
    s.register({
      name: 'tick',
      everyMs: 20,
      run: async () => {
        inFlight++;
        if (inFlight > 1) overlap = true;
        runs++;
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
    });
    expect(() => s.register({ name: 'tick', everyMs: 1, run: async () => {} })).toThrow(/already registered/);
    s.start();
    await new Promise((r) => setTimeout(r, 120));
    await s.stop();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(2);
    expect(overlap).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(after);
  });

  it('a failed round is reported with the job name and the job runs again', async () => {
    const s = new Scheduler();
    const errors: string[] = [];
    let n = 0;
    s.register({
      name: 'flaky',
      everyMs: 10,
      run: async () => {
        if (n++ === 0) throw new Error('boom');
      },
    });
    s.start((e, job) => errors.push(`${job}: ${(e as Error).message}`));
    await new Promise((r) => setTimeout(r, 60));
    await s.stop();
    expect(errors).toEqual(['flaky: boom']);
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('the composition root registers the agreement sweep, the warning checks and the credit sweep; background work starts and stops without Fastify', async () => {
    // postgres.js connects lazily: nothing here touches the database before stop
    const database = new Database({ url: 'postgres://nobody@127.0.0.1:1/none' });
    const services = createServices(new Store(database), { NODE_ENV: 'test' });
    expect(services.scheduler.names).toEqual(['agreement-sweep', 'evaluation-warnings', 'credit-sweep', 'totals-pending', 'retention']);
    expect(services.scheduler.running).toBe(false);
    startBackground(services, { NODE_ENV: 'test', WORKER_POLL_MS: 60_000 }, { onError: () => {} });
    expect(services.scheduler.running).toBe(true);
    await stopBackground(services);
    expect(services.scheduler.running).toBe(false);
    await database.close();
  });
});
