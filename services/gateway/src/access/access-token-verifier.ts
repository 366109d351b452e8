import type { KeyObject } from 'node:crypto';
import { isRole, type Role } from '@kinship/contracts';
import { isUUID } from 'class-validator';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_ALGORITHM } from './access-token-keys.js';
import { VerifiedAccessTokens } from './verified-access-tokens.js';

/** The claims the auth service puts in an access token. */
export interface AccessTokenClaims {
  sub: string;
  wid: string;
  role: Role;
  sid: string;
  typ: 'access';
  iat: number;
  exp: number;
}

/** Where the verifier gets the auth service's public keys (AccessTokenKeys). */
export interface SigningKeySource {
  /** The public key of this kid, or null when the auth service does not publish it. */
  keyFor(kid: string | undefined): Promise<KeyObject | null>;
  /** Whether the kid is among the keys last fetched, without fetching. */
  publishes(kid: string): boolean;
}

function isAccessTokenClaims(claims: JWTPayload): claims is JWTPayload & AccessTokenClaims {
  return (
    claims.typ === 'access' &&
    isUUID(claims.sub) &&
    isUUID(claims.wid) &&
    isRole(claims.role) &&
    typeof claims.sid === 'string' &&
    claims.sid.length > 0 &&
    typeof claims.iat === 'number' &&
    // A token without exp would never expire.
    typeof claims.exp === 'number'
  );
}

/**
 * An access token's signature and claims: EdDSA only, signed by one of the auth service's
 * published keys named by its `kid` (so `alg: none`, HMAC with any secret and algorithm confusion
 * are refused), issuer kinship, audience kinship-api, not expired. The EdDSA check was the
 * gateway's largest cost per request (docs/performance.md), so a token that passed is remembered
 * until its `exp` and not checked again while its key is still published.
 */
export class AccessTokenVerifier {
  private readonly verified: VerifiedAccessTokens<AccessTokenClaims>;

  constructor(
    private readonly keys: SigningKeySource,
    maxEntries?: number,
  ) {
    this.verified = new VerifiedAccessTokens(maxEntries);
  }

  /** The token's claims, or null when it is not a good access token (401). A thrown error is a fault. */
  async claimsOf(token: string, now = Date.now()): Promise<AccessTokenClaims | null> {
    const cached = this.verified.get(token, now);
    if (cached !== undefined && this.keys.publishes(cached.kid)) return cached.claims;
    let kid: string | undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          kid = header.kid;
          const key = await this.keys.keyFor(header.kid);
          if (key === null) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: 'kinship',
          audience: 'kinship-api',
          requiredClaims: ['exp', 'iat'],
          currentDate: new Date(now),
        },
      ));
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
    if (!isAccessTokenClaims(payload) || kid === undefined) return null;
    const claims: AccessTokenClaims = {
      sub: payload.sub,
      wid: payload.wid,
      role: payload.role,
      sid: payload.sid,
      typ: payload.typ,
      iat: payload.iat,
      exp: payload.exp,
    };
    this.verified.set(token, { claims, kid, expiresAtMs: claims.exp * 1000 });
    return claims;
  }
}
