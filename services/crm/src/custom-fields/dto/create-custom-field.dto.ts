import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES, type CustomFieldEntity, type CustomFieldType } from '../custom-field-values.js';

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const LABEL_MAX = 200;
export const OPTION_MAX = 200;
export const OPTIONS_MAX = 500;

export class CreateCustomFieldDto {
  @IsIn(CUSTOM_FIELD_ENTITIES)
  entity!: CustomFieldEntity;

  @IsString()
  @Matches(KEY_PATTERN, { message: 'key must start with a lowercase letter and hold at most 63 lowercase letters, digits and underscores' })
  key!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LABEL_MAX)
  label!: string;

  @IsIn(CUSTOM_FIELD_TYPES)
  type!: CustomFieldType;

  /** Required (non-empty) for select fields, refused for the others: checked by the service. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(OPTIONS_MAX)
  @ArrayUnique({ message: 'options must not repeat a value' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(OPTION_MAX, { each: true })
  options?: string[];
}
