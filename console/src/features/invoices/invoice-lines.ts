import type { components } from '../../api/schema';
import { ApiError } from '../../lib/api-error';
import { lineAmounts, minorToInput, parseMoney, parseScaled, type DraftLine } from '../../lib/money';

export type Invoice = components['schemas']['Invoice'];
export type Product = components['schemas']['Product'];
type LineBody = components['schemas']['InvoiceLineBody'];

/** A line as the editor holds it: what was typed, parsed only to price it and to send it. */
export interface EditLine {
  key: string;
  productId: string | null;
  description: string;
  quantity: string;
  /** Major units of the invoice's currency, as typed ("12.50"). */
  unitPrice: string;
  /** Percent, up to two decimals ("19", "7.5"); the API counts basis points. */
  taxRate: string;
}

let nextKey = 0;
export const newLineKey = () => `line-${(nextKey += 1)}`;

export function toEditLines(invoice: Pick<Invoice, 'lines' | 'currency'>): EditLine[] {
  return invoice.lines.map((line) => ({
    key: line.id,
    productId: line.productId,
    description: line.description,
    quantity: String(line.quantity),
    unitPrice: minorToInput(line.unitPrice, invoice.currency),
    taxRate: (line.taxRate / 100).toFixed(2),
  }));
}

export function emptyLine(): EditLine {
  return { key: newLineKey(), productId: null, description: '', quantity: '1', unitPrice: '', taxRate: '0' };
}

/** One of a product, at its price and tax rate, as the editor shows a line (the product is in the invoice's currency). */
export function lineFromProduct(product: Pick<Product, 'id' | 'name' | 'unitPrice' | 'currency' | 'taxRate'>): EditLine {
  return {
    key: newLineKey(),
    productId: product.id,
    description: product.name,
    quantity: '1',
    unitPrice: minorToInput(product.unitPrice, product.currency),
    taxRate: (product.taxRate / 100).toFixed(2),
  };
}

/** Basis points from a percent with at most two decimals ("7.5" → 750). */
export function taxRateOf(text: string): number | null {
  const scaled = parseScaled(text, 2);
  return scaled === null || scaled < 0n || scaled > 10_000n ? null : Number(scaled);
}

/** The line priced as billing will price it, or null while a number in it is not valid. */
export function draftLine(line: EditLine, currency: string): DraftLine | null {
  const unitPrice = parseMoney(line.unitPrice, currency);
  const taxRate = taxRateOf(line.taxRate);
  if (unitPrice === null || taxRate === null || !lineAmounts({ quantity: line.quantity, unitPrice, taxRate })) return null;
  return { quantity: line.quantity, unitPrice, taxRate };
}

export type LineErrors = Record<string, string>;

/** What is wrong with each input before anything is sent, keyed `<index>.<field>` as the API names them. */
export function lineErrors(
  lines: EditLine[],
  currency: string,
  messages: { quantity: string; unitPrice: string; taxRate: string; description: string },
): LineErrors {
  const errors: LineErrors = {};
  lines.forEach((line, index) => {
    if (!line.description.trim() && !line.productId) errors[`${index}.description`] = messages.description;
    if (!lineAmounts({ quantity: line.quantity, unitPrice: 0, taxRate: 0 })) errors[`${index}.quantity`] = messages.quantity;
    if (parseMoney(line.unitPrice, currency) === null) errors[`${index}.unitPrice`] = messages.unitPrice;
    if (taxRateOf(line.taxRate) === null) errors[`${index}.taxRate`] = messages.taxRate;
  });
  return errors;
}

/** The lines as PATCH /invoices/:id takes them; call once lineErrors found nothing. */
export function toLineBodies(lines: EditLine[], currency: string): LineBody[] {
  return lines.map((line) => ({
    ...(line.productId ? { productId: line.productId } : {}),
    description: line.description.trim(),
    quantity: Number(line.quantity.replace(',', '.')),
    unitPrice: parseMoney(line.unitPrice, currency)!,
    taxRate: taxRateOf(line.taxRate)!,
  }));
}

/** The API's issues with lines (`lines.2.quantity`) keyed as lineErrors keys them (`2.quantity`). */
export function apiLineErrors(error: unknown): LineErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: LineErrors = {};
  for (const detail of error.details) {
    const match = detail.field && /^lines\.(\d+\.\w+)$/.exec(detail.field);
    if (match?.[1] && detail.issue) errors[match[1]] ??= detail.issue;
  }
  return errors;
}
