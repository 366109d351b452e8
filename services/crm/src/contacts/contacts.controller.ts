import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import type { ContactRecord } from './contacts.repository.js';
import { ContactsService, type ContactPage } from './contacts.service.js';
import { ContactIdDto } from './dto/contact-id.dto.js';
import { CreateContactDto } from './dto/create-contact.dto.js';
import { ListContactsDto } from './dto/list-contacts.dto.js';
import { UpdateContactDto } from './dto/update-contact.dto.js';

@Controller()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @MessagePattern('crm.contacts.create')
  create(@Payload(new ValidRequest(CreateContactDto)) request: RpcRequest<CreateContactDto>): Promise<ContactRecord> {
    return this.contacts.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.contacts.get')
  get(@Payload(new ValidRequest(ContactIdDto)) request: RpcRequest<ContactIdDto>): Promise<ContactRecord> {
    return this.contacts.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.contacts.list')
  list(@Payload(new ValidRequest(ListContactsDto)) request: RpcRequest<ListContactsDto>): Promise<ContactPage> {
    return this.contacts.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.contacts.update')
  update(@Payload(new ValidRequest(UpdateContactDto)) request: RpcRequest<UpdateContactDto>): Promise<ContactRecord> {
    return this.contacts.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.contacts.delete')
  delete(@Payload(new ValidRequest(ContactIdDto)) request: RpcRequest<ContactIdDto>): Promise<Record<string, never>> {
    return this.contacts.delete(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.contacts.restore')
  restore(@Payload(new ValidRequest(ContactIdDto)) request: RpcRequest<ContactIdDto>): Promise<ContactRecord> {
    return this.contacts.restore(crmCaller(request.context), request.data.id);
  }
}
