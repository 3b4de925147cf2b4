import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Database } from './db.js';
import { PollingLoop } from './poller.js';

/** A job the scheduler runs every `everyMs` (first run at start), never two rounds of the same job at once. */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Decides whether this process runs a job round that is due now: true for exactly one of the processes that ask
 * while it is due (see `databaseClaim`).
 */
export type ScheduleClaim = (job: ScheduledJob) => Promise<boolean>;

export interface SchedulerOptions {
  /** shared claim (every process of one database); without it every process runs every job on its own timer */
  claim?: ScheduleClaim;
  /** how often a process asks whether a claimed job is due (default: min(everyMs, 10 s)) */
  pollMs?: number;
}

/**
 * The claim of the `scheduled_jobs` table: a job's row is created once (due at once), and a process runs a round
 * only when its single conditional UPDATE moves `next_run_at` from the past to now + everyMs. Concurrent UPDATEs of
 * the row serialize on its lock and the later ones find it no longer due, so a due round runs in one process.
 */
export function databaseClaim(database: Database, owner = `${hostname()}:${process.pid}`): ScheduleClaim {
  const known = new Set<string>();
  return async (job) => {
    if (!known.has(job.name)) {
      await database.rows(
        sql`insert into scheduled_jobs (name, every_ms, next_run_at) values (${job.name}, ${job.everyMs}, now())
            on conflict (name) do update set every_ms = excluded.every_ms where scheduled_jobs.every_ms <> excluded.every_ms`,
      );
      known.add(job.name);
    }
    const claimed = await database.rows(
      sql`update scheduled_jobs set next_run_at = now() + every_ms * interval '1 millisecond', last_started_at = now(),
            last_owner = ${owner}, runs = runs + 1
          where name = ${job.name} and next_run_at <= now() returning runs`,
    );
    return claimed.length > 0;
  };
}

/**
 * Scheduled jobs of one process (agreement sweep, warning checks, retention...): the composition root registers
 * them, the server (INTEGRATION_WORKERS) and the worker start them. With a shared claim (createServices uses the
 * `scheduled_jobs` table) a due round runs in one process however many poll; the jobs stay safe to run in several
 * processes at once anyway (claim rows with SKIP LOCKED, unique indexes).
 */
export class Scheduler {
  private readonly jobs: ScheduledJob[] = [];
  private loops: PollingLoop[] = [];

  constructor(private readonly opts: SchedulerOptions = {}) {}

  register(job: ScheduledJob): void {
    if (this.jobs.some((j) => j.name === job.name)) throw new Error(`scheduled job '${job.name}' is already registered`);
    this.jobs.push(job);
  }

  get names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  get running(): boolean {
    return this.loops.length > 0;
  }

  /** Starts every registered job; `onError` hears a failed round (the job runs again at its next time). */
  start(onError?: (err: unknown, job: string) => void): void {
    if (this.loops.length) return;
    const claim = this.opts.claim;
    this.loops = this.jobs.map((j) => {
      const round = claim
        ? async () => {
            if (await claim(j)) await j.run();
          }
        : j.run;
      const every = claim ? (this.opts.pollMs ?? Math.min(j.everyMs, 10_000)) : j.everyMs;
      return new PollingLoop(round, every, onError ? (e) => onError(e, j.name) : undefined);
    });
    for (const l of this.loops) l.start();
  }

  /** Stops every job, waiting for the rounds in progress. */
  async stop(): Promise<void> {
    const loops = this.loops;
    this.loops = [];
    await Promise.all(loops.map((l) => l.stop()));
  }
}
