import { Controller } from '@nestjs/common';
import { CreateInvoiceSchedule, DeleteInvoiceSchedule, GetInvoiceSchedule, ListInvoiceSchedules, UpdateInvoiceSchedule } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { InvoiceSchedulesService } from './invoice-schedules.service.js';

@Controller()
export class InvoiceSchedulesController {
  constructor(private readonly schedules: InvoiceSchedulesService) {}

  @Handles(CreateInvoiceSchedule)
  create({ context, data }: OperationRequest<typeof CreateInvoiceSchedule>) {
    return this.schedules.create(billingCaller(context, CreateInvoiceSchedule), data);
  }

  @Handles(ListInvoiceSchedules)
  list({ context, data }: OperationRequest<typeof ListInvoiceSchedules>) {
    return this.schedules.list(billingCaller(context, ListInvoiceSchedules), data);
  }

  @Handles(GetInvoiceSchedule)
  get({ context, data }: OperationRequest<typeof GetInvoiceSchedule>) {
    return this.schedules.get(billingCaller(context, GetInvoiceSchedule), data.id);
  }

  @Handles(UpdateInvoiceSchedule)
  update({ context, data: { id, ...changes } }: OperationRequest<typeof UpdateInvoiceSchedule>) {
    return this.schedules.update(billingCaller(context, UpdateInvoiceSchedule), id, changes);
  }

  @Handles(DeleteInvoiceSchedule)
  delete({ context, data }: OperationRequest<typeof DeleteInvoiceSchedule>) {
    return this.schedules.delete(billingCaller(context, DeleteInvoiceSchedule), data.id);
  }
}
