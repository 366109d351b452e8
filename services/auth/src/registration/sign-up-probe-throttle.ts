import { Injectable } from '@nestjs/common';
import { AuthConfig } from '../auth.config.js';
import { ThrottleCounters, tooManyAttempts } from '../sessions/login-throttle.js';

const WINDOW_SECONDS = 60 * 60;

/**
 * Sign-up signs the new owner in at once, so it cannot pretend a taken address is free: its 409
 * tells the caller that the address has an account somewhere. This bounds how often one client
 * address learns that: after REGISTRATION_IP_MAX_CONFLICTS such answers within an hour, every
 * sign-up from it is refused (429) until the hour ends, whatever the address, so the 429 tells
 * nothing either.
 */
@Injectable()
export class SignUpProbeThrottle {
  constructor(
    private readonly config: AuthConfig,
    private readonly counters: ThrottleCounters,
  ) {}

  async check(ip: string | undefined): Promise<void> {
    if (!ip) return;
    const window = await this.counters.peek(`registration:ip-conflicts:${ip}`);
    if (window.count >= this.config.REGISTRATION_IP_MAX_CONFLICTS && window.remainingMs > 0) {
      throw tooManyAttempts(window.remainingMs, 'Too many sign-ups with addresses that have an account. Try again later.');
    }
  }

  async recordConflict(ip: string | undefined): Promise<void> {
    if (ip) await this.counters.hit(`registration:ip-conflicts:${ip}`, WINDOW_SECONDS);
  }
}
