import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OBJECT_ACCESS_LEVELS, OBJECT_KEY, OBJECTS_MAX, type ObjectAccessLevel } from '../access.js';

export { OBJECT_KEY, OBJECTS_MAX };
import { Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CrmListQuery, NOT_FOUND } from './common.js';

// Custom objects (issue 14): a workspace defines object types with typed fields; their records live
// under /objects/:key/records with the list conventions of every crm list.

export const OBJECT_FIELD_TYPES = [
  'text',
  'number',
  'currency',
  'date',
  'boolean',
  'select',
  'multi_select',
  'email',
  'phone',
  'url',
  'address',
  'relation',
] as const;
export type ObjectFieldType = (typeof OBJECT_FIELD_TYPES)[number];

/** Built-in records a relation field may point at, besides the workspace's other custom objects. */
export const BUILT_IN_RELATION_TARGETS = ['contacts', 'companies', 'deals'] as const;

/** camelCase or snake_case, as the field appears in a record's values. */
export const OBJECT_FIELD_KEY = /^[a-z][A-Za-z0-9_]{0,62}$/;

/**
 * Keys an object may not take: the API's own resources (and their singulars), so that an object's
 * name never reads as a built-in one in the console, in events or in webhooks.
 */
export const RESERVED_OBJECT_KEYS: ReadonlySet<string> = new Set([
  'contacts',
  'contact',
  'companies',
  'company',
  'deals',
  'deal',
  'tasks',
  'task',
  'notes',
  'note',
  'tickets',
  'ticket',
  'invoices',
  'invoice',
  'products',
  'product',
  'files',
  'file',
  'users',
  'user',
  'pipelines',
  'pipeline',
  'segments',
  'segment',
  'imports',
  'exports',
  'payments',
  'payment',
  'campaigns',
  'campaign',
  'reports',
  'dashboards',
  'webhooks',
  'webhook_endpoints',
  'custom_fields',
  'objects',
  'object',
  'records',
  'record',
  'timeline',
  'wallets',
  'ledger',
  'credit_notes',
  'invoice_schedules',
  'notifications',
  'email_templates',
  'workspaces',
  'workspace',
  'api_keys',
  'invitations',
  'audit_logs',
  'me',
]);

/** Per object, fields (per workspace, live object types: OBJECTS_MAX). */
export const OBJECT_FIELDS_MAX = 200;
const OPTIONS_MAX = 500;
const ICON_MAX = 64;

const OPTIONS_DESCRIPTION = 'The allowed values of a select or multi_select field (at least one, no repeats); refused for other types.';

function RequiredFlag(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ default: false, description: 'Records must hold a value (checked on create, and no write may clear it).' }),
    Omittable(),
    IsBoolean(),
  );
}

function SearchableFlag(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ default: false, description: 'Text-like values (text, email, phone, url, select) are found by ?q= of the record list.' }),
    Omittable(),
    IsBoolean(),
  );
}

function Options(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], maxItems: OPTIONS_MAX, description: OPTIONS_DESCRIPTION }),
    Omittable(),
    IsArray(),
    ArrayMaxSize(OPTIONS_MAX),
    ArrayUnique({ message: 'options must not repeat a value' }),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(NAME_MAX, { each: true }),
  );
}

/** A field as defined with its object or added to it. */
export class ObjectFieldBody {
  @ApiProperty({
    pattern: OBJECT_FIELD_KEY.source,
    example: 'propertyType',
    description: 'The name in a record’s values; unique in the object, never changes.',
  })
  @IsString()
  @Matches(OBJECT_FIELD_KEY, { message: 'key must start with a lowercase letter and hold at most 63 letters, digits and underscores' })
  key!: string;

  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Property type' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  label!: string;

  @ApiProperty({ enum: OBJECT_FIELD_TYPES, description: 'How values are checked on every write; never changes.' })
  @IsIn(OBJECT_FIELD_TYPES)
  type!: ObjectFieldType;

  @RequiredFlag() required?: boolean;
  @SearchableFlag() searchable?: boolean;
  @Options() options?: string[];

