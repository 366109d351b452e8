import { amountBound, amountBoundText } from '../../lib/money';
import type { ValueType } from '../../lib/typed-values';

// A currency field holds amounts of any currency, so its bounds are read with two decimals.
const CURRENCY_FIELD_DIGITS = 2;

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
 * chosen options or "true"/"false", `<key>From` and `<key>To` for bounds. Currency bounds are typed as amountBound
 * reads them; an empty input filters nothing.
 */
export type FilterInputs = Record<string, string | string[]>;

/** A bound as the API compares it; undefined when the input is empty, null when it cannot be one. */
export function boundValue(type: ValueType, text: string): string | number | undefined | null {
  if (text.trim() === '') return undefined;
  if (type === 'currency') return amountBound(text, CURRENCY_FIELD_DIGITS);
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
      for (const bound of ['From', 'To'] as const) {
        const text = inputs[`${field.key}${bound}`];
        const value = typeof text === 'string' ? boundValue(field.type, text) : undefined;
        if (value !== undefined && value !== null) conditions[`${field.key}${bound}`] = value;
      }
    }
  }
  return Object.keys(conditions).length > 0 ? JSON.stringify(conditions) : undefined;
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
      for (const bound of ['From', 'To'] as const) {
        const boundStored = stored[`${field.key}${bound}`];
        if (boundStored === undefined) continue;
        inputs[`${field.key}${bound}`] = field.type === 'currency' ? amountBoundText(boundStored, CURRENCY_FIELD_DIGITS) : String(boundStored);
      }
    }
  }
  return inputs;
}
