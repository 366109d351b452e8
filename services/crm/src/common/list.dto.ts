import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE, type ListFilter, type ListRequest } from './list-query.js';

/**
 * `limit`, `cursor`, `sort`, `q` and `deleted` of every list request; each list's DTO extends it
 * with the filters of its fields (see ListDefinition for their meaning).
 */
export class ListDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string | null;

  @IsOptional()
  @IsBoolean()
  deleted?: boolean | null;
}

/** A list whose records can be filtered by when they were created (`createdAtFrom`, `createdAtTo`). */
export class CreatedRangeListDto extends ListDto {
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtTo?: string;
}

/** Splits a validated list request into its filter and its paging, dropping absent filters. */
export function toListRequest(dto: ListDto): ListRequest {
  const { limit, cursor, sort, q, ...rest } = dto;
  const filter: ListFilter = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined && value !== null));
  return { filter, q, sort, limit, cursor };
}
