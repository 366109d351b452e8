import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { RelatedRecordDto } from '../../common/related-record.dto.js';
import { DESCRIPTION_MAX, TASK_PRIORITIES, TASK_STATUSES, TITLE_MAX, type TaskPriority, type TaskStatus } from './task-fields.js';

export class CreateTaskDto {
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 timestamp' })
  dueAt?: string | null;

  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority | null;

  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus | null;

  /** A user of the workspace; crm keeps no users, so any UUID is taken as one. */
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedRecordDto)
  related?: RelatedRecordDto | null;
}
