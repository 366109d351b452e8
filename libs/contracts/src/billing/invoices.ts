import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { fieldDecorator, IsCalendarDate, IsCurrency, IsMinorUnits, IsPositiveDecimal, IsText, Omittable, PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';
import { TAX_RATE_MAX } from './products.js';

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Days from the issue date to the due date. */
export const PAYMENT_TERMS = { due_on_receipt: 0, net_7: 7, net_15: 15, net_30: 30, net_60: 60 } as const;
export type PaymentTerms = keyof typeof PAYMENT_TERMS;
const PAYMENT_TERM_NAMES = Object.keys(PAYMENT_TERMS) as PaymentTerms[];

export const LINES_MAX = 200;
export const DESCRIPTION_MAX = 500;
export const NOTES_MAX = 5000;
/** Quantities have at most 4 decimal places and stay below a billion. */
export const QUANTITY_DECIMALS = 4;
export const QUANTITY_MAX = 999_999_999;

const NOT_DRAFT = { status: 409, description: 'Only a draft can be changed or deleted (code invoice_not_draft).' } as const;
const INVALID_TRANSITION = {
  status: 409,
  description: 'The invoice’s status does not allow this (code invalid_status_transition); details name the status.',
} as const;
const UNPROCESSABLE = {
  status: 422,
  description:
    'A customer, deal or product that is not a live record of the workspace, a deal without a company or contact to bill, a product in another currency, a due date before the issue date, or an amount beyond 2^53 − 1 (details name the field).',
} as const;

const ONE_CUSTOMER = 'customer needs exactly one of contactId and companyId';

/** Exactly one of contactId and companyId: the crm record the invoice is billed to. */
export class CustomerBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'A crm contact of the workspace.' })
  @ValidateIf((customer: CustomerBody) => customer.companyId === undefined)
  @IsUUID('all', { message: ONE_CUSTOMER })
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A crm company of the workspace.' })
  @ValidateIf((customer: CustomerBody) => customer.contactId === undefined || customer.companyId !== undefined)
  @IsUUID('all')
  @fieldDecorator('exactlyOneCustomer', () => ONE_CUSTOMER, (_value, customer) => (customer as CustomerBody).contactId === undefined)
  companyId?: string;
}

export class InvoiceLineBody {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A live, active product of the workspace in the invoice’s currency; it gives the description, unitPrice and taxRate the line omits.',
  })
  @IsOptional()
  @IsUUID('all')
  productId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: DESCRIPTION_MAX, description: 'Required without productId.' })
  @ValidateIf((line: InvoiceLineBody) => line.productId === undefined || line.description !== undefined)
  @IsText(DESCRIPTION_MAX)
  @IsNotEmpty()
  description?: string;

  @ApiProperty({ example: 1.5, exclusiveMinimum: true, minimum: 0, maximum: QUANTITY_MAX, description: 'Greater than 0, at most 4 decimal places.' })
  @IsPositiveDecimal(QUANTITY_DECIMALS, QUANTITY_MAX)
  quantity!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Integer minor units; required without productId.' })
  @ValidateIf((line: InvoiceLineBody) => line.productId === undefined || line.unitPrice !== undefined)
  @IsMinorUnits(0)
  unitPrice?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: TAX_RATE_MAX, description: 'Basis points; the product’s, else 0.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(TAX_RATE_MAX)
  taxRate?: number;
}

/** With fromDeal the deal gives the currency and the line: a body giving them too is refused. */
function NotFromDeal(): PropertyDecorator {
  return fieldDecorator(
    'notFromDeal',
    (property) => `${property} comes from the deal with fromDeal: leave it out`,
    (_value, body) => (body as CreateInvoiceBody).fromDeal !== true,
  );
}
const unlessFromDeal = (property: 'customer' | 'currency' | 'lines') =>
  ValidateIf((body: CreateInvoiceBody) => body.fromDeal !== true || body[property] !== undefined);

