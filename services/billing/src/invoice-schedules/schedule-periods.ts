import type { ScheduleInterval } from '@kinship/contracts/billing';

const MONTHS: Record<ScheduleInterval, number> = { month: 1, quarter: 3, year: 12 };

/**
 * The first day of period `index` (0 = startDate), counted from startDate every time so that a
 * short month never shifts later ones: monthly from 2026-01-31 gives 02-28, then 03-31.
 */
export function periodStart(startDate: string, interval: ScheduleInterval, index: number): string {
  const [year, month, day] = startDate.split('-').map(Number) as [number, number, number];
  const months = month - 1 + MONTHS[interval] * index;
  const periodYear = year + Math.floor(months / 12);
  const periodMonth = months % 12;
  const lastDay = new Date(Date.UTC(periodYear, periodMonth + 1, 0)).getUTCDate();
  return `${String(periodYear).padStart(4, '0')}-${String(periodMonth + 1).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/** Period `index`'s start, or null when it starts after endDate (the schedule is over). */
export function nextPeriodStart(startDate: string, interval: ScheduleInterval, index: number, endDate: string | null): string | null {
  const start = periodStart(startDate, interval, index);
  return endDate !== null && start > endDate ? null : start;
}
