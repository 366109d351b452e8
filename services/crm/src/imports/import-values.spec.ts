import { describe, expect, it } from '@jest/globals';
import { resolveMapping } from './column-mapping.js';
import { describeProblems, RowReader } from './import-values.js';

describe('RowReader', () => {
  const reader = new RowReader('contacts', ['email', 'firstName', 'customFields.seats'], [{ key: 'seats', label: 'Seats', type: 'number', options: [] }], 'US');

  it('refuses a cell holding a NUL character, naming its field', () => {
    const outcome = reader.read(['ada@example.com', 'A\u0000da', '']);
    expect(outcome.problems).toEqual([{ field: 'firstName', message: 'contains a NUL character' }]);
    expect(describeProblems(outcome.problems)).toBe('firstName: contains a NUL character');
  });

  it('takes numbers within ±Number.MAX_SAFE_INTEGER, as the API does, and refuses larger ones', () => {
    expect(reader.read(['ada@example.com', 'Ada', '-9007199254740991'])).toEqual({
      values: { email: 'ada@example.com', firstName: 'Ada', customFields: { seats: -9007199254740991 } },
      problems: [],
    });
    expect(describeProblems(reader.read(['ada@example.com', 'Ada', '99999999999999999999999']).problems)).toBe(
      'customFields.seats: "99999999999999999999999" is not a number between -9007199254740991 and 9007199254740991',
    );
  });

  it('names the row as a whole when it has no identity, and keeps the good cells for a preview', () => {
    const outcome = reader.read(['', 'Ada', 'many']);
    expect(outcome.values).toEqual({ firstName: 'Ada' });
    expect(outcome.problems).toEqual([
      { field: 'customFields.seats', message: '"many" is not a number' },
      { field: null, message: 'needs an email or a phone number to be matched' },
    ]);
    expect(describeProblems(outcome.problems)).toBe('customFields.seats: "many" is not a number; needs an email or a phone number to be matched');
  });

  it('reads birthday, customerSince and custom dates in the file’s order', () => {
    const definitions = [{ key: 'renewal', label: 'Renewal', type: 'date' as const, options: [] }];
    const targets = ['email', 'birthday', 'customerSince', 'customFields.renewal'];
    const dayFirst = new RowReader('contacts', targets, definitions, 'US', { dateFormat: 'dd/mm/yyyy' });
    expect(dayFirst.read(['a@example.com', '25/12/1990', '01.02.2024', '2025-03-04']).values).toEqual({
      email: 'a@example.com',
      birthday: '1990-12-25',
      customerSince: '2024-02-01',
      customFields: { renewal: '2025-03-04' },
    });
    const isoOnly = new RowReader('contacts', targets, definitions, 'US');
    expect(isoOnly.read(['a@example.com', '25/12/1990', '', '03/04/2025']).problems.map((problem) => problem.field)).toEqual([
      'birthday',
      'customFields.renewal',
    ]);
    expect(dayFirst.read(['a@example.com', '12/25/1990', '', '']).problems).toEqual([
      { field: 'birthday', message: '"12/25/1990" is not a date in dd/mm/yyyy' },
    ]);
  });

  it('labels additional emails and phones from their header, or from their type column, which wins', () => {
    const columns = ['E-mail 1 - Value', 'E-mail 2 - Value', 'E-mail 2 - Type', 'Work Phone', 'Mobile Phone', 'Phone 3', 'Phone 3 - Type', 'Home Email'];
    const mapping = resolveMapping('contacts', columns, {}, []);
    expect(mapping.targets).toEqual(['email', 'email', 'emailLabel', 'phone', 'phone', 'phone', 'phoneLabel', 'email']);
    expect(mapping.unmapped).toEqual([]);
    const reader = new RowReader('contacts', mapping.targets, [], 'US', { dateFormat: null, labels: mapping.labels, labelColumns: mapping.labelColumns });
    const outcome = reader.read([
      'one@example.com',
      'two@example.com',
      '* Other',
      '+1 415 555 0100',
      '+1 415 555 0101',
      '+1 415 555 0102',
      'Fax',
      'home@example.com',
    ]);
    expect(outcome.values).toMatchObject({
      email: 'one@example.com',
      emails: [
        { email: 'two@example.com', label: 'other' },
        { email: 'home@example.com', label: 'home' },
      ],
      phone: '+14155550100',
      phones: [
        { phone: '+14155550101', label: 'mobile', extension: null },
        { phone: '+14155550102', label: 'fax', extension: null },
      ],
    });
  });
});
