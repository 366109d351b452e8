import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import type { CustomField } from './custom-fields.repository.js';
import { CustomFieldsService, type CustomFieldPage } from './custom-fields.service.js';
import { CreateCustomFieldDto } from './dto/create-custom-field.dto.js';
import { CustomFieldIdDto } from './dto/custom-field-id.dto.js';
import { ListCustomFieldsDto } from './dto/list-custom-fields.dto.js';
import { UpdateCustomFieldDto } from './dto/update-custom-field.dto.js';

@Controller()
export class CustomFieldsController {
  constructor(private readonly customFields: CustomFieldsService) {}

  @MessagePattern('crm.custom-fields.create')
  create(@Payload(new ValidRequest(CreateCustomFieldDto)) request: RpcRequest<CreateCustomFieldDto>): Promise<CustomField> {
    return this.customFields.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.custom-fields.get')
  get(@Payload(new ValidRequest(CustomFieldIdDto)) request: RpcRequest<CustomFieldIdDto>): Promise<CustomField> {
    return this.customFields.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.custom-fields.list')
  list(@Payload(new ValidRequest(ListCustomFieldsDto)) request: RpcRequest<ListCustomFieldsDto>): Promise<CustomFieldPage> {
    return this.customFields.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.custom-fields.update')
  update(@Payload(new ValidRequest(UpdateCustomFieldDto)) request: RpcRequest<UpdateCustomFieldDto>): Promise<CustomField> {
    return this.customFields.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.custom-fields.delete')
  async delete(@Payload(new ValidRequest(CustomFieldIdDto)) request: RpcRequest<CustomFieldIdDto>): Promise<Record<string, never>> {
    await this.customFields.delete(crmCaller(request.context), request.data.id);
    return {};
  }

  @MessagePattern('crm.custom-fields.restore')
  restore(@Payload(new ValidRequest(CustomFieldIdDto)) request: RpcRequest<CustomFieldIdDto>): Promise<CustomField> {
    return this.customFields.restore(crmCaller(request.context), request.data.id);
  }
}
