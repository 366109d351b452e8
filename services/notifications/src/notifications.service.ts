import type { ServiceDefinition } from '@kinship/platform';
import { installationSecretsMigration, messagingTablesMigration, QueuesModule } from '@kinship/platform';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { InboundEmailModule } from './inbound-email/inbound-email.module.js';
import { InAppNotificationsModule } from './in-app/in-app-notifications.module.js';
import { NotificationsTables1764720000000 } from './migrations/1764720000000-notifications-tables.js';
import { WebhookTables1764806400000 } from './migrations/1764806400000-webhook-tables.js';
import { CampaignTables1764892800000 } from './migrations/1764892800000-campaign-tables.js';
import { SecurityMessageContent1764979200000 } from './migrations/1764979200000-security-message-content.js';
import { MessageAttachments1765110000000 } from './migrations/1765110000000-message-attachments.js';
import { InboundEmailTables1765130000000 } from './migrations/1765130000000-inbound-email-tables.js';
import { MessageHeaders1765130000001 } from './migrations/1765130000001-message-headers.js';
import { SmsInbound1765200000000 } from './migrations/1765200000000-sms-inbound.js';
import { NotificationsConfig } from './notifications.config.js';
import { SmsModule } from './sms/sms.module.js';
import { NOTIFICATIONS_QUEUES } from './queues.js';
import { TemplatesModule } from './templates/templates.module.js';
import { TriggersModule } from './triggers/triggers.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The notifications service: email, SMS, templates, preferences, in-app notifications, campaigns, partner webhooks and inbound email. */
export const notificationsService: ServiceDefinition<NotificationsConfig> = {
  name: 'notifications',
  configSchema: NotificationsConfig,
  database: {
    schema: 'notifications',
    migrations: [
      messagingTablesMigration('notifications'),
      NotificationsTables1764720000000,
      WebhookTables1764806400000,
      CampaignTables1764892800000,
      SecurityMessageContent1764979200000,
      installationSecretsMigration('notifications'),
      MessageAttachments1765110000000,
      InboundEmailTables1765130000000,
      MessageHeaders1765130000001,
      SmsInbound1765200000000,
    ],
  },
  features: () => [
    QueuesModule.register(NOTIFICATIONS_QUEUES),
    DeliveryModule,
    TemplatesModule,
    InAppNotificationsModule,
    TriggersModule,
    WebhooksModule,
    CampaignsModule,
    SmsModule,
    InboundEmailModule,
  ],
};
