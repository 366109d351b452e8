const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };

/** Dates and amounts as the recipient reads them; an unusable locale or zone falls back to English and UTC. */
export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat(locale, { ...DATE_TIME, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat('en', { ...DATE_TIME, timeZone: 'UTC' }).format(date);
  }
}

/** Minor units of an ISO 4217 currency, e.g. 1250000 EUR → €12,500.00. */
export function formatAmount(minorUnits: number, currency: string, locale: string): string {
  const format = (tag: string) => {
    const formatter = new Intl.NumberFormat(tag, { style: 'currency', currency });
    return formatter.format(minorUnits / 10 ** (formatter.resolvedOptions().maximumFractionDigits ?? 2));
  };
  try {
    return format(locale);
  } catch {
    return format('en');
  }
}
