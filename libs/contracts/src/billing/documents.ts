import { ApiProperty } from '@nestjs/swagger';
import { defineOperation, FileReply } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';

export const INVOICE_PDF = 'application/pdf';

export class SentInvoice {
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ example: 'INV-2026-000042' }) number!: string;
  @ApiProperty({ format: 'email', description: 'The invoice’s billingEmail, where the email goes.' }) to!: string;
  @ApiProperty({ description: 'The PDF as sent, kept in the file store.' }) fileId!: string;
  @ApiProperty({ example: 'INV-2026-000042.pdf' }) fileName!: string;
  @ApiProperty({ format: 'date-time' }) sentAt!: string;
}

export const GetInvoicePdf = defineOperation({
  pattern: 'billing.invoices.pdf',
  summary: 'Download an invoice as PDF',
  description:
    'The seller from the billing settings (legal name, address, tax id), the customer, number, dates, lines, tax, totals, amount paid and due, and the payment instructions. A draft reads DRAFT instead of a number.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'invoices/:id/pdf', status: 200 },
  params: RecordIdParams,
  output: FileReply,
  produces: INVOICE_PDF,
  errors: [NOT_FOUND],
});

export const SendInvoice = defineOperation({
  pattern: 'billing.invoices.send',
  summary: 'Email an invoice to its customer',
  description:
    'Stores the PDF and emits invoice.sent; notifications emails it to the billingEmail with the PDF attached (template invoice_sent). Open, paid and uncollectible invoices can be sent, each call sends once more.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices/:id/send', status: 200 },
  params: RecordIdParams,
  output: SentInvoice,
  errors: [
    NOT_FOUND,
    { status: 409, description: 'A draft or void invoice is not sent (code invoice_not_sendable); details name the status.' },
    { status: 422, description: 'The invoice has no billingEmail (details name it).' },
  ],
});

export const DOCUMENT_OPERATIONS = [GetInvoicePdf, SendInvoice] as const;
