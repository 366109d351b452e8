import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DUPLICATE_REASONS = ['email', 'phone', 'name_company'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];
export const DUPLICATE_PAGE_DEFAULT = 50;
export const DUPLICATE_PAGE_MAX = 200;

/** GET /contacts/duplicates: groups, `limit` of them per page. */
export class ListDuplicatesDto {
  @IsOptional()
  @IsIn(DUPLICATE_REASONS)
  reason?: DuplicateReason;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(DUPLICATE_PAGE_MAX)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
