import { Injectable } from '@nestjs/common';
import type { AuthRpc, Role } from '@kinship/contracts';
import type { EntityManager } from 'typeorm';
import { updateReturning } from '@kinship/persistence';
import type { PagePosition } from '@kinship/messaging';

const COLUMNS = `id, email, role, invited_by AS "invitedBy", expires_at AS "expiresAt", accepted_at AS "acceptedAt",
  revoked_at AS "revokedAt", created_at AS "createdAt"`;

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  invitedBy: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface NewInvitation {
  id: string;
  workspaceId: string;
  email: string;
  role: Role;
  invitedBy: string;
  expiresAt: Date;
}

export function invitationStatus(row: InvitationRow): 'pending' | 'accepted' | 'revoked' | 'expired' {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt.getTime() <= Date.now() ? 'expired' : 'pending';
}

export function toInvitation(row: InvitationRow): AuthRpc.Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy,
    status: invitationStatus(row),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * auth.invitations: the token is stored as SHA-256, and minted when the invitation email is sent
 * (null until then); an invitation is open until accepted or revoked.
 */
@Injectable()
export class InvitationsRepository {
  async insert(manager: EntityManager, invitation: NewInvitation): Promise<InvitationRow> {
    const rows: InvitationRow[] = await manager.query(
      `INSERT INTO auth.invitations (id, workspace_id, email, role, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [invitation.id, invitation.workspaceId, invitation.email, invitation.role, invitation.invitedBy, invitation.expiresAt],
    );
    return rows[0]!;
  }

  async findForUpdate(manager: EntityManager, workspaceId: string, id: string): Promise<InvitationRow | null> {
    const rows: InvitationRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth.invitations WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [
      workspaceId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async findByTokenForUpdate(manager: EntityManager, workspaceId: string, tokenHash: string): Promise<InvitationRow | null> {
    const rows: InvitationRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth.invitations WHERE workspace_id = $1 AND token_hash = $2 FOR UPDATE`, [
      workspaceId,
      tokenHash,
    ]);
    return rows[0] ?? null;
  }

  /** Revokes the open invitations to an address (expired ones included); returns their ids. */
  async revokeOpen(manager: EntityManager, workspaceId: string, email: string): Promise<string[]> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE auth.invitations SET revoked_at = now()
       WHERE workspace_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id`,
      [workspaceId, email],
    );
    return rows.map((row) => row.id);
  }

  /** Gives a pending invitation this token hash, replacing any earlier one; its expiry, or null when it is not pending. */
  async setTokenHash(manager: EntityManager, workspaceId: string, id: string, tokenHash: string): Promise<Date | null> {
    const rows = await updateReturning<{ expiresAt: Date }>(
      manager,
      `UPDATE auth.invitations SET token_hash = $3
       WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
       RETURNING expires_at AS "expiresAt"`,
      [workspaceId, id, tokenHash],
    );
    return rows[0]?.expiresAt ?? null;
  }

  async markRevoked(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query('UPDATE auth.invitations SET revoked_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  }

  async markAccepted(manager: EntityManager, workspaceId: string, id: string, userId: string): Promise<void> {
    await manager.query('UPDATE auth.invitations SET accepted_at = now(), accepted_user_id = $3 WHERE workspace_id = $1 AND id = $2', [
      workspaceId,
      id,
      userId,
    ]);
  }

  /** Newest first. Returns one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, position: PagePosition): Promise<InvitationRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM auth.invitations
       WHERE workspace_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid)
       ORDER BY id DESC LIMIT $3`,
      [workspaceId, position.afterId, position.limit + 1],
    );
  }
}
