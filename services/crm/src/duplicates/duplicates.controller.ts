import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import type { ContactRecord } from '../contacts/contact.model.js';
import { ListDuplicatesDto } from './dto/list-duplicates.dto.js';
import { MergeContactsDto } from './dto/merge-contacts.dto.js';
import { DuplicatesService, type DuplicatePage } from './duplicates.service.js';

@Controller()
export class DuplicatesController {
  constructor(private readonly duplicates: DuplicatesService) {}

  @MessagePattern('crm.contacts.duplicates')
  list(@Payload(new ValidRequest(ListDuplicatesDto)) request: RpcRequest<ListDuplicatesDto>): Promise<DuplicatePage> {
    return this.duplicates.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.contacts.merge')
  merge(@Payload(new ValidRequest(MergeContactsDto)) request: RpcRequest<MergeContactsDto>): Promise<ContactRecord> {
    return this.duplicates.merge(crmCaller(request.context), request.data);
  }
}
