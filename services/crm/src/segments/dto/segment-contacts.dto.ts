import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsString, MaxLength } from 'class-validator';
import { CONTACT_IDS_MAX } from './create-segment.dto.js';
import { SegmentIdDto } from './segment-id.dto.js';

/** Adds contacts to, or removes them from, a static segment. */
export class SegmentContactsDto extends SegmentIdDto {
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds!: string[];
}
