import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const AUDIENCE_PAGE_DEFAULT = 500;
export const AUDIENCE_PAGE_MAX = 1000;
export const AUDIENCE_CONTACT_IDS_MAX = 10_000;

/** crm.audience.resolve: exactly one of segmentId, filter and contactIds (checked by the service). */
export class ResolveAudienceDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  segmentId?: string;

  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(AUDIENCE_CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds?: string[];

  /** The nextCursor of the previous page: the id of its last contact. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(AUDIENCE_PAGE_MAX)
  limit?: number;
}
