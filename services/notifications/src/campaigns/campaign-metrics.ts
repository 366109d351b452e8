import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@kinship/observability';
import { Counter } from 'prom-client';
import type { CampaignChannel } from './campaign.record.js';

export type CampaignMessageOutcome = 'queued' | 'skipped_opted_out' | 'skipped_no_address' | 'sent' | 'retrying' | 'failed';

/** Campaign progress on the notifications service's /metrics. */
@Injectable()
export class CampaignMetrics {
  private readonly messages: Counter<'channel' | 'outcome'>;

  constructor(metrics: ServiceMetrics) {
    this.messages = new Counter({
      name: 'kinship_campaign_messages_total',
      help: 'Campaign messages by channel and outcome: queued or skipped_* when the audience is resolved, then sent, retrying (a failed attempt, another follows) or failed (the last attempt failed).',
      labelNames: ['channel', 'outcome'],
      registers: [metrics.registry],
    });
  }

  record(channel: CampaignChannel, outcome: CampaignMessageOutcome, count = 1): void {
    this.messages.inc({ channel, outcome }, count);
  }
}
