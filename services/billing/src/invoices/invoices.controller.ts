import { Controller } from '@nestjs/common';
import {
  CreateInvoice,
  DeleteInvoice,
  FinalizeInvoice,
  GetInvoice,
  ListInvoices,
  LocateInvoice,
  MarkInvoiceUncollectible,
  UpdateInvoice,
  VoidInvoice,
} from '@kinship/contracts/billing';
import { callerWorkspace, Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { InvoicesService } from './invoices.service.js';

@Controller()
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Handles(CreateInvoice)
  create({ context, data }: OperationRequest<typeof CreateInvoice>) {
    return this.invoices.create(billingCaller(context, CreateInvoice), data);
  }

  @Handles(ListInvoices)
  list({ context, data }: OperationRequest<typeof ListInvoices>) {
    return this.invoices.list(billingCaller(context, ListInvoices), data);
  }

  @Handles(LocateInvoice)
  locate({ context, data }: OperationRequest<typeof LocateInvoice>) {
    return this.invoices.locate(callerWorkspace(context), data.invoiceId);
  }

  @Handles(GetInvoice)
  get({ context, data }: OperationRequest<typeof GetInvoice>) {
    return this.invoices.get(billingCaller(context, GetInvoice), data.id);
  }

  @Handles(UpdateInvoice)
  update({ context, data: { id, ...changes } }: OperationRequest<typeof UpdateInvoice>) {
    return this.invoices.update(billingCaller(context, UpdateInvoice), id, changes);
  }

  @Handles(DeleteInvoice)
  delete({ context, data }: OperationRequest<typeof DeleteInvoice>) {
    return this.invoices.delete(billingCaller(context, DeleteInvoice), data.id);
  }

  @Handles(FinalizeInvoice)
  finalize({ context, data }: OperationRequest<typeof FinalizeInvoice>) {
    return this.invoices.finalize(billingCaller(context, FinalizeInvoice), data.id);
  }

  @Handles(VoidInvoice)
  void({ context, data }: OperationRequest<typeof VoidInvoice>) {
    return this.invoices.void(billingCaller(context, VoidInvoice), data.id);
  }

  @Handles(MarkInvoiceUncollectible)
  markUncollectible({ context, data }: OperationRequest<typeof MarkInvoiceUncollectible>) {
    return this.invoices.markUncollectible(billingCaller(context, MarkInvoiceUncollectible), data.id);
  }
}
