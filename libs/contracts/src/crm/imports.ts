import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { MAX_PAGE_SIZE } from '../limits.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';

export const IMPORT_ENTITIES = ['contacts', 'companies'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export const IMPORT_MODES = ['merge', 'overwrite'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export const IMPORT_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled', 'undone'] as const;
export const CONFLICT_ACTIONS = ['keep_existing', 'take_incoming', 'merge'] as const;
export type ConflictAction = (typeof CONFLICT_ACTIONS)[number];
const BULK_CONFLICT_ACTIONS = ['keep_existing', 'take_incoming'] as const;
const CONFLICT_STATUSES = ['open', 'resolved'] as const;
const CONFLICT_IDS_MAX = 1000;
/** Error rows per page of crm.imports.errors. */
export const IMPORT_ERRORS_PAGE_MAX = 5000;

/** `/imports/:id/conflicts/:conflictId`; ids that are not UUIDs name nothing (404). */
export class ConflictIdParams extends RecordIdParams {
  @ApiProperty({ format: 'uuid' }) @IsString() @MaxLength(100) conflictId!: string;
}

/** The multipart form of POST /imports, for the OpenAPI document (the gateway reads the parts itself, streaming the file). */
export class CreateImportForm {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'CSV (UTF-8 with or without BOM, UTF-16; comma, semicolon or tab) or XLSX (first sheet); the first row is the header.',
  })
  file!: unknown;

  @ApiProperty({ enum: IMPORT_ENTITIES }) entity!: string;

  @ApiPropertyOptional({
    description: 'JSON object: column name → field, "customFields.<key>", or null to skip the column. Overrides the recognised headers.',
    example: '{"E-mail":"email","Notes":null}',
  })
  mapping?: string;

  @ApiPropertyOptional({ enum: IMPORT_MODES, description: 'merge (default): differing values become conflicts; overwrite: the file wins.' }) mode?: string;

  @ApiPropertyOptional({ description: '"true" lets the lifecycle stage move backward.' }) lifecycleBackward?: string;
}

/** crm.imports.create: the form as the gateway read it, with the key under which it stored the upload. */
export class CreateImportInput {
  @IsString()
  @Matches(/^imports\/[0-9a-f-]{36}$/, { message: 'fileKey must be a key of an uploaded import file' })
  fileKey!: string;

  @IsString()
  @MaxLength(255)
  fileName!: string;

  @IsIn(IMPORT_ENTITIES)
  entity!: ImportEntity;

  /** Column name → field, `customFields.<key>`, or null to skip the column. Checked against the entity's fields by crm. */
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string | null>;

  @IsOptional()
  @IsIn(IMPORT_MODES)
  mode?: ImportMode;

  @IsOptional()
  @IsBoolean()
  lifecycleBackward?: boolean;
}

export class ImportCreated {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class ImportError {
  @ApiProperty({ description: 'Line number in the file (the header is line 1).' }) row!: number;
  @ApiProperty() message!: string;
}

export class Import {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity!: string;
  @ApiProperty({ enum: IMPORT_MODES }) mode!: string;
  @ApiProperty({ enum: IMPORT_STATUSES }) status!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    nullable: true,
    description: 'What each column filled, once the job has read the header.',
  })
  mapping!: Record<string, string | null> | null;
  @ApiProperty({ type: [String], description: 'Columns that filled nothing.' }) unmappedColumns!: string[];
  @ApiProperty({ type: Number, nullable: true, description: 'Data rows in the file, known when the import completes.' }) total!: number | null;
  @ApiProperty() processed!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() conflicts!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: Number, nullable: true }) rowsPerSecond!: number | null;
  @ApiProperty({ type: [ImportError], description: 'The first 100 bad rows; GET /imports/:id/errors.csv has them all.' }) errors!: ImportError[];
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) requestedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cancelledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) undoneAt!: string | null;
}

/** crm.imports.errors: a page of the bad rows after `afterLine`. */
export class ImportErrorsInput {
  @IsOptional() @IsInt() @Min(0) afterLine?: number;
  @IsOptional() @IsInt() @Min(1) @Max(IMPORT_ERRORS_PAGE_MAX) limit?: number;
}

export class ImportErrorPage {
  /** The header of the file. */
  columns!: string[];
  errors!: Array<{ line: number; message: string; values: string[] }>;
}

export class ListConflictsQuery {
  @ApiPropertyOptional({ enum: CONFLICT_STATUSES }) @IsOptional() @IsIn(CONFLICT_STATUSES) status?: (typeof CONFLICT_STATUSES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

/** A field's value as the record holds it: text, a number, true/false, a list (tags) or null. */
const FIELD_VALUE = { anyOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: {} }, { type: 'object' }] };

export class Conflict {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) importId!: string;
  @ApiProperty({ enum: ['contact', 'company'] }) recordType!: 'contact' | 'company';
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ description: 'Line of the file the incoming value came from.' }) row!: number;
  @ApiProperty({ description: 'A field name, or customFields.<key> / address.<part>.' }) field!: string;
  @ApiProperty(FIELD_VALUE) existingValue!: unknown;
  @ApiProperty(FIELD_VALUE) incomingValue!: unknown;
  @ApiProperty({ enum: CONFLICT_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, enum: [...CONFLICT_ACTIONS, 'closed_by_undo'] }) resolution!: string | null;
  @ApiProperty(FIELD_VALUE) resolvedValue!: unknown;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) resolvedAt!: string | null;
}

