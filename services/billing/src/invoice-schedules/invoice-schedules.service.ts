import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateInvoiceScheduleBody, InvoiceSchedule, InvoiceSchedulePage, UpdateInvoiceScheduleBody } from '@kinship/contracts/billing';
import type { CustomerRecord } from '@kinship/contracts/crm';
import { pagePosition, RpcError, toPage, type PageDto } from '@kinship/messaging';
import { newId, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { CustomerDirectory } from '../invoices/customers.js';
import { InvoiceSchedulesRepository, toSchedule } from './invoice-schedules.repository.js';
import { nextPeriodStart } from './schedule-periods.js';

function scheduleNotFound(): RpcError {
  return RpcError.notFound('Invoice schedule');
}

function checkEnd(startDate: string, endDate: string | null): void {
  if (endDate !== null && endDate < startDate) throw RpcError.validation([{ field: 'endDate', issue: 'must not be before startDate' }]);
}

function customerColumns(customer: CustomerRecord) {
  return {
    customerContactId: customer.type === 'contact' ? customer.id : null,
    customerCompanyId: customer.type === 'company' ? customer.id : null,
    customerName: customer.name,
  };
}

/** Recurring invoices: what each period's invoice holds; InvoiceScheduler makes the invoices. */
@Injectable()
export class InvoiceSchedulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly schedules: InvoiceSchedulesRepository,
    private readonly customers: CustomerDirectory,
  ) {}

  async create(caller: BillingCaller, input: CreateInvoiceScheduleBody): Promise<InvoiceSchedule> {
    const endDate = input.endDate ?? null;
    checkEnd(input.startDate, endDate);
    const customer = await this.customers.resolve(input.customer, caller.context);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) =>
      toSchedule(
        await this.schedules.insert(manager, caller.workspaceId, newId(), input.interval, input.startDate, {
          ...customerColumns(customer),
          billingEmail: input.billingEmail ?? null,
          currency: input.currency,
          paymentTerms: input.paymentTerms ?? 'net_30',
          lines: input.lines,
          endDate,
          autoFinalize: input.autoFinalize ?? false,
          autoSend: input.autoSend ?? false,
          nextPeriodStart: input.startDate,
        }),
      ),
    );
  }

  async get(caller: BillingCaller, id: string): Promise<InvoiceSchedule> {
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.schedules.find(manager, caller.workspaceId, id);
      if (!row) throw scheduleNotFound();
      return toSchedule(row);
    });
  }

  async list(caller: BillingCaller, query: PageDto): Promise<InvoiceSchedulePage> {
    const position = pagePosition(query);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) =>
      toPage(await this.schedules.list(manager, caller.workspaceId, position), position, toSchedule),
    );
  }

  /** Absent fields stay; a new endDate may end the schedule (or revive it, from the next period not yet invoiced). */
  async update(caller: BillingCaller, id: string, input: UpdateInvoiceScheduleBody): Promise<InvoiceSchedule> {
    const customer = input.customer ? await this.customers.resolve(input.customer, caller.context) : null;
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const before = await this.schedules.find(manager, caller.workspaceId, id, true);
      if (!before) throw scheduleNotFound();
      const endDate = input.endDate === undefined ? before.end_date : input.endDate;
      checkEnd(before.start_date, endDate);
      const storedCustomer = {
        customerContactId: before.customer_contact_id,
        customerCompanyId: before.customer_company_id,
        customerName: before.customer_name,
      };
      const row = await this.schedules.update(manager, caller.workspaceId, id, {
        ...(customer ? customerColumns(customer) : storedCustomer),
        billingEmail: input.billingEmail === undefined ? (customer ? null : before.billing_email) : input.billingEmail,
        currency: input.currency ?? before.currency,
        paymentTerms: input.paymentTerms ?? before.payment_terms,
        lines: input.lines ?? before.lines,
        endDate,
        autoFinalize: input.autoFinalize ?? before.auto_finalize,
        autoSend: input.autoSend ?? before.auto_send,
        nextPeriodStart: nextPeriodStart(before.start_date, before.interval, before.next_period_index, endDate),
      });
      return toSchedule(row);
    });
  }

  async delete(caller: BillingCaller, id: string): Promise<void> {
    const deleted = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.schedules.softDelete(manager, caller.workspaceId, id));
    if (!deleted) throw scheduleNotFound();
  }
}
