import { describe, expect, it } from '@jest/globals';
import { RpcError } from '@kinship/messaging';
import { divideRoundingHalfAwayFromZero, invoiceTotals, lineAmounts, safeAmount, scaledQuantity } from './money.js';

describe('divideRoundingHalfAwayFromZero', () => {
  it.each([
    [5n, 2n, 3n], // 2.5 → 3
    [-5n, 2n, -3n], // −2.5 → −3, not −2
    [7n, 2n, 4n], // 3.5 → 4 (not to even)
    [4n, 2n, 2n],
    [14999n, 10000n, 1n], // 1.4999 → 1
    [15000n, 10000n, 2n], // 1.5 → 2
    [-14999n, 10000n, -1n],
    [-15001n, 10000n, -2n],
    [0n, 7n, 0n],
  ])('%p / %p → %p', (numerator, denominator, expected) => {
    expect(divideRoundingHalfAwayFromZero(numerator, denominator)).toBe(expected);
  });
});

describe('scaledQuantity', () => {
  it('is exact where a float product is not', () => {
    // 1.005 × 1000 is 1004.9999999999999 in floats; scaled, it is exactly 10050 ten-thousandths.
    expect(1.005 * 1000).toBeLessThan(1005);
    expect(scaledQuantity(1.005)).toBe(10050n);
    expect(scaledQuantity(0.0001)).toBe(1n);
    expect(scaledQuantity(999_999_999.9999)).toBe(9_999_999_999_999n);
  });

  it('refuses more than 4 decimal places', () => {
    expect(() => scaledQuantity(0.00001)).toThrow(RangeError);
    expect(() => scaledQuantity(1e-7)).toThrow(RangeError);
  });
});

describe('lineAmounts', () => {
  it('rounds the amount half away from zero', () => {
    // 1.005 × 1000 = 1005 exactly; 0.5 × 3 = 1.5 → 2; 0.25 × 2 = 0.5 → 1.
    expect(lineAmounts({ quantity: 1.005, unitPrice: 1000, taxRate: 0 }).amount).toBe(1005n);
    expect(lineAmounts({ quantity: 0.5, unitPrice: 3, taxRate: 0 }).amount).toBe(2n);
    expect(lineAmounts({ quantity: 0.25, unitPrice: 2, taxRate: 0 }).amount).toBe(1n);
    expect(lineAmounts({ quantity: 0.0001, unitPrice: 4999, taxRate: 0 }).amount).toBe(0n);
  });

  it('rounds the tax of the rounded amount, per line', () => {
    // 250 at 2 % = 5; 25 at 2 % = 0.5 → 1; 125 at 0.01 % = 0.0125 → 0; 5000 at 100 % = 5000.
    expect(lineAmounts({ quantity: 1, unitPrice: 250, taxRate: 200 }).tax).toBe(5n);
    expect(lineAmounts({ quantity: 1, unitPrice: 25, taxRate: 200 }).tax).toBe(1n);
    expect(lineAmounts({ quantity: 1, unitPrice: 125, taxRate: 1 }).tax).toBe(0n);
    expect(lineAmounts({ quantity: 1, unitPrice: 5000, taxRate: 10_000 }).tax).toBe(5000n);
    // 1.5 × 333 = 499.5 → 500, then 500 at 19 % = 95.
    expect(lineAmounts({ quantity: 1.5, unitPrice: 333, taxRate: 1900 })).toEqual({ amount: 500n, tax: 95n });
  });

  it('stays exact past 2^53, so the refusal that follows is about the real amount', () => {
    const line = lineAmounts({ quantity: 999_999_999, unitPrice: Number.MAX_SAFE_INTEGER, taxRate: 0 });
    expect(line.amount).toBe(999_999_999n * 9_007_199_254_740_991n);
  });
});

describe('invoiceTotals', () => {
  it('sums the rounded lines, not the exact ones', () => {
    // Three lines of 0.5 × 1 = 0.5 → 1 each: subtotal 3, not round(1.5) = 2.
    const lines = [1, 2, 3].map(() => lineAmounts({ quantity: 0.5, unitPrice: 1, taxRate: 5000 }));
    expect(invoiceTotals(lines)).toEqual({ subtotal: 3n, tax: 3n, total: 6n });
  });
});

describe('safeAmount', () => {
  it('passes 2^53 − 1 and refuses 2^53 with a 422 naming the field', () => {
    expect(safeAmount(9_007_199_254_740_991n, 'total')).toBe(Number.MAX_SAFE_INTEGER);
    let refusal: unknown;
    try {
      safeAmount(9_007_199_254_740_992n, 'lines.0.quantity');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RpcError);
    expect((refusal as RpcError).toPayload()).toMatchObject({ status: 422, details: [{ field: 'lines.0.quantity' }] });
  });
});
