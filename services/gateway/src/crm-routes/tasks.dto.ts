import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Omittable } from '../auth-routes/fields.js';
import { CrmListQuery, QueryBoolean, QueryList } from '@kinship/contracts/crm';

// Shape rules; the crm service checks that the related record exists and who may change the task.
const TITLE_MAX = 200;
const TEXT_MAX = 100_000;
export const RELATED_TYPES = ['contact', 'company', 'deal'] as const;
const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;

/** `/:id` of a task or note: any string, since an id that is not a UUID names nothing and gets the same 404 as an unknown one. */
export class RecordIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class RelatedRecordBody {
  @ApiProperty({ enum: RELATED_TYPES }) @IsIn(RELATED_TYPES) type!: string;
  @ApiProperty({ format: 'uuid', description: 'A live record of that type in the workspace (else 422 naming related.id).' }) @IsUUID('all') id!: string;
}

export class CreateTaskBody {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX, example: 'Call back about the renewal' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TITLE_MAX)
  title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) description?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 timestamp' })
  dueAt?: string | null;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'normal' }) @IsOptional() @IsIn(TASK_PRIORITIES) priority?: string;
  @ApiPropertyOptional({ enum: TASK_STATUSES, default: 'open' }) @IsOptional() @IsIn(TASK_STATUSES) status?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'An active user of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: RelatedRecordBody, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedRecordBody)
  related?: RelatedRecordBody | null;
}

/** Absent fields stay; null clears description, dueAt, assigneeId and related. */
export class UpdateTaskBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: TITLE_MAX }) @Omittable() @IsString() @IsNotEmpty() @MaxLength(TITLE_MAX) title?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) description?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 timestamp' })
  dueAt?: string | null;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES }) @Omittable() @IsIn(TASK_PRIORITIES) priority?: string;
  @ApiPropertyOptional({ enum: TASK_STATUSES, description: 'done sets completedAt; leaving done clears it.' }) @Omittable() @IsIn(TASK_STATUSES) status?: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'An active user of the workspace (else 422).' }) @IsOptional() @IsUUID('all') assigneeId?: string | null;

  @ApiPropertyOptional({ type: RelatedRecordBody, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RelatedRecordBody)
  related?: RelatedRecordBody | null;
}

export class AssignTaskBody {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The new assignee, an active user of the workspace (else 422); null unassigns.' })
  @IsDefined()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsUUID('all')
  assigneeId!: string | null;
}

export class ListTasksQuery extends CrmListQuery {
  @ApiPropertyOptional({ type: [String], enum: TASK_STATUSES, description: 'Statuses, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsIn(TASK_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ type: [String], enum: TASK_PRIORITIES, description: 'Priorities, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsIn(TASK_PRIORITIES, { each: true })
  priority?: string[];

  @ApiPropertyOptional({ description: 'A user id, or `me` for the calling user.' })
  @IsOptional()
  @ValidateIf((_object: object, value: unknown) => value !== 'me')
  @IsUUID('all', { message: 'assigneeId must be a UUID or me' })
  assigneeId?: string;

  @ApiPropertyOptional({ enum: RELATED_TYPES }) @IsOptional() @IsIn(RELATED_TYPES) relatedType?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') relatedId?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Due at or after.' }) @IsOptional() @IsISO8601({ strict: true }) dueAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Due at or before.' }) @IsOptional() @IsISO8601({ strict: true }) dueAtTo?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdAtTo?: string;

  @ApiPropertyOptional({ description: 'true: due before now and still open or in progress; false: all others.' })
  @IsOptional()
  @QueryBoolean()
  overdue?: boolean;
}

export class RelatedRecordResponse {
  @ApiProperty({ enum: RELATED_TYPES }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class TaskResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority!: string;
  @ApiProperty({ enum: TASK_STATUSES }) status!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: RelatedRecordResponse, nullable: true }) related!: RelatedRecordResponse | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while the status is done.' }) completedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when an API key created it.' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class TaskPageResponse {
  @ApiProperty({ type: [TaskResponse] }) data!: TaskResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
