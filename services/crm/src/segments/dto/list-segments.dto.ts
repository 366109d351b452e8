import { IsIn, IsOptional } from 'class-validator';
import { ListDto } from '../../common/list.dto.js';
import { SEGMENT_KINDS, type SegmentKind } from './create-segment.dto.js';

/** GET /segments: `q` matches the name. */
export class ListSegmentsDto extends ListDto {
  @IsOptional()
  @IsIn(SEGMENT_KINDS)
  kind?: SegmentKind;
}
