import { PollingLoop } from './poller.js';

/** A job the scheduler runs every `everyMs` (first run at start), never two rounds of the same job at once. */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Scheduled jobs of one process (agreement sweep, warning checks...): the composition root registers them, the
 * server (INTEGRATION_WORKERS) and the worker start them. Every job must be safe to run in several processes at
 * once (claim rows with SKIP LOCKED, unique indexes): nothing here elects a leader.
 */
export class Scheduler {
  private readonly jobs: ScheduledJob[] = [];
  private loops: PollingLoop[] = [];

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
    this.loops = this.jobs.map((j) => new PollingLoop(j.run, j.everyMs, onError ? (e) => onError(e, j.name) : undefined));
    for (const l of this.loops) l.start();
  }

  /** Stops every job, waiting for the rounds in progress. */
  async stop(): Promise<void> {
    const loops = this.loops;
    this.loops = [];
    await Promise.all(loops.map((l) => l.stop()));
  }
}
