import type { ScheduleFrequency } from '@kinship/contracts/reporting';

/** Deliveries go out at this hour (UTC) of a Monday (weekly) or of the 1st (monthly). */
const DELIVERY_HOUR_UTC = 7;

/** The first delivery time strictly after `after`. */
export function nextRun(frequency: ScheduleFrequency, after: Date): Date {
  const year = after.getUTCFullYear();
  const month = after.getUTCMonth();
  if (frequency === 'monthly') {
    const thisMonth = new Date(Date.UTC(year, month, 1, DELIVERY_HOUR_UTC));
    return thisMonth > after ? thisMonth : new Date(Date.UTC(year, month + 1, 1, DELIVERY_HOUR_UTC));
  }
  const daysToMonday = (8 - after.getUTCDay()) % 7;
  const monday = new Date(Date.UTC(year, month, after.getUTCDate() + daysToMonday, DELIVERY_HOUR_UTC));
  return monday > after ? monday : new Date(monday.getTime() + 7 * 86_400_000);
}
