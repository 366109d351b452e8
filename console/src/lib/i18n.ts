import { en } from './locales/en';

type Values = Record<string, string | number>;
type Translate<Key extends string> = (key: Key, values?: Values) => string;

/** The keys of the shared catalog: what the entry, the shell, sign-in and the contacts list show. */
export type MessageKey = keyof typeof en;

/** The keys a translator knows: the shared ones and its route's own. */
export type KeyOf<T> = T extends Translate<infer Key> ? Key : never;

/**
 * A translator over the shared strings and one route's own (`features/<area>/i18n.ts`). A route's
 * catalog lives beside it and arrives with its lazy chunk, so the first screens ship only the shared
 * catalog; the key types make a file that shows a route's string import that route's translator.
 * English is complete; another language adds a sibling of each catalog.
 */
export function withCatalog<Own extends Record<string, string>>(own: Own): Translate<MessageKey | (keyof Own & string)> {
  const messages: Record<string, string> = { ...en, ...own };
  return (key, values = {}) => (messages[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

/** The shared strings, with {placeholders}. */
export const t: Translate<MessageKey> = withCatalog({});

export function formatMoney(amountMinor: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(value: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!value) return '';
  // Building a formatter costs far more than using one, and a list formats a date in each row it scrolls into view.
  const key = `${locale ?? ''} ${timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateTimeFormats.set(key, format);
  }
  return format.format(new Date(value));
}
