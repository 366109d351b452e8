import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsCalendarDate, IsCurrency, Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CHOICES_MAX, CreatedRangeListQuery, NOT_FOUND, QueryList, QueryNumber, RecordIdParams, RecordIdsQuery, UuidListQuery } from './common.js';
import { STAGE_KINDS, type StageKind } from './pipelines.js';

export const REASON_MAX = 2000;
export const DEAL_DESCRIPTION_MAX = 100_000;
export const CONTACTS_PER_DEAL_MAX = 100;
/** A deal's status is the kind of its stage. */
export const DEAL_STATUSES = STAGE_KINDS;

/** Optional and nullable: absent leaves the value unchanged, null clears it. */
const Nullable = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

export class CreateDealBody {
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

  @ApiProperty({ example: 'EUR', description: 'ISO 4217.' })
  @IsCurrency()
  currency!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the workspace’s default pipeline.' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A stage of the pipeline (else 422). Default: its first open stage.' })
  @IsOptional()
  @IsUUID('all')
  stageId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A live company of the workspace.' })
  @IsOptional()
  @IsUUID('all')
  companyId?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: CONTACTS_PER_DEAL_MAX, description: 'Live contacts of the workspace.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACTS_PER_DEAL_MAX)
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Default: the caller. Members may own only their own deals. Must be an active user of the workspace (else 422).',
  })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDate()
  expectedCloseDate?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DEAL_DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DEAL_DESCRIPTION_MAX)
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: REASON_MAX, description: 'Needed when the deal is created in a lost stage.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(REASON_MAX)
  lostReason?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Values of the workspace’s deal custom fields, checked by type.' })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}

/** PATCH /deals/:id: everything but the pipeline and stage (POST /deals/:id/stage moves a deal). */
export class UpdateDealBody {
  @ApiPropertyOptional({ maxLength: NAME_MAX, example: 'Acme — 50 seats' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Minor units of the currency (cents).', example: 1250000 })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount?: number;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217.' })
  @Omittable()
  @IsCurrency()
  currency?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A live company of the workspace.' })
  @Nullable()
  @IsUUID('all')
  companyId?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: CONTACTS_PER_DEAL_MAX, description: 'Live contacts of the workspace; replaces the list.' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(CONTACTS_PER_DEAL_MAX)
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Members may own only their own deals. Must be an active user of the workspace (else 422).',
  })
  @Nullable()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-12-31' })
  @Nullable()
  @IsCalendarDate()
  expectedCloseDate?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DEAL_DESCRIPTION_MAX })
  @Nullable()
  @IsString()
  @MaxLength(DEAL_DESCRIPTION_MAX)
  description?: string | null;

  @ApiPropertyOptional({ maxLength: REASON_MAX, description: 'Only on a lost deal, to correct the reason; it cannot be cleared there.' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(REASON_MAX)
  lostReason?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Changes only: a key set to null removes that value.' })
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;
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

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Place the deal just above this deal of the stage on the board (else 422). Without it or afterDealId, a deal entering the stage goes first.',
  })
  @IsOptional()
  @IsUUID('all')
  beforeDealId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Place the deal just below this deal of the stage on the board (else 422); not with beforeDealId.' })
  @IsOptional()
  @IsUUID('all')
  afterDealId?: string;
}

export class ListDealsQuery extends CreatedRangeListQuery {
  @RecordIdsQuery()
  id?: string[];

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

