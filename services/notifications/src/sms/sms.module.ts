import { Module } from '@nestjs/common';
import { CampaignRecipientsRepository } from '../campaigns/campaign-recipients.repository.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { SmsSettingsRepository } from './sms-settings.repository.js';
import { SmsSettingsService } from './sms-settings.service.js';
import { SmsWebhooksService } from './sms-webhooks.service.js';
import { SmsController } from './sms.controller.js';

/** Two-way SMS: the provider's delivery reports and inbound texts (STOP, START, HELP, messages), and the workspace's SMS settings. */
@Module({
  imports: [DeliveryModule],
  controllers: [SmsController],
  providers: [SmsSettingsRepository, SmsSettingsService, SmsWebhooksService, CampaignRecipientsRepository],
})
export class SmsModule {}
