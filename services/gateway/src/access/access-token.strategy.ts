import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { isRole, type Role } from '@kinship/contracts';
import { isUUID } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { Strategy } from 'passport-custom';
import { ACCESS_TOKEN_ALGORITHM, AccessTokenKeys } from './access-token-keys.js';
import type { UserCaller } from './authenticated-caller.js';
import { SessionRevocations } from './session-revocations.js';

export const ACCESS_TOKEN_STRATEGY = 'access-token';

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/** The claims the auth service puts in an access token. */
interface AccessTokenClaims {
  sub: string;
  wid: string;
  role: Role;
  sid: string;
  typ: 'access';
  iat: number;
  exp: number;
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
 * `Authorization: Bearer <access JWT>`: EdDSA only, signed by one of the auth service's published
 * keys named by its `kid` (so `alg: none`, HMAC with any secret and algorithm confusion are
 * refused), issuer kinship, audience kinship-api, not expired; then not revoked, which the auth
 * service records in Redis (a logged-out session; every session of a user before a time), read
 * through SessionRevocations' short cache.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly keys: AccessTokenKeys,
    private readonly revocations: SessionRevocations,
  ) {
    super();
  }

  /** Null refuses the token (401); a thrown error is a fault (503 when the keys or Redis cannot be had). */
  async validate(request: FastifyRequest): Promise<UserCaller | null> {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return null;
    const claims = await this.verifiedClaims(token);
    if (claims === null || !isAccessTokenClaims(claims)) return null;
    if (!(await this.revocations.accepts(claims.sid, claims.sub, claims.iat))) return null;
    return { kind: 'user', workspaceId: claims.wid, userId: claims.sub, role: claims.role, sessionId: claims.sid, scopes: [] };
  }

  private async verifiedClaims(token: string): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = await this.keys.keyFor(header.kid);
          if (key === null) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        { algorithms: [ACCESS_TOKEN_ALGORITHM], issuer: 'kinship', audience: 'kinship-api', requiredClaims: ['exp', 'iat'] },
      );
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
