import { Injectable } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import type { EntityManager } from 'typeorm';

/** auth.workspaces: the tenants. A workspace is created with its first owner, never alone. */
@Injectable()
export class WorkspacesRepository {
  async insert(manager: EntityManager, workspace: { id: string; name: string }): Promise<AuthRpc.Workspace> {
    const rows: Array<{ id: string; name: string; createdAt: Date }> = await manager.query(
      'INSERT INTO auth.workspaces (id, name) VALUES ($1, $2) RETURNING id, name, created_at AS "createdAt"',
      [workspace.id, workspace.name],
    );
    const row = rows[0]!;
    return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
  }

  async name(manager: EntityManager, workspaceId: string): Promise<string | null> {
    const rows: Array<{ name: string }> = await manager.query('SELECT name FROM auth.workspaces WHERE id = $1', [workspaceId]);
    return rows[0]?.name ?? null;
  }

  /**
   * Serialises changes to the workspace's membership (roles, deactivations) until the
   * transaction ends, so that two of them cannot both leave it without an owner.
   */
  async lockMembership(manager: EntityManager, workspaceId: string): Promise<void> {
    await manager.query('SELECT id FROM auth.workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
  }
}
