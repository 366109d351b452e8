import { Injectable } from '@nestjs/common';
import type { Role } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import { updateReturning, violatesUnique } from '@kinship/persistence';
import type { PagePosition } from '@kinship/messaging';
import type { NotificationPreferences, UserRecord, UserStatus } from './user.record.js';

const COLUMNS = `id, workspace_id AS "workspaceId", email, name, role, status, password_hash AS "passwordHash",
  avatar_url AS "avatarUrl", avatar_file_id AS "avatarFileId", email_verified_at AS "emailVerifiedAt", pending_email AS "pendingEmail", locale, timezone,
  notification_preferences AS "notificationPreferences", created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface NewUser {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
}

export interface ProfileChanges {
  name?: string;
  avatarUrl?: string | null;
  avatarFileId?: string | null;
}

export interface UserListFilter {
  role: string | null;
  status: string | null;
  /** Matches name or email, case-insensitively. */
  q: string | null;
}

/** Where an email's account lives; the only lookup that crosses workspaces (a SECURITY DEFINER function). */
export interface AccountLocation {
  userId: string;
  workspaceId: string;
}

export function emailTakenError(): RpcError {
  return RpcError.conflict('An account with this email already exists.', [{ field: 'email', issue: 'is already registered' }]);
}

/** Emails are unique across all workspaces (index users_email_key): a taken one is a 409. */
function rethrowEmailTaken(error: unknown): never {
  throw violatesUnique(error, 'users_email_key') ? emailTakenError() : error;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** auth.users. Every query but locate() names the workspace, and row-level security holds it to it. */
@Injectable()
export class UsersRepository {
  /** Which account has this email, in any workspace; works outside a workspace transaction. */
  async locate(manager: EntityManager, email: string): Promise<AccountLocation | null> {
    const rows: Array<{ user_id: string; workspace_id: string }> = await manager.query('SELECT user_id, workspace_id FROM auth.find_user_by_email($1)', [
      email,
    ]);
    const row = rows[0];
    return row ? { userId: row.user_id, workspaceId: row.workspace_id } : null;
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<UserRecord | null> {
    const rows: UserRecord[] = await manager.query(`SELECT ${COLUMNS} FROM auth.users WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /** The user, locked until the transaction ends, for a change that depends on what it reads. */
  async findForUpdate(manager: EntityManager, workspaceId: string, id: string): Promise<UserRecord | null> {
    const rows: UserRecord[] = await manager.query(`SELECT ${COLUMNS} FROM auth.users WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /** Throws 409 on a taken email. */
  async insert(manager: EntityManager, user: NewUser): Promise<UserRecord> {
    const rows: UserRecord[] = await manager
      .query(
        `INSERT INTO auth.users (id, workspace_id, email, name, role, password_hash, email_verified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [user.id, user.workspaceId, user.email, user.name, user.role, user.passwordHash, user.emailVerifiedAt],
      )
      .catch(rethrowEmailTaken);
    return rows[0]!;
  }

  /** Oldest first. Returns one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, filter: UserListFilter, position: PagePosition): Promise<UserRecord[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM auth.users
       WHERE workspace_id = $1
         AND ($2::text IS NULL OR role = $2::text)
         AND ($3::text IS NULL OR status = $3::text)
         AND ($4::text IS NULL OR name ILIKE $4::text OR email ILIKE $4::text)
         AND ($5::uuid IS NULL OR id > $5::uuid)
       ORDER BY id
       LIMIT $6`,
      [workspaceId, filter.role, filter.status, filter.q === null ? null : likePattern(filter.q), position.afterId, position.limit + 1],
    );
  }

  async updateProfile(manager: EntityManager, workspaceId: string, id: string, changes: ProfileChanges): Promise<UserRecord> {
    const rows = await updateReturning<UserRecord>(
      manager,
      `UPDATE auth.users SET
         name = CASE WHEN $3::boolean THEN $4::text ELSE name END,
         avatar_url = CASE WHEN $5::boolean THEN $6::text ELSE avatar_url END,
         avatar_file_id = CASE WHEN $7::boolean THEN $8::uuid ELSE avatar_file_id END,
         updated_at = now()
       WHERE workspace_id = $1 AND id = $2
       RETURNING ${COLUMNS}`,
      [
        workspaceId,
        id,
        changes.name !== undefined,
        changes.name ?? null,
        changes.avatarUrl !== undefined,
        changes.avatarUrl ?? null,
        changes.avatarFileId !== undefined,
        changes.avatarFileId ?? null,
      ],
    );
    return rows[0]!;
  }

  /** The address the user asked to move to, until it is proven (or null: none). */
  async setPendingEmail(manager: EntityManager, workspaceId: string, id: string, pendingEmail: string | null): Promise<UserRecord> {
    const rows = await updateReturning<UserRecord>(
      manager,
      `UPDATE auth.users SET pending_email = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, pendingEmail],
    );
    return rows[0]!;
  }

  /**
   * Makes the pending address the account's, verified, if it still is the pending one; false
   * otherwise. Throws 409 when another account took the address meanwhile.
   */
  async applyPendingEmail(manager: EntityManager, workspaceId: string, id: string, email: string): Promise<boolean> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE auth.users SET email = pending_email, pending_email = NULL, email_verified_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND status = 'active' AND pending_email = $3 RETURNING id`,
      [workspaceId, id, email],
    ).catch(rethrowEmailTaken);
    return rows.length > 0;
  }

  async setPasswordHash(manager: EntityManager, workspaceId: string, id: string, passwordHash: string): Promise<void> {
    await manager.query('UPDATE auth.users SET password_hash = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id, passwordHash]);
  }

  async setRole(manager: EntityManager, workspaceId: string, id: string, role: Role): Promise<UserRecord> {
    const rows = await updateReturning<UserRecord>(
      manager,
      `UPDATE auth.users SET role = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, role],
    );
    return rows[0]!;
  }

  async setStatus(manager: EntityManager, workspaceId: string, id: string, status: UserStatus): Promise<void> {
    await manager.query(
      `UPDATE auth.users SET status = $3, deactivated_at = CASE WHEN $3 = 'deactivated' THEN now() END, updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, status],
    );
  }

  /** Marks the address verified if it still is the one the token was sent to; false otherwise. */
  async markEmailVerified(manager: EntityManager, workspaceId: string, id: string, email: string): Promise<boolean> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE auth.users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND email = $3 RETURNING id`,
      [workspaceId, id, email],
    );
    return rows.length > 0;
  }

  async setSettings(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    settings: { locale: string; timezone: string; notifications: NotificationPreferences },
  ): Promise<UserRecord> {
    const rows = await updateReturning<UserRecord>(
      manager,
      `UPDATE auth.users SET locale = $3, timezone = $4, notification_preferences = $5, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, settings.locale, settings.timezone, JSON.stringify(settings.notifications)],
    );
    return rows[0]!;
  }

  /** Which of `ids` are active users of the workspace. */
  async activeIds(manager: EntityManager, workspaceId: string, ids: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM auth.users WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND status = 'active'`,
      [workspaceId, ids],
    );
    return rows.map((row) => row.id);
  }

  async countActiveOwners(manager: EntityManager, workspaceId: string): Promise<number> {
    const rows: Array<{ count: number }> = await manager.query(
      `SELECT count(*)::int AS count FROM auth.users WHERE workspace_id = $1 AND role = 'owner' AND status = 'active'`,
      [workspaceId],
    );
    return rows[0]?.count ?? 0;
  }
}
