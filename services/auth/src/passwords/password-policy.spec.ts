import { describe, expect, it } from '@jest/globals';
import { PasswordPolicy } from './password-policy.js';

const owner = { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' };

function issuesOf(password: string): string[] {
  try {
    new PasswordPolicy().assertAcceptable(password, owner);
    return [];
  } catch (error) {
    return (error as { details: Array<{ field: string; issue: string }> }).details.map((detail) => `${detail.field}: ${detail.issue}`);
  }
}

describe('password policy', () => {
  it('accepts a long password of no one’s list', () => {
    expect(issuesOf('plum-ferry-quartz-lantern-7')).toEqual([]);
  });

  it('names every rule a password breaks, on the password field', () => {
    expect(issuesOf('dragon')).toEqual(['password: must be at least 12 characters long', 'password: is one of the most common passwords']);
    expect(issuesOf('QWERTY123456')).toEqual(['password: is one of the most common passwords']);
    expect(issuesOf('x'.repeat(257))).toEqual(['password: must be at most 256 characters long']);
  });

  it('refuses the owner’s email, its local part and their name, whatever the case', () => {
    expect(issuesOf('ADA.LOVELACE@example.com')).toEqual(['password: must not be your email or name']);
    expect(issuesOf('Ada.Lovelace')).toEqual(['password: must not be your email or name']);
    expect(issuesOf('ada lovelace')).toEqual(['password: must not be your email or name']);
  });
});
