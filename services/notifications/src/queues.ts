import type { QueueDefinition } from '@kinship/platform';

/** Every email and SMS is a job of this queue (delivery/send-message.processor.ts). */
export const OUTBOUND_MESSAGES_QUEUE = 'outbound-messages';

/** Every attempt at a partner webhook delivery is a job of this queue (webhooks/webhook-delivery.processor.ts). */
export const WEBHOOK_DELIVERIES_QUEUE = 'webhook-deliveries';

/** Campaign audiences and send lanes (campaigns/campaign-sender.processor.ts). */
export const CAMPAIGNS_QUEUE = 'campaigns';

/**
 * The Bull queues of the notifications service, registered together in one QueuesModule. The
 * campaigns queue has a short job lock: a killed worker's lanes are taken over within seconds
 * (docs/campaigns.md), and a live lane, which runs for minutes, renews it.
 */
export const NOTIFICATIONS_QUEUES: QueueDefinition[] = [
  OUTBOUND_MESSAGES_QUEUE,
  WEBHOOK_DELIVERIES_QUEUE,
  { name: CAMPAIGNS_QUEUE, settings: { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 } },
];
