import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { CampaignAudienceSource } from './campaign-audience.js';
import { CampaignJobs } from './campaign-jobs.js';
import { CampaignMailer } from './campaign-mailer.js';
import { CampaignMetrics } from './campaign-metrics.js';
import { CampaignRecipientsRepository } from './campaign-recipients.repository.js';
import { CampaignRunner } from './campaign-runner.js';
import { CampaignSenderProcessor } from './campaign-sender.processor.js';
import { CampaignSources } from './campaign-sources.js';
import { CampaignThrottle } from './campaign-throttle.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';
import { UnsubscribeTokens } from './unsubscribe-tokens.js';

/**
 * Campaigns: notifications.campaigns.* and notifications.unsubscribe.{status,confirm} over NATS; the
 * runner and the campaigns queue's worker that send them (the queue is in NOTIFICATIONS_QUEUES).
 */
@Module({
  imports: [TemplatesModule, DeliveryModule],
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
    CampaignMetrics,
    CampaignThrottle,
    UnsubscribeTokens.provider,
  ],
})
export class CampaignsModule {}
