import { Controller } from '@nestjs/common';
import { CreatePayment, ListPayments, RefundPayment } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { PaymentsService } from './payments.service.js';

@Controller()
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Handles(CreatePayment)
  create({ context, data }: OperationRequest<typeof CreatePayment>) {
    return this.payments.create(billingCaller(context, CreatePayment), data);
  }

  @Handles(ListPayments)
  list({ context, data }: OperationRequest<typeof ListPayments>) {
    return this.payments.list(billingCaller(context, ListPayments), data);
  }

  @Handles(RefundPayment)
  refund({ context, data }: OperationRequest<typeof RefundPayment>) {
    return this.payments.refund(billingCaller(context, RefundPayment), data.id, data.amount);
  }
}
