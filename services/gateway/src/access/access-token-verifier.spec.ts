import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { AccessTokenVerifier, type SigningKeySource } from './access-token-verifier.js';

const NOW_S = 1_765_000_000;
const NOW_MS = NOW_S * 1000;
const TTL_S = 900;

/** The auth service's published keys as the gateway holds them, counting the signature checks that needed one. */
class PublishedKeys implements SigningKeySource {
  readonly keys = new Map<string, KeyObject>();
  lookups = 0;

  keyFor(kid: string | undefined): Promise<KeyObject | null> {
    this.lookups++;
    return Promise.resolve(kid === undefined ? null : (this.keys.get(kid) ?? null));
  }

  publishes(kid: string): boolean {
    return this.keys.has(kid);
  }
}

function signingKey(): { kid: string; privateKey: KeyObject; publicKey: KeyObject } {
  return { kid: randomUUID(), ...generateKeyPairSync('ed25519') };
}

function sign(key: { kid: string; privateKey: KeyObject }, claims: { sid?: string; exp?: number } = {}): Promise<string> {
  return new SignJWT({ wid: randomUUID(), role: 'owner', sid: claims.sid ?? randomUUID(), typ: 'access' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid })
    .setSubject(randomUUID())
    .setIssuer('kinship')
    .setAudience('kinship-api')
    .setIssuedAt(NOW_S)
    .setExpirationTime(claims.exp ?? NOW_S + TTL_S)
    .sign(key.privateKey);
}

/** The same token with one character of its signature changed. */
function tampered(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

describe('access token verification and its cache', () => {
  let published: PublishedKeys;
  let key: ReturnType<typeof signingKey>;

  beforeEach(() => {
    published = new PublishedKeys();
    key = signingKey();
    published.keys.set(key.kid, key.publicKey);
  });

  it('checks a token’s signature once, then accepts it from the cache with the same claims', async () => {
    const verifier = new AccessTokenVerifier(published);
    const token = await sign(key, { sid: 'session-1' });
    const first = await verifier.claimsOf(token, NOW_MS);
    expect(first).toMatchObject({ sid: 'session-1', role: 'owner', typ: 'access', iat: NOW_S, exp: NOW_S + TTL_S });
    expect(published.lookups).toBe(1);
    expect(await verifier.claimsOf(token, NOW_MS + 60_000)).toEqual(first);
    expect(published.lookups).toBe(1);
  });

  it('refuses a cached token from its exp on, to the millisecond', async () => {
    const verifier = new AccessTokenVerifier(published);
    const token = await sign(key);
    expect(await verifier.claimsOf(token, NOW_MS)).not.toBeNull();
    expect(await verifier.claimsOf(token, (NOW_S + TTL_S) * 1000 - 1)).not.toBeNull();
    expect(await verifier.claimsOf(token, (NOW_S + TTL_S) * 1000)).toBeNull();
    expect(await verifier.claimsOf(token, (NOW_S + TTL_S) * 1000 + 3_600_000)).toBeNull();
  });

  it('refuses a tampered token even when the genuine one is cached, and never caches it', async () => {
    const verifier = new AccessTokenVerifier(published);
    const token = await sign(key);
    expect(await verifier.claimsOf(token, NOW_MS)).not.toBeNull();
    const forged = tampered(token);
    expect(forged).not.toBe(token);
    expect(await verifier.claimsOf(forged, NOW_MS)).toBeNull();
    expect(await verifier.claimsOf(forged, NOW_MS)).toBeNull();
    // Each attempt was checked against the key again: a refusal is not remembered as an answer either way.
    expect(published.lookups).toBe(3);
  });

  it('refuses a token signed by a key that is not published, and one whose key stopped being published after it was cached', async () => {
    const verifier = new AccessTokenVerifier(published);
    const stranger = signingKey();
    expect(await verifier.claimsOf(await sign(stranger), NOW_MS)).toBeNull();
    const token = await sign(key);
    expect(await verifier.claimsOf(token, NOW_MS)).not.toBeNull();
    published.keys.delete(key.kid);
    expect(await verifier.claimsOf(token, NOW_MS)).toBeNull();
  });

  it('keeps at most its bound of tokens, dropping the least recently used', async () => {
    const verifier = new AccessTokenVerifier(published, 2);
    const [a, b, c] = await Promise.all([sign(key), sign(key), sign(key)]);
    await verifier.claimsOf(a!, NOW_MS);
    await verifier.claimsOf(b!, NOW_MS);
    // a is used again, so b is now the least recently used and goes when c comes.
    await verifier.claimsOf(a!, NOW_MS);
    await verifier.claimsOf(c!, NOW_MS);
    expect(published.lookups).toBe(3);
    await verifier.claimsOf(a!, NOW_MS);
    await verifier.claimsOf(c!, NOW_MS);
    expect(published.lookups).toBe(3);
    expect(await verifier.claimsOf(b!, NOW_MS)).not.toBeNull();
    expect(published.lookups).toBe(4);
  });
});
