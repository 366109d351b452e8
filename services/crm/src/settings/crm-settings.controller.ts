import { Controller } from '@nestjs/common';
import { GetCrmSettings, UpdateCrmSettings } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CrmSettingsService } from './crm-settings.service.js';

@Controller()
export class CrmSettingsController {
  constructor(private readonly settings: CrmSettingsService) {}

  @Handles(GetCrmSettings)
  get({ context }: OperationRequest<typeof GetCrmSettings>) {
    return this.settings.get(crmCaller(context));
  }

  @Handles(UpdateCrmSettings)
  update({ context, data }: OperationRequest<typeof UpdateCrmSettings>) {
    return this.settings.update(crmCaller(context), data);
  }
}
