import { Injectable } from '@nestjs/common';
import type { AuthEvents } from '@kinship/contracts';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { newId } from '@kinship/persistence';
import { OneTimeTokensRepository } from '../common/one-time-tokens.repository.js';
import { invalidTokenError, readToken } from '../common/opaque-tokens.js';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';

const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

/** Proves that a user receives mail at an address (their own, or one they move to): a one-time token, sent by notifications. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly tokens: OneTimeTokensRepository,
  ) {}

  /** Issues a token for the user's current address, in the caller's transaction, and asks for it to be mailed. */
  async request(manager: EntityManager, emit: Emit, user: UserRecord, actorId: string | null): Promise<void> {
    await this.issue(manager, emit, user, 'email_verification', user.email, actorId);
  }

  /**
   * The user asked to move to another address: it becomes pending, a link to make it the
   * account's is sent to it (replacing any earlier request), and the current address is told. An
   * address another account has gets no link, but the same answer, so that the change tells the
   * user nothing about other workspaces; a link followed after someone else took the address is a 409.
   */
  async requestChange(manager: EntityManager, emit: Emit, user: UserRecord, newEmail: string): Promise<UserRecord> {
    await this.tokens.voidOutstanding(manager, user.workspaceId, user.id, 'email_change');
    const pending = await this.users.setPendingEmail(manager, user.workspaceId, user.id, newEmail);
    if (!(await this.users.locate(manager, newEmail))) await this.issue(manager, emit, user, 'email_change', newEmail, user.id);
    await emit<AuthEvents.UserEmailChangeRequested>({
      type: 'user.email_change_requested',
      workspaceId: user.workspaceId,
      actorId: user.id,
      aggregateId: user.id,
      data: { userId: user.id, email: user.email, newEmail },
    });
    return pending;
  }

  /**
   * Follows a link: marks the current address verified, or makes the pending address the
   * account's. The token works once, and only while its address is still the one it was for.
   */
  async verify(token: string): Promise<Record<string, never>> {
    const presented = readToken('kev', token);
    if (!presented) throw invalidTokenError();
    const { workspaceId } = presented;
    const verified = await this.events.transaction(workspaceId, async (manager) => {
      const consumed = await this.tokens.consume(manager, workspaceId, ['email_verification', 'email_change'], presented.hash);
      if (consumed === null) return false;
      if (consumed.purpose === 'email_verification') return this.users.markEmailVerified(manager, workspaceId, consumed.userId, consumed.email);
      return this.users.applyPendingEmail(manager, workspaceId, consumed.userId, consumed.email);
    });
    if (!verified) throw invalidTokenError();
    return {};
  }

  private async issue(
    manager: EntityManager,
    emit: Emit,
    user: UserRecord,
    purpose: 'email_verification' | 'email_change',
    email: string,
    actorId: string | null,
  ): Promise<void> {
    // The token is minted when notifications sends the email (auth.one-time-tokens.issue), so the event carries none.
    const requestId = newId();
    const expiresAt = new Date(Date.now() + VERIFICATION_TTL_MS);
    await this.tokens.insert(manager, { id: requestId, workspaceId: user.workspaceId, userId: user.id, purpose, email, expiresAt });
    await emit<AuthEvents.UserEmailVerificationRequested>({
      type: 'user.email_verification_requested',
      workspaceId: user.workspaceId,
      actorId,
      aggregateId: user.id,
      data: { userId: user.id, email, expiresAt: expiresAt.toISOString(), requestId },
    });
  }
}
