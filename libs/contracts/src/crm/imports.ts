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

/** The built-in entities an import fills through their fixed fields. */
export const IMPORT_ENTITIES = ['contacts', 'companies'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
/** What POST /imports takes: a built-in entity, or `records` of the custom object named by `object`. */
export const IMPORT_KINDS = [...IMPORT_ENTITIES, 'records'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
/** A custom object's key or field key as an import names it (the objects' own rules check it further). */
const IMPORT_KEY_MAX = 63;
export const IMPORT_MODES = ['merge', 'overwrite'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
/** The day/month orders an import reads (ISO dates are read under any). */
export const IMPORT_DATE_FORMATS = ['yyyy-mm-dd', 'dd/mm/yyyy', 'mm/dd/yyyy'] as const;
export type ImportDateFormat = (typeof IMPORT_DATE_FORMATS)[number];
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
    description:
      'CSV (UTF-8 with or without BOM, UTF-16; comma, semicolon or tab) or XLSX (first sheet), the first row being the header; or vCard (.vcf, 2.1, 3.0, 4.0).',
  })
  file!: unknown;

  @ApiProperty({ enum: IMPORT_KINDS }) entity!: string;

  @ApiPropertyOptional({
    description: 'With entity "records" (and only then): the key of the live custom object whose records the file holds (else 422 naming object).',
  })
  object?: string;

  @ApiPropertyOptional({
    description:
      'With entity "records": the key of the text, email, phone, url or number field a row is matched on (a live record holding the same value is merged into). Default: the object’s first email field; none → every row creates a record.',
  })
  matchField?: string;

  @ApiPropertyOptional({
    description:
      'JSON object: column name → field, "customFields.<key>", or null to skip the column (records: a field key, or "<key>.<part>" of an address or currency field). Overrides the recognised headers.',
    example: '{"E-mail":"email","Notes":null}',
  })
  mapping?: string;

  @ApiPropertyOptional({ enum: IMPORT_MODES, description: 'merge (default): differing values become conflicts; overwrite: the file wins.' }) mode?: string;

  @ApiPropertyOptional({ description: '"true" lets the lifecycle stage move backward.' }) lifecycleBackward?: string;

  @ApiPropertyOptional({
    enum: IMPORT_DATE_FORMATS,
    description:
      'How to read the file’s day/month dates. Without it the file’s values decide (a part above 12); when they disagree or none tells, the upload is refused with a 422 naming dateFormat.',
  })
  dateFormat?: string;
}

/** What an import and its preview read a file with: the form as the gateway read it. */
class ImportReadingInput {
  @IsString()
  @MaxLength(255)
  fileName!: string;

  @IsIn(IMPORT_KINDS)
  entity!: ImportKind;

  /** entity `records`: the custom object's key (crm checks it names a live object). */
  @IsOptional()
  @IsString()
  @MaxLength(IMPORT_KEY_MAX)
  object?: string;

  /** Column name → field, `customFields.<key>`, or null to skip the column. Checked against the entity's fields by crm. */
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string | null>;

  @IsOptional()
  @IsIn(IMPORT_DATE_FORMATS)
  dateFormat?: ImportDateFormat;
}

/** crm.imports.create: the form as the gateway read it, with the key under which it stored the upload. */
export class CreateImportInput extends ImportReadingInput {
  @IsString()
  @Matches(/^imports\/[0-9a-f-]{36}$/, { message: 'fileKey must be a key of an uploaded import file' })
  fileKey!: string;

  /** entity `records`: the field rows are matched on (crm checks it). */
  @IsOptional()
  @IsString()
  @MaxLength(IMPORT_KEY_MAX)
  matchField?: string;

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
  @ApiProperty({ enum: IMPORT_KINDS }) entity!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The custom object of a records import; null otherwise.' }) object!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The field a records import matches rows on; null: every row creates a record.' })
  matchField!: string | null;
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
  @ApiProperty({ type: String, nullable: true, enum: IMPORT_DATE_FORMATS, description: 'The order day/month dates are read in; null: ISO dates only.' })
  dateFormat!: ImportDateFormat | null;
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
  @ApiProperty({ enum: ['contact', 'company', 'record'] }) recordType!: 'contact' | 'company' | 'record';
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

/** Data rows a preview parses. */
export const IMPORT_PREVIEW_ROWS = 20;
/** The start of the upload the gateway hands crm for a preview (base64 keeps it under NATS's 1 MB message); the rest is discarded unread. */
export const IMPORT_PREVIEW_BYTES = 512 * 1024;
export const IMPORT_FILE_FORMATS = ['csv', 'xlsx', 'vcard'] as const;

