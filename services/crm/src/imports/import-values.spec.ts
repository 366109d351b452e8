import { describe, expect, it } from '@jest/globals';
import { RowReader } from './import-values.js';

describe('RowReader', () => {
  const reader = new RowReader('contacts', ['email', 'firstName', 'customFields.seats'], [{ key: 'seats', label: 'Seats', type: 'number', options: [] }], 'US');

  it('refuses a cell holding a NUL character, naming its field', () => {
    expect(reader.read(['ada@example.com', 'A\u0000da', ''])).toEqual({ problem: 'firstName: contains a NUL character' });
  });

  it('takes numbers within ±Number.MAX_SAFE_INTEGER, as the API does, and refuses larger ones', () => {
    expect(reader.read(['ada@example.com', 'Ada', '-9007199254740991'])).toEqual({
      values: { email: 'ada@example.com', firstName: 'Ada', customFields: { seats: -9007199254740991 } },
    });
    expect(reader.read(['ada@example.com', 'Ada', '99999999999999999999999'])).toEqual({
      problem: 'customFields.seats: "99999999999999999999999" is not a number between -9007199254740991 and 9007199254740991',
    });
  });
});
