import { Injectable, type OnModuleInit } from '@nestjs/common';
import { newId } from '@kinship/persistence';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { OutboundMessages } from '../delivery/outbound-messages.service.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The agent's text as HTML: escaped, line breaks kept. */
export function replyHtml(text: string): string {
  return `<div style="white-space: pre-wrap">${text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!)}</div>`;
}

/**
 * crm's ticket.email_reply_requested: an agent's public comment on a ticket that came by email is
 * queued as an email to the contact (template key ticket_reply, once per event), with the Message-ID
 * crm recorded in the thread, In-Reply-To, References, and Reply-To the support address, so the
 * customer's mail client threads it and their answer comes back to the same ticket.
 */
@Injectable()
export class TicketRepliesConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly outbound: OutboundMessages,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('ticket.email_reply_requested', { durableName: 'notifications-ticket-email-replies', startFrom: 'all' }, (event, manager) =>
      this.reply(event, manager),
    );
  }

  private async reply(event: EventOf<'ticket.email_reply_requested'>, manager: EntityManager): Promise<void> {
    const reply = event.data;
    if (!event.workspaceId || !reply?.toAddress || !reply.messageId) return;
    await this.outbound.queueMessage(manager, {
      id: newId(),
      workspaceId: event.workspaceId,
      dedupeKey: `${event.id}:email`,
      channel: 'email',
      templateKey: 'ticket_reply',
      recipientContactId: reply.contactId,
      address: reply.toAddress,
      subject: reply.subject,
      html: replyHtml(reply.text),
      text: reply.text,
      headers: { messageId: reply.messageId, inReplyTo: reply.inReplyTo || null, references: reply.references ?? [], replyTo: reply.replyTo },
    });
  }
}
