import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@kinship/observability';
import { LOGGER } from '@kinship/platform';
import { SignJWT } from 'jose';
import { AuthConfig } from '../auth.config.js';

/** Signs access tokens when JWT_SECRET is unset outside production; the gateway falls back to the same. */
export const DEVELOPMENT_JWT_SECRET = 'kinship-development-jwt-secret-do-not-use-in-production';
export const ACCESS_TOKEN_ISSUER = 'kinship';
export const ACCESS_TOKEN_AUDIENCE = 'kinship-api';

export interface AccessTokenSubject {
  userId: string;
  workspaceId: string;
  role: string;
  /** The refresh-token family, so that revoking it can reach the access tokens it issued. */
  sessionId: string;
}

/**
 * Short-lived HS256 access tokens the gateway verifies on every request. Claims: exactly sub,
 * wid, role, sid and typ, plus iss, aud, iat and exp.
 */
@Injectable()
export class AccessTokens {
  private readonly key: Uint8Array;
  readonly ttlSeconds: number;

  constructor(config: AuthConfig, @Inject(LOGGER) logger: Logger) {
    if (config.JWT_SECRET === undefined) {
      logger.warn('JWT_SECRET is not set: access tokens are signed with the fixed development secret, which must never be used in production');
    }
    this.key = new TextEncoder().encode(config.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET);
    this.ttlSeconds = config.ACCESS_TOKEN_TTL_SECONDS;
  }

  sign(subject: AccessTokenSubject): Promise<string> {
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT({ wid: subject.workspaceId, role: subject.role, sid: subject.sessionId, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
  }
}
