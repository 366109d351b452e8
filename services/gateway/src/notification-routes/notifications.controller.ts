import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NotificationsRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { IdParams } from '../auth-routes/fields.js';
import { Caller } from '../http/caller-context.js';
import { InAppNotificationResponse, ListNotificationsQuery, NotificationPageResponse, ReadAllResponse } from './notifications.dto.js';

/** The caller's own in-app notifications (another user's are a 404). */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('notifications:read')
  @ApiOkResponse({ type: NotificationPageResponse })
  @ApiOperation({ summary: 'List the caller’s notifications', description: 'In-app notifications of the caller, newest first, with the unread count.' })
  list(@Query() query: ListNotificationsQuery, @Caller() caller: RequestContext): Promise<NotificationsRpc.NotificationPage> {
    return this.services.send<NotificationsRpc.NotificationPage, NotificationsRpc.ListNotificationsRequest>('notifications.notifications.list', query, caller);
  }

  @Post('read-all')
  @RequirePermission('notifications:read')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ReadAllResponse })
  @ApiOperation({ summary: 'Mark all notifications read', description: 'Every unread in-app notification of the caller.' })
  readAll(@Caller() caller: RequestContext): Promise<NotificationsRpc.ReadAllReply> {
    return this.services.send<NotificationsRpc.ReadAllReply>('notifications.notifications.read-all', {}, caller);
  }

  @Post(':id/read')
  @RequirePermission('notifications:read')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: InAppNotificationResponse, description: 'Marked read; reading it again keeps the first time.' })
  @ApiOperation({ summary: 'Mark a notification read', description: 'Reading it again keeps the first time; another user’s notification is a 404.' })
  read(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<NotificationsRpc.InAppNotification> {
    return this.services.send<NotificationsRpc.InAppNotification, NotificationsRpc.NotificationIdRequest>('notifications.notifications.read', { id: params.id }, caller);
  }
}
