import { Injectable, type OnModuleInit } from '@nestjs/common';
import { WEBHOOK_EVENT_TYPES } from '@kinship/contracts/notifications';
import type { DomainEvent } from '@kinship/messaging';
import { DomainEvents } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';

export const WEBHOOKS_CONSUMER = 'notifications-webhooks';

/** The body partners receive: the event envelope, its fields in this order. */
export function webhookBody(event: DomainEvent): string {
  const { id, type, version, occurredAt, workspaceId, actorId, aggregateId, data } = event;
  return JSON.stringify({ id, type, version, occurredAt, workspaceId, actorId, aggregateId, data });
}

/**
 * Every event of a workspace becomes a pending delivery for each of its active endpoints that
 * subscribes to the type, in the consumer's transaction: the inbox and the unique (endpoint,
 * event) make a redelivered event no second delivery. The dispatcher sends them from there.
 * Starts from new events: a first deployment does not send partners the stream's history.
 */
@Injectable()
export class WebhookEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  onModuleInit(): void {
    // Types of every service: the consumer's filter is events.>, and the types partners never get are skipped.
    this.events.subscribe(WEBHOOK_EVENT_TYPES, { durableName: WEBHOOKS_CONSUMER, startFrom: 'new' }, (event, manager) => this.handle(event, manager));
  }

  private async handle(event: DomainEvent, manager: EntityManager): Promise<void> {
    const { workspaceId } = event;
    if (!workspaceId) return;
    const subscribed = await this.endpoints.subscribedTo(manager, workspaceId, event.type);
    if (subscribed.length === 0) return;
    const payload = webhookBody(event);
    for (const endpoint of subscribed) {
      await this.deliveries.insertPending(manager, { workspaceId, endpointId: endpoint.id, eventId: event.id, eventType: event.type, payload });
    }
  }
}
