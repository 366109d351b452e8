/** Every email and SMS is a job of this queue (delivery/send-message.processor.ts). */
export const OUTBOUND_MESSAGES_QUEUE = 'outbound-messages';

/** Every attempt at a partner webhook delivery is a job of this queue (webhooks/webhook-delivery.processor.ts). */
export const WEBHOOK_DELIVERIES_QUEUE = 'webhook-deliveries';

/** Campaign audiences and send lanes (campaigns/campaign-sender.processor.ts); registered by CampaignsModule with its own lock settings. */
export const CAMPAIGNS_QUEUE = 'campaigns';

/** The Bull queues of the notifications service, registered together in one QueuesModule. */
export const NOTIFICATIONS_QUEUES = [OUTBOUND_MESSAGES_QUEUE, WEBHOOK_DELIVERIES_QUEUE];
