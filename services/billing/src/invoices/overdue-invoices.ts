import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BillingEvents } from '@kinship/contracts';
import { updateReturning } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { todayUtc, type InvoiceRow } from './invoices.repository.js';

export const OVERDUE_QUEUE = 'billing-overdue';
/** Every day at 00:05 UTC, just after the date every due date is compared with has changed. */
export const OVERDUE_SCHEDULE = '5 0 * * *';

/**
 * Marks open invoices whose due date has passed (`overdue_at`) and emits `invoice.overdue` once
 * for each, in the transaction that marks it. Reads show `overdue` from the due date at once; this
 * is what tells consumers. Marking only rows not yet marked, under the row's lock, makes a second
 * run (another replica, a retried job) mark and emit nothing.
 */
@Injectable()
export class OverdueInvoices {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  /** Marks what is overdue on `today` in every workspace; returns how many invoices it marked. */
  async mark(today: string = todayUtc()): Promise<number> {
    const workspaces = (await this.dataSource.query('SELECT workspace_id FROM billing.workspaces_with_overdue_invoices($1)', [today])) as Array<{
      workspace_id: string;
    }>;
    let marked = 0;
    for (const { workspace_id: workspaceId } of workspaces) {
      marked += await this.events.transaction(workspaceId, async (manager, emit) => {
        const rows = await updateReturning<
          Pick<
            InvoiceRow,
            'id' | 'number' | 'customer_contact_id' | 'customer_company_id' | 'currency' | 'total' | 'amount_paid' | 'amount_credited' | 'due_date'
          >
        >(
          manager,
          `UPDATE billing.invoices SET overdue_at = now()
           WHERE workspace_id = $1 AND status = 'open' AND overdue_at IS NULL AND due_date < $2
           RETURNING id, number, customer_contact_id, customer_company_id, currency, total, amount_paid, amount_credited, due_date::text AS due_date`,
          [workspaceId, today],
        );
        for (const row of rows) {
          await emit<BillingEvents.InvoiceOverdue>({
            type: 'invoice.overdue',
            workspaceId,
            actorId: null,
            aggregateId: row.id,
            data: {
              invoiceId: row.id,
              number: row.number!,
              customer: row.customer_contact_id ? { contactId: row.customer_contact_id } : { companyId: row.customer_company_id },
              currency: row.currency,
              amountDue: Number(row.total) - Number(row.amount_paid) - Number(row.amount_credited),
              dueDate: row.due_date!,
            },
          });
        }
        return rows.length;
      });
    }
    return marked;
  }
}

/** Runs the check daily through a repeatable Bull job: Redis keeps one schedule, so one replica runs each day's check. */
@Processor(OVERDUE_QUEUE)
export class OverdueCheckJob implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(OVERDUE_QUEUE) private readonly queue: Queue,
    private readonly overdue: OverdueInvoices,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add({}, { repeat: { cron: OVERDUE_SCHEDULE, tz: 'UTC' }, jobId: 'overdue-check', removeOnComplete: true, removeOnFail: 100 });
  }

  @Process()
  async run(): Promise<void> {
    await this.overdue.mark();
  }
}
