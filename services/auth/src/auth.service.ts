import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthConfig } from './auth.config.js';
import { EmailVerificationModule } from './email-verification/email-verification.module.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { AuthTables1764547200000 } from './migrations/1764547200000-auth-tables.js';
import { PendingEmail1764979200000 } from './migrations/1764979200000-pending-email.js';
import { SigningKeys1796342401000 } from './migrations/1796342401000-signing-keys.js';
import { OneTimeTokenRequests1796409600000 } from './migrations/1796409600000-one-time-token-requests.js';
import { AvatarFile1796500000000 } from './migrations/1796500000000-avatar-file.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { OneTimeTokensModule } from './one-time-tokens/one-time-tokens.module.js';
import { PasswordsModule } from './passwords/passwords.module.js';
import { RegistrationModule } from './registration/registration.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * The auth service: workspaces, users, roles, tokens, invitations, API keys and the audit log.
 * `satisfies` rather than a type annotation keeps `features` free of the config parameter, so the
 * definition also fits where any service's is expected.
 */
export const authService = {
  name: 'auth',
  configSchema: AuthConfig,
  database: {
    schema: 'auth',
    migrations: [
      messagingTablesMigration('auth'),
      AuthTables1764547200000,
      PendingEmail1764979200000,
      SigningKeys1796342401000,
      OneTimeTokenRequests1796409600000,
      AvatarFile1796500000000,
    ],
  },
  features: () => [
    RegistrationModule,
    SessionsModule,
    SigningKeysModule,
    PasswordsModule,
    EmailVerificationModule,
    InvitationsModule,
    OneTimeTokensModule,
    OAuthModule,
    UsersModule,
    ApiKeysModule,
    AuditModule,
  ],
} satisfies ServiceDefinition<AuthConfig>;
