import { IsIn, IsUUID } from 'class-validator';
import { RELATED_TYPES, type RelatedType } from './related-records.js';

/** `related: {type, id}` of a task or a note. */
export class RelatedRecordDto {
  @IsIn(RELATED_TYPES)
  type!: RelatedType;

  @IsUUID('all')
  id!: string;
}
