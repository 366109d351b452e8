import { describe, expect, it } from '@jest/globals';
import { csvText } from './csv-text.js';

describe('csvText', () => {
  it('makes text of every cell a spreadsheet would run as a formula', () => {
    for (const cell of [
      '=1+1',
      '=HYPERLINK("http://evil","x")',
      '+SUM(A1)',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '+',
      '-',
      '+1 (415) 555-0123',
      '-1e3',
      '=-5',
    ]) {
      expect(csvText(cell)).toBe(`'${cell}`);
    }
  });

  it('leaves E.164 phone numbers, plain numbers and ordinary text as they are', () => {
    for (const cell of ['+14155550123', '-5', '+42', '-0.25', '12', 'Ada', 'a=b', ' =1', "'quoted", '']) {
      expect(csvText(cell)).toBe(cell);
    }
  });
});
