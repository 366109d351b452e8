import { describe, expect, it } from 'vitest';
import { csvHeader, csvRows, proposeMapping } from './imports-api';

describe('import column mapping', () => {
  it('reads the header row, quoted names with commas included', () => {
    expect(csvHeader('First Name,"Last, Family",Email\r\nAda,Lovelace,ada@example.com')).toEqual(['First Name', 'Last, Family', 'Email']);
  });

  it('reads the first complete rows for the preview: quoted commas, quotes and line breaks kept, a cut row left out', () => {
    const text = 'Email,Note\r\na@example.com,"one, ""two""\nthree"\n\nb@example.com,plain\nc@example.com,"cut he';
    expect(csvRows(text, 10)).toEqual([
      ['Email', 'Note'],
      ['a@example.com', 'one, "two"\nthree'],
      ['b@example.com', 'plain'],
    ]);
    expect(csvRows(text, 2)).toHaveLength(2);
    expect(csvHeader('Email,Name')).toEqual(['Email', 'Name']);
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
