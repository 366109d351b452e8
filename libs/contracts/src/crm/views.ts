import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CrmListQuery, NOT_FOUND, RecordIdParams } from './common.js';

/** contacts, companies, deals, tasks, tickets, or `object:<key>` for a custom object's records (the console's `/objects/<key>`). */
export const VIEW_ENTITY = /^(contacts|companies|deals|tasks|tickets|object:[a-z][a-z0-9_]{1,39})$/;
export const VIEW_COLUMNS_MAX = 100;
const COLUMN_MAX = 100;

const ENTITY_DESCRIPTION = 'The list the view is of: contacts, companies, deals, tasks, tickets, or object:<key> for a custom object’s records. Never changes.';
const COLUMNS_DESCRIPTION =
  'The shown columns in order: fields of the entity’s records (as the API names them), customFields.<key> for a live custom field ' +
  '(contacts, companies, deals), a declared field’s key for a custom object. 422 naming columns.N otherwise.';
const FILTERS_DESCRIPTION =
  'The list’s own query parameters as JSON (those of GET /<entity>, without limit, cursor and sort; q is the search), ' +
  'checked as the list checks them: 422 naming filters.<key>.';
const SORT_DESCRIPTION = 'A sortable field of the list, optionally prefixed with -; null or absent: the list’s default order.';
const SHARED_DESCRIPTION =
  'Listed to every member of the workspace beside their own views, read only to them: only its owner, and roles with views:manage-shared ' +
  '(managers and above), change or delete a shared view.';
const NOT_YOURS = { status: 403, description: 'A view another user shared, without views:manage-shared.' } as const;
const NAME_TAKEN = { status: 409, description: 'The caller has a view of that name for the entity; details name it (existingId).' } as const;

/** The checks of `columns`, the same on create and on change. */
function ViewColumns(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(VIEW_COLUMNS_MAX),
    ArrayUnique({ message: 'columns must not repeat a column' }),
    IsString({ each: true }),
    MaxLength(COLUMN_MAX, { each: true }),
  );
}

export class CreateViewBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'My open leads' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ pattern: VIEW_ENTITY.source, example: 'contacts', description: ENTITY_DESCRIPTION })
  @IsString()
  @Matches(VIEW_ENTITY, { message: 'entity must be contacts, companies, deals, tasks, tickets or object:<key>' })
  entity!: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: VIEW_COLUMNS_MAX,
    example: ['lastName', 'email', 'customFields.tier'],
    description: COLUMNS_DESCRIPTION,
  })
  @ViewColumns()
  columns!: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { lifecycleStage: ['lead'], q: 'ada' }, description: FILTERS_DESCRIPTION })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: '-createdAt', description: SORT_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string | null;

  @ApiPropertyOptional({ description: 'Opens when the caller opens the list; setting it unsets the caller’s previous default of the entity.' })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ description: `${SHARED_DESCRIPTION} Default false.` })
  @IsOptional()
  @IsBoolean()
  shared?: boolean;
}

/** Everything but the entity may change; each field given replaces the stored one. */
export class UpdateViewBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: VIEW_COLUMNS_MAX, description: COLUMNS_DESCRIPTION })
  @Omittable()
  @ViewColumns()
  columns?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: FILTERS_DESCRIPTION })
  @Omittable()
  @IsObject()
  filters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, description: SORT_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string | null;

  @ApiPropertyOptional({
    description:
      'true makes it the caller’s default of the entity (unsetting the previous one); false unsets it. The caller’s own choice, on a view a colleague shared too (no copy, and the view stays unchanged for others; needs no right to change the view).',
  })
  @Omittable()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ description: `true shares the view with the workspace, false takes it back. ${SHARED_DESCRIPTION}` })
  @Omittable()
  @IsBoolean()
  shared?: boolean;
}

export class ListViewsQuery extends CrmListQuery {
  @ApiPropertyOptional({ pattern: VIEW_ENTITY.source, description: 'Only the views of this list.' })
  @IsOptional()
  @IsString()
  @Matches(VIEW_ENTITY, { message: 'entity must be contacts, companies, deals, tasks, tickets or object:<key>' })
  entity?: string;
}

export class View {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'contacts' }) entity!: string;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The list’s query parameters, absent ones dropped.' })
  filters!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) sort!: string | null;
  @ApiProperty({ description: 'Whether it opens first for the caller: their own choice, on a view a colleague shared too.' }) isDefault!: boolean;
  @ApiProperty({ description: SHARED_DESCRIPTION }) shared!: boolean;
  @ApiProperty({ format: 'uuid', description: 'The user who saved it, its owner.' }) userId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ViewPage {
  @ApiProperty({ type: [View] }) data!: View[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const OWN = 'A view is its owner’s; another user’s view is a 404 unless it is shared.';

export const CreateView = defineOperation({
  pattern: 'crm.views.create',
  summary: 'Save a list view',
  description: `A named choice of columns, filters and sort of one list, the caller’s own. 422 names the column, filter or sort the list does not have. ${OWN}`,
  permission: 'views:manage',
  route: { method: 'POST', path: 'views', status: 201 },
  input: CreateViewBody,
  output: View,
  errors: [NAME_TAKEN],
});

export const ListViews = defineOperation({
  pattern: 'crm.views.list',
  summary: 'List one’s views',
  description: `The caller’s views and the views others shared with the workspace (of one entity with ?entity=). Sort by name (default), createdAt or updatedAt; q matches the name; deleted=true lists nothing (a view is deleted for good). ${OWN}`,
  permission: 'views:manage',
  route: { method: 'GET', path: 'views', status: 200 },
  input: ListViewsQuery,
  output: ViewPage,
  errors: [],
});

export const GetView = defineOperation({
  pattern: 'crm.views.get',
  summary: 'Read a view',
  description: OWN,
  permission: 'views:manage',
  route: { method: 'GET', path: 'views/:id', status: 200 },
  params: RecordIdParams,
  output: View,
  errors: [NOT_FOUND],
});

export const UpdateView = defineOperation({
  pattern: 'crm.views.update',
  summary: 'Change a view',
  description: `Its name, columns, filters, sort, whether it is shared or the caller’s default; the entity never changes. ${OWN}`,
  permission: 'views:manage',
  route: { method: 'PATCH', path: 'views/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateViewBody,
  output: View,
  errors: [NOT_FOUND, NOT_YOURS, NAME_TAKEN],
});

export const DeleteView = defineOperation({
  pattern: 'crm.views.delete',
  summary: 'Delete a view',
  description: `Gone for good: a view is a preference, not a record. ${OWN}`,
  permission: 'views:manage',
  route: { method: 'DELETE', path: 'views/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND, NOT_YOURS],
});

export const VIEW_OPERATIONS = [CreateView, ListViews, GetView, UpdateView, DeleteView] as const;
