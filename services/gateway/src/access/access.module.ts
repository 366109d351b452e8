import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LOGGER } from '@kinship/platform';
import { GatewayConfig } from '../gateway.config.js';
import { AccessGuard } from './access.guard.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { JWT_SECRET, jwtSecretOf } from './jwt-secret.js';

/**
 * Authentication and authorization of every request: the passport strategies (access token,
 * API key) and the global AccessGuard. Passport keeps strategies in one registry per process,
 * so a process runs one gateway.
 */
@Module({
  providers: [
    { provide: JWT_SECRET, useFactory: jwtSecretOf, inject: [GatewayConfig, LOGGER] },
    AccessTokenStrategy,
    ApiKeyVerifier,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AccessModule {}
