import { describe, expect, it } from 'vitest';
import { dayEnd, dayOf, dayStart, strings, text } from './list-filters';

describe('list filter conversions', () => {
  it('spans a picked day from its first to its last millisecond in the browser’s time zone', () => {
    const start = new Date(dayStart('2026-12-07')!);
    const end = new Date(dayEnd('2026-12-07')!);
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()]).toEqual([2026, 11, 7, 0, 0]);
    expect([end.getDate(), end.getHours(), end.getMinutes(), end.getSeconds(), end.getMilliseconds()]).toEqual([7, 23, 59, 59, 999]);
    expect(dayStart('')).toBeUndefined();
    expect(dayEnd('')).toBeUndefined();
  });

  it('shows a view’s bound as the day it was picked, a date as it is, anything else as nothing', () => {
    expect(dayOf(dayStart('2026-02-28'))).toBe('2026-02-28');
    expect(dayOf(dayEnd('2026-02-28'))).toBe('2026-02-28');
    expect(dayOf('2026-03-01')).toBe('2026-03-01');
    expect(dayOf('soon')).toBe('');
    expect(dayOf(5)).toBe('');
  });

  it('reads a view’s mistyped conditions as none', () => {
    expect(strings(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(strings('a')).toEqual([]);
    expect(text(['a'])).toBe('');
  });
});
