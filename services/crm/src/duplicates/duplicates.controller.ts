import { Controller } from '@nestjs/common';
import { ListDuplicates, MergeContacts } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { DuplicatesService } from './duplicates.service.js';

@Controller()
export class DuplicatesController {
  constructor(private readonly duplicates: DuplicatesService) {}

  @Handles(ListDuplicates)
  list({ context, data }: OperationRequest<typeof ListDuplicates>) {
    return this.duplicates.list(crmCaller(context), data);
  }

  @Handles(MergeContacts)
  merge({ context, data }: OperationRequest<typeof MergeContacts>) {
    return this.duplicates.merge(crmCaller(context), data);
  }
}