export class CreateInvoiceBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'A live crm deal of the workspace the invoice is for; required with fromDeal.' })
  @ValidateIf((body: CreateInvoiceBody) => body.fromDeal === true || body.dealId !== undefined)
  @IsUUID('all')
  dealId?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'One line for the deal’s amount in its currency, billed to its company, else its first contact (unless customer is given); currency and lines are then left out.',
  })
  @IsOptional()
  @IsBoolean()
  fromDeal?: boolean;

  @ApiPropertyOptional({ type: CustomerBody, description: 'Required unless fromDeal.' })
  @unlessFromDeal('customer')
  @IsDefined()
  @ValidateNested()
  @Type(() => CustomerBody)
  customer?: CustomerBody;
  @ApiPropertyOptional({ example: 'EUR', description: 'Required unless fromDeal, which takes the deal’s.' })
  @unlessFromDeal('currency')
  @IsCurrency()
  @NotFromDeal()
  currency?: string;
  @ApiPropertyOptional({ format: 'email', description: 'Defaults to the contact’s email.' }) @IsOptional() @IsEmail() @MaxLength(320) billingEmail?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Defaults to the day of finalization.' }) @IsOptional() @IsCalendarDate() issueDate?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Defaults to the issue date plus the payment terms.' }) @IsOptional() @IsCalendarDate() dueDate?: string;
  @ApiPropertyOptional({ enum: PAYMENT_TERM_NAMES, default: 'net_30' }) @IsOptional() @IsIn(PAYMENT_TERM_NAMES) paymentTerms?: PaymentTerms;
  @ApiPropertyOptional({ maxLength: NOTES_MAX }) @IsOptional() @IsText(NOTES_MAX) notes?: string;

  @ApiPropertyOptional({ type: [InvoiceLineBody], minItems: 1, maxItems: LINES_MAX, description: 'Required unless fromDeal, which makes the one line.' })
  @unlessFromDeal('lines')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineBody)
  @NotFromDeal()
  lines?: InvoiceLineBody[];
}

/** A draft's fields; absent ones stay, `lines` replaces every line. dueDate and billingEmail may be null (back to the default). */
export class UpdateInvoiceBody {
  @ApiPropertyOptional({ type: CustomerBody }) @Omittable() @ValidateNested() @Type(() => CustomerBody) customer?: CustomerBody;
  @ApiPropertyOptional({ example: 'EUR' }) @Omittable() @IsCurrency() currency?: string;
  @ApiPropertyOptional({ type: String, format: 'email', nullable: true }) @IsOptional() @IsEmail() @MaxLength(320) billingEmail?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) @IsOptional() @IsCalendarDate() issueDate?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) @IsOptional() @IsCalendarDate() dueDate?: string | null;
  @ApiPropertyOptional({ enum: PAYMENT_TERM_NAMES }) @Omittable() @IsIn(PAYMENT_TERM_NAMES) paymentTerms?: PaymentTerms;
  @ApiPropertyOptional({ type: String, maxLength: NOTES_MAX, nullable: true }) @IsOptional() @IsText(NOTES_MAX) notes?: string | null;

  @ApiPropertyOptional({ type: [InvoiceLineBody], minItems: 1, maxItems: LINES_MAX })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineBody)
  lines?: InvoiceLineBody[];
}

export class ListInvoicesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INVOICE_STATUSES }) @IsOptional() @IsIn(INVOICE_STATUSES) status?: InvoiceStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'The contact or company billed.' }) @IsOptional() @IsUUID('all') customerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The crm deal billed.' }) @IsOptional() @IsUUID('all') dealId?: string;
}

export class InvoiceCustomer {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) contactId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) companyId!: string | null;
  @ApiProperty({ description: 'As crm named it when the invoice was last written.' }) name!: string;
}

export class InvoiceLine {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) productId!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty({ example: 1.5 }) quantity!: number;
  @ApiProperty({ description: 'Integer minor units.' }) unitPrice!: number;
  @ApiProperty({ description: 'Basis points.' }) taxRate!: number;
  @ApiProperty({ description: 'round(quantity × unitPrice), half away from zero.' }) amount!: number;
  @ApiProperty({ description: 'round(amount × taxRate / 10000), half away from zero.' }) tax!: number;
}

export class Invoice {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'INV-2026-000042', description: 'Assigned at finalization.' }) number!: string | null;
  @ApiProperty({ enum: INVOICE_STATUSES }) status!: InvoiceStatus;
  @ApiProperty({ type: InvoiceCustomer }) customer!: InvoiceCustomer;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The crm deal it bills.' }) dealId!: string | null;
  @ApiProperty({ type: String, format: 'email', nullable: true }) billingEmail!: string | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Null on a draft that takes the day of finalization.' }) issueDate!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Null on a draft without issueDate and dueDate.' }) dueDate!: string | null;
  @ApiProperty({ enum: PAYMENT_TERM_NAMES }) paymentTerms!: PaymentTerms;
  @ApiProperty({ description: 'Open and past its due date.' }) overdue!: boolean;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({ type: [InvoiceLine] }) lines!: InvoiceLine[];
  @ApiProperty() subtotal!: number;
  @ApiProperty() tax!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'What payments settled, net of refunds.' }) amountPaid!: number;
  @ApiProperty({ description: 'The sum of its credit notes.' }) amountCredited!: number;
  @ApiProperty({ description: 'total − amountPaid − amountCredited; 0 on a void invoice.' }) amountDue!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finalizedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) voidedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) markedUncollectibleAt!: string | null;
}

