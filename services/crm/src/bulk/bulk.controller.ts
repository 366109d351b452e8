import { Controller } from '@nestjs/common';
import { BulkCompanies, BulkContacts, BulkDeals, BulkObjectRecords, BulkTasks, BulkTickets } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { BulkService } from './bulk.service.js';

@Controller()
export class BulkController {
  constructor(private readonly bulk: BulkService) {}

  @Handles(BulkContacts)
  contacts({ context, data }: OperationRequest<typeof BulkContacts>) {
    return this.bulk.changeContacts(crmCaller(context), data);
  }

  @Handles(BulkCompanies)
  companies({ context, data }: OperationRequest<typeof BulkCompanies>) {
    return this.bulk.changeCompanies(crmCaller(context), data);
  }

  @Handles(BulkDeals)
  deals({ context, data }: OperationRequest<typeof BulkDeals>) {
    return this.bulk.changeDeals(crmCaller(context), data);
  }

  @Handles(BulkTasks)
  tasks({ context, data }: OperationRequest<typeof BulkTasks>) {
    return this.bulk.changeTasks(crmCaller(context), data);
  }

  @Handles(BulkTickets)
  tickets({ context, data }: OperationRequest<typeof BulkTickets>) {
    return this.bulk.changeTickets(crmCaller(context), data);
  }

  @Handles(BulkObjectRecords)
  objectRecords({ context, data }: OperationRequest<typeof BulkObjectRecords>) {
    return this.bulk.changeObjectRecords(crmCaller(context), data);
  }
}
