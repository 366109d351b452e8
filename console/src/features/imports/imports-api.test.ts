import { describe, expect, it } from 'vitest';
import { csvHeader, proposeMapping } from './imports-api';

describe('import column mapping', () => {
  it('reads the header row, quoted names with commas included', () => {
    expect(csvHeader('First Name,"Last, Family",Email\r\nAda,Lovelace,ada@example.com')).toEqual(['First Name', 'Last, Family', 'Email']);
  });

  it('fills in the field of every column named like one, and leaves the others out', () => {
    expect(proposeMapping(['First Name', 'last_name', 'E-mail', 'Mobile', 'Favourite colour'])).toEqual({
      'First Name': 'firstName',
      last_name: 'lastName',
      'E-mail': 'email',
      Mobile: 'phone',
      'Favourite colour': null,
    });
  });
});
