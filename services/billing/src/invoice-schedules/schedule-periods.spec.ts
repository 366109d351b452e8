import { describe, expect, it } from '@jest/globals';
import { nextPeriodStart, periodStart } from './schedule-periods.js';

describe('schedule periods', () => {
  it('counts months, quarters and years from the start date, keeping its day where the month has it', () => {
    expect([0, 1, 2, 3].map((index) => periodStart('2026-01-31', 'month', index))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    expect([0, 1, 2, 3, 4].map((index) => periodStart('2026-11-15', 'quarter', index))).toEqual([
      '2026-11-15',
      '2027-02-15',
      '2027-05-15',
      '2027-08-15',
      '2027-11-15',
    ]);
    expect([0, 1, 2, 4].map((index) => periodStart('2028-02-29', 'year', index))).toEqual(['2028-02-29', '2029-02-28', '2030-02-28', '2032-02-29']);
  });

  it('ends after the end date, which may fall inside a period', () => {
    expect(nextPeriodStart('2026-01-01', 'month', 2, '2026-03-01')).toBe('2026-03-01');
    expect(nextPeriodStart('2026-01-01', 'month', 3, '2026-03-31')).toBeNull();
    expect(nextPeriodStart('2026-01-01', 'year', 40, null)).toBe('2066-01-01');
  });
});
