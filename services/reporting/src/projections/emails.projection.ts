import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, subscribeProjection, workspaceOf } from './projection.js';

/** reporting.emails_sent from notifications' email.sent: one row per email delivered to a contact. */
@Injectable()
export class EmailsProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(this.events, this.handlers, 'emails', ['email.sent'], (events, manager) => this.apply(events, manager));
  }

  /** A run of one workspace's emails in one statement (an email already stored, or twice in the run, is kept once). */
  private async apply(events: Array<EventOf<'email.sent'>>, manager: EntityManager): Promise<void> {
    const workspaceId = workspaceOf(events);
    const emails = events.map((event) => ({
      id: required(event.data.messageId, event, 'messageId'),
      contact_id: required(event.data.contactId, event, 'contactId'),
      campaign_id: event.data.campaignId ?? null,
      template_key: event.data.templateKey,
      sent_at: event.occurredAt,
    }));
    await manager.query(
      `INSERT INTO reporting.emails_sent (workspace_id, id, contact_id, campaign_id, template_key, sent_at)
       SELECT $1, e.id, e.contact_id, e.campaign_id, e.template_key, e.sent_at
       FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, contact_id uuid, campaign_id uuid, template_key text, sent_at timestamptz)
       ON CONFLICT (workspace_id, id) DO NOTHING`,
      [workspaceId, JSON.stringify(emails)],
    );
  }
}
