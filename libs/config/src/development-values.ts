import { ConfigError } from './config.js';

/**
 * Every secret Kinship ever published as a default in its source, docker-compose.yml, the Helm
 * chart or .env.example. Anyone can read them, so a service refuses to start with one of them in
 * any variable unless KINSHIP_DEV_INSECURE=true. Add a value here whenever one is published.
 */
export const knownDevelopmentValues: readonly string[] = [
  'kinship-development-jwt-secret-do-not-use-in-production',
  'development-only-jwt-secret-published-in-docker-compose-yml',
  'kinship-development-unsubscribe-secret-not-for-production',
  'kinship-development-webhooks-key-do-not-use-in-production',
  // AUTH_KEY_ENCRYPTION_KEY values anyone can read: the throwaway one docs/operations.md offers, and 32 zero bytes.
  Buffer.from('kinship-development-only-key-32b').toString('base64'),
  Buffer.alloc(32).toString('base64'),
];

/** The variables of a loaded configuration whose value is a known development value. */
export function variablesWithDevelopmentValues(config: object): string[] {
  return Object.entries(config)
    .filter(([, value]) => typeof value === 'string' && knownDevelopmentValues.includes(value))
    .map(([name]) => name);
}

/**
 * Throws ConfigError naming each variable set to a known development value, unless the
 * configuration says KINSHIP_DEV_INSECURE=true (the caller then warns: see PlatformModule).
 */
export function refuseKnownDevelopmentValues(config: { KINSHIP_DEV_INSECURE: string }, sources: Record<string, string> = {}): void {
  if (config.KINSHIP_DEV_INSECURE === 'true') return;
  const names = variablesWithDevelopmentValues(config);
  if (names.length === 0) return;
  throw new ConfigError(
    names.map(
      (name) =>
        `${sources[name] ?? name}: is a published development value that anyone can read; set a secret of your own (or KINSHIP_DEV_INSECURE=true on a developer machine)`,
    ),
  );
}
