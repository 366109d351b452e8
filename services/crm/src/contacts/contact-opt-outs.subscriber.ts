import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NotificationsEvents } from '@kinship/contracts';
import { OutboxWriter, type DomainEvent } from '@kinship/messaging';
import { DomainEvents, SERVICE_INFO, type Emit, type ServiceInfo } from '@kinship/platform';
import { ContactsService } from './contacts.service.js';

export const CONTACT_OPT_OUTS_CONSUMER = 'crm-contact-opt-outs';

/**
 * Unsubscribe links are served by notifications; its contact.unsubscribed sets the contact's
 * emailOptOut or smsOptOut here. Starts from the whole stream: an opt-out is never to be missed.
 */
@Injectable()
export class ContactOptOutsSubscriber implements OnModuleInit {
  /** The consumer's transaction is not one of DomainEvents.transaction, so its events are written here. */
  private readonly outbox: OutboxWriter;

  constructor(
    private readonly events: DomainEvents,
    private readonly contacts: ContactsService,
    @Inject(SERVICE_INFO) info: ServiceInfo,
  ) {
    this.outbox = new OutboxWriter({ schema: 'crm', service: info.name, namespace: info.namespace });
  }

  onModuleInit(): void {
    this.events.subscribe({
      durableName: CONTACT_OPT_OUTS_CONSUMER,
      filterSubjects: ['events.notifications.contact.unsubscribed'],
      startFrom: 'all',
      handler: (event, manager) => {
        const emit: Emit = (newEvent) => this.outbox.add(manager, newEvent);
        return this.contacts.recordUnsubscribe(manager, emit, event as DomainEvent<NotificationsEvents.ContactUnsubscribed>);
      },
    });
  }
}
