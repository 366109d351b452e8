import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../common/list-query.js';
import { RELATED_TYPES, type RelatedType } from '../../common/related-records.js';

/** `GET /contacts/:id/timeline` and the like: whose timeline, and which page. */
export class TimelineRequestDto {
  @IsIn(RELATED_TYPES)
  subjectType!: RelatedType;

  /** Any string; one that is not a UUID is simply not found (404). */
  @IsString()
  @MaxLength(100)
  id!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string | null;
}
