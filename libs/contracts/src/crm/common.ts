import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../limits.js';

// What crm's operations share: list queries, record ids, lifecycle stages.

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Long enough for a cursor over a 200-character sort value. */
const CURSOR_MAX = 512;
/** How many values a "one of" list filter takes. */
export const CHOICES_MAX = 100;

export const RELATED_TYPES = ['contact', 'company', 'deal'] as const;
export type RelatedType = (typeof RELATED_TYPES)[number];

/** The record a task, a note or a timeline entry is about. */
export class RelatedRecord {
  @ApiProperty({ enum: RELATED_TYPES }) @IsIn(RELATED_TYPES) type!: RelatedType;
  @ApiProperty({ format: 'uuid', description: 'A live record of that type in the workspace (else 422 naming related.id).' }) @IsUUID('all') id!: string;
}

/** `/:id` of a crm record: any string, since an id that is not a UUID names no record and gets the same 404 as an unknown one. */
export class RecordIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

/** The 404 every operation on one record can answer. */
export const NOT_FOUND = { status: 404, description: 'No such record in the workspace (another workspace’s ids too).' } as const;

/** `?flag=true|false` → boolean; anything else stays a string and fails validation (400). */
export function QueryBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: '$property must be true or false' }),
  );
}

/** `?stage=lead,customer` (or a repeated parameter) → ['lead', 'customer']. */
export function QueryList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    const values = Array.isArray(value) ? value : [value];
    return values.flatMap((item) => (typeof item === 'string' ? item.split(',').map((part) => part.trim()).filter(Boolean) : [item]));
  });
}

/** `?amountFrom=100` → 100. */
export function QueryNumber(): PropertyDecorator {
  return Type(() => Number);
}

/** `?ownerId=a,b`: up to 100 ids, any of them matches. */
export function UuidListQuery(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description }),
    IsOptional(),
    QueryList(),
    IsArray(),
    ArrayMaxSize(CHOICES_MAX),
    IsUUID('all', { each: true }),
  );
}

/** `?limit=&cursor=` of a crm page. */
export class CrmPageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', maxLength: CURSOR_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX)
  cursor?: string;
}

/**
 * `?limit=&cursor=&sort=&q=&deleted=` of every crm list. The crm service checks `sort` against
 * the list's sortable fields (400 invalid_parameter naming it) and the cursor against the list (400 invalid_cursor).
 */
export class CrmListQuery extends CrmPageQuery {
  @ApiPropertyOptional({ description: 'A field name, or -field for descending order.', example: '-createdAt', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;

  @ApiPropertyOptional({ description: 'Free-text search; every word matches as a prefix.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'true lists the deleted records (restorable) instead of the live ones.' })
  @IsOptional()
  @QueryBoolean()
  deleted?: boolean;
}

/** A list whose records can be filtered by when they were created. */
export class CreatedRangeListQuery extends CrmListQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or before.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtTo?: string;
}

/** A page of a crm list. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
