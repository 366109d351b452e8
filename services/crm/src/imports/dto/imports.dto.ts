import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IMPORT_ENTITIES, type ColumnTarget, type ImportEntity } from '../column-mapping.js';

export const CONFLICT_ACTIONS = ['keep_existing', 'take_incoming', 'merge'] as const;
export type ConflictAction = (typeof CONFLICT_ACTIONS)[number];

/** crm.imports.create: the gateway has stored the upload under fileKey. */
export class CreateImportDto {
  @IsString()
  @Matches(/^imports\/[0-9a-f-]{36}$/, { message: 'fileKey must be a key of an uploaded import file' })
  fileKey!: string;

  @IsString()
  @MaxLength(255)
  fileName!: string;

  @IsIn(IMPORT_ENTITIES)
  entity!: ImportEntity;

  /** Column name → field, `customFields.<key>`, or null to skip the column. Checked against the entity's fields by the service. */
  @IsOptional()
  @IsObject()
  mapping?: Record<string, ColumnTarget>;

  @IsOptional()
  @IsIn(['merge', 'overwrite'])
  mode?: 'merge' | 'overwrite';

  @IsOptional()
  @IsBoolean()
  lifecycleBackward?: boolean;
}

export class ImportIdDto {
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class ListImportErrorsDto extends ImportIdDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  afterLine?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export class ListConflictsDto extends ImportIdDto {
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @IsOptional()
  @IsUUID('all')
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ResolveConflictDto extends ImportIdDto {
  @IsString()
  @MaxLength(100)
  conflictId!: string;

  @IsIn(CONFLICT_ACTIONS)
  action!: ConflictAction;

  /** merge: the values to write, by field name as in the conflict (`email`, `customFields.tier` …). */
  @ValidateIf((dto: ResolveConflictDto) => dto.action === 'merge' || dto.fields !== undefined)
  @IsObject()
  fields?: Record<string, unknown>;
}

export class ResolveConflictsDto extends ImportIdDto {
  @IsIn(['keep_existing', 'take_incoming'])
  action!: 'keep_existing' | 'take_incoming';

  @ValidateIf((dto: ResolveConflictsDto) => dto.all !== true)
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  conflictIds?: string[];

  @IsOptional()
  @IsBoolean()
  all?: boolean;
}
