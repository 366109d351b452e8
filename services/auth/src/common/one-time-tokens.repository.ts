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
  tokenHash: string;
  expiresAt: Date;
}

export interface ConsumedToken {
  userId: string;
  email: string;
  purpose: OneTimeTokenPurpose;
}

/** auth.one_time_tokens: password reset, email verification and email change tokens, stored as SHA-256. */
@Injectable()
export class OneTimeTokensRepository {
  async insert(manager: EntityManager, token: NewOneTimeToken): Promise<void> {
    await manager.query(
      `INSERT INTO auth.one_time_tokens (id, workspace_id, user_id, purpose, email, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [token.id, token.workspaceId, token.userId, token.purpose, token.email, token.tokenHash, token.expiresAt],
    );
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
    await manager.query(
      'UPDATE auth.one_time_tokens SET used_at = now() WHERE workspace_id = $1 AND user_id = $2 AND purpose = $3 AND used_at IS NULL',
      [workspaceId, userId, purpose],
    );
  }
}