export class ConflictPage {
  @ApiProperty({ type: [Conflict] }) data!: Conflict[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ResolveConflictBody {
  @ApiProperty({ enum: CONFLICT_ACTIONS }) @IsIn(CONFLICT_ACTIONS) action!: ConflictAction;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'merge: the values to write, by field name as the conflict names it.' })
  @ValidateIf((body: ResolveConflictBody) => body.action === 'merge' || body.fields !== undefined)
  @IsObject()
  fields?: Record<string, unknown>;
}

export class ResolveConflictsBody {
  @ApiProperty({ enum: BULK_CONFLICT_ACTIONS }) @IsIn(BULK_CONFLICT_ACTIONS) action!: (typeof BULK_CONFLICT_ACTIONS)[number];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: CONFLICT_IDS_MAX })
  @ValidateIf((body: ResolveConflictsBody) => body.all !== true)
  @IsArray()
  @ArrayMaxSize(CONFLICT_IDS_MAX)
  @IsUUID('all', { each: true })
  conflictIds?: string[];

  @ApiPropertyOptional({ description: 'true resolves every open conflict of the import.' }) @IsOptional() @IsBoolean() all?: boolean;
}

export class ResolvedCount {
  @ApiProperty() resolved!: number;
}

const NOT_NOW = { status: 409, description: 'The import is not in a state that allows it.' } as const;

/** Called by the gateway's imports controller once it has stored the upload (no route: the multipart form is read there). */
export const CreateImport = defineOperation({
  pattern: 'crm.imports.create',
  summary: 'Queue an import',
  description: 'The upload is stored under fileKey; the job reads it.',
  permission: 'imports:write',
  input: CreateImportInput,
  output: ImportCreated,
  errors: [],
});

/** Read page by page by the gateway's imports controller, which writes errors.csv (no route). */
export const ListImportErrors = defineOperation({
  pattern: 'crm.imports.errors',
  summary: 'Read an import’s bad rows',
  description: 'Every bad row with its original cells, after afterLine.',
  permission: 'imports:write',
  params: RecordIdParams,
  input: ImportErrorsInput,
  output: ImportErrorPage,
  errors: [NOT_FOUND],
});

export const GetImport = defineOperation({
  pattern: 'crm.imports.get',
  summary: 'Read an import',
  description: 'Its status, counts, mapping and first bad rows.',
  permission: 'imports:write',
  route: { method: 'GET', path: 'imports/:id', status: 200 },
  params: RecordIdParams,
  output: Import,
  errors: [NOT_FOUND],
});

export const CancelImport = defineOperation({
  pattern: 'crm.imports.cancel',
  summary: 'Cancel an import',
  description: 'The job stops at its next batch; what it committed stays (undo removes it). 409 when the import is not queued or running.',
  permission: 'imports:write',
  route: { method: 'POST', path: 'imports/:id/cancel', status: 200 },
  params: RecordIdParams,
  output: Import,
  errors: [NOT_FOUND, NOT_NOW],
});

export const UndoImport = defineOperation({
  pattern: 'crm.imports.undo',
  summary: 'Undo an import',
  description: 'Within 24 hours, once: created records are deleted, changed ones restored. 409 otherwise.',
  permission: 'imports:write',
  route: { method: 'POST', path: 'imports/:id/undo', status: 200 },
  params: RecordIdParams,
  output: Import,
  errors: [NOT_FOUND, NOT_NOW],
});

export const ListConflicts = defineOperation({
  pattern: 'crm.imports.conflicts.list',
  summary: 'List an import’s conflicts',
  description: 'Values of the file that differ from the stored record (mode merge), oldest first.',
  permission: 'imports:write',
  route: { method: 'GET', path: 'imports/:id/conflicts', status: 200 },
  params: RecordIdParams,
  input: ListConflictsQuery,
  output: ConflictPage,
  errors: [NOT_FOUND],
});

export const ResolveConflicts = defineOperation({
  pattern: 'crm.imports.conflicts.resolve-many',
  summary: 'Resolve many conflicts',
  description: 'keep_existing or take_incoming for the listed conflicts, or all open ones.',
  permission: 'imports:write',
  route: { method: 'POST', path: 'imports/:id/conflicts/resolve', status: 200 },
  params: RecordIdParams,
  input: ResolveConflictsBody,
  output: ResolvedCount,
  errors: [NOT_FOUND],
});

export const ResolveConflict = defineOperation({
  pattern: 'crm.imports.conflicts.resolve',
  summary: 'Resolve a conflict',
  description: 'take_incoming and merge write through the record’s normal update (422 or 409 when the value is refused).',
  permission: 'imports:write',
  route: { method: 'POST', path: 'imports/:id/conflicts/:conflictId/resolve', status: 200 },
  params: ConflictIdParams,
  input: ResolveConflictBody,
  output: Conflict,
  errors: [NOT_FOUND, { status: 409, description: 'The conflict is resolved already, or the value is refused as the record’s update would refuse it.' }],
});

export const IMPORT_OPERATIONS = [GetImport, CancelImport, UndoImport, ListConflicts, ResolveConflicts, ResolveConflict] as const;