/** The multipart form of POST /imports/preview. */
export class PreviewImportForm {
  @ApiProperty({ type: 'string', format: 'binary', description: 'As for POST /imports; only its start is read.' }) file!: unknown;
  @ApiProperty({ enum: IMPORT_KINDS }) entity!: string;
  @ApiPropertyOptional({ description: 'As for POST /imports: with entity "records" (and only then), the key of the live custom object.' }) object?: string;
  @ApiPropertyOptional({ description: 'As for POST /imports.', example: '{"E-mail":"email","Notes":null}' }) mapping?: string;
  @ApiPropertyOptional({ enum: IMPORT_DATE_FORMATS, description: 'As for POST /imports: wins over what the values show.' }) dateFormat?: string;
}

/** crm.imports.preview: the start of the file (base64) and the form as the gateway read it. */
export class PreviewImportInput extends ImportReadingInput {
  @IsString()
  @MaxLength(Math.ceil(IMPORT_PREVIEW_BYTES / 3) * 4)
  content!: string;

  /** false when the file went on beyond `content`. */
  @IsBoolean()
  complete!: boolean;
}

export class ImportPreviewColumn {
  @ApiProperty({ description: 'The header as in the file.' }) column!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The field it fills (customFields.<key>, address.<part>, emailLabel/phoneLabel for a type column), null: none.',
  })
  field!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['mapping', 'alias', 'customField', 'field'],
    description:
      'What decided it: the request’s mapping, a known export header, a custom field’s key or label, or (records) a field’s key or label (<key>.<part> for a part).',
  })
  matchedBy!: 'mapping' | 'alias' | 'customField' | 'field' | null;
  @ApiProperty({ type: String, nullable: true, description: 'The known header it matched, lower-cased without punctuation (e.g. "phonevalue").' }) alias!:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The label its additional emails or phones get (e.g. work, mobile).' }) label!: string | null;
}

export class ImportCellProblem {
  @ApiProperty({ type: String, nullable: true, description: 'The field the cell fills; null: the row as a whole (e.g. no email or phone).' }) field!:
    string | null;
  @ApiProperty() message!: string;
}

export class ImportPreviewRow {
  @ApiProperty({ description: 'Line in the file (the header is line 1; a vCard’s number in the file).' }) line!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The values as they would be stored (cells with problems left out).' })
  values!: Record<string, unknown>;
  @ApiProperty({ type: [ImportCellProblem], description: 'Empty when the row would import.' }) problems!: ImportCellProblem[];
}

export class ImportDateDetection {
  @ApiProperty({ type: String, nullable: true, enum: IMPORT_DATE_FORMATS, description: 'The order dates would be read in.' }) format!: ImportDateFormat | null;
  @ApiProperty({
    enum: ['request', 'values', 'none'],
    description: 'request: dateFormat was sent; values: a day or month above 12 decided; none: no day/month date seen.',
  })
  source!: 'request' | 'values' | 'none';
  @ApiProperty({ type: String, nullable: true, description: 'Set when POST /imports would refuse the file without dateFormat: why.' }) question!: string | null;
}

export class ImportPreview {
  @ApiProperty({ enum: IMPORT_FILE_FORMATS }) format!: (typeof IMPORT_FILE_FORMATS)[number];
  @ApiProperty({ type: String, nullable: true, enum: ['utf-8', 'utf-16le', 'utf-16be'], description: 'CSV and vCard.' }) encoding!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'CSV only: "," ";" or a tab.' }) delimiter!: string | null;
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ type: [ImportPreviewColumn] }) mapping!: ImportPreviewColumn[];
  @ApiProperty({ type: [String] }) unmappedColumns!: string[];
  @ApiProperty({ type: ImportDateDetection, description: 'From the previewed rows only; POST /imports reads more of the file.' })
  dateFormat!: ImportDateDetection;
  @ApiProperty({ type: [ImportPreviewRow], description: `The first ${IMPORT_PREVIEW_ROWS} data rows.` }) rows!: ImportPreviewRow[];
  @ApiProperty({ description: 'true when the first rows did not fit in the part of the file read (512 KiB): fewer rows are shown.' }) truncated!: boolean;
}

/** Called by the gateway's imports controller with the start of the upload (no route: the multipart form is read there). */
export const PreviewImport = defineOperation({
  pattern: 'crm.imports.preview',
  summary: 'Preview an import',
  description: `The detected encoding, delimiter, mapping and date format, and the first ${IMPORT_PREVIEW_ROWS} rows as they would be stored, with each cell’s problems. Writes nothing.`,
  permission: 'imports:write',
  input: PreviewImportInput,
  output: ImportPreview,
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
