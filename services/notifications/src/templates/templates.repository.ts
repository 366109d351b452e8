import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { TemplateKey } from './default-template.js';

export interface TemplateOverride {
  id: string;
  key: TemplateKey;
  subject: string;
  body: string;
  updatedAt: Date;
}

const COLUMNS = `id, key, subject, body, updated_at AS "updatedAt"`;

/** notifications.templates: a workspace's overrides of the default templates. */
@Injectable()
export class TemplatesRepository {
  async list(manager: EntityManager, workspaceId: string): Promise<TemplateOverride[]> {
    return manager.query(`SELECT ${COLUMNS} FROM notifications.templates WHERE workspace_id = $1`, [workspaceId]);
  }

  async find(manager: EntityManager, workspaceId: string, key: TemplateKey): Promise<TemplateOverride | null> {
    const rows: TemplateOverride[] = await manager.query(`SELECT ${COLUMNS} FROM notifications.templates WHERE workspace_id = $1 AND key = $2`, [
      workspaceId,
      key,
    ]);
    return rows[0] ?? null;
  }

  /** null when the workspace already overrides the key. */
  async insert(
    manager: EntityManager,
    template: { id: string; workspaceId: string; key: TemplateKey; subject: string; body: string },
  ): Promise<TemplateOverride | null> {
    const rows: TemplateOverride[] = await manager.query(
      `INSERT INTO notifications.templates (id, workspace_id, key, subject, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, key) DO NOTHING RETURNING ${COLUMNS}`,
      [template.id, template.workspaceId, template.key, template.subject, template.body],
    );
    return rows[0] ?? null;
  }

  /** Creates the override or replaces its subject and body. */
  async upsert(
    manager: EntityManager,
    template: { id: string; workspaceId: string; key: TemplateKey; subject: string; body: string },
  ): Promise<TemplateOverride> {
    const rows: TemplateOverride[] = await manager.query(
      `INSERT INTO notifications.templates (id, workspace_id, key, subject, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, key) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = now()
       RETURNING ${COLUMNS}`,
      [template.id, template.workspaceId, template.key, template.subject, template.body],
    );
    return rows[0]!;
  }

  async delete(manager: EntityManager, workspaceId: string, key: TemplateKey): Promise<void> {
    await updateReturning(manager, 'DELETE FROM notifications.templates WHERE workspace_id = $1 AND key = $2 RETURNING id', [workspaceId, key]);
  }
}