  @ApiPropertyOptional({
    example: 'contacts',
    description: 'Relation fields only: contacts, companies, deals or the key of a custom object of the workspace (itself included).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  target?: string;
}

/** What may change in a field. */
export class ObjectFieldSettings {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX, example: 'Property type' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  label?: string;

  @RequiredFlag() required?: boolean;
  @SearchableFlag() searchable?: boolean;
  @Options() options?: string[];
}

/** `:object` is the object type's key (a field's own `key` travels in the body beside it). */
export class ObjectKeyParams {
  @ApiProperty({ example: 'property', description: 'The object type’s key.' })
  @IsString()
  @MaxLength(100)
  object!: string;
}

export class ObjectFieldParams extends ObjectKeyParams {
  @ApiProperty({ example: 'propertyType' })
  @IsString()
  @MaxLength(100)
  field!: string;
}

export class ObjectRecordParams extends ObjectKeyParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

/** What an object type narrows of records:read and records:write, per role (docs/permissions.md "Custom objects"). */
export class ObjectAccessBody {
  @ApiPropertyOptional({ enum: OBJECT_ACCESS_LEVELS, description: 'Default write; none, read or write.' })
  @IsOptional()
  @IsIn(OBJECT_ACCESS_LEVELS)
  manager?: ObjectAccessLevel;

  @ApiPropertyOptional({ enum: OBJECT_ACCESS_LEVELS, description: 'Default write; none, read or write.' })
  @IsOptional()
  @IsIn(OBJECT_ACCESS_LEVELS)
  member?: ObjectAccessLevel;

  @ApiPropertyOptional({ enum: OBJECT_ACCESS_LEVELS, description: 'Default read; none or read (a viewer never writes records: 422 naming access.viewer).' })
  @IsOptional()
  @IsIn(OBJECT_ACCESS_LEVELS)
  viewer?: ObjectAccessLevel;
}

/** The access a role has to an object's records, as the object states it. */
export class ObjectAccessView {
  @ApiProperty({ enum: OBJECT_ACCESS_LEVELS }) manager!: ObjectAccessLevel;
  @ApiProperty({ enum: OBJECT_ACCESS_LEVELS }) member!: ObjectAccessLevel;
  @ApiProperty({ enum: OBJECT_ACCESS_LEVELS }) viewer!: ObjectAccessLevel;
}

const ACCESS_DESCRIPTION =
  'Narrows records:read and records:write for this object, per role: none (its records are refused, 403), read, or write. Owners and admins always write; a role left out keeps its default; a level above the default → 422 naming access.<role>.';

export class CreateObjectBody {
  @ApiProperty({ pattern: OBJECT_KEY.source, example: 'property', description: 'Lower snake case, 2–40 characters; not a built-in resource; never changes.' })
  @IsString()
  @Matches(OBJECT_KEY, { message: 'key must be 2 to 40 lowercase letters, digits and underscores, starting with a letter' })
  key!: string;

  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Property' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  singularLabel!: string;

  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Properties' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  pluralLabel!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ICON_MAX, example: 'building' })
  @IsOptional()
  @IsString()
  @MaxLength(ICON_MAX)
  icon?: string | null;

  @ApiPropertyOptional({ type: [ObjectFieldBody], maxItems: OBJECT_FIELDS_MAX })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(OBJECT_FIELDS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ObjectFieldBody)
  fields?: ObjectFieldBody[];

  @ApiPropertyOptional({ type: ObjectAccessBody, description: ACCESS_DESCRIPTION })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ObjectAccessBody)
  access?: ObjectAccessBody;
}

export class UpdateObjectBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  singularLabel?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  pluralLabel?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ICON_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(ICON_MAX)
  icon?: string | null;

  @ApiPropertyOptional({ type: ObjectAccessBody, description: `${ACCESS_DESCRIPTION} The roles sent replace theirs; the others stay.` })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ObjectAccessBody)
  access?: ObjectAccessBody;
}

export class ObjectField {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: OBJECT_FIELD_TYPES }) type!: ObjectFieldType;
  @ApiProperty() required!: boolean;
  @ApiProperty() searchable!: boolean;
  @ApiProperty({ type: [String], description: 'Empty unless the type is select or multi_select.' }) options!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'What a relation points at; null for other types.' }) target!: string | null;
}

export class ObjectType {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() key!: string;
  @ApiProperty() singularLabel!: string;
  @ApiProperty() pluralLabel!: string;
  @ApiProperty({ type: String, nullable: true }) icon!: string | null;
  @ApiProperty({ type: [ObjectField] }) fields!: ObjectField[];
  @ApiProperty({ type: ObjectAccessView, description: 'What managers, members and viewers may do with its records (owners and admins: write).' })
  access!: ObjectAccessView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class ObjectTypePage {
  @ApiProperty({ type: [ObjectType] }) data!: ObjectType[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListObjectsQuery extends CrmListQuery {}

const VALUES_DESCRIPTION =
  'Values by field key, each checked by its declared type (422 naming values.<key>): text, number, currency {amount (minor units), currency}, ' +
  'date YYYY-MM-DD, boolean, select (one option), multi_select (options), email, phone (stored E.164), url, address {line1, line2, city, region, ' +
  'postalCode, country}, relation (the id of a live record of its target in the workspace). null clears a value.';

export class ObjectRecordBody {
  @ApiProperty({ type: 'object', additionalProperties: true, description: VALUES_DESCRIPTION })
  @IsObject()
  values!: Record<string, unknown>;
}

export class UpdateObjectRecordBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `Only the keys sent change. ${VALUES_DESCRIPTION}` })
  @Omittable()
  @IsObject()
  values?: Record<string, unknown>;
}

