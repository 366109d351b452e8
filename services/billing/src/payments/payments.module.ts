import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { StripeClientModule } from '../stripe/stripe-client.module.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsService } from './payments.service.js';

/** billing.payments.*: manual payments and refunds (PAYMENT_OPERATIONS); a Stripe payment is refunded through Stripe. */
@Module({
  imports: [LedgerModule, StripeClientModule],
  controllers: [PaymentsController],
  providers: [PaymentsService],
  exports: [PaymentsService],
})
export class PaymentsModule {}