export class InvoicePage {
  @ApiProperty({ type: [Invoice] }) data!: Invoice[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export const CreateInvoice = defineOperation({
  pattern: 'billing.invoices.create',
  summary: 'Create a draft invoice',
  description:
    'The server computes every amount. The customer must be a live crm contact or company of the workspace. With `dealId` and `fromDeal: true` the draft has one line for the deal’s amount in its currency, billed to the deal’s company or else its first contact.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices', status: 201 },
  input: CreateInvoiceBody,
  output: Invoice,
  errors: [UNPROCESSABLE],
});

export const ListInvoices = defineOperation({
  pattern: 'billing.invoices.list',
  summary: 'List invoices',
  description: 'Oldest first; filter by status and customer.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'invoices', status: 200 },
  input: ListInvoicesQuery,
  output: InvoicePage,
  errors: [],
});

export const GetInvoice = defineOperation({
  pattern: 'billing.invoices.get',
  summary: 'Read an invoice',
  description: 'With its lines and totals.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'invoices/:id', status: 200 },
  params: RecordIdParams,
  output: Invoice,
  errors: [NOT_FOUND],
});

export const UpdateInvoice = defineOperation({
  pattern: 'billing.invoices.update',
  summary: 'Change a draft invoice',
  description: 'Only drafts; `lines` replaces every line and the totals are computed again.',
  permission: 'billing:write',
  route: { method: 'PATCH', path: 'invoices/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateInvoiceBody,
  output: Invoice,
  errors: [NOT_FOUND, NOT_DRAFT, UNPROCESSABLE],
});

export const DeleteInvoice = defineOperation({
  pattern: 'billing.invoices.delete',
  summary: 'Delete a draft invoice',
  description: 'Only drafts, and for good: a draft has no number yet, so nothing leaves a gap.',
  permission: 'billing:write',
  route: { method: 'DELETE', path: 'invoices/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND, NOT_DRAFT],
});

export const FinalizeInvoice = defineOperation({
  pattern: 'billing.invoices.finalize',
  summary: 'Finalize a draft invoice',
  description: 'draft → open: fixes the issue and due dates and assigns the next number of the workspace and year (gapless).',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices/:id/finalize', status: 200 },
  params: RecordIdParams,
  output: Invoice,
  errors: [NOT_FOUND, INVALID_TRANSITION, { status: 422, description: 'The draft’s due date is before its issue date (details name dueDate).' }],
});

export const VoidInvoice = defineOperation({
  pattern: 'billing.invoices.void',
  summary: 'Void an invoice',
  description: 'open or uncollectible → void; the number stays used. A draft is deleted instead, a paid invoice gets a credit note.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices/:id/void', status: 200 },
  params: RecordIdParams,
  output: Invoice,
  errors: [NOT_FOUND, INVALID_TRANSITION],
});

export const MarkInvoiceUncollectible = defineOperation({
  pattern: 'billing.invoices.mark-uncollectible',
  summary: 'Mark an invoice uncollectible',
  description: 'open → uncollectible; it can still be paid or voided.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoices/:id/mark-uncollectible', status: 200 },
  params: RecordIdParams,
  output: Invoice,
  errors: [NOT_FOUND, INVALID_TRANSITION],
});

export const INVOICE_OPERATIONS = [
  CreateInvoice,
  ListInvoices,
  GetInvoice,
  UpdateInvoice,
  DeleteInvoice,
  FinalizeInvoice,
  VoidInvoice,
  MarkInvoiceUncollectible,
] as const;

/** billing.invoices.locate: an invoice id other services were given (crm's files on invoices). */
export class LocateInvoiceInput {
  invoiceId!: string;
}

export class LocatedInvoice {
  id!: string;
}

export const LocateInvoice = defineOperation({
  pattern: 'billing.invoices.locate',
  summary: 'Whether an invoice is one of the caller’s workspace',
  description:
    'For services that attach things to invoices (crm: files). No permission of its own: the calling service checks the caller’s. Another workspace’s ids and made-up ids are 404.',
  permission: null,
  input: LocateInvoiceInput,
  output: LocatedInvoice,
  errors: [NOT_FOUND],
});
