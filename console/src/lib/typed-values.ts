import { formatMoney, t } from './i18n';
import { minorToInput, parseMoney } from './money';

/** The value types of custom object fields; custom fields of contacts, companies and deals use the first five. */
export type ValueType = 'text' | 'number' | 'date' | 'boolean' | 'select' | 'multi_select' | 'currency' | 'email' | 'phone' | 'url' | 'address' | 'relation';

export const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
export type AddressDraft = Record<(typeof ADDRESS_PARTS)[number], string>;

/** What an editor holds while the user types: text for most types, the parts of a composite one. */
export type Draft = string | boolean | string[] | { amount: string; currency: string } | AddressDraft;

/** The types the list can sort by on the server (GET /objects/:key/records?sort=). */
const SORTABLE = new Set<ValueType>(['text', 'select', 'email', 'phone', 'url', 'date', 'number', 'currency']);
export const isSortable = (type: ValueType) => SORTABLE.has(type);

function isMoney(value: unknown): value is { amount: number; currency: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { amount?: unknown }).amount === 'number' &&
    typeof (value as { currency?: unknown }).currency === 'string'
  );
}

/** A stored value as one line of text in the user's locale; '' when there is none. */
export function formatValue(type: ValueType, value: unknown, locale?: string): string {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'boolean':
      return value === true ? t('common.yes') : t('common.no');
    case 'number':
      return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : String(value);
    case 'currency':
      return isMoney(value) ? formatMoney(value.amount, value.currency, locale) : '';
    case 'date':
      // A calendar day, not an instant: shown as that day whatever the timezone.
      return typeof value === 'string' ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`)) : '';
    case 'multi_select':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'address':
      return typeof value === 'object'
        ? ADDRESS_PARTS.map((part) => (value as Record<string, unknown>)[part])
            .filter((part) => typeof part === 'string' && part !== '')
            .join(', ')
        : '';
    default:
      return String(value);
  }
}

/** The editor's starting state for a stored value. */
export function toDraft(type: ValueType, value: unknown): Draft {
  switch (type) {
    case 'boolean':
      return value === true;
    case 'multi_select':
      return Array.isArray(value) ? value.map(String) : [];
    case 'currency':
      return isMoney(value) ? { amount: minorToInput(value.amount, value.currency), currency: value.currency } : { amount: '', currency: '' };
    case 'address': {
      const stored = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
      return Object.fromEntries(ADDRESS_PARTS.map((part) => [part, typeof stored[part] === 'string' ? stored[part] : ''])) as AddressDraft;
    }
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    default:
      return typeof value === 'string' ? value : '';
  }
}

/**
 * The value to send for an editor's state: null clears it. The API checks every type and names
 * the field when it refuses one, so text that is not a number goes as typed and comes back with
 * its issue; only an amount is checked here, since it must become minor units of its currency.
 */
export function fromDraft(type: ValueType, draft: Draft): { value: unknown } | { problem: 'amount' | 'currency' } {
  switch (type) {
    case 'boolean':
      return { value: draft === true };
    case 'multi_select':
      return { value: Array.isArray(draft) && draft.length > 0 ? draft : null };
    case 'currency': {
      const { amount, currency } = draft as { amount: string; currency: string };
      const code = currency.trim().toUpperCase();
      if (amount.trim() === '' && code === '') return { value: null };
      if (!/^[A-Z]{3}$/.test(code)) return { problem: 'currency' };
      const minor = parseMoney(amount, code);
      return minor === null ? { problem: 'amount' } : { value: { amount: minor, currency: code } };
    }
    case 'address': {
      const parts = Object.entries(draft as AddressDraft).filter(([, text]) => text.trim() !== '');
      return { value: parts.length > 0 ? Object.fromEntries(parts.map(([part, text]) => [part, text.trim()])) : null };
    }
    case 'number': {
      const text = (draft as string).trim();
      if (text === '') return { value: null };
      return { value: /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text };
    }
    default: {
      const text = typeof draft === 'string' ? draft.trim() : '';
      return { value: text === '' ? null : text };
    }
  }
}

/** Where a record of a relation's target opens in the console. */
export function relationPath(target: string | null, id: string): string {
  if (target === 'contacts' || target === 'companies' || target === 'deals') return `/${target}/${id}`;
  return `/objects/${target}/${id}`;
}
