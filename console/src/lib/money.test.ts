import { describe, expect, it } from 'vitest';
import { divideRoundingHalfAwayFromZero, invoiceTotals, lineAmounts, minorToInput, parseMoney, parseScaled } from './money';

describe('invoice arithmetic', () => {
  it('rounds halves away from zero, on both sides', () => {
    expect(divideRoundingHalfAwayFromZero(25n, 10n)).toBe(3n);
    expect(divideRoundingHalfAwayFromZero(-25n, 10n)).toBe(-3n);
    expect(divideRoundingHalfAwayFromZero(24n, 10n)).toBe(2n);
    expect(divideRoundingHalfAwayFromZero(-24n, 10n)).toBe(-2n);
  });

  it('prices a line as billing does: amount rounded, then its tax rounded', () => {
    // 1.5 × 333 = 499.5 → 500; 500 × 19 % = 95.
    expect(lineAmounts({ quantity: '1.5', unitPrice: 333, taxRate: 1900 })).toEqual({ amount: 500n, tax: 95n });
    // 0.0001 × 5000 = 0.5 → 1; 1 × 7.5 % = 0.075 → 0.
    expect(lineAmounts({ quantity: '0.0001', unitPrice: 5000, taxRate: 750 })).toEqual({ amount: 1n, tax: 0n });
    // A refund-like negative price rounds away from zero too.
    expect(lineAmounts({ quantity: '0.5', unitPrice: -5, taxRate: 0 })).toEqual({ amount: -3n, tax: 0n });
  });

  it('refuses quantities billing refuses: five decimals, zero, negative, not a number', () => {
    for (const quantity of ['1.00001', '0', '-1', 'two', '', '.']) expect(lineAmounts({ quantity, unitPrice: 100, taxRate: 0 })).toBeNull();
  });

  it('sums the rounded lines, not the exact products', () => {
    const lines = [
      { quantity: '0.5', unitPrice: 1, taxRate: 0 },
      { quantity: '0.5', unitPrice: 1, taxRate: 0 },
    ];
    expect(invoiceTotals(lines)).toEqual({ subtotal: 2, tax: 0, total: 2 });
    expect(invoiceTotals([...lines, { quantity: 'x', unitPrice: 999, taxRate: 0 }])).toEqual({ subtotal: 2, tax: 0, total: 2 });
    expect(invoiceTotals([{ quantity: '3', unitPrice: 1999, taxRate: 2000 }])).toEqual({ subtotal: 5997, tax: 1199, total: 7196 });
  });

  it('reads amounts in the currency’s minor units, exactly', () => {
    expect(parseMoney('12.5', 'EUR')).toBe(1250);
    expect(parseMoney('0,07', 'EUR')).toBe(7);
    expect(parseMoney('1200', 'JPY')).toBe(1200);
    expect(parseMoney('1.5', 'JPY')).toBeNull();
    expect(parseMoney('1.234', 'EUR')).toBeNull();
    expect(parseMoney('abc', 'EUR')).toBeNull();
    expect(parseScaled('19.99', 2)).toBe(1999n);
  });

  it('writes minor units back for an input', () => {
    expect(minorToInput(1250, 'EUR')).toBe('12.50');
    expect(minorToInput(7, 'EUR')).toBe('0.07');
    expect(minorToInput(-7, 'EUR')).toBe('-0.07');
    expect(minorToInput(1200, 'JPY')).toBe('1200');
  });
});
