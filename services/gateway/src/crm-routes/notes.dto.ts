import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Omittable } from '../auth-routes/fields.js';
import { CrmListQuery } from '@kinship/contracts/crm';
import { RELATED_TYPES, RelatedRecordBody, RelatedRecordResponse } from './tasks.dto.js';

const BODY_MAX = 100_000;

export class CreateNoteBody {
  @ApiProperty({ minLength: 1, maxLength: BODY_MAX }) @IsString() @IsNotEmpty() @MaxLength(BODY_MAX) body!: string;

  @ApiProperty({ type: RelatedRecordBody, description: 'The contact, company or deal the note is about.' })
  @IsDefined()
  @ValidateNested()
  @Type(() => RelatedRecordBody)
  related!: RelatedRecordBody;
}

/** Absent fields stay; neither may be null. */
export class UpdateNoteBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: BODY_MAX }) @Omittable() @IsString() @IsNotEmpty() @MaxLength(BODY_MAX) body?: string;

  @ApiPropertyOptional({ type: RelatedRecordBody })
  @Omittable()
  @ValidateNested()
  @Type(() => RelatedRecordBody)
  related?: RelatedRecordBody;
}

export class ListNotesQuery extends CrmListQuery {
  @ApiPropertyOptional({ enum: RELATED_TYPES }) @IsOptional() @IsIn(RELATED_TYPES) relatedType?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') relatedId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The author’s user id.' }) @IsOptional() @IsUUID('all') authorId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdAtTo?: string;
}

export class NoteResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: RelatedRecordResponse }) related!: RelatedRecordResponse;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when an API key wrote it.' }) authorId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class NotePageResponse {
  @ApiProperty({ type: [NoteResponse] }) data!: NoteResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
