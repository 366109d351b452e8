import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RpcError } from '@kinship/messaging';
import { REDIS, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { Redis } from 'ioredis';
import { AuthConfig } from '../auth.config.js';

/** How long a run of failures of one account is remembered without a new one. */
const ACCOUNT_FAILURES_TTL_SECONDS = 24 * 60 * 60;

/** Names an account in a Redis key, hashed: keys never hold addresses. Known or not, the same. */
export function accountKey(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex');
}

export function tooManyAttempts(retryAfterMs: number, message = 'Too many failed attempts. Try again later.'): RpcError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RpcError(429, 'too_many_attempts', message, [{ issue: 'retry_after', retryAfterSeconds }]);
}

/**
 * Redis counters that every replica shares, under the installation's namespace (NATS_NAMESPACE,
 * empty in production) so that environments sharing a Redis, such as parallel test suites, do not
 * count each other's attempts.
 */
@Injectable()
export class ThrottleCounters {
  constructor(
    @Inject(REDIS) readonly redis: Redis,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
  ) {}

  key(name: string): string {
    return `${this.info.namespace}kinship:auth:${name}`;
  }

  /**
   * Counts one more hit in a fixed window opened by the first hit and not extended by later ones:
   * the count so far, this one included, and how long the window still runs.
   */
  async hit(name: string, windowSeconds: number): Promise<{ count: number; remainingMs: number }> {
    const key = this.key(name);
    const results = await this.redis.multi().set(key, 0, 'EX', windowSeconds, 'NX').incr(key).pttl(key).exec();
    return { count: Number(results?.[1]?.[1] ?? 0), remainingMs: Number(results?.[2]?.[1] ?? 0) };
  }

  /** The count of a window without adding to it. */
  async peek(name: string): Promise<{ count: number; remainingMs: number }> {
    const key = this.key(name);
    const [count, remainingMs] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return { count: Number(count ?? 0), remainingMs };
  }
}

/**
 * Slows password guessing: sign-in, and every check of the current password (changing one's
 * password or email), which count together, so a stolen access token buys no extra guesses. Per
 * account (the email, known or not, so it tells nothing about existence): after
 * LOGIN_MAX_FAILURES failures in a row it is refused for 1 s, then each further failure doubles
 * that, up to LOGIN_MAX_BACKOFF_SECONDS; a success starts over. Per client address: after
 * LOGIN_IP_MAX_FAILURES failures within a window of LOGIN_IP_WINDOW_SECONDS, refused until the
 * window ends.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly config: AuthConfig,
    private readonly counters: ThrottleCounters,
  ) {}

  /** Throws 429 with retry_after when this account or this address must wait. */
  async check(email: string, ip: string | undefined): Promise<void> {
    const account = accountKey(email);
    const [blockedMs, ipWindow] = await Promise.all([
      this.counters.redis.pttl(this.counters.key(`login:account-blocked:${account}`)),
      ip ? this.counters.peek(`login:ip-failures:${ip}`) : Promise.resolve({ count: 0, remainingMs: -2 }),
    ]);
    if (blockedMs > 0) throw tooManyAttempts(blockedMs);
    if (ipWindow.count >= this.config.LOGIN_IP_MAX_FAILURES && ipWindow.remainingMs > 0) throw tooManyAttempts(ipWindow.remainingMs);
  }

  async recordFailure(email: string, ip: string | undefined): Promise<void> {
    const account = accountKey(email);
    const failuresKey = this.counters.key(`login:account-failures:${account}`);
    const [results] = await Promise.all([
      this.counters.redis.multi().incr(failuresKey).expire(failuresKey, ACCOUNT_FAILURES_TTL_SECONDS).exec(),
      ip ? this.counters.hit(`login:ip-failures:${ip}`, this.config.LOGIN_IP_WINDOW_SECONDS) : undefined,
    ]);
    const failures = Number(results?.[0]?.[1] ?? 0);
    if (failures >= this.config.LOGIN_MAX_FAILURES) {
      const backoffSeconds = Math.min(2 ** (failures - this.config.LOGIN_MAX_FAILURES), this.config.LOGIN_MAX_BACKOFF_SECONDS);
      await this.counters.redis.set(this.counters.key(`login:account-blocked:${account}`), '1', 'PX', backoffSeconds * 1000);
    }
  }

  /** A correct password ends the account's run of failures; the address's window runs on. */
  async recordSuccess(email: string): Promise<void> {
    const account = accountKey(email);
    await this.counters.redis.del(this.counters.key(`login:account-failures:${account}`), this.counters.key(`login:account-blocked:${account}`));
  }
}
