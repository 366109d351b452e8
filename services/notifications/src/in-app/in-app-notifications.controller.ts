import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ListNotifications, ListNotificationsQuery, ReadAllNotifications, ReadNotification } from '@kinship/contracts/notifications';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { InAppNotificationsService } from './in-app-notifications.service.js';

const PERMISSION = 'notifications:read';

@Controller()
export class InAppNotificationsController {
  constructor(private readonly notifications: InAppNotificationsService) {}

  // Checked again here with the contract's class: the query reaches NATS without the gateway too.
  @Handles(ListNotifications)
  list(@Payload(new ValidRequest(ListNotificationsQuery)) { context, data }: OperationRequest<typeof ListNotifications>) {
    return this.notifications.list(callerWith(context, PERMISSION), data);
  }

  /** An id that is not a UUID names no notification: the service answers the same 404. */
  @Handles(ReadNotification)
  read({ context, data }: OperationRequest<typeof ReadNotification>) {
    return this.notifications.markRead(callerWith(context, PERMISSION), data.id);
  }

  @Handles(ReadAllNotifications)
  readAll({ context }: OperationRequest<typeof ReadAllNotifications>) {
    return this.notifications.markAllRead(callerWith(context, PERMISSION));
  }
}
