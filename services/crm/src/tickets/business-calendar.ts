import type { BusinessCalendar, Weekday } from '@kinship/contracts/crm';

/** A workspace that set no business hours counts every second of every day, in UTC. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timezone: 'UTC',
  days: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const).map((day) => ({ day, start: '00:00', end: '24:00' })),
  holidays: [],
};

// getUTCDay() order.
const WEEKDAY_OF: readonly Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Longer than any deadline a policy allows (a year of business minutes at one minute a week would need far more; that calendar is refused). */
const MAX_DAYS_WALKED = 366 * 12;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, format);
  }
  return format;
}

/** The wall-clock time in `timezone` at the instant `ms`, as if it were UTC. */
function wallClock(ms: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The instant at which the clocks of `timezone` show `wall` (a wall-clock time written as UTC); in a DST gap, the instant after it. */
function instantOf(wall: number, timezone: string): number {
  const first = wall - (wallClock(wall, timezone) - wall);
  const second = wall - (wallClock(first, timezone) - first);
  return Math.max(first, second);
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

interface Window {
  start: number;
  end: number;
}

/** The working windows (UTC instants) from the local day holding `from` onwards, in order. */
function* windows(calendar: BusinessCalendar, from: number): Generator<Window> {
  const holidays = new Set(calendar.holidays);
  const hours = new Map(calendar.days.map((day) => [day.day, day]));
  const localDay = Math.floor(wallClock(from, calendar.timezone) / DAY_MS) * DAY_MS;
  for (let index = 0; index < MAX_DAYS_WALKED; index++) {
    const day = localDay + index * DAY_MS;
    const date = new Date(day);
    const open = hours.get(WEEKDAY_OF[date.getUTCDay()]!);
    if (!open || holidays.has(date.toISOString().slice(0, 10))) continue;
    yield { start: instantOf(day + minutesOf(open.start) * 60_000, calendar.timezone), end: instantOf(day + minutesOf(open.end) * 60_000, calendar.timezone) };
  }
}

/** The instant `seconds` of business time after `start`. */
export function addBusinessSeconds(calendar: BusinessCalendar, start: Date, seconds: number): Date {
  let remaining = seconds * 1000;
  const from = start.getTime();
  for (const window of windows(calendar, from)) {
    const begin = Math.max(window.start, from);
    if (begin >= window.end) continue;
    if (remaining <= window.end - begin) return new Date(begin + remaining);
    remaining -= window.end - begin;
  }
  throw new Error(`The business calendar has no ${seconds} s of working time within ${MAX_DAYS_WALKED} days.`);
}

/** Business seconds between two instants (0 when `to` is not after `from`). */
export function businessSecondsBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  let total = 0;
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  for (const window of windows(calendar, start)) {
    if (window.start >= end) break;
    total += Math.max(0, Math.min(window.end, end) - Math.max(window.start, start));
  }
  return Math.round(total / 1000);
}
