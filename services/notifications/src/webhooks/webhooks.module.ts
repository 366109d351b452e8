import { Module } from '@nestjs/common';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookEventsConsumer } from './webhook-events.consumer.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WebhookSchedule } from './webhook-schedule.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';

/**
 * Outbound partner webhooks: notifications.webhook-endpoints.* over NATS; the events consumer
 * that turns events into deliveries; the dispatcher and the webhook-deliveries queue's worker
 * that send them (needs 'webhook-deliveries' in the service's QueuesModule.register list).
 */
@Module({
  controllers: [WebhookEndpointsController],
  providers: [
    WebhookEndpointsService,
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    WebhookEventsConsumer,
    WebhookDispatcher,
    WebhookDeliveryProcessor,
    WebhookDeliveryService,
    WebhookSender,
    WebhookSecrets,
    WebhookSchedule,
    WebhookMetrics,
  ],
})
export class WebhooksModule {}
