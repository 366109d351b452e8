import { randomUUID } from 'node:crypto';
import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import { LOGGER } from '@kinship/platform';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { InvoiceDocumentsService } from '../invoice-documents/invoice-documents.service.js';
import { todayUtc } from '../invoices/invoices.repository.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { InvoiceSchedulesRepository, type RunRow, type ScheduleRow } from './invoice-schedules.repository.js';
import { nextPeriodStart } from './schedule-periods.js';

export const SCHEDULES_QUEUE = 'billing-invoice-schedules';
/** Hourly: a period's invoice appears within the hour its first day starts (UTC). */
export const SCHEDULES_CRON = '10 * * * *';

/**
 * Makes each due period's invoice exactly once, whatever runs it (two replicas at once, a retry
 * after a crash). Per period: (1) claim it — a run row keyed (schedule, period) naming the
 * invoice id; (2) create that invoice unless it exists (a second create fails on its key),
 * finalize it if asked (a second finalize finds it open), send it if asked (the run's sent_at,
 * set in the transaction that emits invoice.sent, allows one send); (3) mark the run done and
 * move the schedule on. A crash anywhere leaves a run that the next pass finishes.
 */
@Injectable()
export class InvoiceScheduler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly schedules: InvoiceSchedulesRepository,
    private readonly invoices: InvoicesService,
    private readonly documents: InvoiceDocumentsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Invoices every period that has started by `today` in every workspace; answers how many periods it completed. */
  async runDue(today: string = todayUtc()): Promise<number> {
    const due = (await this.dataSource.query('SELECT workspace_id, id FROM billing.due_invoice_schedules($1)', [today])) as Array<{
      workspace_id: string;
      id: string;
    }>;
    let completed = 0;
    for (const { workspace_id: workspaceId, id } of due) {
      try {
        completed += await this.runSchedule(workspaceId, id, today);
      } catch (error) {
        // One schedule failing (a product gone inactive, crm down) does not hold up the others; its run is retried next pass.
        this.logger.warn({ workspaceId, scheduleId: id, err: error }, 'recurring invoice not made; will retry');
      }
    }
    return completed;
  }

  private async runSchedule(workspaceId: string, scheduleId: string, today: string): Promise<number> {
    let completed = 0;
    for (;;) {
      const claimed = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
        const schedule = await this.schedules.find(manager, workspaceId, scheduleId);
        if (!schedule?.next_period_start || schedule.next_period_start > today) return null;
        return { schedule, run: await this.schedules.claimRun(manager, workspaceId, schedule, newId()) };
      });
      if (!claimed) return completed;
      await this.produce(claimed.schedule, claimed.run);
      await this.complete(claimed.schedule, claimed.run);
      completed += 1;
    }
  }

  /** Step 2: the run's invoice, finalized and sent as the schedule asks; each part is skipped when done already. */
  async produce(schedule: ScheduleRow, run: RunRow): Promise<void> {
    if (run.completed_at) return;
    const caller = systemCaller(schedule.workspace_id);
    const customer = schedule.customer_contact_id ? { contactId: schedule.customer_contact_id } : { companyId: schedule.customer_company_id! };
    let invoice = await this.invoices.get(caller, run.invoice_id).catch((error: unknown) => {
      if (error instanceof RpcError && error.status === 404) return null;
      throw error;
    });
    if (!invoice) {
      try {
        invoice = await this.invoices.create(
          caller,
          {
            customer,
            currency: schedule.currency,
            lines: schedule.lines,
            issueDate: run.period_start,
            paymentTerms: schedule.payment_terms,
            ...(schedule.billing_email ? { billingEmail: schedule.billing_email } : {}),
          },
          run.invoice_id,
        );
      } catch (error) {
        if (!violatesUnique(error, 'invoices_pkey')) throw error;
        invoice = await this.invoices.get(caller, run.invoice_id);
      }
    }
    if (schedule.auto_finalize && invoice.status === 'draft') {
      invoice = await this.invoices.finalize(caller, invoice.id).catch(async (error: unknown) => {
        if (error instanceof RpcError && error.code === 'invalid_status_transition') return this.invoices.get(caller, run.invoice_id);
        throw error;
      });
    }
    if (schedule.auto_send && invoice.status !== 'draft' && !run.sent_at && invoice.billingEmail) {
      await this.documents.send(caller, invoice.id, (manager) => this.schedules.markSent(manager, schedule.workspace_id, run));
    }
  }

  /** Step 3: the run is done and the schedule moves to its next period. */
  async complete(schedule: ScheduleRow, run: RunRow): Promise<void> {
    const next = nextPeriodStart(schedule.start_date, schedule.interval, run.period_index + 1, schedule.end_date);
    await withWorkspace(this.dataSource, schedule.workspace_id, (manager) => this.schedules.complete(manager, schedule.workspace_id, run, next));
  }
}

/** The scheduler acts for the workspace itself: no user (actorId null on its events). */
function systemCaller(workspaceId: string): BillingCaller {
  return { workspaceId, userId: null, context: { workspaceId, userId: null, role: null, scopes: [], requestId: randomUUID() } };
}

/** Runs the scheduler hourly through a repeatable Bull job (one schedule in Redis); runs that overlap anyway make nothing twice. */
@Processor(SCHEDULES_QUEUE)
export class InvoiceSchedulesJob implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(SCHEDULES_QUEUE) private readonly queue: Queue,
    private readonly scheduler: InvoiceScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add({}, { repeat: { cron: SCHEDULES_CRON, tz: 'UTC' }, jobId: 'invoice-schedules', removeOnComplete: true, removeOnFail: 100 });
  }

  @Process()
  async run(): Promise<void> {
    await this.scheduler.runDue();
  }
}
