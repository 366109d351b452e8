import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsCurrency } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';
import { Contact } from './contacts.js';
import { Deal } from './deals.js';

export class ConvertContactBody {
  @ApiProperty({ maxLength: NAME_MAX, example: 'Acme — first order' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  dealName!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Minor units of the currency (cents).' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217.' })
  @IsCurrency()
  currency!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the workspace’s default pipeline.' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;
}

export class Conversion {
  @ApiProperty({ type: Deal }) deal!: Deal;
  @ApiProperty({ type: Contact, description: 'The contact after the conversion (lifecycleStage opportunity unless it was further on).' }) contact!: Contact;
}

export const ConvertContact = defineOperation({
  pattern: 'crm.contacts.convert',
  summary: 'Convert a contact into a deal',
  description:
    'In one transaction: a deal with the contact, its company, owned by its owner (else the caller), and the contact’s lifecycleStage moved forward to opportunity. Members convert only their own contacts.',
  permission: 'deals:write',
  route: { method: 'POST', path: 'contacts/:id/convert', status: 201 },
  params: RecordIdParams,
  input: ConvertContactBody,
  output: Conversion,
  errors: [NOT_FOUND],
});

export const LEAD_CONVERSION_OPERATIONS = [ConvertContact] as const;
