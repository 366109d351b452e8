import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents, NotificationsEvents } from '@kinship/contracts';
import { SUBJECT_MAX, TICKET_TEXT_MAX, type TicketCommentAttachment } from '@kinship/contracts/crm';
import { newId } from '@kinship/persistence';
import { ATTACHMENT_FILES, DomainEvents, FileStore, type Emit, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { CrmCaller } from '../../common/crm-caller.js';
import { normaliseEmail } from '../../common/normalise.js';
import { blankContact, toContactEvent } from '../../contacts/contact.model.js';
import { ContactsRepository } from '../../contacts/contacts.repository.js';
import { FilesService } from '../../files/files.service.js';
import { TicketsRepository } from '../tickets.repository.js';
import { TicketsService } from '../tickets.service.js';
import { TicketEmailRepository } from './ticket-email.repository.js';

export const EMAIL_TO_TICKET_CONSUMER = 'crm-tickets-inbound-email';
/** Most emails threaded in one transaction. */
const EMAIL_BATCH_MAX = 200;

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
 * is the contact holding that address, or a new one (lead source email). Every email's files are
 * files of the ticket (within the workspace's storage quota), listed on its comment. From the start
 * of the stream: mail accepted before crm was there still counts.
 */
@Injectable()
export class EmailToTicketConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly tickets: TicketsService,
    private readonly ticketRows: TicketsRepository,
    private readonly threads: TicketEmailRepository,
    private readonly contacts: ContactsRepository,
    private readonly files: FilesService,
    @Inject(ATTACHMENT_FILES) private readonly store: FileStore,
  ) {}

  onModuleInit(): void {
    // Set-wise: a batch of emails shares one transaction with one inbox insert and no savepoint per
    // email; the emails of a batch are threaded in stream order, so a reply sees its opening email.
    // A failure rolls the batch back and the consumer handles its emails a savepoint each.
    this.events.subscribe(
      'email.received',
      { durableName: EMAIL_TO_TICKET_CONSUMER, startFrom: 'all', setWise: true, maxBatch: EMAIL_BATCH_MAX },
      (event, manager, emit) => this.received(event, manager, emit),
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
    const live = existing && !existing.deletedAt ? existing : null;
    const ticket =
      live ??
      (await this.tickets.open(
        manager,
        emit,
        caller,
        { subject: email.subject.slice(0, SUBJECT_MAX), description: body, channel: 'email', contactId },
        await this.tickets.autoAssignees(caller, manager),
      ));
    const attachments = await this.keepFiles(manager, workspaceId, ticket.id, email.attachments ?? []);
    const comment = { body, internal: false, author: 'customer' as const, attachments };
    // The opening email is the thread's first comment; the first-response clock already runs.
    const { id: commentId } = await this.tickets.addComment(manager, emit, caller, ticket, comment, live !== null);
    await this.threads.record(manager, workspaceId, {
      messageId: email.messageId,
      ticketId: ticket.id,
      commentId,
      direction: 'inbound',
      supportAddress: email.toAddress,
    });
  }

  /**
   * The email's files become files of the ticket while the workspace's storage quota has room; a
   * file over it is refused (the comment says why) and its bytes removed, and the email is threaded
   * all the same. The bytes go before the commit (a consumer has no hook after it): should this
   * transaction then fail and the quota have room when the email comes again, its file would be
   * recorded without bytes — a window of milliseconds, taken over keeping refused bytes forever.
   */
  private async keepFiles(
    manager: EntityManager,
    workspaceId: string,
    ticketId: string,
    files: NotificationsEvents.EmailAttachment[],
  ): Promise<TicketCommentAttachment[]> {
    const outcomes = await this.files.attachInbound(
      manager,
      workspaceId,
      ticketId,
      files.map((file) => ({ objectKey: file.fileKey, name: file.fileName, contentType: file.contentType, size: file.size })),
    );
    const attachments: TicketCommentAttachment[] = [];
    for (const [index, file] of files.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.refused !== null) await this.store.delete(file.fileKey).catch(() => false);
      attachments.push({
        fileKey: file.fileKey,
        fileId: outcome.fileId,
        name: file.fileName,
        contentType: file.contentType,
        size: file.size,
        refused: outcome.refused,
      });
    }
    return attachments;
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
