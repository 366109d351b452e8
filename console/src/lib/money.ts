// Invoice arithmetic as billing does it (services/billing/src/invoices/money.ts), in BigInt so a
// live total in the editor is the total the API will store: quantities scaled to 10^-4 units,
// one rounding per rule, halves away from zero.

export const QUANTITY_DECIMALS = 4;
const QUANTITY_SCALE = 10n ** BigInt(QUANTITY_DECIMALS);
const BASIS_POINTS = 10_000n;

/** numerator / denominator (> 0) rounded to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3). */
export function divideRoundingHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const doubled = remainder < 0n ? -2n * remainder : 2n * remainder;
  if (doubled < denominator) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/** A decimal as typed ("1.5", "-2", "0,25") scaled to an integer of 10^-decimals, or null when it is not one or has more decimals. */
export function parseScaled(text: string, decimals: number): bigint | null {
  const match = /^\s*(-?)(\d*)(?:[.,](\d*))?\s*$/.exec(text);
  if (!match || (match[2] === '' && !match[3])) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > decimals) return null;
  const scaled = BigInt(`${whole || '0'}${fraction.padEnd(decimals, '0')}`);
  return sign ? -scaled : scaled;
}

/** Every ISO 4217 currency code Intl knows: the choices of a currency input. */
export const CURRENCIES = Intl.supportedValuesOf('currency');

/** The minor units of a currency (2 for EUR, 0 for JPY), as Intl knows them. */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "12.50" EUR → 1250; null when it is not an amount of that currency (too many decimals, not a number). */
export function parseMoney(text: string, currency: string): number | null {
  const minor = parseScaled(text, currencyDigits(currency));
  return minor === null || minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(minor);
}

/** 1250 EUR → "12.50": minor units written as the editor's input holds them. */
export function minorToInput(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const written = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${written}` : written;
}

export interface DraftLine {
  quantity: string;
  unitPrice: number;
  /** Basis points. */
  taxRate: number;
}

/** amount = round(quantity × unitPrice), tax = round(amount × taxRate / 10000); null while the quantity is not valid. */
export function lineAmounts(line: DraftLine): { amount: bigint; tax: bigint } | null {
  const quantity = parseScaled(line.quantity, QUANTITY_DECIMALS);
  if (quantity === null || quantity <= 0n) return null;
  const amount = divideRoundingHalfAwayFromZero(quantity * BigInt(line.unitPrice), QUANTITY_SCALE);
  return { amount, tax: divideRoundingHalfAwayFromZero(amount * BigInt(line.taxRate), BASIS_POINTS) };
}

/** The sums of the lines' rounded amounts and taxes, as numbers of minor units; invalid lines count nothing. */
export function invoiceTotals(lines: readonly DraftLine[]): { subtotal: number; tax: number; total: number } {
  let subtotal = 0n;
  let tax = 0n;
  for (const line of lines) {
    const amounts = lineAmounts(line);
    subtotal += amounts?.amount ?? 0n;
    tax += amounts?.tax ?? 0n;
  }
  return { subtotal: Number(subtotal), tax: Number(tax), total: Number(subtotal + tax) };
}

/**
 * A bound of a list's amount filter as typed ("1250.50") in minor units of a currency with `digits`
 * decimals (currencyDigits: 2 for EUR, 0 for JPY, 3 for BHD): the API compares minor units. Undefined
 * when empty, null when it is not an amount of that currency.
 */
export function amountBound(text: string, digits: number): number | undefined | null {
  if (text.trim() === '') return undefined;
  const minor = parseScaled(text, digits);
  return minor === null || minor < 0n || minor > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(minor);
}

/** A bound in minor units as its input holds it (125050 with 2 digits → "1250.50"), the inverse of amountBound. */
export function amountBoundText(minor: unknown, digits: number): string {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor) || minor < 0) return '';
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
