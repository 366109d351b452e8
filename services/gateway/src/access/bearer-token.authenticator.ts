import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokenKeys } from './access-token-keys.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import type { UserCaller } from './authenticated-caller.js';
import { SessionRevocations } from './session-revocations.js';

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * `Authorization: Bearer <access JWT>`: a good access token (AccessTokenVerifier: signature, issuer,
 * audience, expiry, claims; checked once per token, then remembered until it expires), then not
 * revoked, which the auth service records in Redis (a logged-out session; every session of a user
 * before a time), read through SessionRevocations' short cache on every request.
 */
@Injectable()
export class BearerTokenAuthenticator {
  private readonly verifier: AccessTokenVerifier;

  constructor(
    keys: AccessTokenKeys,
    private readonly revocations: SessionRevocations,
  ) {
    this.verifier = new AccessTokenVerifier(keys);
  }

  /** Null refuses the token (401); a thrown error is a fault (503 when the keys or Redis cannot be had). */
  async validate(request: FastifyRequest): Promise<UserCaller | null> {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return null;
    const claims = await this.verifier.claimsOf(token);
    if (claims === null) return null;
    if (!(await this.revocations.accepts(claims.sid, claims.sub, claims.iat))) return null;
    return { kind: 'user', workspaceId: claims.wid, userId: claims.sub, role: claims.role, sessionId: claims.sid, scopes: [] };
  }
}
