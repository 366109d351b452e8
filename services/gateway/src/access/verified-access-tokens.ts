import { createHash } from 'node:crypto';

/** At most this many verified tokens are remembered; the least recently used goes first. */
export const VERIFIED_TOKENS_MAX_ENTRIES = 10_000;

/** What verifying an access token established, kept so the signature is checked once per token. */
export interface VerifiedToken<Claims> {
  claims: Claims;
  /** The signing key it was verified with: a key the auth service stops publishing stops vouching for it. */
  kid: string;
  /** The token's `exp` in milliseconds: from then on it is refused, cached or not. */
  expiresAtMs: number;
}

/**
 * Access tokens whose signature, issuer, audience and claims were checked, keyed by a SHA-256 of
 * the token (the tokens themselves are not kept in memory), bounded in size. Only a token that
 * passed every check is put here, so a tampered token (any byte changed) has another key and is
 * verified in full. Revocation is not cached here: it is checked on every request.
 */
export class VerifiedAccessTokens<Claims> {
  private readonly entries = new Map<string, VerifiedToken<Claims>>();

  constructor(private readonly maxEntries = VERIFIED_TOKENS_MAX_ENTRIES) {}

  /** The token's entry while it has not expired; undefined otherwise (an expired one is dropped). */
  get(token: string, now = Date.now()): VerifiedToken<Claims> | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAtMs <= now) return undefined;
    // Re-inserted last: Map keeps insertion order, so the first key is the least recently used.
    this.entries.set(key, entry);
    return entry;
  }

  /** Remembers a token that passed verification. */
  set(token: string, entry: VerifiedToken<Claims>): void {
    const key = keyOf(token);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
