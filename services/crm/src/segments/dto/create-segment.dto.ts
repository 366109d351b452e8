import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export const SEGMENT_KINDS = ['static', 'dynamic'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];
export const NAME_MAX = 200;
/** Contacts added (or removed) in one request; larger lists go in several. */
export const CONTACT_IDS_MAX = 1000;

export class CreateSegmentDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @IsIn(SEGMENT_KINDS)
  kind!: SegmentKind;

  /** Dynamic segments only: the filters of GET /contacts (checked by the service). */
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  /** Static segments only: the first members. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds?: string[];
}
