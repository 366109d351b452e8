import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { OneTimeTokensRepository } from './common/one-time-tokens.repository.js';
import { EmailVerificationService } from './email-verification/email-verification.service.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import { PasswordPolicy } from './passwords/password-policy.js';
import { AccessTokens } from './sessions/access-tokens.js';
import { LoginThrottle, ThrottleCounters } from './sessions/login-throttle.js';
import { RefreshTokensRepository } from './sessions/refresh-tokens.repository.js';
import { SessionTokens } from './sessions/session-tokens.service.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { UsersRepository } from './users/users.repository.js';
import { WorkspacesRepository } from './workspaces/workspaces.repository.js';

/**
 * The building blocks several features share: users and workspaces, password hashing and
 * policy, session issue (signed with the signing keys) and revocation, password-guessing throttles, one-time tokens, email verification and the audit log.
 * Each lives in its feature's folder; this module makes one instance of each for all features.
 */
@Module({
  imports: [AuditModule, SigningKeysModule],
  providers: [
    UsersRepository,
    WorkspacesRepository,
    PasswordHasher,
    PasswordPolicy,
    AccessTokens,
    RefreshTokensRepository,
    SessionTokens,
    OneTimeTokensRepository,
    EmailVerificationService,
    ThrottleCounters,
    LoginThrottle,
  ],
  exports: [
    AuditModule,
    UsersRepository,
    WorkspacesRepository,
    PasswordHasher,
    PasswordPolicy,
    SessionTokens,
    RefreshTokensRepository,
    OneTimeTokensRepository,
    EmailVerificationService,
    ThrottleCounters,
    LoginThrottle,
  ],
})
export class AccountsModule {}
