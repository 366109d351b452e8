import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthEvents } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { newId } from '@kinship/persistence';
import { OneTimeTokensRepository } from '../common/one-time-tokens.repository.js';
import { invalidTokenError, readToken } from '../common/opaque-tokens.js';
import { SessionTokens } from '../sessions/session-tokens.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { ResetPasswordBody } from '@kinship/contracts/auth';
import { ForgotPasswordThrottle } from './forgot-password-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';

const RESET_TTL_MS = 60 * 60 * 1000;

/** Forgotten passwords: a one-time link by email (sent by notifications), then a new password. */
@Injectable()
export class PasswordsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly tokens: OneTimeTokensRepository,
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
    private readonly sessionTokens: SessionTokens,
    private readonly audit: AuditService,
    private readonly throttle: ForgotPasswordThrottle,
  ) {}

  /**
   * Asks for a reset link when the account exists and is active; answers the same either way,
   * and refuses (429) the same either way when the address or the client asked too often.
   */
  async forgot(rawEmail: string, context: RequestContext): Promise<Record<string, never>> {
    const email = rawEmail.toLowerCase();
    await this.throttle.admit(email, context.ip);
    const location = await this.users.locate(this.dataSource.manager, email);
    if (!location) return {};
    const { workspaceId, userId } = location;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const user = await this.users.find(manager, workspaceId, userId);
      if (!user || user.status !== 'active') return;
      // The token is minted when notifications sends the email (auth.one-time-tokens.issue), so the event carries none.
      const requestId = newId();
      const expiresAt = new Date(Date.now() + RESET_TTL_MS);
      await this.tokens.insert(manager, { id: requestId, workspaceId, userId, purpose: 'password_reset', email, expiresAt });
      await emit<AuthEvents.UserPasswordResetRequested>({
        type: 'user.password_reset_requested',
        workspaceId,
        actorId: null,
        aggregateId: userId,
        data: { userId, email, expiresAt: expiresAt.toISOString(), requestId },
      });
    });
    return {};
  }

  /**
   * Sets the new password and ends every session. A password the policy refuses rolls the
   * transaction back, so the link still works for a better one.
   */
  async reset(input: ResetPasswordBody, context: RequestContext): Promise<Record<string, never>> {
    const presented = readToken('kpr', input.token);
    if (!presented) throw invalidTokenError();
    const { workspaceId } = presented;
    await this.events.transaction(workspaceId, async (manager) => {
      const consumed = await this.tokens.consume(manager, workspaceId, ['password_reset'], presented.hash);
      const user = consumed && (await this.users.findForUpdate(manager, workspaceId, consumed.userId));
      // A link sent to an address the account no longer has must not take it over.
      if (!user || user.status !== 'active' || user.email !== consumed.email) throw invalidTokenError();
      this.policy.assertAcceptable(input.password, user);
      await this.users.setPasswordHash(manager, workspaceId, user.id, await this.hasher.hash(input.password));
      await this.tokens.voidOutstanding(manager, workspaceId, user.id, 'password_reset');
      await this.sessionTokens.revokeAllOfUser(manager, workspaceId, user.id);
      await this.audit.record(manager, {
        workspaceId,
        actorId: user.id,
        action: 'user.password_changed',
        target: { type: 'user', id: user.id },
        metadata: { method: 'reset' },
        context,
      });
    });
    return {};
  }
}
