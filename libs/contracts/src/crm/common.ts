import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, isURL, Max, MaxLength, Min } from 'class-validator';
import { IsCountry } from '../countries.js';
import { fieldDecorator } from '../fields.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../limits.js';

// What crm's operations share: list queries, record ids, lifecycle stages, postal addresses.

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const ADDRESS_TEXT_MAX = 200;
export const POSTAL_CODE_MAX = 32;
export const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;

/** A contact's or a company's address; every part may be absent or null. */
export class PostalAddress {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ADDRESS_TEXT_MAX }) @IsOptional() @IsString() @MaxLength(ADDRESS_TEXT_MAX) line1?:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ADDRESS_TEXT_MAX }) @IsOptional() @IsString() @MaxLength(ADDRESS_TEXT_MAX) line2?:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ADDRESS_TEXT_MAX }) @IsOptional() @IsString() @MaxLength(ADDRESS_TEXT_MAX) city?:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ADDRESS_TEXT_MAX, description: 'State, province or county.' })
  @IsOptional()
  @IsString()
  @MaxLength(ADDRESS_TEXT_MAX)
  region?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: POSTAL_CODE_MAX }) @IsOptional() @IsString() @MaxLength(POSTAL_CODE_MAX) postalCode?:
    string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'GB',
    description:
      'ISO 3166-1 alpha-2, stored upper case; a country name or common spelling ("Germany", "Deutschland", "USA", "UK") is accepted and stored as its code.',
  })
  @IsOptional()
  @IsCountry()
  country?: string | null;
}

export const WEB_ADDRESS_MAX = 500;

/** A web address as people paste it, with or without http(s)://: "acme.com/about" passes. */
export function isWebAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > WEB_ADDRESS_MAX) return false;
  const text = value.trim();
  return isURL(/^https?:\/\//i.test(text) ? text : `https://${text}`, { protocols: ['http', 'https'], require_protocol: true, require_tld: true });
}

/** A web address on linkedin.com ("linkedin.com/in/ada", "https://uk.linkedin.com/company/acme"). */
export function isLinkedInAddress(value: unknown): value is string {
  if (!isWebAddress(value)) return false;
  const text = value.trim();
  return /^([a-z0-9-]+\.)*linkedin\.com$/.test(new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`).hostname);
}

export function IsWebAddress(): PropertyDecorator {
  return fieldDecorator(
    'isWebAddress',
    (property) => `${property} must be a web address (e.g. https://acme.com)`,
    (value) => value === null || value === undefined || isWebAddress(value),
  );
}

export function IsLinkedInAddress(): PropertyDecorator {
  return fieldDecorator(
    'isLinkedInAddress',
    (property) => `${property} must be a linkedin.com address (e.g. https://www.linkedin.com/in/ada)`,
    (value) => value === null || value === undefined || isLinkedInAddress(value),
  );
}

/** Long enough for a cursor over a 200-character sort value. */
const CURSOR_MAX = 512;
/** How many values a "one of" list filter takes. */
export const CHOICES_MAX = 100;

export const RELATED_TYPES = ['contact', 'company', 'deal', 'record'] as const;
export type RelatedType = (typeof RELATED_TYPES)[number];

/** The record a task, a note or a timeline entry is about; `record` is a record of a custom object (its ids are unique across objects). */
export class RelatedRecord {
  @ApiProperty({ enum: RELATED_TYPES, description: 'record: a record of a live custom object (/objects/:object/records/:id).' })
  @IsIn(RELATED_TYPES)
  type!: RelatedType;
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
    return values.flatMap((item) =>
      typeof item === 'string'
        ? item
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : [item],
    );
  });
}

/** `?amountFrom=100` → 100. */
export function QueryNumber(): PropertyDecorator {
  return Type(() => Number);
}

/** Records one bulk request names, and the ids an `id` list filter takes; the console sends larger selections in requests of this many. */
export const BULK_IDS_MAX = 100;

/**
 * `?id=a,b`: the records themselves, up to `max` (BULK_IDS_MAX in a list's query string; an
 * export's filter, a JSON body, takes EXPORT_IDS_MAX).
 */
export function RecordIdsQuery(max = BULK_IDS_MAX): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], maxItems: max, description: `The records' own ids, one of; at most ${max}.` }),
    IsOptional(),
    QueryList(),
    IsArray(),
    ArrayMaxSize(max, { message: `id must name at most ${max} records` }),
    IsUUID('all', { each: true, message: 'each value of id must be a UUID' }),
  );
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
