import { en } from './locales/en';

export type MessageKey = keyof typeof en;

const catalogs: Record<string, Record<MessageKey, string>> = { en };

/** The strings of the user's language (English until another catalog is added), with {placeholders}. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const language = (globalThis.navigator?.language ?? 'en').split('-')[0] ?? 'en';
  const template = (catalogs[language] ?? en)[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export function formatMoney(amountMinor: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

export function formatDateTime(value: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!value) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(value));
}
