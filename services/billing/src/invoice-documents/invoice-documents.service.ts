import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BillingEvents, FileReply } from '@kinship/contracts';
import { INVOICE_PDF, type BillingSettings, type Invoice, type SentInvoice } from '@kinship/contracts/billing';
import { RpcError } from '@kinship/messaging';
import { newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, FileStore } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { InvoicesRepository } from '../invoices/invoices.repository.js';
import { BillingSettingsService } from '../settings/billing-settings.service.js';
import { invoicePdfName, renderInvoicePdf } from './invoice-pdf.js';

/** What can be emailed: an invoice with a number that is still a claim (or a record of one). */
const SENDABLE = new Set<Invoice['status']>(['open', 'paid', 'uncollectible']);

/** An invoice's documents: its PDF, and sending it to the customer (the email itself is notifications'). */
@Injectable()
export class InvoiceDocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly invoices: InvoicesRepository,
    private readonly settings: BillingSettingsService,
    private readonly files: FileStore,
  ) {}

  async pdf(caller: BillingCaller, id: string): Promise<FileReply> {
    const { invoice, seller } = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.read(manager, caller.workspaceId, id));
    const pdf = await renderInvoicePdf(invoice, seller);
    return { fileName: invoicePdfName(invoice), content: pdf.toString('base64') };
  }

  /**
   * Stores the PDF, then emits invoice.sent with everything the email needs. The file is written
   * first: an event never names a file that is not there (a failed emit leaves a file that
   * expires with FILES_TTL_DAYS). `claim`, run in the transaction that emits, can withhold the
   * event: a recurring invoice's run records its one send there.
   */
  async send(caller: BillingCaller, id: string, claim?: (manager: EntityManager) => Promise<boolean>): Promise<SentInvoice> {
    const { workspaceId } = caller;
    const { invoice, seller } = await withWorkspace(this.dataSource, workspaceId, (manager) => this.read(manager, workspaceId, id));
    if (!SENDABLE.has(invoice.status)) {
      throw new RpcError(409, 'invoice_not_sendable', `An invoice that is ${invoice.status} is not sent.`, [
        { field: 'status', issue: `is ${invoice.status}` },
      ]);
    }
    if (!invoice.billingEmail) throw RpcError.validation([{ field: 'billingEmail', issue: 'is not set: give the invoice a billing email first' }]);
    const fileName = invoicePdfName(invoice);
    const fileKey = `invoices/${newId()}.pdf`;
    await this.files.put(fileKey, Readable.from([await renderInvoicePdf(invoice, seller)]), { fileName, contentType: INVOICE_PDF, workspaceId, invoiceId: id });
    const sentAt = new Date().toISOString();
    await this.events.transaction(workspaceId, async (manager, emit) => {
      if (claim && !(await claim(manager))) return;
      await emit<BillingEvents.InvoiceSent>({
        type: 'invoice.sent',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: {
          invoiceId: id,
          number: invoice.number!,
          customer: invoice.customer.contactId ? { contactId: invoice.customer.contactId } : { companyId: invoice.customer.companyId! },
          currency: invoice.currency,
          total: invoice.total,
          amountDue: invoice.amountDue,
          dueDate: invoice.dueDate!,
          customerName: invoice.customer.name,
          email: invoice.billingEmail!,
          issueDate: invoice.issueDate!,
          sellerName: seller.legalName ?? '',
          fileKey,
          fileName,
        },
      });
    });
    return { invoiceId: id, number: invoice.number!, to: invoice.billingEmail, fileId: fileKey, fileName, sentAt };
  }

  private async read(manager: EntityManager, workspaceId: string, id: string): Promise<{ invoice: Invoice; seller: BillingSettings }> {
    const row = await this.invoices.find(manager, workspaceId, id);
    if (!row) throw RpcError.notFound('Invoice');
    return { invoice: await this.invoices.read(manager, workspaceId, row), seller: await this.settings.read(manager, workspaceId) };
  }
}
