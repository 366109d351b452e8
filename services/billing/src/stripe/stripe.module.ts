import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { StripeClientModule } from './stripe-client.module.js';
import { StripePaymentsService } from './stripe-payments.service.js';
import { StripeController } from './stripe.controller.js';

/** Card payments with Stripe: PaymentIntents and the webhook (STRIPE_OPERATIONS, ReceiveStripeWebhook). */
@Module({
  imports: [LedgerModule, PaymentsModule, StripeClientModule],
  controllers: [StripeController],
  providers: [StripePaymentsService],
})
export class StripeModule {}
