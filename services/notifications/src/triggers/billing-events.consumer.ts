import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { formatAmount, formatDateTime } from './message-formats.js';
import { Notifier } from './notifier.service.js';

/** Emails a customer on billing's events. The events carry the address and everything shown, so nothing is asked back. */
@Injectable()
export class BillingEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('invoice.sent', { durableName: 'notifications-invoice-sent', startFrom: 'new' }, (event, manager) =>
      this.invoiceSent(event, manager),
    );
    this.events.subscribe('payment.received', { durableName: 'notifications-payment-received', startFrom: 'new' }, (event, manager) =>
      this.paymentReceived(event, manager),
    );
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

  /** A receipt for each payment (dedupe by event); an invoice without a billing email gets none. */
  private async paymentReceived(event: EventOf<'payment.received'>, manager: EntityManager): Promise<void> {
    const payment = event.data;
    if (!payment.email) return;
    await this.notifier.email(manager, {
      workspaceId: event.workspaceId!,
      dedupeKey: `${event.id}:email`,
      templateKey: 'payment_received',
      to: payment.email,
      recipientUserId: null,
      recipientContactId: payment.customer?.contactId ?? null,
      data: {
        customerName: payment.customerName,
        invoiceNumber: payment.number,
        amount: formatAmount(payment.amount, payment.currency, 'en'),
        amountDue: formatAmount(payment.amountDue, payment.currency, 'en'),
        paidAt: formatDateTime(payment.receivedAt, 'en', 'UTC'),
        invoiceUrl: this.notifier.link(`/invoices/${payment.invoiceId}`),
      },
    });
  }
}
