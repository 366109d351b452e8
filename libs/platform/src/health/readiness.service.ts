import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { NATS_CONNECTION, REDIS, USES_DATABASE } from '../tokens.js';

const CHECK_TIMEOUT_MS = 2000;

/** Whether this process can do its work now: its database, Redis and NATS all answer. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(USES_DATABASE) private readonly usesDatabase: boolean,
  ) {}

  /** Rejects with terminus' 503 exception, which carries the result, when something is down. */
  check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [];
    if (this.usesDatabase) checks.push(() => this.database.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS));
    checks.push(
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await this.redis.ping();
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicators
          .check('nats')
          .attempt(async () => {
            if (this.nats.isClosed()) throw new Error('connection closed');
            await this.nats.flush();
          })
          .withTimeout(CHECK_TIMEOUT_MS),
    );
    return this.health.check(checks);
  }
}
