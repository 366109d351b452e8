import { describe, expect, it } from '@jest/globals';
import { hashToken, issueToken, readToken } from './opaque-tokens.js';

const WORKSPACE = '0193a1f0-0000-7000-8000-00000000000a';

describe('opaque tokens', () => {
  it('carry their kind and workspace, and are stored as the SHA-256 of the whole token', () => {
    const issued = issueToken('kiv', WORKSPACE);
    expect(issued.token).toMatch(/^kiv_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    expect(issued.hash).toBe(hashToken(issued.token));
    expect(readToken('kiv', issued.token)).toEqual({ workspaceId: WORKSPACE, hash: issued.hash });
  });

  it('read nothing from a token of another kind, a truncated one or a non-canonical workspace part', () => {
    const { token } = issueToken('krt', WORKSPACE);
    expect(readToken('kak', token)).toBeNull();
    expect(readToken('krt', token.slice(0, -1))).toBeNull();
    expect(readToken('krt', `${token} `)).toBeNull();
    // The last of the 22 characters of 16 bytes carries 4 unused bits: only the spelling with them at zero is ours.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = token[25]!;
    const sloppy = `${token.slice(0, 25)}${alphabet[alphabet.indexOf(last) ^ 1]}${token.slice(26)}`;
    expect(readToken('krt', sloppy)).toBeNull();
  });
});
