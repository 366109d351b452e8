import { Injectable } from '@nestjs/common';
import { AuthConfig } from '../auth.config.js';
import { accountKey, ThrottleCounters, tooManyAttempts } from '../sessions/login-throttle.js';

/** The window of both limits: one hour from the first request. */
const WINDOW_SECONDS = 60 * 60;

/**
 * Limits reset emails, so that "forgot password" cannot flood an inbox: per address (known or
 * not, so a refusal tells nothing about existence) PASSWORD_FORGOT_ACCOUNT_MAX requests an hour,
 * per client address PASSWORD_FORGOT_IP_MAX. Beyond either, 429 with retry_after until the window
 * ends, and no email.
 */
@Injectable()
export class ForgotPasswordThrottle {
  constructor(
    private readonly config: AuthConfig,
    private readonly counters: ThrottleCounters,
  ) {}

  async admit(email: string, ip: string | undefined): Promise<void> {
    const [account, address] = await Promise.all([
      this.counters.hit(`password-forgot:account:${accountKey(email)}`, WINDOW_SECONDS),
      ip ? this.counters.hit(`password-forgot:ip:${ip}`, WINDOW_SECONDS) : undefined,
    ]);
    const message = 'Too many password reset requests. Try again later.';
    if (account.count > this.config.PASSWORD_FORGOT_ACCOUNT_MAX) throw tooManyAttempts(account.remainingMs, message);
    if (address && address.count > this.config.PASSWORD_FORGOT_IP_MAX) throw tooManyAttempts(address.remainingMs, message);
  }
}
