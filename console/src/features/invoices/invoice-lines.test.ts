import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { invoiceTotals } from '../../lib/money';
import { apiLineErrors, draftLine, lineErrors, lineFromProduct, taxRateOf, toEditLines, toLineBodies, type EditLine } from './invoice-lines';

const messages = { quantity: 'quantity', unitPrice: 'unitPrice', taxRate: 'taxRate', description: 'description' };
const line = (overrides: Partial<EditLine>): EditLine => ({
  key: 'k',
  productId: null,
  description: 'Seats',
  quantity: '1',
  unitPrice: '10.00',
  taxRate: '0',
  ...overrides,
});

describe('invoice lines in the editor', () => {
  it('loads the API’s lines as the inputs show them', () => {
    const [edit] = toEditLines({
      currency: 'EUR',
      lines: [{ id: 'a', productId: null, description: 'Seats', quantity: 1.5, unitPrice: 1999, taxRate: 750, amount: 2999, tax: 225 }],
    });
    expect(edit).toEqual({ key: 'a', productId: null, description: 'Seats', quantity: '1.5', unitPrice: '19.99', taxRate: '7.50' });
  });

  it('takes a product’s name, price and tax rate onto a new line of one', () => {
    const edit = lineFromProduct({ id: 'p', name: 'Consulting hour', unitPrice: 12050, currency: 'JPY', taxRate: 1000 });
    expect({ ...edit, key: 'k' }).toEqual({ key: 'k', productId: 'p', description: 'Consulting hour', quantity: '1', unitPrice: '12050', taxRate: '10.00' });
    expect(draftLine(lineFromProduct({ id: 'p', name: 'Seat', unitPrice: 1999, currency: 'EUR', taxRate: 750 }), 'EUR')).toEqual({
      quantity: '1',
      unitPrice: 1999,
      taxRate: 750,
    });
  });

  it('reads a tax rate in percent as basis points, and refuses more than 100 % or a third decimal', () => {
    expect([taxRateOf('7.5'), taxRateOf('19'), taxRateOf('100'), taxRateOf('100.01'), taxRateOf('7.125'), taxRateOf('-1')]).toEqual([
      750,
      1900,
      10000,
      null,
      null,
      null,
    ]);
  });

  it('prices typed lines live with billing’s rounding, percent read as basis points', () => {
    const lines = [line({ quantity: '1.5', unitPrice: '3.33', taxRate: '19' }), line({ quantity: '2', unitPrice: '0.01', taxRate: '7.5' })];
    const drafts = lines.map((l) => draftLine(l, 'EUR')!);
    expect(drafts[0]).toEqual({ quantity: '1.5', unitPrice: 333, taxRate: 1900 });
    // 500 + 95 and 2 + round(0.15) = 2 + 0.
    expect(invoiceTotals(drafts)).toEqual({ subtotal: 502, tax: 95, total: 597 });
  });

  it('names each invalid input before sending, as the API would', () => {
    const lines = [line({ quantity: '1.23456' }), line({ unitPrice: '1.234', taxRate: '101', description: ' ' })];
    expect(lineErrors(lines, 'EUR', messages)).toEqual({
      '0.quantity': 'quantity',
      '1.unitPrice': 'unitPrice',
      '1.taxRate': 'taxRate',
      '1.description': 'description',
    });
    expect(draftLine(lines[0]!, 'EUR')).toBeNull();
    expect(lineErrors([line({ quantity: '0,5' })], 'EUR', messages)).toEqual({});
  });

  it('sends minor units and basis points, keeping a product’s id', () => {
    expect(toLineBodies([line({ productId: 'p', quantity: '0,5', unitPrice: '12', taxRate: '20' })], 'EUR')).toEqual([
      { productId: 'p', description: 'Seats', quantity: 0.5, unitPrice: 1200, taxRate: 2000 },
    ]);
  });

  it('puts the API’s line issues at their inputs', () => {
    const refusal = new ApiError(422, 'validation_failed', 'The request is not valid.', [
      { field: 'lines.1.quantity', issue: 'quantity must have at most 4 decimal places' },
      { field: 'currency', issue: 'not a line' },
    ]);
    expect(apiLineErrors(refusal)).toEqual({ '1.quantity': 'quantity must have at most 4 decimal places' });
    expect(apiLineErrors(new Error('x'))).toEqual({});
  });
});
