import { Module } from '@nestjs/common';
import { StripeClient } from './stripe-client.js';

/** The port to Stripe's API, shared by card payments (stripe/) and refunds of them (payments/). */
@Module({
  providers: [StripeClient],
  exports: [StripeClient],
})
export class StripeClientModule {}
