import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents, NotificationsEvents } from '@kinship/contracts';
import { SUBJECT_MAX, TICKET_TEXT_MAX, type TicketCommentAttachment } from '@kinship/contracts/crm';
import { newId } from '@kinship/persistence';
import { DomainEvents, type Emit, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { CrmCaller } from '../../common/crm-caller.js';
import { normaliseEmail } from '../../common/normalise.js';
import { blankContact, toContactEvent } from '../../contacts/contact.model.js';
import { ContactsRepository } from '../../contacts/contacts.repository.js';
import { TicketsRepository } from '../tickets.repository.js';
import { TicketsService } from '../tickets.service.js';
import { TicketEmailRepository } from './ticket-email.repository.js';

export const EMAIL_TO_TICKET_CONSUMER = 'crm-tickets-inbound-email';

/** The ticket token of a subject line: [#T-123]. */
export function ticketToken(subject: string): number | null {
  const match = /\[#T-(\d{1,15})\]/i.exec(subject);
  return match ? Number(match[1]) : null;
}

/**
 * notifications' email.received, threaded into tickets (EspoCRM's rule: only the first email of
 * a thread opens a case). A reply — In-Reply-To or References naming a Message-ID of a ticket's
 * thread, or the ticket's token [#T-n] in the subject of its own contact — becomes the customer's
 * comment on that ticket (reopening it, starting the next-response clock); any other email opens a
 * ticket (channel email, its text the description) with the email as its first comment. The sender
 * is the contact holding that address, or a new one (lead source email). Every email's files are on
 * its comment. From the start of the stream: mail accepted before crm was there still counts.
 */
@Injectable()
export class EmailToTicketConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly tickets: TicketsService,
    private readonly ticketRows: TicketsRepository,
    private readonly threads: TicketEmailRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('email.received', { durableName: EMAIL_TO_TICKET_CONSUMER, startFrom: 'all' }, (event, manager, emit) =>
      this.received(event, manager, emit),
    );
  }

  private async received(event: EventOf<'email.received'>, manager: EntityManager, emit: Emit): Promise<void> {
    const workspaceId = event.workspaceId;
    const email = event.data;
    if (!workspaceId || !email?.messageId || !email.fromAddress) return;
    const fromAddress = normaliseEmail(email.fromAddress);
    const found = await this.threads.lookup(manager, workspaceId, { messageId: email.messageId, fromAddress, references: email.references ?? [] });
    // The same email delivered again (another event id) is in the thread already.
    if (found.known) return;
    const caller: CrmCaller = { workspaceId, userId: null, role: null, scopes: [] };
    const contactId = found.contactId ?? (await this.newContact(manager, emit, workspaceId, fromAddress, email.fromName ?? null));
    const token = ticketToken(email.subject);
    const existingId = found.threadTicketId ?? (token ? await this.threads.ticketOfNumber(manager, workspaceId, token, contactId) : null);
    const existing = existingId ? await this.ticketRows.find(manager, workspaceId, existingId, true) : null;
    const body = email.text.slice(0, TICKET_TEXT_MAX);
    const comment = { body, internal: false, author: 'customer' as const, attachments: (email.attachments ?? []).map(toAttachment) };
    let ticketId: string;
    let commentId: string;
    if (existing && !existing.deletedAt) {
      ticketId = existing.id;
      commentId = (await this.tickets.addComment(manager, emit, caller, existing, comment)).id;
    } else {
      const candidates = await this.tickets.autoAssignees(caller, manager);
      const ticket = await this.tickets.open(
        manager,
        emit,
        caller,
        { subject: email.subject.slice(0, SUBJECT_MAX), description: body, channel: 'email', contactId },
        candidates,
      );
      ticketId = ticket.id;
      // The opening email is the thread's first comment; the first-response clock already runs.
      commentId = (await this.tickets.addComment(manager, emit, caller, ticket, comment, false)).id;
    }
    await this.threads.record(manager, workspaceId, { messageId: email.messageId, ticketId, commentId, direction: 'inbound', supportAddress: email.toAddress });
  }

  /** A contact for a sender no contact holds the address of, named after the sender. */
  private async newContact(manager: EntityManager, emit: Emit, workspaceId: string, address: string, name: string | null): Promise<string> {
    const [firstName, ...rest] = (name ?? '').trim().split(/\s+/).filter(Boolean);
    const row = await this.contacts.insert(manager, {
      ...blankContact(),
      id: newId(),
      workspaceId,
      createdBy: null,
      firstName: firstName?.slice(0, 100) ?? null,
      lastName: rest.join(' ').slice(0, 100) || null,
      email: address,
      leadSource: 'email',
    });
    await emit<CrmEvents.ContactCreated>({ type: 'contact.created', workspaceId, actorId: null, aggregateId: row.id, data: { contact: toContactEvent(row) } });
    return row.id;
  }
}

function toAttachment(attachment: NotificationsEvents.EmailAttachment): TicketCommentAttachment {
  return { fileKey: attachment.fileKey, name: attachment.fileName, contentType: attachment.contentType, size: attachment.size };
}
