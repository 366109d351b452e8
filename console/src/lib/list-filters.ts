// Conversions shared by the lists' filter inputs: a saved view keeps the list's query parameters
// as JSON, the inputs hold text.

/** A view's list of strings (an absent or mistyped condition is none). */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A view's string (an absent or mistyped condition is empty). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A list's values as the API takes them: none is no condition. */
export function listOf<T>(values: T[]): T[] | undefined {
  return values.length ? values : undefined;
}

/**
 * A day picked as a "from" bound of a date-time filter (createdAtFrom…): the start of that day
 * in the browser's time zone, as an instant. Empty: no condition.
 */
export function dayStart(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}

/** A day picked as a "to" bound: its last millisecond in the browser's time zone, so the day is included. */
export function dayEnd(day: string): string | undefined {
  return day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined;
}

/** A date-time bound of a view back into the day its input shows (in the browser's time zone); a date stays as it is. */
export function dayOf(bound: unknown): string {
  if (typeof bound !== 'string' || bound === '') return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(bound)) return bound;
  const instant = new Date(bound);
  if (Number.isNaN(instant.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`;
}
