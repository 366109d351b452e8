import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import type { Logger, RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents, LOGGER } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { readToken } from '../common/opaque-tokens.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';
import type { LoginBody, SessionResponse } from '@kinship/contracts/auth';
import { LoginThrottle } from './login-throttle.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { SessionTokens } from './session-tokens.service.js';

/** The same answer for an unknown email, a wrong password and a deactivated account. */
export function invalidCredentialsError(): RpcError {
  return new RpcError(401, 'invalid_credentials', 'The email or password is incorrect.');
}

function invalidRefreshTokenError(): RpcError {
  return new RpcError(401, 'invalid_token', 'The refresh token is invalid, expired or revoked. Sign in again.');
}

/** Sign-in with a password, refresh-token rotation with reuse detection (RFC 9700 §4.14.2), logout. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessionTokens: SessionTokens,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async login(credentials: LoginBody, context: RequestContext): Promise<SessionResponse> {
    const email = credentials.email.toLowerCase();
    await this.throttle.check(email, context.ip);
    const user = await this.findAccount(email);
    // Always one verification, against a dummy hash when there is no account, so timing tells nothing.
    const passwordMatches = await this.hasher.verify(user?.passwordHash ?? null, credentials.password);
    if (!user || !passwordMatches || user.status !== 'active') {
      await this.throttle.recordFailure(email, context.ip);
      const reason = !user ? 'unknown_email' : !passwordMatches ? 'wrong_password' : 'deactivated';
      await this.events.transaction(user?.workspaceId ?? null, (manager) =>
        this.audit.record(manager, {
          workspaceId: user?.workspaceId ?? null,
          actorId: null,
          action: 'user.sign_in_failed',
          target: user ? { type: 'user', id: user.id } : undefined,
          metadata: { email, method: 'password', reason },
          context,
        }),
      );
      throw invalidCredentialsError();
    }
    await this.throttle.recordSuccess(email);
    return this.events.transaction(user.workspaceId, async (manager) => {
      await this.audit.record(manager, {
        workspaceId: user.workspaceId,
        actorId: user.id,
        action: 'user.signed_in',
        target: { type: 'user', id: user.id },
        metadata: { method: 'password' },
        context,
      });
      return this.sessionTokens.start(manager, user);
    });
  }

  /**
   * Exchanges a refresh token for a new one of the same family. A token that was already
   * exchanged has leaked or been replayed: its whole family is revoked (and stays so, the
   * commit happens before the 401), so neither the thief nor the owner can go on with it.
   */
  async refresh(refreshToken: string): Promise<SessionResponse> {
    const presented = readToken('krt', refreshToken);
    if (!presented) throw invalidRefreshTokenError();
    const { workspaceId } = presented;
    const session = await this.events.transaction(workspaceId, async (manager) => {
      const token = await this.refreshTokens.findForUpdate(manager, workspaceId, presented.hash);
      if (!token || token.revokedAt || token.expiresAt.getTime() <= Date.now()) return null;
      if (token.rotatedAt) {
        this.logger.warn({ sessionId: token.familyId, userId: token.userId }, 'a rotated refresh token was used again: its session is revoked');
        await this.sessionTokens.revokeFamily(manager, workspaceId, token.familyId);
        return null;
      }
      const user = await this.users.find(manager, workspaceId, token.userId);
      if (!user || user.status !== 'active') return null;
      await this.refreshTokens.markRotated(manager, workspaceId, token.id);
      return this.sessionTokens.continue(manager, user, token.familyId);
    });
    if (!session) throw invalidRefreshTokenError();
    return session;
  }

  /** Ends the session the token belongs to, whatever state the token is in; idempotent. */
  async logout(refreshToken: string): Promise<Record<string, never>> {
    const presented = readToken('krt', refreshToken);
    if (!presented) throw invalidRefreshTokenError();
    const { workspaceId } = presented;
    const known = await this.events.transaction(workspaceId, async (manager) => {
      const token = await this.refreshTokens.findForUpdate(manager, workspaceId, presented.hash);
      if (!token) return false;
      await this.sessionTokens.revokeFamily(manager, workspaceId, token.familyId);
      return true;
    });
    if (!known) throw invalidRefreshTokenError();
    return {};
  }

  private async findAccount(email: string): Promise<UserRecord | null> {
    const location = await this.users.locate(this.dataSource.manager, email);
    if (!location) return null;
    return withWorkspace(this.dataSource, location.workspaceId, (manager) => this.users.find(manager, location.workspaceId, location.userId));
  }
}
