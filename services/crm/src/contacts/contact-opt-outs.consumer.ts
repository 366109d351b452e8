import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '@kinship/platform';
import { ContactsService } from './contacts.service.js';

export const CONTACT_OPT_OUTS_CONSUMER = 'crm-contact-opt-outs';

/**
 * Unsubscribe links are served by notifications; its contact.unsubscribed sets the contact's
 * emailOptOut or smsOptOut here. Starts from the whole stream: an opt-out is never to be missed.
 */
@Injectable()
export class ContactOptOutsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly contacts: ContactsService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('contact.unsubscribed', { durableName: CONTACT_OPT_OUTS_CONSUMER, startFrom: 'all' }, (event, manager, emit) =>
      this.contacts.recordUnsubscribe(manager, emit, event),
    );
  }
}
