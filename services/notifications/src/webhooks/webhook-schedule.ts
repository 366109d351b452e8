import { Injectable } from '@nestjs/common';
import { NotificationsConfig } from '../notifications.config.js';

/** When a failed attempt is tried again, and when a delivery and its endpoint are given up on. */
@Injectable()
export class WebhookSchedule {
  /** Waits before the 2nd, 3rd, ... attempt. */
  readonly retryDelaysMs: number[];
  readonly maxAttempts: number;
  readonly disableAfterFailures: number;
  /** How long a leased delivery is left to its worker before another may take it: the request's timeout and a margin. */
  readonly leaseMs: number;

  constructor(config: NotificationsConfig) {
    this.retryDelaysMs = config.WEBHOOKS_RETRY_SCHEDULE_MS.split(',').map(Number);
    this.maxAttempts = this.retryDelaysMs.length + 1;
    this.disableAfterFailures = config.WEBHOOKS_DISABLE_AFTER_FAILURES;
    this.leaseMs = config.WEBHOOKS_TIMEOUT_MS + 60_000;
  }

  /** When to try again after this failed attempt (1-based), or null when it was the last. */
  nextAttemptAt(failedAttempt: number, now = new Date()): Date | null {
    const delay = this.retryDelaysMs[failedAttempt - 1];
    return delay === undefined ? null : new Date(now.getTime() + delay);
  }
}
