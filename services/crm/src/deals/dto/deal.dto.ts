import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { CreatedRangeListDto } from '../../common/list.dto.js';
import { IsCalendarDate, IsCurrency } from './deal-fields.js';

export const MAX_CONTACTS_PER_DEAL = 100;
export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;

/** Optional and nullable: absent leaves the value unchanged, null clears it. */
const Nullable = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);
/** Optional, not nullable: absent leaves the value unchanged, null is not a value. */
const Omittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class CreateDealDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** Minor units (cents). */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @IsCurrency()
  currency!: string;

  /** Default: the workspace's default pipeline. */
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  /** Default: the first open stage of the pipeline. */
  @IsOptional()
  @IsUUID('all')
  stageId?: string;

  @IsOptional()
  @IsUUID('all')
  companyId?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS_PER_DEAL)
  @IsUUID('all', { each: true })
  contactIds?: string[];

  /** Default: the caller. */
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @IsOptional()
  @IsCalendarDate()
  expectedCloseDate?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  description?: string | null;

  /** Needed when the deal is created in a lost stage. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  lostReason?: string | null;

  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}

/** PATCH: any field but the pipeline and stage (POST /deals/:id/stage moves a deal). */
export class UpdateDealDto {
  @IsString()
  id!: string;

  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @Omittable()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount?: number;

  @Omittable()
  @IsCurrency()
  currency?: string;

  @Nullable()
  @IsUUID('all')
  companyId?: string | null;

  /** The whole new list of contacts. */
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS_PER_DEAL)
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @Nullable()
  @IsUUID('all')
  ownerId?: string | null;

  @Nullable()
  @IsCalendarDate()
  expectedCloseDate?: string | null;

  @Nullable()
  @IsString()
  @MaxLength(100_000)
  description?: string | null;

  /** Only on a lost deal, to correct the reason; it cannot be cleared there. */
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  lostReason?: string;

  /** Changes only: a key set to null removes that value. */
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;
}

export class MoveDealDto {
  @IsString()
  id!: string;

  @IsUUID('all')
  stageId!: string;

  /** To move the deal into another pipeline; the stage must be one of its stages. */
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  /** Required when the stage is a lost stage. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  lostReason?: string;
}

export class DealIdDto {
  /** Any string: an id that is not a UUID is simply not found (404). */
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class ListDealsDto extends CreatedRangeListDto {
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  pipelineId?: string[];

  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  stageId?: string[];

  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  ownerId?: string[];

  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  companyId?: string[];

  /** Deals this contact takes part in. */
  @IsOptional()
  @IsUUID('all')
  contactId?: string;

  @IsOptional()
  @IsArray()
  @IsIn(DEAL_STATUSES, { each: true })
  status?: string[];

  @IsOptional()
  @IsInt()
  @Min(0)
  amountFrom?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  amountTo?: number;

  @IsOptional()
  @IsCalendarDate()
  expectedCloseDateFrom?: string;

  @IsOptional()
  @IsCalendarDate()
  expectedCloseDateTo?: string;
}

/** Lead conversion: POST /contacts/:id/convert. */
export class ConvertContactDto {
  @IsString()
  id!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  dealName!: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @IsCurrency()
  currency!: string;

  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;
}
