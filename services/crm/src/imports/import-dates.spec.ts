import { describe, expect, it } from '@jest/globals';
import { dateEvidence, DateFormatDetector, dateFormatQuestion, readDate } from './import-dates.js';

describe('readDate', () => {
  it('reads ISO dates and timestamps under any format', () => {
    expect(readDate('2024-02-29', null)).toBe('2024-02-29');
    expect(readDate('2024-3-7', 'dd/mm/yyyy')).toBe('2024-03-07');
    expect(readDate('2024-01-02T10:00:00Z', 'mm/dd/yyyy')).toBe('2024-01-02');
    expect(readDate('2023-02-29', null)).toEqual({ problem: 'is not a date' });
  });

  it('reads day/month dates with /, - and . in the given order', () => {
    expect(readDate('25/12/2024', 'dd/mm/yyyy')).toBe('2024-12-25');
    expect(readDate('01-02-2024', 'dd/mm/yyyy')).toBe('2024-02-01');
    expect(readDate('01.02.2024', 'mm/dd/yyyy')).toBe('2024-01-02');
    expect(readDate('1/2/2024', 'mm/dd/yyyy')).toBe('2024-01-02');
  });

  it('refuses a value the order cannot read, mixed separators, and day/month dates when the order is unknown', () => {
    expect(readDate('12/25/2024', 'dd/mm/yyyy')).toEqual({ problem: 'is not a date in dd/mm/yyyy' });
    expect(readDate('31/02/2024', 'dd/mm/yyyy')).toEqual({ problem: 'is not a date in dd/mm/yyyy' });
    expect(readDate('01/02-2024', 'dd/mm/yyyy')).toEqual({ problem: 'is not a date (YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY)' });
    expect(readDate('01/02/2024', null)).toEqual({ problem: expect.stringContaining('send dateFormat') });
    expect(readDate('01/02/2024', 'yyyy-mm-dd')).toEqual({ problem: expect.stringContaining('yyyy-mm-dd') });
    // The same either way round.
    expect(readDate('05/05/2024', null)).toBe('2024-05-05');
    expect(readDate('next tuesday', 'dd/mm/yyyy')).toEqual({ problem: 'is not a date (YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY)' });
  });
});

describe('DateFormatDetector', () => {
  it('decides by a part above 12, asks when the evidence is mixed or absent', () => {
    expect(dateEvidence('13/01/2024')).toBe('dd/mm/yyyy');
    expect(dateEvidence('01.13.2024')).toBe('mm/dd/yyyy');
    expect(dateEvidence('01-02-2024')).toBe('ambiguous');
    expect(dateEvidence('2024-01-13')).toBeNull();

    const dayFirst = new DateFormatDetector();
    for (const [value, line] of [
      ['01/02/2024', 2],
      ['25/12/2024', 3],
    ] as const)
      dayFirst.observe(value, line);
    expect(dayFirst.result()).toEqual({ status: 'detected', format: 'dd/mm/yyyy' });

    const mixed = new DateFormatDetector();
    mixed.observe('25/12/2024', 2);
    mixed.observe('12/25/2024', 7);
    expect(dateFormatQuestion(mixed.result())).toBe(
      'is required: the file\'s dates read as dd/mm/yyyy ("25/12/2024", line 2) and as mm/dd/yyyy ("12/25/2024", line 7); send dd/mm/yyyy or mm/dd/yyyy',
    );

    const ambiguous = new DateFormatDetector();
    ambiguous.observe('03/04/2024', 5);
    expect(ambiguous.result().status).toBe('ambiguous');
    expect(dateFormatQuestion(ambiguous.result())).toContain('line 5');

    const iso = new DateFormatDetector();
    iso.observe('2024-12-25', 2);
    expect(iso.result()).toEqual({ status: 'none', format: null });
    expect(dateFormatQuestion(iso.result())).toBeNull();
  });
});
