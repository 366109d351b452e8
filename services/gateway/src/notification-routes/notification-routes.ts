import type { Type } from '@nestjs/common';
import { EMAIL_TEMPLATE_OPERATIONS, IN_APP_NOTIFICATION_OPERATIONS, MESSAGE_OPERATIONS } from '@kinship/contracts/notifications';
import { contractController } from '../contract-routes/contract-controller.js';

/** The routes of API.md "Notifications" that the notifications core serves: templates, in-app notifications, failed sends. */
export const NOTIFICATION_ROUTE_CONTROLLERS: Type[] = [
  contractController('email-templates', EMAIL_TEMPLATE_OPERATIONS),
  contractController('notifications', IN_APP_NOTIFICATION_OPERATIONS),
  contractController('messages', MESSAGE_OPERATIONS),
];
