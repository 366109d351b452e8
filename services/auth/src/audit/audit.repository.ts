import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PagePosition } from '@kinship/messaging';

export interface AuditLogRow {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

export interface NewAuditLogRow {
  id: string;
  workspaceId: string | null;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
}

export interface AuditLogFilter {
  /** Entries the user made or that were done to them. */
  userId: string | null;
  action: string | null;
  from: string | null;
  to: string | null;
}

/** The audit log table: rows are only ever inserted (the migration refuses UPDATE and DELETE). */
@Injectable()
export class AuditRepository {
  async insert(manager: EntityManager, row: NewAuditLogRow): Promise<void> {
    await manager.query(
      `INSERT INTO auth.audit_logs (id, workspace_id, actor_id, action, target_type, target_id, ip, user_agent, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.id, row.workspaceId, row.actorId, row.action, row.targetType, row.targetId, row.ip, row.userAgent, JSON.stringify(row.metadata)],
    );
  }

  /** Newest first; `from` inclusive, `to` exclusive. Returns one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, filter: AuditLogFilter, position: PagePosition): Promise<AuditLogRow[]> {
    return manager.query(
      `SELECT id, actor_id AS "actorId", action, target_type AS "targetType", target_id AS "targetId", ip,
              user_agent AS "userAgent", metadata, created_at AS "createdAt"
       FROM auth.audit_logs
       WHERE workspace_id = $1
         AND ($2::uuid IS NULL OR actor_id = $2::uuid OR (target_type = 'user' AND target_id = $2::uuid))
         AND ($3::text IS NULL OR action = $3::text)
         AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz)
         AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)
         AND ($6::uuid IS NULL OR id < $6::uuid)
       ORDER BY id DESC
       LIMIT $7`,
      [workspaceId, filter.userId, filter.action, filter.from, filter.to, position.afterId, position.limit + 1],
    );
  }
}
