import { Injectable } from '@nestjs/common';
import type { NotificationsRpc } from '@kinship/contracts';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { PagePosition } from '@kinship/messaging';

export interface InAppNotificationRow {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface NewInAppNotification {
  id: string;
  workspaceId: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
}

const COLUMNS = `id, type, title, body, link, read_at AS "readAt", created_at AS "createdAt"`;

export function toInAppNotification(row: InAppNotificationRow): NotificationsRpc.InAppNotification {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    link: row.link,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** notifications.in_app_notifications. Every query names the user: one sees only one's own. */
@Injectable()
export class InAppNotificationsRepository {
  async insert(manager: EntityManager, notification: NewInAppNotification): Promise<void> {
    await manager.query(
      `INSERT INTO notifications.in_app_notifications (id, workspace_id, user_id, type, title, body, link) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [notification.id, notification.workspaceId, notification.userId, notification.type, notification.title, notification.body, notification.link],
    );
  }

  /** Newest first. Returns one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, userId: string, unreadOnly: boolean, position: PagePosition): Promise<InAppNotificationRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM notifications.in_app_notifications
       WHERE workspace_id = $1 AND user_id = $2 AND (NOT $3::boolean OR read_at IS NULL) AND ($4::uuid IS NULL OR id < $4::uuid)
       ORDER BY id DESC LIMIT $5`,
      [workspaceId, userId, unreadOnly, position.afterId, position.limit + 1],
    );
  }

  async countUnread(manager: EntityManager, workspaceId: string, userId: string): Promise<number> {
    const rows: Array<{ count: number }> = await manager.query(
      'SELECT count(*)::int AS count FROM notifications.in_app_notifications WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL',
      [workspaceId, userId],
    );
    return rows[0]?.count ?? 0;
  }

  /** Marks it read (keeping the first time it was); null when the user has no such notification. */
  async markRead(manager: EntityManager, workspaceId: string, userId: string, id: string): Promise<InAppNotificationRow | null> {
    const rows = await updateReturning<InAppNotificationRow>(
      manager,
      `UPDATE notifications.in_app_notifications SET read_at = COALESCE(read_at, now())
       WHERE workspace_id = $1 AND user_id = $2 AND id = $3 RETURNING ${COLUMNS}`,
      [workspaceId, userId, id],
    );
    return rows[0] ?? null;
  }

  async markAllRead(manager: EntityManager, workspaceId: string, userId: string): Promise<number> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE notifications.in_app_notifications SET read_at = now() WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING id`,
      [workspaceId, userId],
    );
    return rows.length;
  }
}
