import { WebhookEndpointsController } from './webhook-endpoints.controller.js';

/** The routes of API.md "Notifications" for partner webhooks, forwarded to the notifications service. */
export const WEBHOOK_ROUTE_CONTROLLERS = [WebhookEndpointsController];
