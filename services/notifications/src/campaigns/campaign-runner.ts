import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from '@kinship/observability';
import { LOGGER } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { NotificationsConfig } from '../notifications.config.js';
import { PollingLoop } from '../common/polling-loop.js';
import { CampaignJobs } from './campaign-jobs.js';
import { CampaignsRepository } from './campaigns.repository.js';

/**
 * The database says what runs: every CAMPAIGN_POLL_INTERVAL_MS (and at start) this starts the
 * scheduled campaigns that are due and makes sure every sending campaign has its jobs. That is
 * also how a send resumes after a restart or a crash: the jobs are added again, the audience
 * continues from its cursor and the lanes claim what is queued or whose lease ended.
 */
@Injectable()
export class CampaignRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: PollingLoop;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) logger: Logger,
    private readonly campaigns: CampaignsRepository,
    private readonly jobs: CampaignJobs,
    config: NotificationsConfig,
  ) {
    this.loop = new PollingLoop({
      round: () => this.run(),
      intervalMs: config.CAMPAIGN_POLL_INTERVAL_MS,
      onError: (error) => logger.warn({ err: error }, 'could not start or resume campaigns; trying again'),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  private async run(): Promise<void> {
    const runnable = await this.campaigns.runnable(this.dataSource.manager);
    for (const campaign of runnable) {
      if (this.loop.isStopped) return;
      await this.jobs.ensureRunning({ workspaceId: campaign.workspaceId, campaignId: campaign.campaignId }, campaign.audienceResolved);
    }
  }
}
