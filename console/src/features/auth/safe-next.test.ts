import { describe, expect, it } from 'vitest';
import { safeNext } from './SignInPage';

describe('where sign-in leads', () => {
  it('goes back to the page the user came from, never to another site', () => {
    expect(safeNext('/contacts/42?tab=notes')).toBe('/contacts/42?tab=notes');
    expect(safeNext('//evil.example.com')).toBe('/');
    expect(safeNext('https://evil.example.com')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
