import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from '@kinship/observability';
import { LOGGER } from '@kinship/platform';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { NotificationsConfig } from '../notifications.config.js';
import { PollingLoop } from '../common/polling-loop.js';
import { WEBHOOK_DELIVERIES_QUEUE } from '../queues.js';
import { WebhookDeliveriesRepository, type LeasedDelivery } from './webhook-deliveries.repository.js';
import { WebhookSchedule } from './webhook-schedule.js';

/** Deliveries leased and queued per round; a full round is followed by another at once. */
const LEASE_BATCH = 100;

/**
 * The database is the schedule: a delivery is due when its next_attempt_at has passed. Every
 * WEBHOOKS_POLL_INTERVAL_MS this leases the due deliveries (moving next_attempt_at past the
 * lease) and queues one Bull job per attempt, with jobId `<delivery>:<attempt>` so that queuing
 * it twice is one job. Nothing is lost on a crash: a delivery leased and never sent (process
 * died, Redis lost the job) is due again when its lease ends, and is leased again.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(WEBHOOK_DELIVERIES_QUEUE) private readonly queue: Queue<LeasedDelivery>,
    @Inject(LOGGER) logger: Logger,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly schedule: WebhookSchedule,
    config: NotificationsConfig,
  ) {
    this.loop = new PollingLoop({
      round: () => this.dispatch(),
      intervalMs: config.WEBHOOKS_POLL_INTERVAL_MS,
      onError: (error) => logger.warn({ err: error }, 'could not queue due webhook deliveries; trying again'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Returns whether the round was full, i.e. more may be due. */
  private async dispatch(): Promise<boolean> {
    const leased = await this.deliveries.leaseDue(this.dataSource.manager, LEASE_BATCH, this.schedule.leaseMs);
    for (const delivery of leased) {
      await this.queue.add(delivery, { jobId: `${delivery.deliveryId}:${delivery.attempt}`, removeOnComplete: true, removeOnFail: true });
    }
    return leased.length === LEASE_BATCH;
  }
}
