import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { LABEL_MAX, OPTION_MAX, OPTIONS_MAX } from './create-custom-field.dto.js';

/** Absent leaves the value unchanged; null is not a value of these fields. */
const Omittable = () => ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** Entity, key and type never change: records hold values under the key, typed by it. */
export class UpdateCustomFieldDto {
  @IsString()
  id!: string;

  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LABEL_MAX)
  label?: string;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(OPTIONS_MAX)
  @ArrayUnique({ message: 'options must not repeat a value' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(OPTION_MAX, { each: true })
  options?: string[];
}
