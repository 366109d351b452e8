import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { NotificationsEvents } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import { newId } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { CrmCaller } from '../common/crm-caller.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { TicketsRepository } from '../tickets/tickets.repository.js';
import { TicketsService } from '../tickets/tickets.service.js';

export const INBOUND_SMS_CONSUMER = 'crm-inbound-sms';

/** The ticket custom field that names the number an SMS ticket answers (for a sender who is no contact). */
export const SMS_FROM_FIELD = 'sms_from';

const SUBJECT_MAX = 80;

/** Who opens or comments on a ticket for a customer's text: the system, with nothing but tickets:write. */
function systemCaller(workspaceId: string): CrmCaller {
  return { workspaceId, userId: null, role: null, scopes: ['tickets:write'] };
}

/**
 * What contacts text the workspace's number (notifications' sms.received, from the first event: an
 * opt-out is never to be missed). The sender is matched by phone: STOP and START set its
 * smsOptOut; any other text goes on the contact's timeline and, when the workspace's SMS settings
 * said so at receipt, comments on the sender's last open SMS ticket or opens one. The inbox makes
 * a redelivered event a no-op; the timeline entry's source key too.
 */
@Injectable()
export class InboundSmsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly contacts: ContactsService,
    private readonly tickets: TicketsService,
    private readonly ticketRows: TicketsRepository,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('sms.received', { durableName: INBOUND_SMS_CONSUMER, startFrom: 'all' }, (event, manager, emit) => this.handle(event, manager, emit));
  }

  private async handle(event: DomainEvent<NotificationsEvents.SmsReceived>, manager: EntityManager, emit: Emit): Promise<void> {
    const { workspaceId, data } = event;
    if (!workspaceId || typeof data?.from !== 'string') return;
    if (data.kind === 'stop' || data.kind === 'start') {
      await this.contacts.recordSmsKeyword(manager, emit, event);
      return;
    }
    if (data.kind !== 'message') return;
    const contact = await this.contacts.liveByPhone(manager, workspaceId, data.from);
    if (contact) {
      await manager.query(
        `INSERT INTO crm.timeline_entries (id, workspace_id, subject_type, subject_id, kind, occurred_at, actor_id, data, source_event_id)
         VALUES ($1, $2, 'contact', $3, 'sms_received', $4, NULL, $5, $6)
         ON CONFLICT ON CONSTRAINT timeline_entries_source_key DO NOTHING`,
        [newId(), workspaceId, contact.id, data.receivedAt, JSON.stringify({ inboundId: data.inboundId, from: data.from, body: data.body }), event.id],
      );
    }
    if (data.openTicket) await this.ticket(manager, emit, workspaceId, contact?.id ?? null, data);
  }

  /** The sender's newest SMS ticket that is not resolved or closed gets the text as the customer's comment; without one, a ticket opens. */
  private async ticket(
    manager: EntityManager,
    emit: Emit,
    workspaceId: string,
    contactId: string | null,
    data: NotificationsEvents.SmsReceived,
  ): Promise<void> {
    const caller = systemCaller(workspaceId);
    const open: Array<{ id: string }> = await manager.query(
      `SELECT id FROM crm.tickets
       WHERE workspace_id = $1 AND channel = 'sms' AND status IN ('new', 'open', 'pending') AND deleted_at IS NULL
         AND (contact_id = $2 OR ($2::uuid IS NULL AND contact_id IS NULL AND custom_fields->>'${SMS_FROM_FIELD}' = $3))
       ORDER BY created_at DESC LIMIT 1`,
      [workspaceId, contactId, data.from],
    );
    const body = data.body.trim() || '(empty text)';
    const current = open[0] ? await this.ticketRows.find(manager, workspaceId, open[0].id, true) : null;
    if (current) {
      await this.tickets.addComment(manager, emit, caller, current, { body, internal: false, author: 'customer', attachments: [] });
      return;
    }
    const firstLine = body.split('\n')[0]!;
    await this.tickets.open(
      manager,
      emit,
      caller,
      {
        subject: firstLine.length > SUBJECT_MAX ? `${firstLine.slice(0, SUBJECT_MAX - 1)}…` : firstLine,
        description: body,
        channel: 'sms',
        ...(contactId ? { contactId } : {}),
        customFields: { [SMS_FROM_FIELD]: data.from },
      },
      await this.tickets.autoAssignees(caller, manager),
    );
  }
}
