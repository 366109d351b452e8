import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { IsCurrency, IsMinorUnits, IsText, PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';

export const MANUAL_PAYMENT_METHODS = ['manual', 'bank_transfer', 'wallet'] as const;
export type ManualPaymentMethod = (typeof MANUAL_PAYMENT_METHODS)[number];
export const PAYMENT_METHODS = [...MANUAL_PAYMENT_METHODS, 'stripe'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const REFERENCE_MAX = 200;

/** Money-moving operations answer 400 without the header (API.md "Wallets and ledger"). */
export const IDEMPOTENCY_KEY_REQUIRED = {
  status: 400,
  description: 'No Idempotency-Key header (code idempotency_key_required; details name the header). The same key never moves money twice.',
} as const;
const PAYMENT_CONFLICT = {
  status: 409,
  description:
    'The invoice is a draft, void or already paid (code invalid_status; details name invoiceId), a wallet holds too little (insufficient_wallet_balance), or a wallet payment exceeds the amount due (details name amount).',
} as const;

export class CreatePaymentBody {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') invoiceId!: string;
  @ApiProperty({
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Integer minor units of the invoice’s currency; what exceeds the amount due goes to the customer’s wallet.',
  })
  @IsMinorUnits(1)
  amount!: number;
  @ApiPropertyOptional({ example: 'EUR', description: 'When given, must be the invoice’s currency (422 otherwise).' })
  @IsOptional()
  @IsCurrency()
  currency?: string;
  @ApiProperty({ enum: MANUAL_PAYMENT_METHODS, description: 'wallet takes the amount from the customer’s wallet in the invoice’s currency.' })
  @IsIn(MANUAL_PAYMENT_METHODS)
  method!: ManualPaymentMethod;
  @ApiPropertyOptional({ maxLength: REFERENCE_MAX, description: 'A bank reference, cheque number…' }) @IsOptional() @IsText(REFERENCE_MAX) reference?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the money arrived; now by default.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedAt?: string;
}

export class Payment {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ format: 'uuid', description: 'The contact or company the invoice bills.' }) customerId!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) method!: PaymentMethod;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ description: 'The part that settled the invoice.' }) applied!: number;
  @ApiProperty({ description: 'The part beyond the amount due, credited to the customer’s wallet.' }) toWallet!: number;
  @ApiProperty({ description: 'Refunded so far (refunds and credit notes that gave the money back).' }) refunded!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PaymentPage {
  @ApiProperty({ type: [Payment] }) data!: Payment[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListPaymentsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') invoiceId?: string;
}

export class RefundPaymentBody {
  @ApiProperty({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'At most what the payment settled minus what was refunded.' })
  @IsMinorUnits(1)
  amount!: number;
}

export class Refund {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['original', 'wallet'], description: 'original: back the way it came (to the wallet for a wallet payment).' }) destination!:
    'original' | 'wallet';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export const CreatePayment = defineOperation({
  pattern: 'billing.payments.create',
  summary: 'Record a manual payment',
  description:
    'One ledger transaction: the money in (cash, bank or the wallet) against the customer’s receivable, and any excess to the wallet. Partial payments add up; the invoice is paid when nothing is due. Requires Idempotency-Key.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'payments', status: 201 },
  idempotencyKey: 'required',
  input: CreatePaymentBody,
  output: Payment,
  errors: [IDEMPOTENCY_KEY_REQUIRED, NOT_FOUND, PAYMENT_CONFLICT, { status: 422, description: 'A currency other than the invoice’s (details name currency).' }],
});

export const ListPayments = defineOperation({
  pattern: 'billing.payments.list',
  summary: 'List payments',
  description: 'Oldest first; filter by invoice.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'payments', status: 200 },
  input: ListPaymentsQuery,
  output: PaymentPage,
  errors: [],
});

export const RefundPayment = defineOperation({
  pattern: 'billing.payments.refund',
  summary: 'Refund a payment',
  description:
    'Gives back part or all of what the payment settled, the way it came (a Stripe payment through Stripe’s Refunds API, with a Stripe idempotency key); a paid invoice opens again. Requires Idempotency-Key.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'payments/:id/refund', status: 201 },
  idempotencyKey: 'required',
  params: RecordIdParams,
  input: RefundPaymentBody,
  output: Refund,
  errors: [
    IDEMPOTENCY_KEY_REQUIRED,
    NOT_FOUND,
    {
      status: 409,
      description:
        'More than is left to refund (code refund_exceeds_payment), Stripe refused the refund of a Stripe payment (stripe_refund_refused), or Stripe keys are not configured (payments_not_configured); details name amount.',
    },
  ],
});

export const PAYMENT_OPERATIONS = [CreatePayment, ListPayments, RefundPayment] as const;
