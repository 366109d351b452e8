import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../auth-routes/fields.js';
import { CrmListQuery } from '@kinship/contracts/crm';

const ENTITIES = ['contact', 'company', 'deal'] as const;
const TYPES = ['text', 'number', 'date', 'boolean', 'select'] as const;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const LABEL_MAX = 200;
const OPTION_MAX = 200;
const OPTIONS_MAX = 500;

/** `/:id` of a crm record: any string, since an id that is not a UUID names no record and gets the same 404 as an unknown one. */
export class RecordIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

const OPTIONS_DESCRIPTION = 'The allowed values of a select field (required, at least one, no repeats); refused for other types.';

export class CreateCustomFieldBody {
  @ApiProperty({ enum: ENTITIES, description: 'The kind of record the field belongs to.' })
  @IsIn(ENTITIES)
  entity!: string;

  @ApiProperty({ pattern: KEY_PATTERN.source, example: 'industry_segment', description: 'The name under customFields; unique per entity among live definitions, never changes.' })
  @IsString()
  @Matches(KEY_PATTERN, { message: 'key must start with a lowercase letter and hold at most 63 lowercase letters, digits and underscores' })
  key!: string;

  @ApiProperty({ minLength: 1, maxLength: LABEL_MAX, example: 'Industry segment' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LABEL_MAX)
  label!: string;

  @ApiProperty({ enum: TYPES, description: 'How values are checked on every write; never changes.' })
  @IsIn(TYPES)
  type!: string;

  @ApiPropertyOptional({ type: [String], maxItems: OPTIONS_MAX, description: OPTIONS_DESCRIPTION })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(OPTIONS_MAX)
  @ArrayUnique({ message: 'options must not repeat a value' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(OPTION_MAX, { each: true })
  options?: string[];
}

export class UpdateCustomFieldBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: LABEL_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LABEL_MAX)
  label?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: OPTIONS_MAX,
    description: 'Select fields only; replaces the list. Records keep values of a removed option until they are changed.',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(OPTIONS_MAX)
  @ArrayUnique({ message: 'options must not repeat a value' })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(OPTION_MAX, { each: true })
  options?: string[];
}

export class ListCustomFieldsQuery extends CrmListQuery {
  @ApiPropertyOptional({ enum: ENTITIES })
  @IsOptional()
  @IsIn(ENTITIES)
  entity?: string;

  @ApiPropertyOptional({ enum: TYPES })
  @IsOptional()
  @IsIn(TYPES)
  type?: string;
}

export class CustomFieldResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ENTITIES }) entity!: string;
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: TYPES }) type!: string;
  @ApiProperty({ type: [String], description: 'Empty unless the type is select.' }) options!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class CustomFieldPageResponse {
  @ApiProperty({ type: [CustomFieldResponse] }) data!: CustomFieldResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
