import { CampaignsController } from './campaigns.controller.js';
import { UnsubscribeController } from './unsubscribe.controller.js';

/** The routes of API.md "Notifications" for campaigns and their unsubscribe links, forwarded to the notifications service. */
export const CAMPAIGN_ROUTE_CONTROLLERS = [CampaignsController, UnsubscribeController];
