import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { RelatedRecordDto } from '../../common/related-record.dto.js';

export const BODY_MAX = 100_000;

export class CreateNoteDto {
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  body!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => RelatedRecordDto)
  related!: RelatedRecordDto;
}
