import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { LOGGER } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { WebhookDeliveriesRepository, type AttemptOutcome, type DeliveryToSend, type LeasedDelivery } from './webhook-deliveries.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WebhookSchedule } from './webhook-schedule.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';

/** Whether the delivery is still waiting for exactly this attempt; if not, another worker made it or it ended. */
function awaits(delivery: DeliveryToSend | null, attempt: number): delivery is DeliveryToSend {
  return delivery !== null && delivery.status === 'pending' && delivery.attemptCount === attempt - 1;
}

/**
 * One attempt at a leased delivery: read it and its endpoint, POST outside any transaction (a
 * partner may take seconds), then record the outcome: success; a retry at the next step of the
 * schedule; or, after the last attempt, a failed delivery that counts against the endpoint, which
 * is disabled when enough deliveries in a row have failed.
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly schedule: WebhookSchedule,
    private readonly metrics: WebhookMetrics,
  ) {}

  async attempt({ deliveryId, workspaceId, attempt }: LeasedDelivery): Promise<void> {
    const prepared = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const delivery = await this.deliveries.findForSending(manager, workspaceId, deliveryId);
      if (!awaits(delivery, attempt)) return null;
      const endpoint = await this.endpoints.findForDelivery(manager, workspaceId, delivery.endpointId);
      if (!endpoint?.active) {
        await this.deliveries.abandon(manager, workspaceId, deliveryId, 'the endpoint is disabled');
        return null;
      }
      return { delivery, endpoint };
    });
    if (!prepared) return;
    const { delivery, endpoint } = prepared;
    const outcome = await this.sender.send({
      url: endpoint.url,
      secret: this.secrets.open(endpoint.secretSealed),
      body: delivery.payload,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      deliveryId,
      attempt,
    });
    await withWorkspace(this.dataSource, workspaceId, (manager) => this.record(manager, workspaceId, deliveryId, attempt, outcome));
  }

  private async record(manager: EntityManager, workspaceId: string, deliveryId: string, attempt: number, outcome: AttemptOutcome): Promise<void> {
    const delivery = await this.deliveries.findForSending(manager, workspaceId, deliveryId, true);
    if (!awaits(delivery, attempt)) return;
    if (outcome.error === null) {
      await this.deliveries.recordAttempt(manager, workspaceId, deliveryId, attempt, outcome, { finalStatus: 'succeeded' });
      await this.endpoints.recordSuccess(manager, workspaceId, delivery.endpointId);
      this.metrics.record('succeeded', outcome.durationMs);
      return;
    }
    const nextAttemptAt = this.schedule.nextAttemptAt(attempt);
    if (nextAttemptAt) {
      await this.deliveries.recordAttempt(manager, workspaceId, deliveryId, attempt, outcome, { nextAttemptAt });
      this.metrics.record('retrying', outcome.durationMs);
      return;
    }
    await this.deliveries.recordAttempt(manager, workspaceId, deliveryId, attempt, outcome, { finalStatus: 'failed' });
    this.metrics.record('failed', outcome.durationMs);
    const endpoint = await this.endpoints.findForDelivery(manager, workspaceId, delivery.endpointId, true);
    if (!endpoint?.active) return;
    const stillActive = await this.endpoints.recordFailure(manager, workspaceId, delivery.endpointId, this.schedule.disableAfterFailures);
    if (stillActive) return;
    const abandoned = await this.deliveries.abandonPendingOf(manager, workspaceId, delivery.endpointId, 'the endpoint was disabled after repeated failures');
    this.metrics.endpointsDisabled.inc();
    this.logger.warn({ workspaceId, endpointId: delivery.endpointId, abandoned }, 'webhook endpoint disabled after repeated failures');
  }
}
