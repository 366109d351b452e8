import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { UserCaller } from '@kinship/messaging';
import { EmailVerificationService } from '../email-verification/email-verification.service.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PasswordPolicy } from '../passwords/password-policy.js';
import { LoginThrottle } from '../sessions/login-throttle.js';
import { SessionTokens } from '../sessions/session-tokens.service.js';
import { loadActor } from './actor.js';
import { AvatarFiles } from './avatar-files.js';
import type { SettingsBody, UpdateMeBody } from '@kinship/contracts/auth';
import { toOwnUser, toSettings, type UserRecord } from './user.record.js';
import { UsersRepository, type ProfileChanges } from './users.repository.js';

/** The signed-in user's own profile, password and settings. */
@Injectable()
export class MeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessionTokens: SessionTokens,
    private readonly emailVerification: EmailVerificationService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly avatarFiles: AvatarFiles,
  ) {}

  async get(caller: UserCaller): Promise<AuthRpc.User> {
    return toOwnUser(await this.read(caller));
  }

  async getSettings(caller: UserCaller): Promise<SettingsBody> {
    return toSettings(await this.read(caller));
  }

  async putSettings(caller: UserCaller, settings: SettingsBody): Promise<SettingsBody> {
    const updated = await this.events.transaction(caller.workspaceId, async (manager) => {
      await loadActor(this.users, manager, caller);
      const locale = Intl.getCanonicalLocales(settings.locale)[0]!;
      return this.users.setSettings(manager, caller.workspaceId, caller.userId, { locale, timezone: settings.timezone, notifications: settings.notifications });
    });
    return toSettings(updated);
  }

  /**
   * A new password or a new email needs the current password. A new password ends every session,
   * this one included. A new email only becomes pending: the account keeps its address until a
   * link sent to the new one is followed (EmailVerificationService.requestChange). An avatar file
   * is checked with crm before the transaction.
   */
  async update(caller: UserCaller, input: UpdateMeBody, context: RequestContext): Promise<AuthRpc.User> {
    const { workspaceId, userId } = caller;
    if (input.avatarFileId) await this.avatarFiles.assertImage(context, workspaceId, input.avatarFileId);
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const user = await this.users.findForUpdate(manager, workspaceId, userId);
      if (!user || user.status !== 'active') throw RpcError.forbidden('Your account is not active in this workspace.');
      const changes: ProfileChanges = {};
      if (input.name !== undefined && input.name !== null) changes.name = input.name.trim();
      if (input.avatarUrl !== undefined) changes.avatarUrl = input.avatarUrl;
      if (input.avatarFileId !== undefined) changes.avatarFileId = input.avatarFileId;
      const newEmail = input.email?.toLowerCase();
      const changesEmail = newEmail !== undefined && newEmail !== user.email;
      const newPassword = input.password ?? null;
      if (changesEmail || newPassword !== null) {
        await this.assertCurrentPassword(user, input.currentPassword ?? null, newPassword !== null ? 'to set a new password' : 'to change your email', context);
      }
      let updated = await this.users.updateProfile(manager, workspaceId, userId, changes);
      if (changesEmail) updated = await this.emailVerification.requestChange(manager, emit, updated, newEmail);
      if (newPassword !== null) {
        await this.changePassword(manager, user, newPassword, { email: updated.email, name: updated.name });
        await this.audit.record(manager, {
          workspaceId,
          actorId: userId,
          action: 'user.password_changed',
          target: { type: 'user', id: userId },
          metadata: { method: 'profile' },
          context,
        });
      }
      return toOwnUser(updated);
    });
  }

  /**
   * The current password, checked like a sign-in and throttled with sign-ins (per account and
   * client address), so a stolen access token buys no extra guesses at the password.
   */
  private async assertCurrentPassword(user: UserRecord, currentPassword: string | null, purpose: string, context: RequestContext): Promise<void> {
    if (currentPassword === null) throw RpcError.validation([{ field: 'currentPassword', issue: `is required ${purpose}` }]);
    await this.throttle.check(user.email, context.ip);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      await this.throttle.recordFailure(user.email, context.ip);
      throw RpcError.validation([{ field: 'currentPassword', issue: 'is not your current password' }]);
    }
    await this.throttle.recordSuccess(user.email);
  }

  private async changePassword(manager: EntityManager, user: UserRecord, password: string, owner: { email: string; name: string }): Promise<void> {
    this.policy.assertAcceptable(password, owner);
    await this.users.setPasswordHash(manager, user.workspaceId, user.id, await this.hasher.hash(password));
    await this.sessionTokens.revokeAllOfUser(manager, user.workspaceId, user.id);
  }

  private async read(caller: UserCaller): Promise<UserRecord> {
    return withWorkspace(this.dataSource, caller.workspaceId, (manager) => loadActor(this.users, manager, caller));
  }
}
