import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BillingEvents } from '@kinship/contracts';
import {
  PAYMENT_TERMS,
  type CreateInvoiceBody,
  type CustomerBody,
  type Invoice,
  type InvoiceLineBody,
  type InvoicePage,
  type InvoiceStatus,
  type ListInvoicesQuery,
  type PaymentTerms,
  type UpdateInvoiceBody,
} from '@kinship/contracts/billing';
import type { CustomerRecord } from '@kinship/contracts/crm';
import { pagePosition, RpcError, toPage, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { InvoicePostings } from '../ledger/invoice-postings.js';
import { BillingSettingsService } from '../settings/billing-settings.service.js';
import { CustomerDirectory } from './customers.js';
import { DealInvoices } from './deal-invoices.js';
import { nextInvoiceNumber } from './invoice-numbers.js';
import { InvoicesRepository, todayUtc, toInvoice, type DraftToWrite, type InvoiceRow, type LineToWrite } from './invoices.repository.js';
import { invoiceTotals, lineAmounts, safeAmount } from './money.js';

interface ProductPrice {
  id: string;
  name: string;
  unit_price: string;
  currency: string;
  tax_rate: number;
  active: boolean;
}

function invoiceNotFound(): RpcError {
  return RpcError.notFound('Invoice');
}

function notDraft(status: InvoiceStatus): RpcError {
  return new RpcError(409, 'invoice_not_draft', `Only a draft can be changed or deleted; this invoice is ${status}.`, [
    { field: 'status', issue: `is ${status}` },
  ]);
}

function cannotMove(status: InvoiceStatus, to: string): RpcError {
  return new RpcError(409, 'invalid_status_transition', `An invoice that is ${status} cannot be ${to}.`, [{ field: 'status', issue: `is ${status}` }]);
}

function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

function eventCustomer(row: InvoiceRow): BillingEvents.Customer {
  return row.customer_contact_id ? { contactId: row.customer_contact_id } : { companyId: row.customer_company_id };
}

/** What a draft's dates come to: the due date follows the terms from the issue date unless given, and never precedes it. */
function checkDates(issueDate: string | null, dueDate: string | null): void {
  if (issueDate !== null && dueDate !== null && dueDate < issueDate) throw RpcError.validation([{ field: 'dueDate', issue: 'must not be before issueDate' }]);
}

/**
 * Invoices with Stripe's lifecycle: a draft is freely edited and deleted; finalization fixes its
 * dates and gives it the next number (open); open → void or uncollectible; uncollectible → void.
 * Every amount is computed here from the lines (money.ts).
 */
@Injectable()
export class InvoicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly invoices: InvoicesRepository,
    private readonly customers: CustomerDirectory,
    private readonly settings: BillingSettingsService,
    private readonly deals: DealInvoices,
    private readonly postings: InvoicePostings,
  ) {}

  /** `id` is given by the recurring invoices, whose run names the invoice before it exists (a second create of it fails on the key). */
  async create(caller: BillingCaller, body: CreateInvoiceBody, id: string = newId()): Promise<Invoice> {
    const { workspaceId } = caller;
    const input = await this.deals.complete(body, caller.context);
    const customer = await this.customers.resolve(input.customer, caller.context);
    const issueDate = input.issueDate ?? null;
    const dueDate = input.dueDate ?? null;
    checkDates(issueDate, dueDate);
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const lines = await this.priceLines(manager, workspaceId, input.currency, input.lines);
      const draft = this.draft(
        customer,
        input.billingEmail ?? null,
        input.currency,
        issueDate,
        dueDate,
        input.paymentTerms ?? 'net_30',
        input.notes ?? null,
        lines,
      );
      const inserted = await this.invoices.insertDraft(manager, workspaceId, id, draft);
      const row = input.dealId ? await this.invoices.setDeal(manager, workspaceId, inserted.id, input.dealId) : inserted;
      await this.invoices.replaceLines(manager, workspaceId, row.id, lines);
      await emit<BillingEvents.InvoiceCreated>({
        type: 'invoice.created',
        workspaceId,
        actorId: caller.userId,
        aggregateId: row.id,
        data: { invoiceId: row.id, customer: eventCustomer(row), currency: row.currency, total: draft.total },
      });
      return this.invoices.read(manager, workspaceId, row);
    });
  }

  async get(caller: BillingCaller, id: string): Promise<Invoice> {
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.invoices.find(manager, caller.workspaceId, id);
      if (!row) throw invoiceNotFound();
      return this.invoices.read(manager, caller.workspaceId, row);
    });
  }

  /** Whether the invoice is the workspace's, whatever its status (for crm's files on invoices); 404 otherwise. */
  async locate(workspaceId: string, id: string): Promise<{ id: string }> {
    if (!isUuid(id)) throw invoiceNotFound();
    const row = await withWorkspace(this.dataSource, workspaceId, (manager) => this.invoices.find(manager, workspaceId, id));
    if (!row) throw invoiceNotFound();
    return { id };
  }

  async list(caller: BillingCaller, query: ListInvoicesQuery): Promise<InvoicePage> {
    const position = pagePosition(query);
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const rows = await this.invoices.list(manager, workspaceId, { status: query.status, customerId: query.customerId, dealId: query.dealId }, position);
      const lines = await this.invoices.linesOf(
        manager,
        workspaceId,
        rows.slice(0, position.limit).map((row) => row.id),
      );
      return toPage(rows, position, (row) => toInvoice(row, lines.get(row.id)!));
    });
  }

  /** Changes a draft: absent fields stay, `lines` replaces every line, the totals are computed again. */
  async update(caller: BillingCaller, id: string, input: UpdateInvoiceBody): Promise<Invoice> {
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const before = await this.locked(manager, workspaceId, id);
      if (before.status !== 'draft') throw notDraft(before.status);
      // Asked again even when unchanged: the name and default email are crm's current ones, and a
      // customer deleted in crm since cannot stay on a draft.
      const storedCustomer: CustomerBody = before.customer_contact_id ? { contactId: before.customer_contact_id } : { companyId: before.customer_company_id! };
      const customer = await this.customers.resolve(input.customer ?? storedCustomer, caller.context);
      const currency = input.currency ?? before.currency;
      const issueDate = input.issueDate === undefined ? before.issue_date : input.issueDate;
      const dueDate = input.dueDate === undefined ? before.due_date : input.dueDate;
      checkDates(issueDate, dueDate);
      // Kept lines keep their prices, which are amounts of the old currency: a new one needs new lines.
      if (!input.lines && currency !== before.currency) throw RpcError.validation([{ field: 'lines', issue: 'must be given again when the currency changes' }]);
      const lines = input.lines
        ? await this.priceLines(manager, workspaceId, currency, input.lines)
        : await this.invoices.storedLines(manager, workspaceId, id);
      const billingEmail = input.billingEmail === undefined ? (input.customer ? null : before.billing_email) : input.billingEmail;
      const notes = input.notes === undefined ? before.notes : input.notes;
      const draft = this.draft(customer, billingEmail, currency, issueDate, dueDate, input.paymentTerms ?? before.payment_terms, notes, lines);
      const row = await this.invoices.updateDraft(manager, workspaceId, id, draft);
      if (input.lines) await this.invoices.replaceLines(manager, workspaceId, id, lines);
      await emit<BillingEvents.InvoiceUpdated>({
        type: 'invoice.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: {
          invoiceId: id,
          customer: eventCustomer(row),
          currency: row.currency,
          subtotal: draft.subtotal,
          tax: draft.tax,
          total: draft.total,
          changedFields: Object.keys(input).filter((field) => input[field as keyof UpdateInvoiceBody] !== undefined),
        },
      });
      return this.invoices.read(manager, workspaceId, row);
    });
  }

  /** Deletes a draft for good: it has no number, so nothing leaves a gap. */
  async delete(caller: BillingCaller, id: string): Promise<void> {
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const row = await this.locked(manager, workspaceId, id);
      if (row.status !== 'draft') throw notDraft(row.status);
      await this.invoices.delete(manager, workspaceId, id);
      await emit<BillingEvents.InvoiceDeleted>({
        type: 'invoice.deleted',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { invoiceId: id, customer: eventCustomer(row) },
      });
    });
  }

  /** draft → open: the issue date is today unless set, the due date follows from the terms unless set, the number is the next of the issue date's year. */
  async finalize(caller: BillingCaller, id: string): Promise<Invoice> {
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const before = await this.locked(manager, workspaceId, id);
      if (before.status !== 'draft') throw cannotMove(before.status, 'finalized');
      const issueDate = before.issue_date ?? todayUtc();
      const dueDate = before.due_date ?? addDays(issueDate, PAYMENT_TERMS[before.payment_terms]);
      checkDates(issueDate, dueDate);
      const { invoicePrefix } = await this.settings.read(manager, workspaceId);
      const number = await nextInvoiceNumber(manager, workspaceId, Number(issueDate.slice(0, 4)), invoicePrefix);
      const row = await this.invoices.transition(manager, workspaceId, id, { status: 'open', number, issueDate, dueDate });
      await this.postings.postFinalized(manager, workspaceId, row);
      await emit<BillingEvents.InvoiceFinalized>({
        type: 'invoice.finalized',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: {
          invoiceId: id,
          number,
          customer: eventCustomer(row),
          dealId: row.deal_id ?? undefined,
          currency: row.currency,
          subtotal: Number(row.subtotal),
          tax: Number(row.tax),
          total: Number(row.total),
          issueDate,
          dueDate,
        },
      });
      return this.invoices.read(manager, workspaceId, row);
    });
  }

  /** open or uncollectible → void. */
  async void(caller: BillingCaller, id: string): Promise<Invoice> {
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const before = await this.locked(manager, workspaceId, id);
      if (before.status !== 'open' && before.status !== 'uncollectible') throw cannotMove(before.status, 'voided');
      const row = await this.invoices.transition(manager, workspaceId, id, { status: 'void' });
      await this.postings.postVoided(manager, workspaceId, before);
      await emit<BillingEvents.InvoiceVoided>({
        type: 'invoice.voided',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: {
          invoiceId: id,
          number: row.number!,
          customer: eventCustomer(row),
          currency: row.currency,
          total: Number(row.total),
          voidedAt: row.voided_at!.toISOString(),
        },
      });
      return this.invoices.read(manager, workspaceId, row);
    });
  }

  /** open → uncollectible. */
  async markUncollectible(caller: BillingCaller, id: string): Promise<Invoice> {
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const before = await this.locked(manager, workspaceId, id);
      if (before.status !== 'open') throw cannotMove(before.status, 'marked uncollectible');
      const row = await this.invoices.transition(manager, workspaceId, id, { status: 'uncollectible' });
      const invoice = await this.invoices.read(manager, workspaceId, row);
      await emit<BillingEvents.InvoiceMarkedUncollectible>({
        type: 'invoice.marked_uncollectible',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: {
          invoiceId: id,
          number: row.number!,
          customer: eventCustomer(row),
          currency: row.currency,
          amountDue: invoice.amountDue,
          markedUncollectibleAt: invoice.markedUncollectibleAt!,
        },
      });
      return invoice;
    });
  }

  /** The invoice, locked until the transaction ends so that concurrent changes queue; 404 when the workspace has none such. */
  private async locked(manager: EntityManager, workspaceId: string, id: string): Promise<InvoiceRow> {
    const row = await this.invoices.find(manager, workspaceId, id, true);
    if (!row) throw invoiceNotFound();
    return row;
  }

  private draft(
    customer: CustomerRecord,
    billingEmail: string | null,
    currency: string,
    issueDate: string | null,
    dueDate: string | null,
    paymentTerms: PaymentTerms,
    notes: string | null,
    lines: readonly LineToWrite[],
  ): DraftToWrite {
    const totals = invoiceTotals(lines.map((line) => ({ amount: BigInt(line.amount), tax: BigInt(line.tax) })));
    return {
      customerContactId: customer.type === 'contact' ? customer.id : null,
      customerCompanyId: customer.type === 'company' ? customer.id : null,
      customerName: customer.name,
      billingEmail: billingEmail ?? customer.email,
      currency,
      issueDate,
      dueDate,
      paymentTerms,
      notes,
      subtotal: safeAmount(totals.subtotal, 'lines'),
      tax: safeAmount(totals.tax, 'lines'),
      total: safeAmount(totals.total, 'lines'),
    };
  }

  /**
   * Prices each line: a product gives what the line omits and must be live, active and in the
   * invoice's currency; every amount must stay within 2^53 − 1. Problems name their line.
   */
  private async priceLines(manager: EntityManager, workspaceId: string, currency: string, inputs: readonly InvoiceLineBody[]): Promise<LineToWrite[]> {
    const productIds = [...new Set(inputs.flatMap((line) => (line.productId ? [line.productId] : [])))];
    const products = new Map<string, ProductPrice>();
    if (productIds.length > 0) {
      const rows = (await manager.query(
        `SELECT id, name, unit_price, currency, tax_rate, active FROM billing.products WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
        [workspaceId, productIds],
      )) as ProductPrice[];
      for (const row of rows) products.set(row.id, row);
    }
    const problems: ErrorDetail[] = [];
    const lines = inputs.map((input, index): LineToWrite | undefined => {
      const field = `lines.${index}`;
      const product = input.productId ? products.get(input.productId) : undefined;
      const productProblem = !input.productId
        ? undefined
        : !product
          ? 'is not a product of this workspace'
          : !product.active
            ? 'is not active'
            : product.currency !== currency
              ? `is priced in ${product.currency}, the invoice in ${currency}`
              : undefined;
      if (productProblem) {
        problems.push({ field: `${field}.productId`, issue: productProblem });
        return undefined;
      }
      // The contract requires description and unitPrice on a line without a product.
      const priced = { quantity: input.quantity, unitPrice: input.unitPrice ?? Number(product!.unit_price), taxRate: input.taxRate ?? product?.tax_rate ?? 0 };
      const amounts = lineAmounts(priced);
      try {
        return {
          id: newId(),
          productId: input.productId ?? null,
          description: input.description ?? product!.name,
          ...priced,
          amount: safeAmount(amounts.amount, field),
          tax: safeAmount(amounts.tax, field),
        };
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        problems.push(...error.details);
        return undefined;
      }
    });
    if (problems.length > 0) throw RpcError.validation(problems);
    return lines as LineToWrite[];
  }
}
