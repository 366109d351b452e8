import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, isEmail, MaxLength, ValidateNested } from 'class-validator';
import { fieldDecorator, IsCalendarDate, IsCurrency, Omittable, PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';
import { CustomerBody, InvoiceCustomer, InvoiceLineBody, LINES_MAX, PAYMENT_TERMS, type PaymentTerms } from './invoices.js';

export const SCHEDULE_INTERVALS = ['month', 'quarter', 'year'] as const;
export type ScheduleInterval = (typeof SCHEDULE_INTERVALS)[number];
const PAYMENT_TERM_NAMES = Object.keys(PAYMENT_TERMS) as PaymentTerms[];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** class-validator's IsEmail throws (URIError, a 500) on a lone surrogate: such a string is simply not an email. */
function IsEmailAddress(): PropertyDecorator {
  return fieldDecorator(
    'isEmail',
    (property) => `${property} must be an email`,
    (value) => typeof value === 'string' && !LONE_SURROGATE.test(value) && isEmail(value),
  );
}

const UNPROCESSABLE = {
  status: 422,
  description: 'A customer that is not a live crm record of the workspace, or an endDate before the startDate (details name the field).',
} as const;

export class CreateInvoiceScheduleBody {
  @ApiProperty({ type: CustomerBody }) @IsDefined() @ValidateNested() @Type(() => CustomerBody) customer!: CustomerBody;
  @ApiProperty({ example: 'EUR' }) @IsCurrency() currency!: string;

  @ApiProperty({
    type: [InvoiceLineBody],
    minItems: 1,
    maxItems: LINES_MAX,
    description: 'Each period’s invoice gets these lines, priced when it is made (a product’s current price).',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineBody)
  lines!: InvoiceLineBody[];

  @ApiProperty({ enum: SCHEDULE_INTERVALS }) @IsIn(SCHEDULE_INTERVALS) interval!: ScheduleInterval;
  @ApiProperty({ format: 'date', description: 'The first period starts here; each invoice is issued on its period’s first day (UTC).' })
  @IsCalendarDate()
  startDate!: string;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: 'No period starts after it.' }) @IsOptional() @IsCalendarDate() endDate?:
    string | null;
  @ApiPropertyOptional({ default: false, description: 'Finalize each invoice as it is made.' }) @IsOptional() @IsBoolean() autoFinalize?: boolean;
  @ApiPropertyOptional({ default: false, description: 'Email each invoice once it is finalized (needs autoFinalize).' })
  @IsOptional()
  @IsBoolean()
  autoSend?: boolean;
  @ApiPropertyOptional({ format: 'email' }) @IsOptional() @IsEmailAddress() @MaxLength(320) billingEmail?: string;
  @ApiPropertyOptional({ enum: PAYMENT_TERM_NAMES, default: 'net_30' }) @IsOptional() @IsIn(PAYMENT_TERM_NAMES) paymentTerms?: PaymentTerms;
}

/** What may change; periods already invoiced stay as they are. startDate and interval are fixed (make a new schedule). */
export class UpdateInvoiceScheduleBody {
  @ApiPropertyOptional({ type: CustomerBody }) @Omittable() @ValidateNested() @Type(() => CustomerBody) customer?: CustomerBody;
  @ApiPropertyOptional({ example: 'EUR' }) @Omittable() @IsCurrency() currency?: string;

  @ApiPropertyOptional({ type: [InvoiceLineBody], minItems: 1, maxItems: LINES_MAX })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineBody)
  lines?: InvoiceLineBody[];

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) @IsOptional() @IsCalendarDate() endDate?: string | null;
  @ApiPropertyOptional() @Omittable() @IsBoolean() autoFinalize?: boolean;
  @ApiPropertyOptional() @Omittable() @IsBoolean() autoSend?: boolean;
  @ApiPropertyOptional({ type: String, format: 'email', nullable: true }) @IsOptional() @IsEmailAddress() @MaxLength(320) billingEmail?: string | null;
  @ApiPropertyOptional({ enum: PAYMENT_TERM_NAMES }) @Omittable() @IsIn(PAYMENT_TERM_NAMES) paymentTerms?: PaymentTerms;
}

export class ScheduleLine {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() quantity!: number;
  @ApiProperty({ type: Number, nullable: true }) unitPrice!: number | null;
  @ApiProperty({ type: Number, nullable: true }) taxRate!: number | null;
}

export class InvoiceSchedule {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: InvoiceCustomer }) customer!: InvoiceCustomer;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: [ScheduleLine] }) lines!: ScheduleLine[];
  @ApiProperty({ enum: SCHEDULE_INTERVALS }) interval!: ScheduleInterval;
  @ApiProperty({ format: 'date' }) startDate!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endDate!: string | null;
  @ApiProperty() autoFinalize!: boolean;
  @ApiProperty() autoSend!: boolean;
  @ApiProperty({ type: String, format: 'email', nullable: true }) billingEmail!: string | null;
  @ApiProperty({ enum: PAYMENT_TERM_NAMES }) paymentTerms!: PaymentTerms;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The next period to invoice; null once past endDate.' }) nextPeriodStart!:
    string | null;
  @ApiProperty({ description: 'Periods invoiced so far.' }) periodsInvoiced!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class InvoiceSchedulePage {
  @ApiProperty({ type: [InvoiceSchedule] }) data!: InvoiceSchedule[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export const CreateInvoiceSchedule = defineOperation({
  pattern: 'billing.invoice-schedules.create',
  summary: 'Create a recurring invoice',
  description: 'Each period (month, quarter or year from startDate) gets exactly one invoice, on the period’s first day, even with several billing replicas.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'invoice-schedules', status: 201 },
  input: CreateInvoiceScheduleBody,
  output: InvoiceSchedule,
  errors: [UNPROCESSABLE],
});

export const ListInvoiceSchedules = defineOperation({
  pattern: 'billing.invoice-schedules.list',
  summary: 'List recurring invoices',
  description: 'Oldest first.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'invoice-schedules', status: 200 },
  input: PageQuery,
  output: InvoiceSchedulePage,
  errors: [],
});

export const GetInvoiceSchedule = defineOperation({
  pattern: 'billing.invoice-schedules.get',
  summary: 'Read a recurring invoice',
  description: 'With the next period to invoice.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'invoice-schedules/:id', status: 200 },
  params: RecordIdParams,
  output: InvoiceSchedule,
  errors: [NOT_FOUND],
});

export const UpdateInvoiceSchedule = defineOperation({
  pattern: 'billing.invoice-schedules.update',
  summary: 'Change a recurring invoice',
  description: 'Later periods use the new values; invoices already made stay.',
  permission: 'billing:write',
  route: { method: 'PATCH', path: 'invoice-schedules/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateInvoiceScheduleBody,
  output: InvoiceSchedule,
  errors: [NOT_FOUND, UNPROCESSABLE],
});

export const DeleteInvoiceSchedule = defineOperation({
  pattern: 'billing.invoice-schedules.delete',
  summary: 'Stop a recurring invoice',
  description: 'No further period is invoiced; invoices already made stay.',
  permission: 'billing:write',
  route: { method: 'DELETE', path: 'invoice-schedules/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const SCHEDULE_OPERATIONS = [CreateInvoiceSchedule, ListInvoiceSchedules, GetInvoiceSchedule, UpdateInvoiceSchedule, DeleteInvoiceSchedule] as const;
