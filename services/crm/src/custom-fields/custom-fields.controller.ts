import { Controller } from '@nestjs/common';
import { CreateCustomField, DeleteCustomField, GetCustomField, ListCustomFields, RestoreCustomField, UpdateCustomField } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CustomFieldsService } from './custom-fields.service.js';

@Controller()
export class CustomFieldsController {
  constructor(private readonly customFields: CustomFieldsService) {}

  @Handles(CreateCustomField)
  create({ context, data }: OperationRequest<typeof CreateCustomField>) {
    return this.customFields.create(crmCaller(context), data);
  }

  @Handles(GetCustomField)
  get({ context, data }: OperationRequest<typeof GetCustomField>) {
    return this.customFields.get(crmCaller(context), data.id);
  }

  @Handles(ListCustomFields)
  list({ context, data }: OperationRequest<typeof ListCustomFields>) {
    return this.customFields.list(crmCaller(context), data);
  }

  @Handles(UpdateCustomField)
  update({ context, data }: OperationRequest<typeof UpdateCustomField>) {
    return this.customFields.update(crmCaller(context), data);
  }

  @Handles(DeleteCustomField)
  async delete({ context, data }: OperationRequest<typeof DeleteCustomField>) {
    await this.customFields.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreCustomField)
  restore({ context, data }: OperationRequest<typeof RestoreCustomField>) {
    return this.customFields.restore(crmCaller(context), data.id);
  }
}
