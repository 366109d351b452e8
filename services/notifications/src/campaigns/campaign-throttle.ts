import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@kinship/platform';
import type { Redis } from 'ioredis';
import { NotificationsConfig } from '../notifications.config.js';

/**
 * A token bucket in Redis, so every worker of every replica shares one rate per provider. It
 * holds at most one second of tokens; the clock is Redis's. Returns 0 when the tokens were taken,
 * else how many milliseconds to wait before asking again.
 */
const TAKE_TOKENS = `
local rate = tonumber(ARGV[1])
local wanted = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or rate
local at = tonumber(bucket[2]) or now
tokens = math.min(rate, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= wanted then tokens = tokens - wanted else wait = math.ceil((wanted - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
`;

/** Campaign sends per second and per provider (CAMPAIGN_EMAILS_PER_SECOND, CAMPAIGN_SMS_PER_SECOND). */
@Injectable()
export class CampaignThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: NotificationsConfig,
  ) {}

  /** Waits until `count` sends on this provider fit in its rate. */
  async take(provider: string, ratePerSecond: number, count: number): Promise<void> {
    const key = `${this.config.NATS_NAMESPACE}campaign-throttle:${provider}`;
    let left = count;
    while (left > 0) {
      const wanted = Math.min(left, ratePerSecond);
      const wait = Number(await this.redis.eval(TAKE_TOKENS, 1, key, ratePerSecond, wanted));
      if (wait === 0) left -= wanted;
      else await sleep(wait);
    }
  }
}
