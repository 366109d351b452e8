/**
 * Runs `round` over and over, one at a time: `intervalMs` after the last one ended, or at once when
 * it reports that more work is waiting. A failed round is reported and tried again after the
 * interval. stop() waits for the round in progress, so nothing runs after shutdown.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly options: {
      /** Resolves true when more work is waiting. */
      round: () => Promise<boolean | void>;
      intervalMs: number;
      onError: (error: unknown) => void;
    },
  ) {}

  start(): void {
    this.next(0);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.options.round().then(
        (more) => this.next(more === true ? 0 : this.options.intervalMs),
        (error: unknown) => {
          this.options.onError(error);
          this.next(this.options.intervalMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }
}
