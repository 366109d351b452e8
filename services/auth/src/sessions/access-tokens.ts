import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AuthConfig } from '../auth.config.js';
import { SIGNING_ALGORITHM, SigningKeys } from '../signing-keys/signing-keys.js';

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
 * Short-lived EdDSA access tokens the gateway verifies on every request with auth's public keys,
 * found by the `kid` header. Claims: exactly sub, wid, role, sid and typ, plus iss, aud, iat and exp.
 */
@Injectable()
export class AccessTokens {
  readonly ttlSeconds: number;

  constructor(
    config: AuthConfig,
    private readonly signingKeys: SigningKeys,
  ) {
    this.ttlSeconds = config.ACCESS_TOKEN_TTL_SECONDS;
  }

  async sign(subject: AccessTokenSubject): Promise<string> {
    const key = await this.signingKeys.current();
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT({ wid: subject.workspaceId, role: subject.role, sid: subject.sessionId, typ: 'access' })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: 'JWT', kid: key.kid })
      .setSubject(subject.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(key.privateKey);
  }
}
