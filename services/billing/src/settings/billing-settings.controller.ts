import { Controller } from '@nestjs/common';
import { GetBillingSettings, UpdateBillingSettings } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { BillingSettingsService } from './billing-settings.service.js';

@Controller()
export class BillingSettingsController {
  constructor(private readonly settings: BillingSettingsService) {}

  @Handles(GetBillingSettings)
  get({ context }: OperationRequest<typeof GetBillingSettings>) {
    return this.settings.get(billingCaller(context, GetBillingSettings));
  }

  @Handles(UpdateBillingSettings)
  replace({ context, data }: OperationRequest<typeof UpdateBillingSettings>) {
    return this.settings.replace(billingCaller(context, UpdateBillingSettings), data);
  }
}
