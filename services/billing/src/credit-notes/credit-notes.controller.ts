import { Controller } from '@nestjs/common';
import { CreateCreditNote, ListCreditNotes } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { CreditNotesService } from './credit-notes.service.js';

@Controller()
export class CreditNotesController {
  constructor(private readonly creditNotes: CreditNotesService) {}

  @Handles(CreateCreditNote)
  create({ context, data: { id, ...body } }: OperationRequest<typeof CreateCreditNote>) {
    return this.creditNotes.create(billingCaller(context, CreateCreditNote), id, body);
  }

  @Handles(ListCreditNotes)
  list({ context, data }: OperationRequest<typeof ListCreditNotes>) {
    return this.creditNotes.list(billingCaller(context, ListCreditNotes), data.id);
  }
}
