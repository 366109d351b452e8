import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { formatAmount } from './message-formats.js';
import { Notifier } from './notifier.service.js';

/** Emails a customer on billing's events. The events carry the address and everything shown, so nothing is asked back. */
@Injectable()
export class BillingEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('invoice.sent', { durableName: 'notifications-invoice-sent', startFrom: 'new' }, (event, manager) => this.invoiceSent(event, manager));
  }

  /** A customer is no user of the workspace: no preferences apply; each send is one email (dedupe by event). */
  private async invoiceSent(event: EventOf<'invoice.sent'>, manager: EntityManager): Promise<void> {
    const invoice = event.data;
    await this.notifier.email(manager, {
      workspaceId: event.workspaceId!,
      dedupeKey: `${event.id}:email`,
      templateKey: 'invoice_sent',
      to: invoice.email,
      recipientUserId: null,
      recipientContactId: invoice.customer?.contactId ?? null,
      data: {
        customerName: invoice.customerName,
        workspaceName: invoice.sellerName,
        invoiceNumber: invoice.number,
        amountDue: formatAmount(invoice.amountDue, invoice.currency, 'en'),
        dueDate: invoice.dueDate,
        invoiceUrl: this.notifier.link(`/invoices/${invoice.invoiceId}`),
      },
      attachments: [{ fileKey: invoice.fileKey, fileName: invoice.fileName, contentType: 'application/pdf' }],
    });
  }
}