  @ApiPropertyOptional({ type: [String], enum: DEAL_STATUSES, description: 'The kind of the deal’s stage, one of, e.g. won,lost.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @IsIn(DEAL_STATUSES, { each: true })
  status?: StageKind[];

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
  @IsCalendarDate()
  expectedCloseDateFrom?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  expectedCloseDateTo?: string;
}

export class Deal {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', description: 'Minor units.' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ format: 'uuid' }) stageId!: string;
  @ApiProperty({ enum: DEAL_STATUSES, description: 'The kind of its stage (read only).' }) status!: StageKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) companyId!: string | null;
  @ApiProperty({ type: [String] }) contactIds!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) expectedCloseDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) lostReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set on entering a won or lost stage (read only).' }) closedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, string | number | boolean>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class DealPage {
  @ApiProperty({ type: [Deal] }) data!: Deal[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class StageChange {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the stage the deal was created in.' }) fromStageId!: string | null;
  @ApiProperty({ format: 'uuid' }) toStageId!: string;
  @ApiProperty({ type: String, nullable: true }) lostReason!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null when an API key moved it.' }) changedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class StageChangeList {
  @ApiProperty({ type: [StageChange], description: 'Newest first.' }) data!: StageChange[];
}

export const CreateDeal = defineOperation({
  pattern: 'crm.deals.create',
  summary: 'Create a deal',
  description: 'Created in a won or lost stage it is closed at once (lost needs lostReason).',
  permission: 'deals:write',
  route: { method: 'POST', path: 'deals', status: 201 },
  input: CreateDealBody,
  output: Deal,
  errors: [],
});

export const ListDeals = defineOperation({
  pattern: 'crm.deals.list',
  summary: 'List deals',
  description:
    'Sort by createdAt (default -createdAt), updatedAt, amount, expectedCloseDate (unknown last), name, or position (the board’s order of each stage’s deals); ' +
    'q matches name prefixes and fragments.',
  permission: 'deals:read',
  route: { method: 'GET', path: 'deals', status: 200 },
  input: ListDealsQuery,
  output: DealPage,
  errors: [],
});

export const GetDeal = defineOperation({
  pattern: 'crm.deals.get',
  summary: 'Read a deal',
  description: 'Live or deleted (deletedAt set).',
  permission: 'deals:read',
  route: { method: 'GET', path: 'deals/:id', status: 200 },
  params: RecordIdParams,
  output: Deal,
  errors: [NOT_FOUND],
});

export const UpdateDeal = defineOperation({
  pattern: 'crm.deals.update',
  summary: 'Change a deal',
  description: 'Absent fields stay, null clears. Members change only their own deals. The stage moves with POST /deals/:id/stage.',
  permission: 'deals:write',
  route: { method: 'PATCH', path: 'deals/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateDealBody,
  output: Deal,
  errors: [NOT_FOUND],
});

export const MoveDeal = defineOperation({
  pattern: 'crm.deals.move-stage',
  summary: 'Move a deal to a stage, or to a place in its stage',
  description:
    'Won and lost set closedAt (lost needs lostReason); an open stage clears closedAt and lostReason. Kept in the stage history. ' +
    'beforeDealId or afterDealId places the deal next to a deal of the stage, as GET /deals?sort=position lists them; ' +
    'within its own stage that is all that changes (no stage history, no event).',
  permission: 'deals:write',
  route: { method: 'POST', path: 'deals/:id/stage', status: 200 },
  params: RecordIdParams,
  input: MoveDealBody,
  output: Deal,
  errors: [NOT_FOUND],
});

export const ListStageChanges = defineOperation({
  pattern: 'crm.deals.stage-changes',
  summary: 'Read a deal’s stage history',
  description: 'Newest first; the oldest entry is the stage the deal was created in.',
  permission: 'deals:read',
  route: { method: 'GET', path: 'deals/:id/stage-changes', status: 200 },
  params: RecordIdParams,
  output: StageChangeList,
  errors: [NOT_FOUND],
});

export const DeleteDeal = defineOperation({
  pattern: 'crm.deals.delete',
  summary: 'Delete a deal',
  description: 'Soft delete; POST /deals/:id/restore brings the deal back.',
  permission: 'deals:write',
  route: { method: 'DELETE', path: 'deals/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreDeal = defineOperation({
  pattern: 'crm.deals.restore',
  summary: 'Restore a deleted deal',
  description: '409 when its stage or pipeline has been removed meanwhile.',
  permission: 'deals:write',
  route: { method: 'POST', path: 'deals/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Deal,
  errors: [NOT_FOUND, { status: 409, description: 'Its stage or pipeline has been removed meanwhile.' }],
});

export const DEAL_OPERATIONS = [CreateDeal, ListDeals, GetDeal, UpdateDeal, MoveDeal, ListStageChanges, DeleteDeal, RestoreDeal] as const;
