import { createRequire } from 'node:module';
import type { BillingSettings, Invoice } from '@kinship/contracts/billing';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
// DejaVu covers Latin, Greek, Cyrillic and more, so customers' names print as crm holds them (pdfkit's built-in fonts are Latin-1 only).
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = 50;
/** Description, quantity, unit price, tax rate, amount: x and width of each column on an A4 page. */
const COLUMNS = [
  { x: MARGIN, width: 215, align: 'left' },
  { x: 270, width: 50, align: 'right' },
  { x: 325, width: 80, align: 'right' },
  { x: 410, width: 50, align: 'right' },
  { x: 465, width: 80, align: 'right' },
] as const;

/** Minor units as the currency writes them (12000 EUR → €120.00), exactly: the decimal string never passes through a float. */
export function formatMoney(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const magnitude = BigInt(Math.abs(minor))
    .toString()
    .padStart(digits + 1, '0');
  const decimal = `${minor < 0 ? '-' : ''}${magnitude.slice(0, magnitude.length - digits)}${digits > 0 ? `.${magnitude.slice(-digits)}` : ''}`;
  return format.format(decimal as Intl.StringNumericLiteral);
}

function percent(basisPoints: number): string {
  return `${basisPoints / 100}%`;
}

/** The file name of an invoice's PDF: its number, or its id while it is a draft. */
export function invoicePdfName(invoice: Invoice): string {
  return `${invoice.number ?? `draft-${invoice.id}`}.pdf`;
}

/**
 * The invoice as an A4 PDF: seller (billing settings), customer, number and dates, one row per
 * line, totals, what was paid and what is due, payment instructions and notes. Fonts are embedded
 * (subsets), so the text extracts as written (pdftotext).
 */
export function renderInvoicePdf(invoice: Invoice, seller: BillingSettings): Promise<Buffer> {
  // pdfkit reads every info entry it is given: an absent author must be left out, not undefined.
  const info = { Title: `Invoice ${invoice.number ?? 'draft'}`, ...(seller.legalName ? { Author: seller.legalName } : {}) };
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const bottom = doc.page.height - MARGIN;

  doc
    .font('bold')
    .fontSize(20)
    .text(invoice.number ? `Invoice ${invoice.number}` : 'Invoice DRAFT', MARGIN, MARGIN);
  doc
    .moveDown(0.5)
    .font('bold')
    .fontSize(11)
    .text(seller.legalName ?? '');
  doc.font('regular').fontSize(10);
  if (seller.address) doc.text(seller.address);
  if (seller.taxId) doc.text(`Tax ID: ${seller.taxId}`);

  doc.moveDown().font('bold').text('Bill to');
  doc.font('regular').text(invoice.customer.name);
  if (invoice.billingEmail) doc.text(invoice.billingEmail);

  doc.moveDown();
  doc.text(`Issue date: ${invoice.issueDate ?? '—'}`);
  doc.text(`Due date: ${invoice.dueDate ?? '—'}`);
  doc.text(`Status: ${invoice.status}`);

  const row = (cells: ReadonlyArray<{ text: string; x: number; width: number; align: 'left' | 'right' }>, font: 'regular' | 'bold') => {
    doc.font(font).fontSize(9);
    const height = Math.max(...cells.map((cell) => doc.heightOfString(cell.text, { width: cell.width })));
    if (doc.y + height > bottom) doc.addPage();
    const top = doc.y;
    for (const cell of cells) doc.text(cell.text, cell.x, top, { width: cell.width, align: cell.align });
    doc.x = MARGIN;
    doc.y = top + height + 4;
  };
  const tableRow = (texts: readonly string[], font: 'regular' | 'bold') =>
    row(
      texts.map((text, index) => ({ text, ...COLUMNS[index]! })),
      font,
    );
  doc.moveDown();
  tableRow(['Description', 'Qty', 'Unit price', 'Tax', 'Amount'], 'bold');
  for (const line of invoice.lines)
    tableRow([line.description, String(line.quantity), money(line.unitPrice), percent(line.taxRate), money(line.amount)], 'regular');

  doc.moveDown();
  const totals: Array<[string, number]> = [
    ['Subtotal', invoice.subtotal],
    ['Tax', invoice.tax],
    ['Total', invoice.total],
    ['Amount paid', invoice.amountPaid],
  ];
  if (invoice.amountCredited > 0) totals.push(['Credited', invoice.amountCredited]);
  totals.push(['Amount due', invoice.amountDue]);
  const [, , priceColumn, , amountColumn] = COLUMNS;
  for (const [label, amount] of totals) {
    const labelCell = { text: label, x: priceColumn.x, width: amountColumn.x - priceColumn.x - 5, align: 'right' as const };
    row([labelCell, { text: money(amount), ...amountColumn }], label === 'Amount due' ? 'bold' : 'regular');
  }

  doc.fontSize(10);
  if (seller.paymentInstructions) {
    doc.moveDown().font('bold').text('Payment instructions', MARGIN);
    doc.font('regular').text(seller.paymentInstructions, MARGIN);
  }
  if (invoice.notes) {
    doc.moveDown().font('bold').text('Notes', MARGIN);
    doc.font('regular').text(invoice.notes, MARGIN);
  }
  doc.end();
  return done;
}
