import { Injectable } from '@nestjs/common';
import type { AuthRpc, Role } from '@kinship/contracts';
import type { EntityManager } from 'typeorm';
import type { PagePosition } from '@kinship/messaging';

const COLUMNS = `id, name, prefix, scopes, created_by AS "createdBy", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface NewApiKey {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: string[];
  createdBy: string;
}

export function toApiKey(row: ApiKeyRow): AuthRpc.ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** auth.api_keys: the key itself is stored as SHA-256 only. */
@Injectable()
export class ApiKeysRepository {
  async insert(manager: EntityManager, key: NewApiKey): Promise<ApiKeyRow> {
    const rows: ApiKeyRow[] = await manager.query(
      `INSERT INTO auth.api_keys (id, workspace_id, name, prefix, key_hash, scopes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [key.id, key.workspaceId, key.name, key.prefix, key.keyHash, key.scopes, key.createdBy],
    );
    return rows[0]!;
  }

  async findForUpdate(manager: EntityManager, workspaceId: string, id: string): Promise<ApiKeyRow | null> {
    const rows: ApiKeyRow[] = await manager.query(`SELECT ${COLUMNS} FROM auth.api_keys WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /**
   * The key with this hash and its creator's current role, provided the creator is still active:
   * a key acts on their authority.
   */
  async findUsableByHash(manager: EntityManager, workspaceId: string, keyHash: string): Promise<(ApiKeyRow & { creatorRole: Role }) | null> {
    const rows: Array<ApiKeyRow & { creatorRole: Role }> = await manager.query(
      `SELECT ${COLUMNS}, creator.role AS "creatorRole" FROM auth.api_keys k,
         LATERAL (SELECT u.role FROM auth.users u WHERE u.workspace_id = k.workspace_id AND u.id = k.created_by AND u.status = 'active') creator
       WHERE k.workspace_id = $1 AND k.key_hash = $2`,
      [workspaceId, keyHash],
    );
    return rows[0] ?? null;
  }

  async markRevoked(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query('UPDATE auth.api_keys SET revoked_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  }

  async touch(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query('UPDATE auth.api_keys SET last_used_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  }

  /** Newest first. Returns one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, position: PagePosition): Promise<ApiKeyRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM auth.api_keys
       WHERE workspace_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid)
       ORDER BY id DESC LIMIT $3`,
      [workspaceId, position.afterId, position.limit + 1],
    );
  }
}
