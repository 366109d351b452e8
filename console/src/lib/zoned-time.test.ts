import { describe, expect, it } from 'vitest';
import { instantToZoned, zonedToInstant } from './zoned-time';

describe('times in the user’s timezone', () => {
  it('reads a wall-clock time in the timezone chosen, summer and winter alike', () => {
    expect(zonedToInstant('2026-07-01T09:30', 'Europe/London')).toBe('2026-07-01T08:30:00.000Z');
    expect(zonedToInstant('2026-01-15T09:30', 'Europe/London')).toBe('2026-01-15T09:30:00.000Z');
    expect(zonedToInstant('2026-01-15T09:30', 'America/New_York')).toBe('2026-01-15T14:30:00.000Z');
    expect(zonedToInstant('2026-12-24T18:00', 'Asia/Kolkata')).toBe('2026-12-24T12:30:00.000Z');
  });

  it('takes the offset of the far side of a daylight-saving change', () => {
    // Europe/Berlin moves from +01:00 to +02:00 at 02:00 local on 29 March 2026.
    expect(zonedToInstant('2026-03-29T01:30', 'Europe/Berlin')).toBe('2026-03-29T00:30:00.000Z');
    expect(zonedToInstant('2026-03-29T04:00', 'Europe/Berlin')).toBe('2026-03-29T02:00:00.000Z');
  });

  it('shows an instant on the timezone’s wall clocks, the inverse of reading one', () => {
    expect(instantToZoned('2026-07-01T08:30:00.000Z', 'Europe/London')).toBe('2026-07-01T09:30');
    expect(instantToZoned(zonedToInstant('2026-11-02T23:45', 'Pacific/Auckland')!, 'Pacific/Auckland')).toBe('2026-11-02T23:45');
  });

  it('reads nothing from what is not a full date and time', () => {
    expect(zonedToInstant('', 'UTC')).toBeNull();
    expect(zonedToInstant('2026-07-01', 'UTC')).toBeNull();
  });
});
