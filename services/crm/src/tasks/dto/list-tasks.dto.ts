import { IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { CreatedRangeListDto } from '../../common/list.dto.js';
import { RELATED_TYPES, type RelatedType } from '../../common/related-records.js';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from './task-fields.js';

export class ListTasksDto extends CreatedRangeListDto {
  @IsOptional()
  @IsArray()
  @IsIn(TASK_STATUSES, { each: true })
  status?: TaskStatus[];

  @IsOptional()
  @IsArray()
  @IsIn(TASK_PRIORITIES, { each: true })
  priority?: TaskPriority[];

  /** A user id, or `me` for the calling user. */
  @IsOptional()
  @ValidateIf((_object: object, value: unknown) => value !== 'me')
  @IsUUID('all', { message: 'assigneeId must be a UUID or me' })
  assigneeId?: string;

  @IsOptional()
  @IsIn(RELATED_TYPES)
  relatedType?: RelatedType;

  @IsOptional()
  @IsUUID('all')
  relatedId?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  dueAtFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  dueAtTo?: string;

  /** true: due before now and still open or in progress; false: the others. */
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
}
