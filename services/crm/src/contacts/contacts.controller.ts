import { Controller } from '@nestjs/common';
import { CreateContact, DeleteContact, GetContact, ListContacts, RestoreContact, UpdateContact } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { ContactsService } from './contacts.service.js';

@Controller()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Handles(CreateContact)
  create({ context, data }: OperationRequest<typeof CreateContact>) {
    return this.contacts.create(crmCaller(context), data);
  }

  @Handles(GetContact)
  get({ context, data }: OperationRequest<typeof GetContact>) {
    return this.contacts.get(crmCaller(context), data.id);
  }

  @Handles(ListContacts)
  list({ context, data }: OperationRequest<typeof ListContacts>) {
    return this.contacts.list(crmCaller(context), data);
  }

  @Handles(UpdateContact)
  update({ context, data }: OperationRequest<typeof UpdateContact>) {
    return this.contacts.update(crmCaller(context), data);
  }

  @Handles(DeleteContact)
  async delete({ context, data }: OperationRequest<typeof DeleteContact>) {
    await this.contacts.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreContact)
  restore({ context, data }: OperationRequest<typeof RestoreContact>) {
    return this.contacts.restore(crmCaller(context), data.id);
  }
}
