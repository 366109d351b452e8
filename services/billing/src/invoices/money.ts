import { QUANTITY_DECIMALS } from '@kinship/contracts/billing';
import { RpcError } from '@kinship/messaging';

// Invoice arithmetic in BigInt, never floats: quantities are scaled to integers of 10^-4 units,
// so every product and quotient is exact until the one rounding each rule asks for.

const QUANTITY_SCALE = 10n ** BigInt(QUANTITY_DECIMALS);
const BASIS_POINTS = 10_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** numerator / denominator (> 0) rounded to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3). */
export function divideRoundingHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('the denominator must be positive');
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // has the numerator's sign
  const doubled = remainder < 0n ? -2n * remainder : 2n * remainder;
  if (doubled < denominator) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/** A quantity with at most 4 decimal places (as the contract validates it) in units of 10^-4, exactly: 1.5 → 15000n. */
export function scaledQuantity(quantity: number): bigint {
  const written = quantity.toFixed(QUANTITY_DECIMALS);
  if (Number(written) !== quantity) throw new RangeError(`${quantity} has more than ${QUANTITY_DECIMALS} decimal places`);
  return BigInt(written.replace('.', ''));
}

export interface PricedLine {
  quantity: number;
  unitPrice: number;
  taxRate: number;
}

export interface LineAmounts {
  amount: bigint;
  tax: bigint;
}

/** amount = round(quantity × unitPrice), tax = round(amount × taxRate / 10000), each half away from zero. */
export function lineAmounts(line: PricedLine): LineAmounts {
  const amount = divideRoundingHalfAwayFromZero(scaledQuantity(line.quantity) * BigInt(line.unitPrice), QUANTITY_SCALE);
  const tax = divideRoundingHalfAwayFromZero(amount * BigInt(line.taxRate), BASIS_POINTS);
  return { amount, tax };
}

export interface Totals {
  subtotal: bigint;
  tax: bigint;
  total: bigint;
}

/** The invoice's totals are the sums of its lines' rounded amounts and taxes. */
export function invoiceTotals(lines: readonly LineAmounts[]): Totals {
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0n);
  const tax = lines.reduce((sum, line) => sum + line.tax, 0n);
  return { subtotal, tax, total: subtotal + tax };
}

/** A computed amount as a JSON number, refused (422 naming `field`) when JSON could not carry it exactly. */
export function safeAmount(value: bigint, field: string): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) throw RpcError.validation([{ field, issue: 'comes to an amount beyond 2^53 - 1 minor units' }]);
  return Number(value);
}
