import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetSmsSettings,
  ReceiveInboundSms,
  ReceiveSmsStatus,
  SmsWebhookInput,
  UpdateSmsSettings,
  UpdateSmsSettingsBody,
} from '@kinship/contracts/notifications';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { SmsSettingsService } from './sms-settings.service.js';
import { SmsWebhooksService } from './sms-webhooks.service.js';

const PERMISSION = 'sms-settings:manage';

// Checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class SmsController {
  constructor(
    private readonly settings: SmsSettingsService,
    private readonly webhooks: SmsWebhooksService,
  ) {}

  @Handles(GetSmsSettings)
  get({ context }: OperationRequest<typeof GetSmsSettings>) {
    return this.settings.get(callerWith(context, PERMISSION).workspaceId);
  }

  @Handles(UpdateSmsSettings)
  update(@Payload(new ValidRequest(UpdateSmsSettingsBody)) { context, data }: OperationRequest<typeof UpdateSmsSettings>) {
    return this.settings.update(callerWith(context, PERMISSION).workspaceId, data);
  }

  /** Public: the provider's signature is the authority, checked by the service. */
  @Handles(ReceiveSmsStatus)
  status(@Payload(new ValidRequest(SmsWebhookInput)) { data }: OperationRequest<typeof ReceiveSmsStatus>) {
    return this.webhooks.status(data);
  }

  @Handles(ReceiveInboundSms)
  inbound(@Payload(new ValidRequest(SmsWebhookInput)) { data }: OperationRequest<typeof ReceiveInboundSms>) {
    return this.webhooks.inbound(data);
  }
}
