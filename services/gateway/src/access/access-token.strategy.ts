import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { isRole, revokedSessionKey, userTokensValidAfterKey, type Role } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { REDIS, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import { isUUID } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { Strategy } from 'passport-custom';
import { ACCESS_TOKEN_ALGORITHM, AccessTokenKeys } from './access-token-keys.js';
import type { UserCaller } from './authenticated-caller.js';

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
 * service records in Redis (a logged-out session; every session of a user before a time).
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly keys: AccessTokenKeys,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
  ) {
    super();
  }

  /** Null refuses the token (401); a thrown error is a fault (503 when the keys or Redis cannot be had). */
  async validate(request: FastifyRequest): Promise<UserCaller | null> {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return null;
    const claims = await this.verifiedClaims(token);
    if (claims === null || !isAccessTokenClaims(claims)) return null;
    const [revoked, validAfter] = await this.redis.mget(revokedSessionKey(this.info.namespace, claims.sid), userTokensValidAfterKey(this.info.namespace, claims.sub)).catch(() => {
      // Without Redis a revoked session cannot be told apart from a live one, so no token is accepted.
      throw RpcError.unavailable('Sign-ins cannot be checked right now. Try again shortly.');
    });
    if (revoked !== null) return null;
    if (validAfter !== null && Number(validAfter) > claims.iat) return null;
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
