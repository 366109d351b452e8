import { Injectable } from '@nestjs/common';
import type { AuthEvents } from '@kinship/contracts';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { newId } from '@kinship/persistence';
import { OneTimeTokensRepository } from '../common/one-time-tokens.repository.js';
import { invalidTokenError, issueToken, readToken } from '../common/opaque-tokens.js';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';

const VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

/** Proves that a user receives mail at their address: a one-time token, sent by notifications. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly tokens: OneTimeTokensRepository,
  ) {}

  /** Issues a token for the user's current address, in the caller's transaction, and asks for it to be mailed. */
  async request(manager: EntityManager, emit: Emit, user: UserRecord, actorId: string | null): Promise<void> {
    const issued = issueToken('kev', user.workspaceId);
    const expiresAt = new Date(Date.now() + VERIFICATION_TTL_MS);
    await this.tokens.insert(manager, {
      id: newId(),
      workspaceId: user.workspaceId,
      userId: user.id,
      purpose: 'email_verification',
      email: user.email,
      tokenHash: issued.hash,
      expiresAt,
    });
    await emit<AuthEvents.UserEmailVerificationRequested>({
      type: 'user.email_verification_requested',
      workspaceId: user.workspaceId,
      actorId,
      aggregateId: user.id,
      data: { userId: user.id, email: user.email, token: issued.token, expiresAt: expiresAt.toISOString() },
    });
  }

  /** Marks the address verified; the token works once, and only while it is still the user's address. */
  async verify(token: string): Promise<Record<string, never>> {
    const presented = readToken('kev', token);
    if (!presented) throw invalidTokenError();
    const { workspaceId } = presented;
    const verified = await this.events.transaction(workspaceId, async (manager) => {
      const consumed = await this.tokens.consume(manager, workspaceId, 'email_verification', presented.hash);
      return consumed !== null && (await this.users.markEmailVerified(manager, workspaceId, consumed.userId, consumed.email));
    });
    if (!verified) throw invalidTokenError();
    return {};
  }
}
