import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CreatedRangeListDto } from '../../common/list.dto.js';
import { RELATED_TYPES, type RelatedType } from '../../common/related-records.js';

export class ListNotesDto extends CreatedRangeListDto {
  @IsOptional()
  @IsIn(RELATED_TYPES)
  relatedType?: RelatedType;

  @IsOptional()
  @IsUUID('all')
  relatedId?: string;

  @IsOptional()
  @IsUUID('all')
  authorId?: string;
}
