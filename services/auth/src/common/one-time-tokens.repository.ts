import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { updateReturning } from '@kinship/persistence';

export type OneTimeTokenPurpose = 'password_reset' | 'email_verification' | 'email_change';

export interface NewOneTimeToken {
  id: string;
  workspaceId: string;
  userId: string;
  purpose: OneTimeTokenPurpose;
  /** The address the token is sent to. */
  email: string;
  expiresAt: Date;
}

export interface ConsumedToken {
  userId: string;
  email: string;
  purpose: OneTimeTokenPurpose;
}

/**
 * auth.one_time_tokens: password reset, email verification and email change tokens, stored as
 * SHA-256. A row is a request first, with no token; the token is minted when its email is sent.
 */
@Injectable()
export class OneTimeTokensRepository {
  async insert(manager: EntityManager, token: NewOneTimeToken): Promise<void> {
    await manager.query(`INSERT INTO auth.one_time_tokens (id, workspace_id, user_id, purpose, email, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      token.id,
      token.workspaceId,
      token.userId,
      token.purpose,
      token.email,
      token.expiresAt,
    ]);
  }

  /** Gives an unused, unexpired request of one of the purposes this token hash, replacing any earlier one; its expiry, or null. */
  async setTokenHash(manager: EntityManager, workspaceId: string, id: string, purposes: OneTimeTokenPurpose[], tokenHash: string): Promise<Date | null> {
    const rows = await updateReturning<{ expiresAt: Date }>(
      manager,
      `UPDATE auth.one_time_tokens SET token_hash = $4
       WHERE workspace_id = $1 AND id = $2 AND purpose = ANY($3::text[]) AND used_at IS NULL AND expires_at > now()
       RETURNING expires_at AS "expiresAt"`,
      [workspaceId, id, purposes, tokenHash],
    );
    return rows[0]?.expiresAt ?? null;
  }

  /** Marks the token used if it is unused, unexpired and of one of the purposes, and says whose it was; null otherwise. */
  async consume(manager: EntityManager, workspaceId: string, purposes: OneTimeTokenPurpose[], tokenHash: string): Promise<ConsumedToken | null> {
    const rows = await updateReturning<ConsumedToken>(
      manager,
      `UPDATE auth.one_time_tokens SET used_at = now()
       WHERE workspace_id = $1 AND purpose = ANY($2::text[]) AND token_hash = $3 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id AS "userId", email, purpose`,
      [workspaceId, purposes, tokenHash],
    );
    return rows[0] ?? null;
  }

  /** Voids the user's outstanding tokens of a purpose, e.g. every reset link once the password is reset. */
  async voidOutstanding(manager: EntityManager, workspaceId: string, userId: string, purpose: OneTimeTokenPurpose): Promise<void> {
    await manager.query('UPDATE auth.one_time_tokens SET used_at = now() WHERE workspace_id = $1 AND user_id = $2 AND purpose = $3 AND used_at IS NULL', [
      workspaceId,
      userId,
      purpose,
    ]);
  }
}
