import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NotificationsRpc } from '@kinship/contracts';
import { RpcError, type UserCaller } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import { pagePosition, toPage } from '@kinship/messaging';
import type { ListNotificationsQuery } from '@kinship/contracts/notifications';
import { InAppNotificationsRepository, toInAppNotification } from './in-app-notifications.repository.js';

function notificationNotFound(): RpcError {
  return RpcError.notFound('Notification');
}

/** The signed-in user's own in-app notifications; another user's are a 404, as if they did not exist. */
@Injectable()
export class InAppNotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: InAppNotificationsRepository,
  ) {}

  async list(caller: UserCaller, query: ListNotificationsQuery): Promise<NotificationsRpc.NotificationPage> {
    const position = pagePosition(query);
    const { workspaceId, userId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const rows = await this.notifications.list(manager, workspaceId, userId, query.unread === true, position);
      return { ...toPage(rows, position, toInAppNotification), unreadCount: await this.notifications.countUnread(manager, workspaceId, userId) };
    });
  }

  async markRead(caller: UserCaller, id: string): Promise<NotificationsRpc.InAppNotification> {
    if (!isUuid(id)) throw notificationNotFound();
    const row = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.notifications.markRead(manager, caller.workspaceId, caller.userId, id),
    );
    if (!row) throw notificationNotFound();
    return toInAppNotification(row);
  }

  async markAllRead(caller: UserCaller): Promise<NotificationsRpc.ReadAllReply> {
    const marked = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.notifications.markAllRead(manager, caller.workspaceId, caller.userId),
    );
    return { marked };
  }
}
