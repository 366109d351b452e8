import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { NotificationsConfig } from './notifications.config.js';

/** The notifications service: email, SMS, templates, preferences, in-app notifications, campaigns and partner webhooks. */
export const notificationsService: ServiceDefinition<NotificationsConfig> = {
  name: 'notifications',
  configSchema: NotificationsConfig,
  database: { schema: 'notifications', migrations: [messagingTablesMigration('notifications')] },
  features: () => [],
};
