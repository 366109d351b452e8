import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { BillingEvents } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { knownCurrency, required, ProjectionHandlers, oneByOne, subscribeProjection } from './projection.js';

const TYPES = [
  'invoice.created',
  'invoice.deleted',
  'invoice.finalized',
  'invoice.paid',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'payment.received',
  'payment.refunded',
  'credit_note.created',
] as const;

type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible' | 'deleted';

/** What an invoice event says about the invoice; what it does not say keeps its stored value. */
interface InvoiceChange {
  id: string;
  status: InvoiceStatus;
  currency: string;
  total: number;
  customer: BillingEvents.Customer | null;
  number?: string;
  dealId?: string | null;
  issueDate?: string;
  dueDate?: string;
  paidAt?: string;
  voidedAt?: string;
}

/**
 * reporting.invoices, payments, refunds and credit_notes from billing's events, in one consumer so a
 * payment and its invoice's changes apply in stream order. An amount in a currency that is not ISO 4217
 * is refused: the event is retried and then dead-lettered rather than counted in a made-up currency.
 */
@Injectable()
export class BillingProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(
      this.events,
      this.handlers,
      'billing',
      TYPES,
      oneByOne((event, manager) => this.apply(event, manager)),
    );
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    switch (event.type) {
      case 'invoice.created': {
        const data = event.data;
        await this.upsertInvoice(manager, workspaceId, event, {
          id: data.invoiceId,
          status: 'draft',
          currency: data.currency,
          total: data.total,
          customer: data.customer,
        });
        return;
      }
      case 'invoice.deleted':
        await manager.query(`UPDATE reporting.invoices SET status = 'deleted' WHERE workspace_id = $1 AND id = $2`, [workspaceId, event.data.invoiceId]);
        return;
      case 'invoice.finalized': {
        const data = event.data;
        await this.upsertInvoice(manager, workspaceId, event, { ...data, id: data.invoiceId, status: 'open', dealId: data.dealId ?? null });
        return;
      }
      case 'invoice.paid': {
        const data = event.data;
        await this.upsertInvoice(manager, workspaceId, event, { ...data, id: data.invoiceId, status: 'paid', dealId: data.dealId ?? null });
        return;
      }
      case 'invoice.voided': {
        const data = event.data;
        await this.upsertInvoice(manager, workspaceId, event, { ...data, id: data.invoiceId, status: 'void' });
        return;
      }
      case 'invoice.marked_uncollectible':
        await manager.query(`UPDATE reporting.invoices SET status = 'uncollectible' WHERE workspace_id = $1 AND id = $2`, [workspaceId, event.data.invoiceId]);
        return;
      case 'payment.received': {
        const payment = event.data;
        knownCurrency(payment.currency, event);
        await manager.query(
          `INSERT INTO reporting.payments (workspace_id, id, invoice_id, currency, amount, method, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (workspace_id, id) DO NOTHING`,
          [
            workspaceId,
            required(payment.paymentId, event, 'paymentId'),
            required(payment.invoiceId, event, 'invoiceId'),
            payment.currency,
            payment.amount,
            payment.method,
            payment.receivedAt,
          ],
        );
        return;
      }
      case 'payment.refunded': {
        const refund = event.data;
        knownCurrency(refund.currency, event);
        await manager.query(
          `INSERT INTO reporting.refunds (workspace_id, id, payment_id, invoice_id, credit_note_id, currency, amount, destination, refunded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace_id, id) DO NOTHING`,
          [
            workspaceId,
            required(refund.refundId, event, 'refundId'),
            required(refund.paymentId, event, 'paymentId'),
            required(refund.invoiceId, event, 'invoiceId'),
            refund.creditNoteId ?? null,
            refund.currency,
            refund.amount,
            refund.destination,
            refund.refundedAt,
          ],
        );
        return;
      }
      case 'credit_note.created': {
        const note = event.data;
        knownCurrency(note.currency, event);
        await manager.query(
          `INSERT INTO reporting.credit_notes (workspace_id, id, number, invoice_id, currency, amount, refunded, credited_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, id) DO NOTHING`,
          [
            workspaceId,
            required(note.creditNoteId, event, 'creditNoteId'),
            note.number,
            required(note.invoiceId, event, 'invoiceId'),
            note.currency,
            note.amount,
            note.refunded,
            event.occurredAt,
          ],
        );
        return;
      }
    }
  }

  private async upsertInvoice(manager: EntityManager, workspaceId: string, event: DomainEvent, invoice: InvoiceChange): Promise<void> {
    knownCurrency(invoice.currency, event);
    await manager.query(
      `INSERT INTO reporting.invoices (workspace_id, id, number, contact_id, company_id, deal_id, currency, total, status, issue_date, due_date, paid_at, voided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (workspace_id, id) DO UPDATE SET number = coalesce(EXCLUDED.number, reporting.invoices.number),
         contact_id = EXCLUDED.contact_id, company_id = EXCLUDED.company_id, deal_id = coalesce(EXCLUDED.deal_id, reporting.invoices.deal_id),
         currency = EXCLUDED.currency, total = EXCLUDED.total, status = EXCLUDED.status,
         issue_date = coalesce(EXCLUDED.issue_date, reporting.invoices.issue_date), due_date = coalesce(EXCLUDED.due_date, reporting.invoices.due_date),
         paid_at = coalesce(EXCLUDED.paid_at, reporting.invoices.paid_at), voided_at = coalesce(EXCLUDED.voided_at, reporting.invoices.voided_at)`,
      [
        workspaceId,
        required(invoice.id, event, 'invoiceId'),
        invoice.number ?? null,
        invoice.customer?.contactId ?? null,
        invoice.customer?.companyId ?? null,
        invoice.dealId ?? null,
        invoice.currency,
        invoice.total,
        invoice.status,
        invoice.issueDate ?? null,
        invoice.dueDate ?? null,
        invoice.paidAt ?? null,
        invoice.voidedAt ?? null,
      ],
    );
  }
}
