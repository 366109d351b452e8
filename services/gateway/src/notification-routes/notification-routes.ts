import { EmailTemplatesController } from './email-templates.controller.js';
import { MessagesController } from './messages.controller.js';
import { NotificationsController } from './notifications.controller.js';

/** The routes of API.md "Notifications" that the notifications core serves: templates, in-app notifications, failed sends. */
export const NOTIFICATION_ROUTE_CONTROLLERS = [EmailTemplatesController, NotificationsController, MessagesController];
