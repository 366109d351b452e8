import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CrmListQuery, NOT_FOUND, RecordIdParams } from './common.js';

export const CUSTOM_FIELD_ENTITIES = ['contact', 'company', 'deal'] as const;
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'select'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;
const LABEL_MAX = NAME_MAX;
const OPTION_MAX = NAME_MAX;
export const OPTIONS_MAX = 500;

/** A custom field's value as a record holds it. */
export type CustomFieldValue = string | number | boolean;
/** A text field's value holding this text, whatever its case. */
export interface CustomFieldContains {
  contains: string;
}
/** A number field's (numbers) or a date field's (YYYY-MM-DD) value within these inclusive bounds; either may be left out. */
export interface CustomFieldRange {
  from?: number | string;
  to?: number | string;
}
/** A list filter's condition on one custom field: a value (equality), {contains} or {from, to}. */
export type CustomFieldCondition = CustomFieldValue | CustomFieldContains | CustomFieldRange;
export type CustomFieldConditions = Record<string, CustomFieldCondition>;
/** How long the text of a {contains} condition may be. */
export const CUSTOM_FIELD_CONTAINS_MAX = 200;

/**
 * Whether a condition has one of the shapes of CustomFieldCondition. Whether the field's type takes
 * it (contains on a text, bounds of its type in order) is the crm's check against the definition.
 */
export function isCustomFieldConditionShape(value: unknown): value is CustomFieldCondition {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const operators = Object.entries(value);
  if (operators.length === 1 && operators[0]![0] === 'contains') return typeof operators[0]![1] === 'string';
  return (
    operators.length > 0 &&
    operators.every(([operator, bound]) => (operator === 'from' || operator === 'to') && (typeof bound === 'string' || typeof bound === 'number'))
  );
}

const OPTIONS_DESCRIPTION = 'The allowed values of a select field (required, at least one, no repeats); refused for other types.';

export class CreateCustomFieldBody {
  @ApiProperty({ enum: CUSTOM_FIELD_ENTITIES, description: 'The kind of record the field belongs to.' })
  @IsIn(CUSTOM_FIELD_ENTITIES)
  entity!: CustomFieldEntity;

  @ApiProperty({
    pattern: CUSTOM_FIELD_KEY.source,
    example: 'industry_segment',
    description: 'The name under customFields; unique per entity among live definitions, never changes.',
  })
  @IsString()
  @Matches(CUSTOM_FIELD_KEY, { message: 'key must start with a lowercase letter and hold at most 63 lowercase letters, digits and underscores' })
  key!: string;

  @ApiProperty({ minLength: 1, maxLength: LABEL_MAX, example: 'Industry segment' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LABEL_MAX)
  label!: string;

  @ApiProperty({ enum: CUSTOM_FIELD_TYPES, description: 'How values are checked on every write; never changes.' })
  @IsIn(CUSTOM_FIELD_TYPES)
  type!: CustomFieldType;

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
  @ApiPropertyOptional({ enum: CUSTOM_FIELD_ENTITIES })
  @IsOptional()
  @IsIn(CUSTOM_FIELD_ENTITIES)
  entity?: CustomFieldEntity;

  @ApiPropertyOptional({ enum: CUSTOM_FIELD_TYPES })
  @IsOptional()
  @IsIn(CUSTOM_FIELD_TYPES)
  type?: CustomFieldType;
}

export class CustomField {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_ENTITIES }) entity!: CustomFieldEntity;
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) type!: CustomFieldType;
  @ApiProperty({ type: [String], description: 'Empty unless the type is select.' }) options!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class CustomFieldPage {
  @ApiProperty({ type: [CustomField] }) data!: CustomField[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const KEY_TAKEN = { status: 409, description: 'A live definition of the entity has the key; details name it (existingId).' } as const;

export const CreateCustomField = defineOperation({
  pattern: 'crm.custom-fields.create',
  summary: 'Define a custom field',
  description: '409 when a live definition of the entity has the key (details name existingId).',
  permission: 'custom-fields:write',
  route: { method: 'POST', path: 'custom-fields', status: 201 },
  input: CreateCustomFieldBody,
  output: CustomField,
  errors: [KEY_TAKEN],
});

export const ListCustomFields = defineOperation({
  pattern: 'crm.custom-fields.list',
  summary: 'List custom field definitions',
  description: 'Sort by key, label, createdAt (default) or updatedAt; q matches key and label.',
  permission: 'custom-fields:read',
  route: { method: 'GET', path: 'custom-fields', status: 200 },
  input: ListCustomFieldsQuery,
  output: CustomFieldPage,
  errors: [],
});

export const GetCustomField = defineOperation({
  pattern: 'crm.custom-fields.get',
  summary: 'Read a custom field definition',
  description: 'Live or deleted (deletedAt set).',
  permission: 'custom-fields:read',
  route: { method: 'GET', path: 'custom-fields/:id', status: 200 },
  params: RecordIdParams,
  output: CustomField,
  errors: [NOT_FOUND],
});

export const UpdateCustomField = defineOperation({
  pattern: 'crm.custom-fields.update',
  summary: 'Change a custom field definition',
  description: 'The label, and a select field’s options; entity, key and type never change.',
  permission: 'custom-fields:write',
  route: { method: 'PATCH', path: 'custom-fields/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateCustomFieldBody,
  output: CustomField,
  errors: [NOT_FOUND],
});

export const DeleteCustomField = defineOperation({
  pattern: 'crm.custom-fields.delete',
  summary: 'Delete a custom field definition',
  description: 'Soft delete: records keep their values, which are no longer checked; a new definition may take the key.',
  permission: 'custom-fields:write',
  route: { method: 'DELETE', path: 'custom-fields/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreCustomField = defineOperation({
  pattern: 'crm.custom-fields.restore',
  summary: 'Restore a deleted custom field definition',
  description: '409 when a live definition has taken the key meanwhile.',
  permission: 'custom-fields:write',
  route: { method: 'POST', path: 'custom-fields/:id/restore', status: 200 },
  params: RecordIdParams,
  output: CustomField,
  errors: [NOT_FOUND, KEY_TAKEN],
});

export const CUSTOM_FIELD_OPERATIONS = [CreateCustomField, ListCustomFields, GetCustomField, UpdateCustomField, DeleteCustomField, RestoreCustomField] as const;
