import type { Logger } from '@kinship/observability';
import type { GatewayConfig } from '../gateway.config.js';

/** Shared with the auth service, so a development setup works without configuration; never valid in production. */
export const DEVELOPMENT_JWT_SECRET = 'kinship-development-jwt-secret-do-not-use-in-production';

/** Injection token of the secret that verifies access tokens. */
export const JWT_SECRET = Symbol('JWT_SECRET');

/** JWT_SECRET, or outside production (where the configuration requires it) the development secret, with a warning. */
export function jwtSecretOf(config: GatewayConfig, logger: Logger): string {
  if (config.JWT_SECRET !== undefined) return config.JWT_SECRET;
  logger.warn('JWT_SECRET is not set: access tokens are verified with the public development secret. Set it outside development.');
  return DEVELOPMENT_JWT_SECRET;
}
