import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import type { LeasedDelivery } from './webhook-deliveries.repository.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WEBHOOK_DELIVERIES_QUEUE } from '../queues.js';

/** Attempts at most this many deliveries at once per process; each waits mostly on a partner. */
const CONCURRENCY = 16;

/** Works the webhook-deliveries queue; a job is one attempt at one delivery. */
@Processor(WEBHOOK_DELIVERIES_QUEUE)
export class WebhookDeliveryProcessor {
  constructor(private readonly deliveries: WebhookDeliveryService) {}

  @Process({ concurrency: CONCURRENCY })
  async attempt(job: Job<LeasedDelivery>): Promise<void> {
    await this.deliveries.attempt(job.data);
  }
}
