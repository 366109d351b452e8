import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../common/list-query.js';
import { SegmentIdDto } from './segment-id.dto.js';

/** GET /segments/:id/contacts: a page of the live contacts in the segment, sorted as GET /contacts sorts. */
export class SegmentMembersDto extends SegmentIdDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;
}
