import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CrmSettingsService, type CrmSettings } from './crm-settings.service.js';
import { UpdateCrmSettingsDto } from './dto/update-crm-settings.dto.js';

@Controller()
export class CrmSettingsController {
  constructor(private readonly settings: CrmSettingsService) {}

  @MessagePattern('crm.settings.get')
  get(@Payload() request: RpcRequest): Promise<CrmSettings> {
    return this.settings.get(crmCaller(request.context));
  }

  @MessagePattern('crm.settings.update')
  update(@Payload(new ValidRequest(UpdateCrmSettingsDto)) request: RpcRequest<UpdateCrmSettingsDto>): Promise<CrmSettings> {
    return this.settings.update(crmCaller(request.context), request.data);
  }
}
