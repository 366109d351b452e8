import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NewRefreshToken {
  id: string;
  workspaceId: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
}

export interface RefreshTokenRow {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  /** Set once the token has been exchanged for its successor; presenting it again is reuse. */
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/** auth.refresh_tokens: every token ever issued, as SHA-256, grouped in families (one per sign-in). */
@Injectable()
export class RefreshTokensRepository {
  async insert(manager: EntityManager, token: NewRefreshToken): Promise<void> {
    await manager.query(`INSERT INTO auth.refresh_tokens (id, workspace_id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      token.id,
      token.workspaceId,
      token.userId,
      token.familyId,
      token.tokenHash,
      token.expiresAt,
    ]);
  }

  /** Locked, so that two concurrent uses of one token are one rotation and one reuse. */
  async findForUpdate(manager: EntityManager, workspaceId: string, tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows: RefreshTokenRow[] = await manager.query(
      `SELECT id, user_id AS "userId", family_id AS "familyId", expires_at AS "expiresAt", rotated_at AS "rotatedAt", revoked_at AS "revokedAt"
       FROM auth.refresh_tokens WHERE workspace_id = $1 AND token_hash = $2 FOR UPDATE`,
      [workspaceId, tokenHash],
    );
    return rows[0] ?? null;
  }

  async markRotated(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query('UPDATE auth.refresh_tokens SET rotated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  }

  async revokeFamily(manager: EntityManager, workspaceId: string, familyId: string): Promise<void> {
    await manager.query('UPDATE auth.refresh_tokens SET revoked_at = now() WHERE workspace_id = $1 AND family_id = $2 AND revoked_at IS NULL', [
      workspaceId,
      familyId,
    ]);
  }

  /** Revokes every live token of the user; returns the families (sessions) that were live. */
  async revokeAllOfUser(manager: EntityManager, workspaceId: string, userId: string): Promise<string[]> {
    const [rows] = (await manager.query(
      'UPDATE auth.refresh_tokens SET revoked_at = now() WHERE workspace_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING family_id',
      [workspaceId, userId],
    )) as [Array<{ family_id: string }>, number];
    return [...new Set(rows.map((row) => row.family_id))];
  }
}
