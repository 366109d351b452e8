import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Omittable } from '../fields.js';
import { defineOperation } from '../operation.js';
import { CreatedRangeListQuery, NOT_FOUND, QueryBoolean, QueryList, RecordIdParams, RELATED_TYPES, RelatedRecord, type RelatedType } from './common.js';

// Shape rules; the crm service checks that the related record exists and who may change the task.
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 100_000;
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
const NOT_BLANK = /\S/;

export class CreateTaskBody {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX, example: 'Call back about the renewal' })
  @IsString()
  @IsNotEmpty()
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DESCRIPTION_MAX }) @IsOptional() @IsString() @MaxLength(DESCRIPTION_MAX) description?:
    string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 timestamp' })
  dueAt?: string | null;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'normal' }) @IsOptional() @IsIn(TASK_PRIORITIES) priority?: TaskPriority | null;
  @ApiPropertyOptional({ enum: TASK_STATUSES, default: 'open' }) @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'An active user of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: RelatedRecord, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedRecord)
  related?: RelatedRecord | null;
}

/** Absent fields stay; null clears description, dueAt, assigneeId and related. */
export class UpdateTaskBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: TITLE_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DESCRIPTION_MAX }) @IsOptional() @IsString() @MaxLength(DESCRIPTION_MAX) description?:
    string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 timestamp' })
  dueAt?: string | null;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES }) @Omittable() @IsIn(TASK_PRIORITIES) priority?: TaskPriority;
  @ApiPropertyOptional({ enum: TASK_STATUSES, description: 'done sets completedAt; leaving done clears it.' })
  @Omittable()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'An active user of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: RelatedRecord, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedRecord)
  related?: RelatedRecord | null;
}

export class AssignTaskBody {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The new assignee, an active user of the workspace (else 422); null unassigns.' })
  @IsDefined({ message: 'assigneeId is required (null unassigns)' })
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsUUID('all')
  assigneeId!: string | null;
}

export class ListTasksQuery extends CreatedRangeListQuery {
  @ApiPropertyOptional({ type: [String], enum: TASK_STATUSES, description: 'Statuses, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(TASK_STATUSES.length * 4)
  @IsIn(TASK_STATUSES, { each: true })
  status?: TaskStatus[];

  @ApiPropertyOptional({ type: [String], enum: TASK_PRIORITIES, description: 'Priorities, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(TASK_PRIORITIES.length * 4)
  @IsIn(TASK_PRIORITIES, { each: true })
  priority?: TaskPriority[];

  @ApiPropertyOptional({ description: 'A user id, or `me` for the calling user.' })
  @IsOptional()
  @ValidateIf((_object: object, value: unknown) => value !== 'me')
  @IsUUID('all', { message: 'assigneeId must be a UUID or me' })
  assigneeId?: string;

  @ApiPropertyOptional({ enum: RELATED_TYPES }) @IsOptional() @IsIn(RELATED_TYPES) relatedType?: RelatedType;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') relatedId?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Due at or after.' }) @IsOptional() @IsISO8601({ strict: true }) dueAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Due at or before.' }) @IsOptional() @IsISO8601({ strict: true }) dueAtTo?: string;

  @ApiPropertyOptional({ description: 'true: due before now and still open or in progress; false: all others.' })
  @IsOptional()
  @QueryBoolean()
  overdue?: boolean;
}

export class Task {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority!: TaskPriority;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: RelatedRecord, nullable: true }) related!: RelatedRecord | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the status is done.' }) completedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when an API key created it.' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class TaskPage {
  @ApiProperty({ type: [Task] }) data!: Task[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const MEMBERS = 'Members change only tasks assigned to them or created by them.';

export const CreateTask = defineOperation({
  pattern: 'crm.tasks.create',
  summary: 'Create a task',
  description: 'With an assignee, the assignee is notified (task.assigned). 422 names the field; related must be a live record of the workspace.',
  permission: 'tasks:write',
  route: { method: 'POST', path: 'tasks', status: 201 },
  input: CreateTaskBody,
  output: Task,
  errors: [],
});

export const ListTasks = defineOperation({
  pattern: 'crm.tasks.list',
  summary: 'List tasks',
  description: 'Sort by createdAt (default -createdAt), updatedAt, dueAt (undated last) or priority (-priority: urgent first); q matches the title.',
  permission: 'tasks:read',
  route: { method: 'GET', path: 'tasks', status: 200 },
  input: ListTasksQuery,
  output: TaskPage,
  errors: [],
});

export const GetTask = defineOperation({
  pattern: 'crm.tasks.get',
  summary: 'Read a task',
  description: 'Live or deleted (deletedAt set).',
  permission: 'tasks:read',
  route: { method: 'GET', path: 'tasks/:id', status: 200 },
  params: RecordIdParams,
  output: Task,
  errors: [NOT_FOUND],
});

export const UpdateTask = defineOperation({
  pattern: 'crm.tasks.update',
  summary: 'Change a task',
  description: `Absent fields stay, null clears. 404 for a deleted task. ${MEMBERS}`,
  permission: 'tasks:write',
  route: { method: 'PATCH', path: 'tasks/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateTaskBody,
  output: Task,
  errors: [NOT_FOUND],
});

export const AssignTask = defineOperation({
  pattern: 'crm.tasks.assign',
  summary: 'Assign a task',
  description: `The new assignee is notified (task.assigned with the previous assignee). ${MEMBERS}`,
  permission: 'tasks:write',
  route: { method: 'POST', path: 'tasks/:id/assign', status: 200 },
  params: RecordIdParams,
  input: AssignTaskBody,
  output: Task,
  errors: [NOT_FOUND],
});

export const DeleteTask = defineOperation({
  pattern: 'crm.tasks.delete',
  summary: 'Delete a task',
  description: `Soft delete: restorable. ${MEMBERS}`,
  permission: 'tasks:write',
  route: { method: 'DELETE', path: 'tasks/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreTask = defineOperation({
  pattern: 'crm.tasks.restore',
  summary: 'Restore a deleted task',
  description: 'A live task is returned unchanged.',
  permission: 'tasks:write',
  route: { method: 'POST', path: 'tasks/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Task,
  errors: [NOT_FOUND],
});

export const TASK_OPERATIONS = [CreateTask, ListTasks, GetTask, UpdateTask, AssignTask, DeleteTask, RestoreTask] as const;
