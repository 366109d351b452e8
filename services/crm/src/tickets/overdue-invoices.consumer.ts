import { Injectable, type OnModuleInit } from '@nestjs/common';
import { isUuid } from '@kinship/persistence';
import { DomainEvents, type Emit, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { TicketsService } from './tickets.service.js';

export const OVERDUE_INVOICES_CONSUMER = 'crm-tickets-overdue-invoices';

/** invoice.overdue, and the billing events that settle an overdue invoice: it is no longer owed (or no longer pursued). */
const TYPES = ['invoice.overdue', 'invoice.paid', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.deleted'] as const;
type OverdueType = (typeof TYPES)[number];

/**
 * Keeps billing's overdue invoices in crm (crm.overdue_invoices), so a ticket opened by a customer
 * who owes one is raised a priority level without asking billing; an invoice.overdue also raises
 * that customer's open tickets. From the start of the stream: a first deployment learns what is
 * overdue already. One consumer over events.billing.invoice.> (NATS 2.9 allows one filter subject).
 * Set-wise: its only effects are rows (overdue invoices, tickets, their events' outbox rows), and
 * every invoice.paid of a batch (one per invoice paid, which seldom was overdue) takes one statement
 * together rather than a savepoint, an inbox row and a DELETE each.
 */
@Injectable()
export class OverdueInvoicesConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly tickets: TicketsService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(
      TYPES,
      {
        durableName: OVERDUE_INVOICES_CONSUMER,
        startFrom: 'all',
        setWise: true,
        applyBatch: (run, manager, emit) =>
          this.apply(
            run.map(({ event }) => event),
            manager,
            emit,
          ),
      },
      (event, manager, emit) => this.apply([event], manager, emit),
    );
  }

  /** Events of one workspace in stream order: the invoices settled between two invoice.overdue are forgotten by one statement. */
  private async apply(events: Array<EventOf<OverdueType>>, manager: EntityManager, emit: Emit): Promise<void> {
    const workspaceId = events[0]?.workspaceId;
    if (!workspaceId) return;
    let settled: string[] = [];
    const forgetSettled = async (): Promise<void> => {
      if (settled.length === 0) return;
      await manager.query('DELETE FROM crm.overdue_invoices WHERE workspace_id = $1 AND invoice_id = ANY($2::uuid[])', [workspaceId, settled]);
      settled = [];
    };
    for (const event of events) {
      if (!isUuid(event.data?.invoiceId)) continue;
      if (event.type !== 'invoice.overdue') {
        settled.push(event.data.invoiceId);
        continue;
      }
      await forgetSettled();
      await this.recordOverdue(manager, emit, workspaceId, event.data);
    }
    await forgetSettled();
  }

  private async recordOverdue(manager: EntityManager, emit: Emit, workspaceId: string, data: EventOf<'invoice.overdue'>['data']): Promise<void> {
    const contactId = isUuid(data.customer?.contactId) ? data.customer.contactId : null;
    const companyId = isUuid(data.customer?.companyId) ? data.customer.companyId : null;
    if (!contactId && !companyId) return;
    await manager.query(
      `INSERT INTO crm.overdue_invoices (invoice_id, workspace_id, number, contact_id, company_id, due_date) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (invoice_id) DO NOTHING`,
      [data.invoiceId, workspaceId, data.number, contactId, companyId, data.dueDate],
    );
    await this.tickets.escalateForInvoice(manager, emit, workspaceId, { number: data.number, dueDate: data.dueDate, contactId, companyId });
  }
}
