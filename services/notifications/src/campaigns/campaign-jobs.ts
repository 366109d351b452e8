import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { NotificationsConfig } from '../notifications.config.js';
import { CAMPAIGNS_QUEUE } from '../queues.js';

/** Resolves a campaign's audience into recipients, page by page from where it stopped. */
export const RESOLVE_AUDIENCE_JOB = 'resolve-audience';
/** One of CAMPAIGN_LANES workers that claim a campaign's recipients, batch by batch, and send. */
export const SEND_LANE_JOB = 'send-lane';

export interface CampaignJob {
  workspaceId: string;
  campaignId: string;
}

export interface SendLaneJob extends CampaignJob {
  lane: number;
}

/**
 * Adds a sending campaign's jobs. Job ids are fixed per campaign (and lane), so adding them again
 * while they wait or run adds nothing; finished jobs are removed, so the runner can add them
 * again to resume a send that stopped (shutdown, crash, lanes gone idle).
 */
@Injectable()
export class CampaignJobs {
  constructor(
    @InjectQueue(CAMPAIGNS_QUEUE) private readonly queue: Queue<CampaignJob | SendLaneJob>,
    private readonly config: NotificationsConfig,
  ) {}

  async ensureRunning(job: CampaignJob, audienceResolved: boolean): Promise<void> {
    const options = { removeOnComplete: true, removeOnFail: true };
    if (!audienceResolved) await this.queue.add(RESOLVE_AUDIENCE_JOB, job, { ...options, jobId: `audience:${job.campaignId}` });
    await this.ensureLanes(job);
  }

  async ensureLanes(job: CampaignJob): Promise<void> {
    const options = { removeOnComplete: true, removeOnFail: true };
    for (let lane = 0; lane < this.config.CAMPAIGN_LANES; lane += 1) {
      await this.queue.add(SEND_LANE_JOB, { ...job, lane }, { ...options, jobId: `lane:${job.campaignId}:${lane}` });
    }
  }
}
