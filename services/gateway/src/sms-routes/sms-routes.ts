import type { Type } from '@nestjs/common';
import { SMS_SETTINGS_OPERATIONS } from '@kinship/contracts/notifications';
import { contractController } from '../contract-routes/contract-controller.js';
import { SmsWebhooksController } from './sms-webhooks.controller.js';

/** The SMS provider's public webhooks and the workspace's SMS settings, served by notifications. */
export const SMS_ROUTE_CONTROLLERS: Type[] = [contractController('sms', SMS_SETTINGS_OPERATIONS), SmsWebhooksController];
