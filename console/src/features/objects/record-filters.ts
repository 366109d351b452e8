import { amountBound, amountBoundText, CURRENCIES, currencyDigits } from '../../lib/money';
import type { ValueType } from '../../lib/typed-values';

// A currency field holds amounts of any currency: until a currency is picked its bounds are read
// with two decimals, over the amounts of every currency.
const ANY_CURRENCY_DIGITS = 2;

/** The decimals a currency field's bounds are typed with: the picked currency's own (0 for JPY, 3 for KWD). */
const boundDigits = (currency: string | undefined) => (currency ? currencyDigits(currency) : ANY_CURRENCY_DIGITS);

/** A declared field as the filters read it. */
export interface FilterField {
  key: string;
  type: ValueType;
  options: string[];
}

/** How a field is filtered: a text its value holds, values it is one of, yes or no, or bounds. */
export type FilterKind = 'contains' | 'oneOf' | 'boolean' | 'range';

const KINDS: Partial<Record<ValueType, FilterKind>> = {
  text: 'contains',
  email: 'contains',
  phone: 'contains',
  url: 'contains',
  select: 'oneOf',
  multi_select: 'oneOf',
  boolean: 'boolean',
  number: 'range',
  currency: 'range',
  date: 'range',
};

/** The filter a field has; none for addresses and relations (their values are parts and ids). */
export const filterKind = (type: ValueType): FilterKind | undefined => KINDS[type];

/**
 * The filters' inputs by the `filter` JSON's keys: `<key>Contains` for a text, the field's key for
 * chosen options or "true"/"false", `<key>From` and `<key>To` for bounds, and `<key>Currency` for
 * a currency field's currency: the records whose amount is in it (`{"<key>": {"currency": …}}`),
 * its bounds typed in its decimals as amountBound reads them. An empty input filters nothing.
 */
export type FilterInputs = Record<string, string | string[]>;

/** The currency picked for a currency field's filter, if any. */
export function filterCurrency(inputs: FilterInputs, key: string): string | undefined {
  const currency = inputs[`${key}Currency`];
  return typeof currency === 'string' && currency !== '' ? currency : undefined;
}

/** A bound as the API compares it (a currency's in minor units of `currency`); undefined when the input is empty, null when it cannot be one. */
export function boundValue(type: ValueType, text: string, currency?: string): string | number | undefined | null {
  if (text.trim() === '') return undefined;
  if (type === 'currency') return amountBound(text, boundDigits(currency));
  if (type === 'number') {
    const number = Number(text.replace(',', '.'));
    return Number.isFinite(number) ? number : null;
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null;
}

/**
 * The `filter` query parameter of GET /objects/:key/records for these inputs: a JSON object of
 * the conditions set, undefined when there is none. An input that cannot be a value is left out
 * (its input says so).
 */
export function recordFilter(fields: readonly FilterField[], inputs: FilterInputs): string | undefined {
  const conditions: Record<string, unknown> = {};
  for (const field of fields) {
    const kind = filterKind(field.type);
    const input = inputs[field.key];
    const contains = inputs[`${field.key}Contains`];
    if (kind === 'contains' && typeof contains === 'string' && contains.trim() !== '') conditions[`${field.key}Contains`] = contains.trim();
    else if (kind === 'oneOf' && Array.isArray(input) && input.length > 0) conditions[field.key] = input;
    else if (kind === 'boolean' && (input === 'true' || input === 'false')) conditions[field.key] = input === 'true';
    else if (kind === 'range') {
      const currency = field.type === 'currency' ? filterCurrency(inputs, field.key) : undefined;
      if (currency) conditions[field.key] = { currency };
      for (const bound of ['From', 'To'] as const) {
        const text = inputs[`${field.key}${bound}`];
        const value = typeof text === 'string' ? boundValue(field.type, text, currency) : undefined;
        if (value !== undefined && value !== null) conditions[`${field.key}${bound}`] = value;
      }
    }
  }
  return Object.keys(conditions).length > 0 ? JSON.stringify(conditions) : undefined;
}

/** The currency of a saved `{"<key>": {"currency": "JPY"}}` condition (only the currency), when it is one Intl knows. */
function storedCurrency(condition: unknown): string | undefined {
  if (typeof condition !== 'object' || condition === null || Object.keys(condition).join() !== 'currency') return undefined;
  const { currency } = condition as { currency: unknown };
  return typeof currency === 'string' && CURRENCIES.includes(currency) ? currency : undefined;
}

/** A saved view's `filter` back into the inputs; conditions the inputs cannot hold (a text's equality, a null, an address) are dropped. */
export function filterInputs(fields: readonly FilterField[], filter: unknown): FilterInputs {
  let conditions: unknown;
  try {
    conditions = typeof filter === 'string' ? JSON.parse(filter) : undefined;
  } catch {
    conditions = undefined;
  }
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) return {};
  const stored = conditions as Record<string, unknown>;
  const inputs: FilterInputs = {};
  for (const field of fields) {
    const kind = filterKind(field.type);
    const value = stored[field.key];
    const contains = stored[`${field.key}Contains`];
    if (kind === 'contains' && typeof contains === 'string') inputs[`${field.key}Contains`] = contains;
    else if (kind === 'oneOf' && (typeof value === 'string' || Array.isArray(value)))
      inputs[field.key] = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
    else if (kind === 'boolean' && typeof value === 'boolean') inputs[field.key] = String(value);
    else if (kind === 'range') {
      const currency = field.type === 'currency' ? storedCurrency(value) : undefined;
      if (currency) inputs[`${field.key}Currency`] = currency;
      for (const bound of ['From', 'To'] as const) {
        const boundStored = stored[`${field.key}${bound}`];
        if (boundStored === undefined) continue;
        inputs[`${field.key}${bound}`] = field.type === 'currency' ? amountBoundText(boundStored, boundDigits(currency)) : String(boundStored);
      }
    }
  }
  return inputs;
}
