import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from '@kinship/observability';
import { LOGGER } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { NotificationsConfig } from '../notifications.config.js';
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
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly campaigns: CampaignsRepository,
    private readonly jobs: CampaignJobs,
    private readonly config: NotificationsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.next(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.run().then(
        () => this.next(this.config.CAMPAIGN_POLL_INTERVAL_MS),
        (error: unknown) => {
          this.logger.warn({ err: error }, 'could not start or resume campaigns; trying again');
          this.next(this.config.CAMPAIGN_POLL_INTERVAL_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    const runnable = await this.campaigns.runnable(this.dataSource.manager);
    for (const campaign of runnable) {
      if (this.stopped) return;
      await this.jobs.ensureRunning({ workspaceId: campaign.workspaceId, campaignId: campaign.campaignId }, campaign.audienceResolved);
    }
  }
}
