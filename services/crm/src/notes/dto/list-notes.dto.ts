import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { ListDto } from '../../common/list.dto.js';
import { RELATED_TYPES, type RelatedType } from '../../common/related-records.js';

export class ListNotesDto extends ListDto {
  @IsOptional()
  @IsIn(RELATED_TYPES)
  relatedType?: RelatedType;

  @IsOptional()
  @IsUUID('all')
  relatedId?: string;

  @IsOptional()
  @IsUUID('all')
  authorId?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtTo?: string;
}
