import { Module, type Provider } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { LoggingSmsSender } from '../delivery/sms/logging-sms-sender.js';
import { SmsSender } from '../delivery/sms/sms-sender.js';
import { TwilioSmsSender } from '../delivery/sms/twilio-sms-sender.js';
import { NotificationsConfig } from '../notifications.config.js';
import { CAMPAIGNS_QUEUE } from '../queues.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { CampaignAudienceSource } from './campaign-audience.js';
import { CampaignJobs } from './campaign-jobs.js';
import { CampaignMailer } from './campaign-mailer.js';
import { CampaignRecipientsRepository } from './campaign-recipients.repository.js';
import { CampaignRunner } from './campaign-runner.js';
import { CampaignSenderProcessor } from './campaign-sender.processor.js';
import { CampaignSources } from './campaign-sources.js';
import { CampaignThrottle } from './campaign-throttle.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';
import { UnsubscribeTokens } from './unsubscribe-tokens.js';

/** SMS_PROVIDER picks the adapter, as for the core's messages. */
const smsSender: Provider = {
  provide: SmsSender,
  inject: [NotificationsConfig, TwilioSmsSender, LoggingSmsSender],
  useFactory: (config: NotificationsConfig, twilio: TwilioSmsSender, logging: LoggingSmsSender) => (config.SMS_PROVIDER === 'twilio' ? twilio : logging),
};

/**
 * Campaigns: notifications.campaigns.* and notifications.unsubscribe.confirm over NATS; the
 * runner and the campaigns queue's worker that send them. The queue is registered here, not
 * with the service's other queues, for its shorter job lock: a killed worker's jobs are taken
 * over within seconds (docs/campaigns.md), and its lanes run for minutes, renewing the lock.
 */
@Module({
  imports: [
    TemplatesModule,
    BullModule.registerQueue({ name: CAMPAIGNS_QUEUE, settings: { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 } }),
  ],
  controllers: [CampaignsController],
  providers: [
    CampaignsService,
    CampaignsRepository,
    CampaignRecipientsRepository,
    CampaignAudienceSource,
    CampaignSources,
    CampaignJobs,
    CampaignRunner,
    CampaignSenderProcessor,
    CampaignMailer,
    CampaignThrottle,
    UnsubscribeTokens,
    TwilioSmsSender,
    LoggingSmsSender,
    smsSender,
  ],
})
export class CampaignsModule {}
