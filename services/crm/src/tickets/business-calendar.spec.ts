import { describe, expect, it } from '@jest/globals';
import type { BusinessCalendar } from '@kinship/contracts/crm';
import { addBusinessSeconds, ALWAYS_OPEN, businessSecondsBetween } from './business-calendar.js';

const BERLIN_OFFICE: BusinessCalendar = {
  timezone: 'Europe/Berlin',
  days: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2026-12-24', '2026-12-25'],
};
const HOUR = 3600;

describe('business calendar', () => {
  it('counts every second without business hours', () => {
    expect(addBusinessSeconds(ALWAYS_OPEN, new Date('2026-12-05T10:00:00Z'), 90 * 60).toISOString()).toBe('2026-12-05T11:30:00.000Z');
    expect(businessSecondsBetween(ALWAYS_OPEN, new Date('2026-12-05T10:00:00Z'), new Date('2026-12-07T10:00:00Z'))).toBe(48 * HOUR);
  });

  it('starts counting when the office opens and carries over to the next working day, in the calendar’s time zone', () => {
    // Friday 16:00 Berlin (CET, UTC+1) plus 2 h: 1 h on Friday, 1 h from Monday 09:00.
    expect(addBusinessSeconds(BERLIN_OFFICE, new Date('2026-12-04T15:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-12-07T09:00:00.000Z');
    // Saturday: nothing counts until Monday 09:00 Berlin = 08:00 UTC.
    expect(addBusinessSeconds(BERLIN_OFFICE, new Date('2026-12-05T12:00:00Z'), 30 * 60).toISOString()).toBe('2026-12-07T08:30:00.000Z');
  });

  it('skips holidays', () => {
    // Wednesday 23 December 16:30 Berlin + 1 h: 30 min that day, Thursday and Friday are holidays, 30 min on Monday 28th.
    expect(addBusinessSeconds(BERLIN_OFFICE, new Date('2026-12-23T15:30:00Z'), HOUR).toISOString()).toBe('2026-12-28T08:30:00.000Z');
  });

  it('follows daylight saving time', () => {
    // Monday 30 March 2026 is in CEST (UTC+2): the office opens at 07:00 UTC.
    expect(addBusinessSeconds(BERLIN_OFFICE, new Date('2026-03-28T12:00:00Z'), 60).toISOString()).toBe('2026-03-30T07:01:00.000Z');
  });

  it('measures business time between two instants as the inverse of adding it', () => {
    const from = new Date('2026-12-03T13:17:00Z');
    for (const seconds of [60, 7 * HOUR, 8 * HOUR, 20 * HOUR, 100 * HOUR]) {
      const to = addBusinessSeconds(BERLIN_OFFICE, from, seconds);
      expect(businessSecondsBetween(BERLIN_OFFICE, from, to)).toBe(seconds);
    }
    expect(businessSecondsBetween(BERLIN_OFFICE, new Date('2026-12-05T10:00:00Z'), new Date('2026-12-06T10:00:00Z'))).toBe(0);
  });
});