export class ListObjectRecordsQuery extends CrmListQuery {
  @ApiPropertyOptional({
    maxLength: 4000,
    example: '{"propertyType":["house","flat"],"bedroomsFrom":2}',
    description:
      'A JSON object over the declared fields: {"field": value} equals (a multi_select holds it), {"field": [a, b]} one of, {"field": null} has none, ' +
      '{"fieldFrom": x, "fieldTo": y} inclusive bounds of number, currency (amount) and date fields, ' +
      '{"fieldContains": "text"} a text, email, phone or url value holding that text whatever its case (1–200 characters). 400 naming filter.<key> otherwise.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  filter?: string;
}

export class ObjectRecord {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The key of the record’s object.' }) object!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Values by field key; a field without a value is absent.' }) values!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class ObjectRecordPage {
  @ApiProperty({ type: [ObjectRecord] }) data!: ObjectRecord[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const OBJECT_NOT_FOUND = { status: 404, description: 'No live object type with this key in the workspace.' } as const;
const KEY_TAKEN = { status: 409, description: 'An object type (live or deleted) has the key; details name it (existingId).' } as const;
const FIELD_TAKEN = { status: 409, description: 'The object already has a field with this key.' } as const;

export const CreateObject = defineOperation({
  pattern: 'crm.objects.create',
  summary: 'Define a custom object type',
  description: `With its fields. 422 naming key when it shadows a built-in resource; at most ${OBJECTS_MAX} object types per workspace and ${OBJECT_FIELDS_MAX} fields per object.`,
  permission: 'objects:manage',
  route: { method: 'POST', path: 'objects', status: 201 },
  input: CreateObjectBody,
  output: ObjectType,
  errors: [KEY_TAKEN],
});

export const ListObjects = defineOperation({
  pattern: 'crm.objects.list',
  summary: 'List custom object types',
  description: 'Sort by key, createdAt (default) or updatedAt; q matches key and labels; deleted=true lists the deleted ones.',
  permission: 'objects:read',
  route: { method: 'GET', path: 'objects', status: 200 },
  input: ListObjectsQuery,
  output: ObjectTypePage,
  errors: [],
});

export const GetObject = defineOperation({
  pattern: 'crm.objects.get',
  summary: 'Read a custom object type',
  description: 'Live or deleted (deletedAt set).',
  permission: 'objects:read',
  route: { method: 'GET', path: 'objects/:object', status: 200 },
  params: ObjectKeyParams,
  output: ObjectType,
  errors: [NOT_FOUND],
});

export const UpdateObject = defineOperation({
  pattern: 'crm.objects.update',
  summary: 'Change a custom object type’s labels or icon',
  description: 'The key never changes; fields change through /objects/:key/fields.',
  permission: 'objects:manage',
  route: { method: 'PATCH', path: 'objects/:object', status: 200 },
  params: ObjectKeyParams,
  input: UpdateObjectBody,
  output: ObjectType,
  errors: [OBJECT_NOT_FOUND],
});

export const DeleteObject = defineOperation({
  pattern: 'crm.objects.delete',
  summary: 'Delete a custom object type',
  description: 'Soft delete: its records are kept but unreachable until it is restored; it keeps its key.',
  permission: 'objects:manage',
  route: { method: 'DELETE', path: 'objects/:object', status: 204 },
  params: ObjectKeyParams,
  errors: [OBJECT_NOT_FOUND],
});

export const RestoreObject = defineOperation({
  pattern: 'crm.objects.restore',
  summary: 'Restore a deleted custom object type',
  description: 'With its records. Restoring a live one returns it unchanged.',
  permission: 'objects:manage',
  route: { method: 'POST', path: 'objects/:object/restore', status: 200 },
  params: ObjectKeyParams,
  output: ObjectType,
  errors: [NOT_FOUND],
});

export const AddObjectField = defineOperation({
  pattern: 'crm.objects.fields.add',
  summary: 'Add a field to a custom object type',
  description: `At most ${OBJECT_FIELDS_MAX} fields; existing records have no value for it (a required field is enforced on their next write).`,
  permission: 'objects:manage',
  route: { method: 'POST', path: 'objects/:object/fields', status: 201 },
  params: ObjectKeyParams,
  input: ObjectFieldBody,
  output: ObjectType,
  errors: [OBJECT_NOT_FOUND, FIELD_TAKEN],
});

export const UpdateObjectField = defineOperation({
  pattern: 'crm.objects.fields.update',
  summary: 'Change a field of a custom object type',
  description: 'Label, required, searchable and a select’s options; key, type and target never change. Stored values are kept as they are.',
  permission: 'objects:manage',
  route: { method: 'PATCH', path: 'objects/:object/fields/:field', status: 200 },
  params: ObjectFieldParams,
  input: ObjectFieldSettings,
  output: ObjectType,
  errors: [{ status: 404, description: 'No such live object type, or no such field in it.' }],
});

export const RemoveObjectField = defineOperation({
  pattern: 'crm.objects.fields.remove',
  summary: 'Remove a field from a custom object type',
  description:
    'The field leaves the definition and its values leave every record of the object (live and deleted) in the same transaction, so its key can ' +
    'later name a new field of any type without old values surfacing; search text is refreshed. A relation field’s links go with it (the records ' +
    'it pointed at are untouched). Record timelines keep their history; no record.updated events are sent.',
  permission: 'objects:manage',
  route: { method: 'DELETE', path: 'objects/:object/fields/:field', status: 204 },
  params: ObjectFieldParams,
  errors: [{ status: 404, description: 'No such live object type, or no such field in it.' }],
});

export const CreateObjectRecord = defineOperation({
  pattern: 'crm.objects.records.create',
  summary: 'Create a record of a custom object',
  description: 'Values are checked against the object’s fields (422 naming values.<key>); required fields must hold a value.',
  permission: 'records:write',
  route: { method: 'POST', path: 'objects/:object/records', status: 201 },
  params: ObjectKeyParams,
  input: ObjectRecordBody,
  output: ObjectRecord,
  errors: [OBJECT_NOT_FOUND],
});

export const ListObjectRecords = defineOperation({
  pattern: 'crm.objects.records.list',
  summary: 'List the records of a custom object',
  description:
    'Sort by createdAt (default -createdAt), updatedAt or a text, select, email, phone, url, date, number or currency field; ' +
    'q searches the searchable fields; filter on declared fields (JSON, see the parameter).',
  permission: 'records:read',
  route: { method: 'GET', path: 'objects/:object/records', status: 200 },
  params: ObjectKeyParams,
  input: ListObjectRecordsQuery,
  output: ObjectRecordPage,
  errors: [OBJECT_NOT_FOUND],
});

export const GetObjectRecord = defineOperation({
  pattern: 'crm.objects.records.get',
  summary: 'Read a record of a custom object',
  description: 'Live or deleted (deletedAt set).',
  permission: 'records:read',
  route: { method: 'GET', path: 'objects/:object/records/:id', status: 200 },
  params: ObjectRecordParams,
  output: ObjectRecord,
  errors: [NOT_FOUND],
});

export const UpdateObjectRecord = defineOperation({
  pattern: 'crm.objects.records.update',
  summary: 'Change a record of a custom object',
  description: 'Only the values sent change; null clears one (not a required one).',
  permission: 'records:write',
  route: { method: 'PATCH', path: 'objects/:object/records/:id', status: 200 },
  params: ObjectRecordParams,
  input: UpdateObjectRecordBody,
  output: ObjectRecord,
  errors: [NOT_FOUND],
});

export const DeleteObjectRecord = defineOperation({
  pattern: 'crm.objects.records.delete',
  summary: 'Delete a record of a custom object',
  description: 'Soft delete; POST …/restore brings it back.',
  permission: 'records:write',
  route: { method: 'DELETE', path: 'objects/:object/records/:id', status: 204 },
  params: ObjectRecordParams,
  errors: [NOT_FOUND],
});

export const RestoreObjectRecord = defineOperation({
  pattern: 'crm.objects.records.restore',
  summary: 'Restore a deleted record of a custom object',
  description: 'Restoring a live record returns it unchanged.',
  permission: 'records:write',
  route: { method: 'POST', path: 'objects/:object/records/:id/restore', status: 200 },
  params: ObjectRecordParams,
  output: ObjectRecord,
  errors: [NOT_FOUND],
});

export const OBJECT_OPERATIONS = [
  CreateObject,
  ListObjects,
  GetObject,
  UpdateObject,
  DeleteObject,
  RestoreObject,
  AddObjectField,
  UpdateObjectField,
  RemoveObjectField,
  CreateObjectRecord,
  ListObjectRecords,
  GetObjectRecord,
  UpdateObjectRecord,
  DeleteObjectRecord,
  RestoreObjectRecord,
] as const;
