import { describe, expect, it } from '@jest/globals';
import { nextRun } from './schedule.js';

describe('nextRun', () => {
  it('is the next Monday at 07:00 UTC for weekly, strictly after the time given', () => {
    expect(nextRun('weekly', new Date('2026-12-05T10:00:00Z')).toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(nextRun('weekly', new Date('2026-12-07T06:59:59Z')).toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(nextRun('weekly', new Date('2026-12-07T07:00:00Z')).toISOString()).toBe('2026-12-14T07:00:00.000Z');
    expect(nextRun('weekly', new Date('2026-12-28T08:00:00Z')).toISOString()).toBe('2027-01-04T07:00:00.000Z');
  });

  it('is the next 1st of a month at 07:00 UTC for monthly, across the year end', () => {
    expect(nextRun('monthly', new Date('2026-12-05T10:00:00Z')).toISOString()).toBe('2027-01-01T07:00:00.000Z');
    expect(nextRun('monthly', new Date('2026-12-01T06:00:00Z')).toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(nextRun('monthly', new Date('2026-12-01T07:00:00Z')).toISOString()).toBe('2027-01-01T07:00:00.000Z');
  });
});
