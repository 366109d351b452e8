import { describe, expect, it } from '@jest/globals';
import { newId } from '@kinship/persistence';
import { UnsubscribeTokens } from './unsubscribe-tokens.js';

const claim = { workspaceId: newId(), contactId: newId(), campaignId: newId(), channel: 'sms' as const };

function tokens(secret = 'a-secret-of-at-least-thirty-two-characters'): UnsubscribeTokens {
  return new UnsubscribeTokens(secret);
}

describe('unsubscribe tokens', () => {
  it('give back what they were signed with, in one URL path segment of at most 100 characters', () => {
    const token = tokens().sign(claim);
    expect(token).toMatch(/^[A-Za-z0-9_-]{1,100}$/);
    expect(tokens().verify(token)).toEqual(claim);
  });

  it('are refused when any character changes, when cut, or when signed with another secret', () => {
    const token = tokens().sign(claim);
    for (let index = 0; index < token.length; index += 1) {
      const changed = token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1);
      expect(tokens().verify(changed)).toBeNull();
    }
    expect(tokens().verify(token.slice(0, -2))).toBeNull();
    expect(tokens().verify(`${token}.x`)).toBeNull();
    expect(tokens('another-secret-of-at-least-thirty-two-chars').verify(token)).toBeNull();
  });
});
