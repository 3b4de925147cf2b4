/**
 * A background loop for work claimed from PostgreSQL (job worker, webhook dispatcher): runs `work` until it
 * reports nothing left, then waits `pollMs`; `poke()` runs it again soon (after a commit that queued work)
 * without ever running two rounds at once. `stop()` waits for the round in progress.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly pollMs: number,
    private readonly onError?: (e: unknown) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), ms);
    this.timer.unref?.();
  }

  private async loop(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      try {
        await this.work();
      } catch (e) {
        this.onError?.(e);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const again = this.again;
    this.again = false;
    this.schedule(again ? 0 : this.pollMs);
  }
}
