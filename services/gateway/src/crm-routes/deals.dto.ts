import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { CrmListQuery, QueryList, QueryNumber, UuidListQuery } from '@kinship/contracts/crm';

const NAME_MAX = 200;
const REASON_MAX = 2000;
const DESCRIPTION_MAX = 100_000;
const CONTACTS_MAX = 100;
const STATUSES = ['open', 'won', 'lost'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** Optional and nullable: absent leaves the value unchanged, null clears it. */
const Nullable = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

/** `/deals/:id`: any string; one that is not a deal's id is a 404 from the crm service. */
export class DealIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

/** The fields a deal shares between create and PATCH. */
class DealFieldsBody {
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A live company of the workspace.' })
  @Nullable()
  @IsUUID('all')
  companyId?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: CONTACTS_MAX, description: 'Live contacts of the workspace; PATCH replaces the list.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACTS_MAX)
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Default: the caller. Members may own only their own deals. Must be an active user of the workspace (else 422).' })
  @Nullable()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-12-31' })
  @Nullable()
  @Matches(DATE, { message: 'expectedCloseDate must be a date (YYYY-MM-DD)' })
  expectedCloseDate?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DESCRIPTION_MAX })
  @Nullable()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @ApiPropertyOptional({ maxLength: REASON_MAX, description: 'Only for a deal in a lost stage (on create, or to correct the reason later).' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(REASON_MAX)
  lostReason?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Values of the workspace’s deal custom fields, checked by type; null removes a value.' })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}

/** PATCH /deals/:id: everything but the pipeline and stage (POST /deals/:id/stage moves a deal). */
export class UpdateDealBody extends DealFieldsBody {
  @ApiPropertyOptional({ maxLength: NAME_MAX, example: 'Acme — 50 seats' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Minor units of the currency (cents).', example: 1250000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount?: number;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 (the crm service checks the code exists).' })
  @IsOptional()
  @IsString()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 currency code, e.g. EUR' })
  currency?: string;
}

export class CreateDealBody extends DealFieldsBody {
  @ApiProperty({ maxLength: NAME_MAX, example: 'Acme — 50 seats' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Minor units of the currency (cents).', example: 1250000 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 (the crm service checks the code exists).' })
  @IsString()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 currency code, e.g. EUR' })
  currency!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the workspace’s default pipeline.' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A stage of the pipeline (else 422). Default: its first open stage.' })
  @IsOptional()
  @IsUUID('all')
  stageId?: string;
}

export class MoveDealBody {
  @ApiProperty({ format: 'uuid', description: 'A stage of the deal’s pipeline (or of pipelineId when given); else 422.' })
  @IsUUID('all')
  stageId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'To move the deal into another pipeline.' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  @ApiPropertyOptional({ maxLength: REASON_MAX, description: 'Required when the stage is a lost stage; refused otherwise.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(REASON_MAX)
  lostReason?: string;
}

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
  @IsString()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 currency code, e.g. EUR' })
  currency!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the workspace’s default pipeline.' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;
}

export class ListDealsQuery extends CrmListQuery {
  @UuidListQuery('Pipeline ids, one of.')
  pipelineId?: string[];

  @UuidListQuery('Stage ids, one of.')
  stageId?: string[];

  @UuidListQuery('Owner user ids, one of.')
  ownerId?: string[];

  @UuidListQuery('Company ids, one of.')
  companyId?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Deals this contact takes part in.' })
  @IsOptional()
  @IsUUID('all')
  contactId?: string;

  @ApiPropertyOptional({ type: [String], enum: STATUSES, description: 'The kind of the deal’s stage, one of, e.g. won,lost.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @IsIn(STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Amount at least (minor units).' })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(0)
  amountFrom?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Amount at most (minor units).' })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(0)
  amountTo?: number;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @Matches(DATE, { message: 'expectedCloseDateFrom must be a date (YYYY-MM-DD)' })
  expectedCloseDateFrom?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @Matches(DATE, { message: 'expectedCloseDateTo must be a date (YYYY-MM-DD)' })
  expectedCloseDateTo?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtTo?: string;
}

export class DealResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', description: 'Minor units.' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ format: 'uuid' }) stageId!: string;
  @ApiProperty({ enum: STATUSES, description: 'The kind of its stage (read only).' }) status!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) companyId!: string | null;
  @ApiProperty({ type: [String] }) contactIds!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expectedCloseDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) lostReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set on entering a won or lost stage (read only).' }) closedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class DealPageResponse {
  @ApiProperty({ type: [DealResponse] }) data!: DealResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class StageChangeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the stage the deal was created in.' }) fromStageId!: string | null;
  @ApiProperty({ format: 'uuid' }) toStageId!: string;
  @ApiProperty({ type: String, nullable: true }) lostReason!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null when an API key moved it.' }) changedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class StageChangeListResponse {
  @ApiProperty({ type: [StageChangeResponse], description: 'Newest first.' }) data!: StageChangeResponse[];
}

export class ConversionResponse {
  @ApiProperty({ type: DealResponse }) deal!: DealResponse;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The contact after the conversion (lifecycleStage opportunity unless it was further on).' })
  contact!: Record<string, unknown>;
}
