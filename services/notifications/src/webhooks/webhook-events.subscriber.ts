import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DomainEvent } from '@kinship/messaging';
import { DomainEvents } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { isDeliverable } from './webhook-event-types.js';

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
export class WebhookEventsSubscriber implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  onModuleInit(): void {
    this.events.subscribe({
      durableName: WEBHOOKS_CONSUMER,
      filterSubjects: ['events.>'],
      startFrom: 'new',
      handler: (event, manager) => this.handle(event, manager),
    });
  }

  private async handle(event: DomainEvent, manager: EntityManager): Promise<void> {
    const { workspaceId } = event;
    if (!workspaceId || !isDeliverable(event.type)) return;
    const subscribed = await this.endpoints.subscribedTo(manager, workspaceId, event.type);
    if (subscribed.length === 0) return;
    const payload = webhookBody(event);
    for (const endpoint of subscribed) {
      await this.deliveries.insertPending(manager, { workspaceId, endpointId: endpoint.id, eventId: event.id, eventType: event.type, payload });
    }
  }
}
