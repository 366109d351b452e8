import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, oneByOne, subscribeProjection } from './projection.js';

/** reporting.emails_sent from notifications' email.sent: one row per email delivered to a contact. */
@Injectable()
export class EmailsProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(
      this.events,
      this.handlers,
      'emails',
      ['email.sent'],
      oneByOne((event, manager) => this.apply(event, manager)),
    );
  }

  private async apply(event: EventOf<'email.sent'>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    const email = event.data;
    await manager.query(
      `INSERT INTO reporting.emails_sent (workspace_id, id, contact_id, campaign_id, template_key, sent_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (workspace_id, id) DO NOTHING`,
      [
        workspaceId,
        required(email.messageId, event, 'messageId'),
        required(email.contactId, event, 'contactId'),
        email.campaignId ?? null,
        email.templateKey,
        event.occurredAt,
      ],
    );
  }
}
