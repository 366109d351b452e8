import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateInvoiceScheduleBody, InvoiceLineBody, InvoiceSchedule, InvoiceSchedulePage, UpdateInvoiceScheduleBody } from '@kinship/contracts/billing';
import type { CustomerRecord } from '@kinship/contracts/crm';
import { pagePosition, RpcError, toPage, type ErrorDetail, type PageDto } from '@kinship/messaging';
import { newId, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
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

/**
 * Each line's product must be a live, active product of the workspace in the schedule's currency,
 * as finalizing an invoice requires: checked when the schedule is written (422 naming
 * `lines.N.productId`), not first when a period's invoice is made. A product deactivated later
 * still fails that period (logged and retried).
 */
async function checkLineProducts(manager: EntityManager, workspaceId: string, currency: string, lines: readonly InvoiceLineBody[]): Promise<void> {
  const productIds = [...new Set(lines.flatMap((line) => (line.productId ? [line.productId] : [])))];
  if (productIds.length === 0) return;
  const rows = (await manager.query(
    `SELECT id, currency, active FROM billing.products WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
    [workspaceId, productIds],
  )) as Array<{ id: string; currency: string; active: boolean }>;
  const products = new Map(rows.map((row) => [row.id, row]));
  const problems: ErrorDetail[] = [];
  for (const [index, line] of lines.entries()) {
    if (!line.productId) continue;
    const product = products.get(line.productId);
    const issue = !product
      ? 'is not a product of this workspace'
      : !product.active
        ? 'is not active'
        : product.currency !== currency
          ? `is priced in ${product.currency}, the schedule in ${currency}`
          : undefined;
    if (issue) problems.push({ field: `lines.${index}.productId`, issue });
  }
  if (problems.length > 0) throw RpcError.validation(problems);
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
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      await checkLineProducts(manager, caller.workspaceId, input.currency, input.lines);
      return toSchedule(
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
      );
    });
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
      // Stored lines are checked again against a new currency.
      if (input.lines || input.currency) await checkLineProducts(manager, caller.workspaceId, input.currency ?? before.currency, input.lines ?? before.lines);
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
