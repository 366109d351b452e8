import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';
import { AccessTokenKeys } from './access-token-keys.js';
import { BearerTokenAuthenticator } from './bearer-token.authenticator.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { SessionRevocations } from './session-revocations.js';

/**
 * Authentication and authorization of every request: the strategies (access token, API key), the
 * global AccessGuard that calls them, and the auth service's public keys, which verify access
 * tokens (JwksController serves them at /.well-known/jwks.json).
 */
@Module({
  providers: [
    AccessTokenKeys,
    SessionRevocations,
    BearerTokenAuthenticator,
    ApiKeyVerifier,
    ApiKeyAuthenticator,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AccessTokenKeys, SessionRevocations],
})
export class AccessModule {}
