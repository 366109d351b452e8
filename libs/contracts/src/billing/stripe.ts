import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';

/** Stripe's webhook bodies are small; this bounds what billing verifies. */
export const STRIPE_PAYLOAD_MAX = 512 * 1024;

export class PaymentIntentReply {
  @ApiProperty({ example: 'pi_3N…' }) paymentIntentId!: string;
  @ApiProperty({ description: 'For Stripe.js on the customer’s side.' }) clientSecret!: string;
  @ApiProperty({ description: 'The amount due, minor units.' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

/** What the gateway forwards of a Stripe webhook: the raw body, exactly as signed, and its signature header. */
export class StripeWebhookInput {
  @IsString() @MaxLength(STRIPE_PAYLOAD_MAX) payload!: string;
  @IsString() @MaxLength(2000) signature!: string;
}

export class StripeWebhookReply {
  @ApiProperty() received!: boolean;
  @ApiProperty({ description: 'false when this event id had taken effect before.' }) applied!: boolean;
}

export const CreatePaymentIntent = defineOperation({
  pattern: 'billing.invoices.payment-intent',
  summary: 'Start a card payment with Stripe',
  description:
    'Creates a Stripe PaymentIntent for the amount due (metadata workspaceId and invoiceId; a Stripe idempotency key per invoice state, so a retry gets the same intent). The payment is recorded when Stripe’s webhook says it succeeded.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices/:id/payment-intent', status: 201 },
  params: RecordIdParams,
  output: PaymentIntentReply,
  errors: [
    NOT_FOUND,
    { status: 409, description: 'Stripe keys are not configured (payments_not_configured), or the invoice is not open with an amount due (invalid_status).' },
  ],
});

/** Between the gateway's public `POST /webhooks/stripe` and billing, which verifies the signature. */
export const ReceiveStripeWebhook = defineOperation({
  pattern: 'billing.stripe.webhook',
  summary: 'Apply a Stripe webhook event',
  description: 'Verifies Stripe-Signature against the raw body (300 s tolerance) and applies the event once per event id.',
  permission: null,
  input: StripeWebhookInput,
  output: StripeWebhookReply,
  errors: [{ status: 409, description: 'Stripe is not configured, or the event refers to a payment not recorded yet (Stripe retries it).' }],
});

export const STRIPE_OPERATIONS = [CreatePaymentIntent] as const;
