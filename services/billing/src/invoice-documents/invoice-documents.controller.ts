import { Controller } from '@nestjs/common';
import { GetInvoicePdf, SendInvoice } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { InvoiceDocumentsService } from './invoice-documents.service.js';

@Controller()
export class InvoiceDocumentsController {
  constructor(private readonly documents: InvoiceDocumentsService) {}

  @Handles(GetInvoicePdf)
  pdf({ context, data }: OperationRequest<typeof GetInvoicePdf>) {
    return this.documents.pdf(billingCaller(context, GetInvoicePdf), data.id);
  }

  @Handles(SendInvoice)
  send({ context, data }: OperationRequest<typeof SendInvoice>) {
    return this.documents.send(billingCaller(context, SendInvoice), data.id);
  }
}
