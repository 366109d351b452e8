import { Injectable } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import type { TicketComment } from '@kinship/contracts/crm';
import type { Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { TicketRecord } from '../tickets.repository.js';
import { TicketEmailRepository } from './ticket-email.repository.js';

const REFERENCES_MAX = 20;

/** The subject of a reply: "Re: " once, and the ticket's token once. */
export function replySubject(subject: string, number: number): string {
  const token = `[#T-${number}]`;
  const base = /^re:/i.test(subject) ? subject : `Re: ${subject}`;
  return base.includes(token) ? base : `${base} ${token}`;
}

/**
 * An agent's public comment on a ticket whose thread came by email goes back to the customer as an
 * email: crm names its Message-ID (`ticket-comment-<comment id>@<the support domain>`), records it in
 * the thread so the customer's answer finds the ticket, and emits ticket.email_reply_requested
 * for notifications to send, with In-Reply-To the thread's last message and References the thread.
 */
@Injectable()
export class TicketEmailReplies {
  constructor(private readonly threads: TicketEmailRepository) {}

  async agentCommented(manager: EntityManager, emit: Emit, workspaceId: string, ticket: TicketRecord, comment: TicketComment): Promise<void> {
    if (comment.internal || comment.author !== 'agent' || !ticket.contactId) return;
    const thread = await this.threads.thread(manager, workspaceId, ticket.id);
    const last = thread.at(-1);
    const lastInbound = thread.filter((message) => message.direction === 'inbound').at(-1);
    if (!last || !lastInbound) return;
    const contact = await this.threads.contactOf(manager, workspaceId, ticket.contactId);
    if (!contact?.email) return;
    const supportAddress = lastInbound.supportAddress;
    const messageId = `ticket-comment-${comment.id}@${supportAddress.slice(supportAddress.lastIndexOf('@') + 1)}`;
    await this.threads.record(manager, workspaceId, { messageId, ticketId: ticket.id, commentId: comment.id, direction: 'outbound', supportAddress });
    await emit<CrmEvents.TicketEmailReplyRequested>({
      type: 'ticket.email_reply_requested',
      workspaceId,
      actorId: comment.authorId,
      aggregateId: ticket.id,
      data: {
        ticketId: ticket.id,
        commentId: comment.id,
        contactId: ticket.contactId,
        toAddress: contact.email,
        toName: contact.name,
        replyTo: supportAddress,
        subject: replySubject(ticket.subject, ticket.number),
        text: comment.body,
        messageId,
        inReplyTo: last.messageId,
        references: thread.map((message) => message.messageId).slice(-REFERENCES_MAX),
      },
    });
  }
}
