import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Omittable } from '../fields.js';
import { defineOperation } from '../operation.js';
import { CreatedRangeListQuery, NOT_FOUND, RecordIdParams, RELATED_TYPES, RelatedRecord, type RelatedType } from './common.js';

export const BODY_MAX = 100_000;
const NOT_BLANK = /\S/;

export class CreateNoteBody {
  @ApiProperty({ minLength: 1, maxLength: BODY_MAX })
  @IsString()
  @IsNotEmpty()
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  body!: string;

  @ApiProperty({ type: RelatedRecord, description: 'The contact, company, deal or custom object record the note is about.' })
  @IsDefined()
  @ValidateNested()
  @Type(() => RelatedRecord)
  related!: RelatedRecord;
}

/** Absent fields stay; neither may be null. */
export class UpdateNoteBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: BODY_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  body?: string;

  @ApiPropertyOptional({ type: RelatedRecord })
  @Omittable()
  @ValidateNested()
  @Type(() => RelatedRecord)
  related?: RelatedRecord;
}

export class ListNotesQuery extends CreatedRangeListQuery {
  @ApiPropertyOptional({ enum: RELATED_TYPES }) @IsOptional() @IsIn(RELATED_TYPES) relatedType?: RelatedType;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') relatedId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The author’s user id.' }) @IsOptional() @IsUUID('all') authorId?: string;
}

export class Note {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: RelatedRecord }) related!: RelatedRecord;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when an API key wrote it.' }) authorId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class NotePage {
  @ApiProperty({ type: [Note] }) data!: Note[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const MEMBERS = 'Members change only the notes they wrote; managers and up any note.';

export const CreateNote = defineOperation({
  pattern: 'crm.notes.create',
  summary: 'Write a note',
  description: 'The caller is the author. 422 names the field; related must be a live record of the workspace.',
  permission: 'notes:write',
  route: { method: 'POST', path: 'notes', status: 201 },
  input: CreateNoteBody,
  output: Note,
  errors: [],
});

export const ListNotes = defineOperation({
  pattern: 'crm.notes.list',
  summary: 'List notes',
  description: 'Sort by createdAt (default -createdAt); q matches words of the body by prefix, and parts of it.',
  permission: 'notes:read',
  route: { method: 'GET', path: 'notes', status: 200 },
  input: ListNotesQuery,
  output: NotePage,
  errors: [],
});

export const GetNote = defineOperation({
  pattern: 'crm.notes.get',
  summary: 'Read a note',
  description: 'Live or deleted (deletedAt set).',
  permission: 'notes:read',
  route: { method: 'GET', path: 'notes/:id', status: 200 },
  params: RecordIdParams,
  output: Note,
  errors: [NOT_FOUND],
});

export const UpdateNote = defineOperation({
  pattern: 'crm.notes.update',
  summary: 'Change a note',
  description: `Absent fields stay. 404 for a deleted note. ${MEMBERS}`,
  permission: 'notes:write',
  route: { method: 'PATCH', path: 'notes/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateNoteBody,
  output: Note,
  errors: [NOT_FOUND],
});

export const DeleteNote = defineOperation({
  pattern: 'crm.notes.delete',
  summary: 'Delete a note',
  description: `Soft delete: restorable. ${MEMBERS}`,
  permission: 'notes:write',
  route: { method: 'DELETE', path: 'notes/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreNote = defineOperation({
  pattern: 'crm.notes.restore',
  summary: 'Restore a deleted note',
  description: 'A live note is returned unchanged.',
  permission: 'notes:write',
  route: { method: 'POST', path: 'notes/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Note,
  errors: [NOT_FOUND],
});

export const NOTE_OPERATIONS = [CreateNote, ListNotes, GetNote, UpdateNote, DeleteNote, RestoreNote] as const;
