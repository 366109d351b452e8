import { Injectable } from '@nestjs/common';
import { RpcError } from '@kinship/messaging';
import Stripe from 'stripe';
import { BillingConfig } from '../billing.config.js';

export function paymentsNotConfigured(): RpcError {
  return new RpcError(409, 'payments_not_configured', 'Card payments are not configured: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.', []);
}

/** Stripe's webhook signatures are accepted for 5 minutes (issue 12). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The port to Stripe: the real SDK, pointed at STRIPE_API_BASE (Stripe itself, or a local server in
 * tests). Absent keys are not an error at start: the rest of billing works without Stripe.
 */
@Injectable()
export class StripeClient {
  private readonly stripe: Stripe | null;

  constructor(private readonly config: BillingConfig) {
    const base = new URL(config.STRIPE_API_BASE);
    this.stripe = config.STRIPE_SECRET_KEY
      ? new Stripe(config.STRIPE_SECRET_KEY, {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
          maxNetworkRetries: 2,
          timeout: 10_000,
        })
      : null;
  }

  async createPaymentIntent(params: Stripe.PaymentIntentCreateParams, idempotencyKey: string): Promise<Stripe.PaymentIntent> {
    if (!this.stripe) throw paymentsNotConfigured();
    try {
      return await this.stripe.paymentIntents.create(params, { idempotencyKey });
    } catch (error) {
      if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError)
        throw RpcError.unavailable('Stripe could not be reached; try again.');
      throw error;
    }
  }

  /**
   * Gives back part of a PaymentIntent's charge. The idempotency key names what is being refunded,
   * so a retry (the SDK's, or a request run again after its transaction rolled back) gets the same
   * refund instead of a second one. Stripe refusing it (more than is left on the charge) is a 409.
   */
  async createRefund(params: Stripe.RefundCreateParams, idempotencyKey: string): Promise<Stripe.Refund> {
    if (!this.stripe) throw paymentsNotConfigured();
    try {
      return await this.stripe.refunds.create(params, { idempotencyKey });
    } catch (error) {
      if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError)
        throw RpcError.unavailable('Stripe could not be reached; try again.');
      if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeIdempotencyError) {
        throw new RpcError(409, 'stripe_refund_refused', `Stripe refused the refund: ${error.message}`, [{ field: 'amount', issue: 'was refused by Stripe' }]);
      }
      throw error;
    }
  }

  /** The event the body holds, when Stripe-Signature signs exactly this body within the tolerance; else a 400 naming the header. */
  verifiedEvent(payload: string, signature: string): Stripe.Event {
    if (!this.stripe || !this.config.STRIPE_WEBHOOK_SECRET) throw paymentsNotConfigured();
    try {
      return this.stripe.webhooks.constructEvent(payload, signature, this.config.STRIPE_WEBHOOK_SECRET, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      const issue =
        error instanceof Stripe.errors.StripeSignatureVerificationError
          ? 'does not sign this body within 300 seconds'
          : 'signs a body that is not a Stripe event';
      throw new RpcError(400, 'invalid_signature', 'The webhook is not a Stripe event signed with this endpoint’s secret.', [
        { field: 'Stripe-Signature', issue },
      ]);
    }
  }
}
