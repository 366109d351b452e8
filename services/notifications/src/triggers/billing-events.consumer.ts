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
    this.events.subscribe('payment.refunded', { durableName: 'notifications-payment-refunded', startFrom: 'new' }, (event, manager) =>
      this.paymentRefunded(event, manager),
    );
    this.events.subscribe('credit_note.created', { durableName: 'notifications-credit-note-created', startFrom: 'new' }, (event, manager) =>
      this.creditNoteCreated(event, manager),
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

  /**
   * A receipt for each refund of a payment, Stripe's (by the API or its charge.refunded webhook) and
   * the others; billing leaves `email` out for a credit note's refunds, which its own receipt tells.
   */
  private async paymentRefunded(event: EventOf<'payment.refunded'>, manager: EntityManager): Promise<void> {
    const refund = event.data;
    if (!refund.email) return;
    await this.notifier.email(manager, {
      workspaceId: event.workspaceId!,
      dedupeKey: `${event.id}:email`,
      templateKey: 'refund_issued',
      to: refund.email,
      recipientUserId: null,
      recipientContactId: refund.customer?.contactId ?? null,
      data: {
        customerName: refund.customerName,
        invoiceNumber: refund.number,
        amount: formatAmount(refund.amount, refund.currency, 'en'),
        refundedAt: formatDateTime(refund.refundedAt, 'en', 'UTC'),
        destination: refundDestination(refund.destination, refund.method),
        invoiceUrl: this.notifier.link(`/invoices/${refund.invoiceId}`),
      },
    });
  }

  /** A receipt for each credit note: what it took off the amount due, refunded and put in the wallet. */
  private async creditNoteCreated(event: EventOf<'credit_note.created'>, manager: EntityManager): Promise<void> {
    const note = event.data;
    if (!note.email) return;
    const amount = (value: number) => formatAmount(value, note.currency, 'en');
    await this.notifier.email(manager, {
      workspaceId: event.workspaceId!,
      dedupeKey: `${event.id}:email`,
      templateKey: 'credit_note_issued',
      to: note.email,
      recipientUserId: null,
      recipientContactId: note.customer?.contactId ?? null,
      data: {
        customerName: note.customerName,
        creditNoteNumber: note.number,
        invoiceNumber: note.invoiceNumber,
        amount: amount(note.amount),
        appliedToDue: amount(note.appliedToDue),
        refunded: amount(note.refunded),
        toWallet: amount(note.toWallet),
        amountDue: amount(note.amountDue),
        invoiceUrl: this.notifier.link(`/invoices/${note.invoiceId}`),
      },
    });
  }
}

/** Where a refund's money went, in the receipt's words. */
function refundDestination(destination: string, method: string): string {
  if (destination === 'wallet' || method === 'wallet') return 'It was added to your balance with us.';
  if (method === 'stripe') return 'It goes back to the card you paid with.';
  return 'It goes back the way you paid.';
}
