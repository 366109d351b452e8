import type { Type } from '@nestjs/common';
import { CAMPAIGN_OPERATIONS } from '@kinship/contracts/notifications';
import { contractController } from '../contract-routes/contract-controller.js';
import { UnsubscribeController } from './unsubscribe.controller.js';

/** The routes of API.md "Notifications" for campaigns, from notifications' contracts, and their unsubscribe links (pages, forms). */
export const CAMPAIGN_ROUTE_CONTROLLERS: Type[] = [contractController('campaigns', CAMPAIGN_OPERATIONS), UnsubscribeController];
