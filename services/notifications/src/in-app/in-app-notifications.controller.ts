import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NotificationsRpc } from '@kinship/contracts';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { ListNotificationsDto, NotificationIdDto } from './dto/in-app.dto.js';
import { InAppNotificationsService } from './in-app-notifications.service.js';

const PERMISSION = 'notifications:read';

@Controller()
export class InAppNotificationsController {
  constructor(private readonly notifications: InAppNotificationsService) {}

  @MessagePattern('notifications.notifications.list')
  list(@Payload(new ValidRequest(ListNotificationsDto)) request: RpcRequest<ListNotificationsDto>): Promise<NotificationsRpc.NotificationPage> {
    return this.notifications.list(callerWith(request.context, PERMISSION), request.data);
  }

  @MessagePattern('notifications.notifications.read')
  read(@Payload(new ValidRequest(NotificationIdDto)) request: RpcRequest<NotificationIdDto>): Promise<NotificationsRpc.InAppNotification> {
    return this.notifications.markRead(callerWith(request.context, PERMISSION), request.data.id);
  }

  @MessagePattern('notifications.notifications.read-all')
  readAll(@Payload() request: RpcRequest): Promise<NotificationsRpc.ReadAllReply> {
    return this.notifications.markAllRead(callerWith(request.context, PERMISSION));
  }
}
