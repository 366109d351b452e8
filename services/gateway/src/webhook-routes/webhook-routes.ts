import type { Type } from '@nestjs/common';
import { WEBHOOK_ENDPOINT_OPERATIONS } from '@kinship/contracts/notifications';
import { contractController } from '../contract-routes/contract-controller.js';

/** The routes of API.md "Notifications" for partner webhooks, served from notifications' contracts. */
export const WEBHOOK_ROUTE_CONTROLLERS: Type[] = [contractController('webhook-endpoints', WEBHOOK_ENDPOINT_OPERATIONS)];
