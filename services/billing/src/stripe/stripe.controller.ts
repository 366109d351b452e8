import { Controller } from '@nestjs/common';
import { CreatePaymentIntent, ReceiveStripeWebhook } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { StripePaymentsService } from './stripe-payments.service.js';

@Controller()
export class StripeController {
  constructor(private readonly stripe: StripePaymentsService) {}

  @Handles(CreatePaymentIntent)
  paymentIntent({ context, data }: OperationRequest<typeof CreatePaymentIntent>) {
    return this.stripe.createPaymentIntent(billingCaller(context, CreatePaymentIntent), data.id);
  }

  /** Public through the gateway: the signature over the raw body is the authority. */
  @Handles(ReceiveStripeWebhook)
  webhook({ data }: OperationRequest<typeof ReceiveStripeWebhook>) {
    return this.stripe.receive(data);
  }
}
