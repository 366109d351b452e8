import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RpcError } from '@kinship/messaging';
import { REDIS } from '@kinship/platform';
import type { Redis } from 'ioredis';
import { AuthConfig } from '../auth.config.js';

/** How long a run of failures of one account is remembered without a new one. */
const ACCOUNT_FAILURES_TTL_SECONDS = 24 * 60 * 60;

function accountKey(email: string): string {
  // Hashed: the key names the account without putting addresses into Redis.
  return createHash('sha256').update(email).digest('hex');
}

function tooManyAttempts(retryAfterMs: number): RpcError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RpcError(429, 'too_many_attempts', 'Too many failed sign-ins. Try again later.', [{ issue: 'retry_after', retryAfterSeconds }]);
}

/**
 * Slows password guessing, in Redis so that every replica counts together. Per account (the
 * email, known or not, so it tells nothing about existence): after LOGIN_MAX_FAILURES failures
 * in a row it is refused for 1 s, then each further failure doubles that, up to
 * LOGIN_MAX_BACKOFF_SECONDS; a success starts over. Per client address: after
 * LOGIN_IP_MAX_FAILURES failures within a window of LOGIN_IP_WINDOW_SECONDS, refused until the
 * window ends.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly config: AuthConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Throws 429 with retry_after when this account or this address must wait. */
  async check(email: string, ip: string | undefined): Promise<void> {
    const account = accountKey(email);
    const [blockedMs, ipFailures, ipWindowMs] = await Promise.all([
      this.redis.pttl(`kinship:auth:login:account-blocked:${account}`),
      ip ? this.redis.get(`kinship:auth:login:ip-failures:${ip}`) : Promise.resolve(null),
      ip ? this.redis.pttl(`kinship:auth:login:ip-failures:${ip}`) : Promise.resolve(-2),
    ]);
    if (blockedMs > 0) throw tooManyAttempts(blockedMs);
    if (Number(ipFailures ?? 0) >= this.config.LOGIN_IP_MAX_FAILURES && ipWindowMs > 0) throw tooManyAttempts(ipWindowMs);
  }

  async recordFailure(email: string, ip: string | undefined): Promise<void> {
    const account = accountKey(email);
    const failuresKey = `kinship:auth:login:account-failures:${account}`;
    const transaction = this.redis.multi().incr(failuresKey).expire(failuresKey, ACCOUNT_FAILURES_TTL_SECONDS);
    if (ip) {
      const ipKey = `kinship:auth:login:ip-failures:${ip}`;
      // The window opens with the first failure and is not extended by later ones.
      transaction.set(ipKey, 0, 'EX', this.config.LOGIN_IP_WINDOW_SECONDS, 'NX').incr(ipKey);
    }
    const results = await transaction.exec();
    const failures = Number(results?.[0]?.[1] ?? 0);
    if (failures >= this.config.LOGIN_MAX_FAILURES) {
      const backoffSeconds = Math.min(2 ** (failures - this.config.LOGIN_MAX_FAILURES), this.config.LOGIN_MAX_BACKOFF_SECONDS);
      await this.redis.set(`kinship:auth:login:account-blocked:${account}`, '1', 'PX', backoffSeconds * 1000);
    }
  }

  /** A correct password ends the account's run of failures; the address's window runs on. */
  async recordSuccess(email: string): Promise<void> {
    const account = accountKey(email);
    await this.redis.del(`kinship:auth:login:account-failures:${account}`, `kinship:auth:login:account-blocked:${account}`);
  }
}
