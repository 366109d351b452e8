import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';

export const IMPORT_ENTITIES = ['contacts', 'companies'] as const;
export const IMPORT_MODES = ['merge', 'overwrite'] as const;

export class ImportIdParams {
  @ApiProperty({ format: 'uuid' }) @IsString() @MaxLength(100) id!: string;
}

export class ConflictIdParams extends ImportIdParams {
  @ApiProperty({ format: 'uuid' }) @IsString() @MaxLength(100) conflictId!: string;
}

/** The multipart form of POST /imports, for the OpenAPI document (the route reads the parts itself, streaming the file). */
export class CreateImportForm {
  @ApiProperty({ type: 'string', format: 'binary', description: 'CSV (UTF-8 with or without BOM, UTF-16; comma, semicolon or tab) or XLSX (first sheet); the first row is the header.' })
  file!: unknown;

  @ApiProperty({ enum: IMPORT_ENTITIES }) entity!: string;

  @ApiPropertyOptional({ description: 'JSON object: column name → field, "customFields.<key>", or null to skip the column. Overrides the recognised headers.', example: '{"E-mail":"email","Notes":null}' })
  mapping?: string;

  @ApiPropertyOptional({ enum: IMPORT_MODES, description: 'merge (default): differing values become conflicts; overwrite: the file wins.' }) mode?: string;

  @ApiPropertyOptional({ description: '"true" lets the lifecycle stage move backward.' }) lifecycleBackward?: string;
}

export class ImportCreatedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class ImportErrorResponse {
  @ApiProperty({ description: 'Line number in the file (the header is line 1).' }) row!: number;
  @ApiProperty() message!: string;
}

export class ImportResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity!: string;
  @ApiProperty({ enum: IMPORT_MODES }) mode!: string;
  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed', 'cancelled', 'undone'] }) status!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', nullable: true }, nullable: true, description: 'What each column filled, once the job has read the header.' })
  mapping!: Record<string, string | null> | null;
  @ApiProperty({ type: [String], description: 'Columns that filled nothing.' }) unmappedColumns!: string[];
  @ApiProperty({ type: Number, nullable: true, description: 'Data rows in the file, known when the import completes.' }) total!: number | null;
  @ApiProperty() processed!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() conflicts!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: Number, nullable: true }) rowsPerSecond!: number | null;
  @ApiProperty({ type: [ImportErrorResponse], description: 'The first 100 bad rows; GET /imports/:id/errors.csv has them all.' }) errors!: ImportErrorResponse[];
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) requestedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cancelledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) undoneAt!: string | null;
}

export class ListConflictsQuery {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] }) @IsOptional() @IsIn(['open', 'resolved']) status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class ConflictResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) importId!: string;
  @ApiProperty({ enum: ['contact', 'company'] }) recordType!: string;
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ description: 'Line of the file the incoming value came from.' }) row!: number;
  @ApiProperty({ description: 'A field name, or customFields.<key> / address.<part>.' }) field!: string;
  @ApiProperty({ nullable: true }) existingValue!: unknown;
  @ApiProperty({ nullable: true }) incomingValue!: unknown;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['keep_existing', 'take_incoming', 'merge', 'closed_by_undo'] }) resolution!: string | null;
  @ApiProperty({ nullable: true }) resolvedValue!: unknown;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) resolvedAt!: string | null;
}

export class ConflictPageResponse {
  @ApiProperty({ type: [ConflictResponse] }) data!: ConflictResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ResolveConflictBody {
  @ApiProperty({ enum: ['keep_existing', 'take_incoming', 'merge'] }) @IsIn(['keep_existing', 'take_incoming', 'merge']) action!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'merge: the values to write, by field name as the conflict names it.' })
  @ValidateIf((body: ResolveConflictBody) => body.action === 'merge' || body.fields !== undefined)
  @IsObject()
  fields?: Record<string, unknown>;
}

export class ResolveConflictsBody {
  @ApiProperty({ enum: ['keep_existing', 'take_incoming'] }) @IsIn(['keep_existing', 'take_incoming']) action!: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 1000 })
  @ValidateIf((body: ResolveConflictsBody) => body.all !== true)
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  conflictIds?: string[];

  @ApiPropertyOptional({ description: 'true resolves every open conflict of the import.' }) @IsOptional() @IsBoolean() all?: boolean;
}

export class ResolvedCountResponse {
  @ApiProperty() resolved!: number;
}
