import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { fieldDecorator, IsMinorUnits, IsPositiveDecimal, IsText } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';
import { DESCRIPTION_MAX, LINES_MAX, QUANTITY_DECIMALS, QUANTITY_MAX } from './invoices.js';
import { TAX_RATE_MAX } from './products.js';

export const CREDIT_NOTE_REFUNDS = ['none', 'wallet', 'original'] as const;
export type CreditNoteRefund = (typeof CREDIT_NOTE_REFUNDS)[number];
export const REASON_MAX = 500;
const AMOUNT_OR_LINES = 'give exactly one of amount and lines';

export class CreditNoteLineBody {
  @ApiProperty({ minLength: 1, maxLength: DESCRIPTION_MAX }) @IsText(DESCRIPTION_MAX) @IsNotEmpty() description!: string;
  @ApiProperty({ example: 1, description: 'Greater than 0, at most 4 decimal places.' }) @IsPositiveDecimal(QUANTITY_DECIMALS, QUANTITY_MAX) quantity!: number;
  @ApiProperty({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) @IsMinorUnits(0) unitPrice!: number;
  @ApiPropertyOptional({ minimum: 0, maximum: TAX_RATE_MAX, default: 0 }) @IsOptional() @IsInt() @Min(0) @Max(TAX_RATE_MAX) taxRate?: number;
}

export class CreateCreditNoteBody {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Tax included; split between net and tax in the invoice’s proportion. Or give lines.',
  })
  @ValidateIf((body: CreateCreditNoteBody) => body.lines === undefined || body.amount !== undefined)
  @IsMinorUnits(1)
  @fieldDecorator('amountOrLines', () => AMOUNT_OR_LINES, (_value, body) => (body as CreateCreditNoteBody).lines === undefined)
  amount?: number;

  @ApiPropertyOptional({
    type: [CreditNoteLineBody],
    minItems: 1,
    maxItems: LINES_MAX,
    description: 'Priced as invoice lines are (amount and tax per line, rounded half away from zero).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => CreditNoteLineBody)
  lines?: CreditNoteLineBody[];

  @ApiPropertyOptional({ maxLength: REASON_MAX }) @IsOptional() @IsText(REASON_MAX) reason?: string;

  @ApiPropertyOptional({
    enum: CREDIT_NOTE_REFUNDS,
    default: 'none',
    description: 'Where the part beyond the amount due goes: nowhere (then there must be none), the wallet, or back through the payments.',
  })
  @IsOptional()
  @IsIn(CREDIT_NOTE_REFUNDS)
  refund?: CreditNoteRefund;
}

export class CreditNote {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CN-2026-000001' }) number!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ description: 'Tax included.' }) amount!: number;
  @ApiProperty() subtotal!: number;
  @ApiProperty() tax!: number;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ enum: CREDIT_NOTE_REFUNDS }) refund!: CreditNoteRefund;
  @ApiProperty({ description: 'The part that reduced the amount due.' }) appliedToDue!: number;
  @ApiProperty({ description: 'The part refunded through the invoice’s payments.' }) refunded!: number;
  @ApiProperty({ description: 'The part credited to the customer’s wallet.' }) toWallet!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreditNoteList {
  @ApiProperty({ type: [CreditNote] }) data!: CreditNote[];
}

export const CreateCreditNote = defineOperation({
  pattern: 'billing.credit-notes.create',
  summary: 'Issue a credit note',
  description:
    'On an open, uncollectible or paid invoice: first reduces the amount due, the rest goes to the wallet or back through the payments (a Stripe payment through Stripe’s Refunds API). Numbered CN-<year>-<6 digits>, gapless.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices/:id/credit-notes', status: 201 },
  params: RecordIdParams,
  input: CreateCreditNoteBody,
  output: CreditNote,
  errors: [
    NOT_FOUND,
    {
      status: 409,
      description:
        'The credit notes would exceed the invoice total (credit_exceeds_invoice), the invoice is a draft or void (invalid_status), refund none with nothing due to reduce, or Stripe refused (stripe_refund_refused) or is not configured (payments_not_configured) for refund original of a Stripe payment.',
    },
  ],
});

export const ListCreditNotes = defineOperation({
  pattern: 'billing.credit-notes.list',
  summary: 'List an invoice’s credit notes',
  description: 'Oldest first.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'invoices/:id/credit-notes', status: 200 },
  params: RecordIdParams,
  output: CreditNoteList,
  errors: [NOT_FOUND],
});

export const CREDIT_NOTE_OPERATIONS = [CreateCreditNote, ListCreditNotes] as const;
