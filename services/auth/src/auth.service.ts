import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { AuthConfig } from './auth.config.js';

/** The auth service: workspaces, users, roles, tokens, invitations, API keys and the audit log. */
export const authService: ServiceDefinition<AuthConfig> = {
  name: 'auth',
  configSchema: AuthConfig,
  database: { schema: 'auth', migrations: [messagingTablesMigration('auth')] },
  features: () => [],
};
