import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';

/** Signs only: the SDK's own test helper needs a client, never a key that reaches Stripe. */
const signer = new Stripe('sk_test_signer');

/** An event as Stripe's webhooks send it. */
export function stripeEvent(type: string, object: object): object {
  return { id: `evt_${randomUUID()}`, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } };
}

/** A Kinship invoice's PaymentIntent that succeeded, with the metadata billing's payment-intent route gives it. */
export function paymentIntentSucceeded(payment: { workspaceId: string; invoiceId: string; intentId: string; amount: number }): object {
  const { workspaceId, invoiceId, intentId, amount } = payment;
  return stripeEvent('payment_intent.succeeded', {
    id: intentId,
    object: 'payment_intent',
    amount,
    amount_received: amount,
    currency: 'eur',
    metadata: { workspaceId, invoiceId },
  });
}

/** The PaymentIntent's charge refunded, `amountRefunded` in all so far (Stripe's figure is cumulative). */
export function chargeRefunded(intentId: string, amountRefunded: number): object {
  return stripeEvent('charge.refunded', { id: `ch_${randomUUID()}`, object: 'charge', payment_intent: intentId, amount_refunded: amountRefunded });
}

/** The Stripe-Signature header of a payload, signed as Stripe signs it, `ageSeconds` in the past. */
export function stripeSignature(payload: string, secret: string, ageSeconds = 0): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - ageSeconds });
}
