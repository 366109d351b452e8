import { IsString, MaxLength } from 'class-validator';

/** GET, DELETE, restore and count of one segment. */
export class SegmentIdDto {
  /** Any string: an id that is not a UUID names no segment (404). */
  @IsString()
  @MaxLength(100)
  id!: string;
}
