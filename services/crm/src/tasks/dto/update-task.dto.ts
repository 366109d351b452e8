import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { RelatedRecordDto } from '../../common/related-record.dto.js';
import { DESCRIPTION_MAX, TASK_PRIORITIES, TASK_STATUSES, TITLE_MAX, type TaskPriority, type TaskStatus } from './task-fields.js';
import { TaskIdDto } from './task-id.dto.js';

/** Optional, but not null: absent leaves the value unchanged, and null is not a value of the field. */
const Omittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** PATCH: absent = unchanged; null clears description, dueAt, assigneeId and related. */
export class UpdateTaskDto extends TaskIdDto {
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  title?: string;

  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 timestamp' })
  dueAt?: string | null;

  @Omittable()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @Omittable()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedRecordDto)
  related?: RelatedRecordDto | null;
}
