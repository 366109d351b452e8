import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateInvoice, FinalizeInvoice, GetInvoicePdf, UpdateBillingSettings, type Invoice } from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import { InvoiceDocumentsService } from '../src/invoice-documents/invoice-documents.service.js';
import { InvoicesService } from '../src/invoices/invoices.service.js';
import { BillingSettingsService } from '../src/settings/billing-settings.service.js';
import { callerOf, createContact, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

/** The text of a PDF as poppler's pdftotext reads it (Debian's poppler-utils; scripts/test-tools.sh installs it). */
async function pdfText(pdf: Buffer): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'invoice-pdf-'));
  try {
    const file = join(folder, 'invoice.pdf');
    await writeFile(file, pdf);
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    return stdout;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

describe('invoice PDF (service level)', () => {
  let stack: BillingStack;
  let documents: InvoiceDocumentsService;
  let invoices: InvoicesService;
  let owner: RequestContext;
  let open: Invoice;

  beforeAll(async () => {
    stack = await startBillingStack('billing-invoice-documents');
    documents = stack.billing.app.get(InvoiceDocumentsService);
    invoices = stack.billing.app.get(InvoicesService);
    owner = userContext('owner');
    await stack.billing.app.get(BillingSettingsService).replace(callerOf(owner, UpdateBillingSettings), {
      legalName: 'Ångström Analytik GmbH',
      address: 'Hauptstraße 1\n10115 Berlin',
      taxId: 'DE123456789',
      paymentInstructions: 'IBAN DE89 3704 0044 0532 0130 00, reference the invoice number',
    });
    const contactId = await createContact(stack, owner, 'Zoë Ёлкина', 'zoe@example.com');
    const draft = await invoices.create(callerOf(owner, CreateInvoice), {
      customer: { contactId },
      currency: 'EUR',
      issueDate: '2026-03-02',
      paymentTerms: 'net_15',
      notes: 'Merci — спасибо',
      lines: [
        { description: 'Beratung (Stunden)', quantity: 1.5, unitPrice: 12_000, taxRate: 1900 },
        { description: 'Licence', quantity: 3, unitPrice: 999, taxRate: 0 },
      ],
    });
    open = await invoices.finalize(callerOf(owner, FinalizeInvoice), draft.id);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('prints the seller, the customer in any script, number, dates, lines, tax, totals, paid, due and payment instructions', async () => {
    const reply = await documents.pdf(callerOf(owner, GetInvoicePdf), open.id);
    expect(reply.fileName).toBe(`${open.number}.pdf`);
    const pdf = Buffer.from(reply.content, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const expected of [
      `Invoice ${open.number}`,
      'Ångström Analytik GmbH',
      'Hauptstraße 1',
      '10115 Berlin',
      'Tax ID: DE123456789',
      'Zoë Ёлкина Lovelace',
      'zoe@example.com',
      'Issue date: 2026-03-02',
      'Due date: 2026-03-17',
      'Beratung (Stunden)',
      '€120.00',
      '19%',
      '€180.00',
      'Licence',
      '€29.97',
      'IBAN DE89 3704 0044 0532 0130 00, reference the invoice number',
      'Merci — спасибо',
    ]) {
      expect(text).toContain(expected);
    }
    // 18000 + 2997 = 20997 subtotal, tax 3420, total 24417; nothing paid.
    expect(text).toMatch(/Subtotal\s+€209\.97/);
    expect(text).toMatch(/Tax\s+€34\.20/);
    expect(text).toMatch(/Total\s+€244\.17/);
    expect(text).toMatch(/Amount paid\s+€0\.00/);
    expect(text).toMatch(/Amount due\s+€244\.17/);
  });

  it('prints a draft as DRAFT, named by its id', async () => {
    const contactId = await createContact(stack, owner, 'Grace');
    const draft = await invoices.create(callerOf(owner, CreateInvoice), {
      customer: { contactId },
      currency: 'JPY',
      lines: [{ description: 'Tea', quantity: 2, unitPrice: 1500 }],
    });
    const reply = await documents.pdf(callerOf(owner, GetInvoicePdf), draft.id);
    expect(reply.fileName).toBe(`draft-${draft.id}.pdf`);
    const text = await pdfText(Buffer.from(reply.content, 'base64'));
    expect(text).toContain('Invoice DRAFT');
    // Yen have no minor unit: 3000 is JP¥3,000.
    expect(text).toMatch(/Tea\s+2\s+JP¥1,500\s+0%\s+JP¥3,000/);
    expect(text).toMatch(/Amount due\s+JP¥3,000/);
  });

  it('prints an invoice of a workspace that has no billing settings yet', async () => {
    const fresh = userContext('owner');
    const contactId = await createContact(stack, fresh, 'Nobody');
    const draft = await invoices.create(callerOf(fresh, CreateInvoice), {
      customer: { contactId },
      currency: 'EUR',
      lines: [{ description: 'Tea', quantity: 1, unitPrice: 250 }],
    });
    const text = await pdfText(Buffer.from((await documents.pdf(callerOf(fresh, GetInvoicePdf), draft.id)).content, 'base64'));
    expect(text).toContain('Nobody Lovelace');
    expect(text).toMatch(/Amount due\s+€2\.50/);
  });

  it('answers 404 for another workspace’s invoice and for viewers reads it', async () => {
    await expectRefused(documents.pdf(callerOf(userContext('owner'), GetInvoicePdf), open.id), 404);
    const viewer = userContext('viewer', owner.workspaceId!);
    expect((await documents.pdf(callerOf(viewer, GetInvoicePdf), open.id)).fileName).toBe(`${open.number}.pdf`);
  });
});
