import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { RelatedRecordDto } from '../../common/related-record.dto.js';
import { BODY_MAX } from './create-note.dto.js';
import { NoteIdDto } from './note-id.dto.js';

/** Optional, but not null: a note always has a body and a related record. */
const Omittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class UpdateNoteDto extends NoteIdDto {
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  body?: string;

  @Omittable()
  @ValidateNested()
  @Type(() => RelatedRecordDto)
  related?: RelatedRecordDto;
}
