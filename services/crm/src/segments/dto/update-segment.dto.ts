import { IsNotEmpty, IsObject, IsString, MaxLength, ValidateIf } from 'class-validator';
import { NAME_MAX } from './create-segment.dto.js';

/** Absent leaves the value unchanged; null is not a value of these fields. */
const Omittable = () => ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** The kind never changes; a static segment's members change through add and remove. */
export class UpdateSegmentDto {
  @IsString()
  @MaxLength(100)
  id!: string;

  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  /** Dynamic segments only; replaces the whole filter. */
  @Omittable()
  @IsObject()
  filter?: Record<string, unknown>;
}
