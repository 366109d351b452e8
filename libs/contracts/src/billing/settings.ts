import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsText } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';

export const DEFAULT_INVOICE_PREFIX = 'INV';
const PREFIX = /^[A-Z0-9][A-Z0-9-]{0,11}$/;
const TEXT_MAX = 2000;

/** The whole settings; PUT replaces them, absent or null fields become empty (the prefix its default). */
export class BillingSettingsBody {
  @ApiProperty({ type: String, required: false, nullable: true, maxLength: NAME_MAX }) @IsOptional() @IsText(NAME_MAX) legalName?: string | null;
  @ApiProperty({ type: String, required: false, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsText(TEXT_MAX) address?: string | null;
  @ApiProperty({ type: String, required: false, nullable: true, maxLength: 64 }) @IsOptional() @IsText(64) taxId?: string | null;

  @ApiProperty({
    type: String,
    required: false,
    nullable: true,
    example: 'INV',
    description: '1–12 of A–Z, 0–9 and -, starting with a letter or digit; numbers read <prefix>-<year>-<6 digits>.',
  })
  @IsOptional()
  @Matches(PREFIX, { message: 'invoicePrefix must be 1 to 12 of A-Z, 0-9 and -, starting with a letter or digit' })
  invoicePrefix?: string | null;

  @ApiProperty({ type: String, required: false, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsText(TEXT_MAX) paymentInstructions?: string | null;
}

export class BillingSettings {
  @ApiProperty({ type: String, nullable: true }) legalName!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) taxId!: string | null;
  @ApiProperty({ example: 'INV' }) invoicePrefix!: string;
  @ApiProperty({ type: String, nullable: true }) paymentInstructions!: string | null;
}

export const GetBillingSettings = defineOperation({
  pattern: 'billing.settings.get',
  summary: 'Read the billing settings',
  description: 'The workspace’s legal details and invoice prefix; defaults until first written.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'billing-settings', status: 200 },
  output: BillingSettings,
  errors: [],
});

export const UpdateBillingSettings = defineOperation({
  pattern: 'billing.settings.update',
  summary: 'Replace the billing settings',
  description: 'A new prefix applies to invoices finalized from now on; numbers already given stay.',
  permission: 'billing:write',
  route: { method: 'PUT', path: 'billing-settings', status: 200 },
  input: BillingSettingsBody,
  output: BillingSettings,
  errors: [],
});

export const SETTINGS_OPERATIONS = [GetBillingSettings, UpdateBillingSettings] as const;
