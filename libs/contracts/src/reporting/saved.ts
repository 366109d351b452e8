import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsNotEmpty, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { IsText, Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { BAD_QUERY, CustomReportQuery, CustomReportResult } from './custom.js';

export const SCHEDULE_FREQUENCIES = ['weekly', 'monthly'] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];

export const SCHEDULE_RECIPIENTS_MAX = 20;

export class RecordIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}

export const NOT_FOUND = { status: 404, description: 'No such record in the workspace (another workspace’s ids too).' } as const;

export class ReportScheduleBody {
  @ApiProperty({ enum: SCHEDULE_FREQUENCIES, description: 'weekly: Mondays, monthly: the 1st; at 07:00 UTC.' })
  @IsIn(SCHEDULE_FREQUENCIES)
  frequency!: ScheduleFrequency;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: SCHEDULE_RECIPIENTS_MAX,
    description: 'Users of the workspace who get the CSV by email.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCHEDULE_RECIPIENTS_MAX)
  @IsUUID('all', { each: true })
  recipientUserIds!: string[];
}

export class CreateSavedReportBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX }) @IsText(NAME_MAX) @IsNotEmpty() name!: string;
  @ApiProperty({ type: CustomReportQuery }) @IsDefined() @ValidateNested() @Type(() => CustomReportQuery) query!: CustomReportQuery;

  @ApiPropertyOptional({
    type: ReportScheduleBody,
    nullable: true,
    description: 'Emails the report’s CSV to the recipients on schedule; null or absent: not scheduled.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportScheduleBody)
  schedule?: ReportScheduleBody | null;
}

/** Absent fields stay; schedule null stops the deliveries. */
export class UpdateSavedReportBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX }) @Omittable() @IsText(NAME_MAX) @IsNotEmpty() name?: string;
  @ApiPropertyOptional({ type: CustomReportQuery }) @Omittable() @ValidateNested() @Type(() => CustomReportQuery) query?: CustomReportQuery;

  @ApiPropertyOptional({ type: ReportScheduleBody, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportScheduleBody)
  schedule?: ReportScheduleBody | null;
}

export class ReportSchedule {
  @ApiProperty({ enum: SCHEDULE_FREQUENCIES }) frequency!: ScheduleFrequency;
  @ApiProperty({ type: [String], format: 'uuid' }) recipientUserIds!: string[];
  @ApiProperty({ format: 'date-time' }) nextRunAt!: string;
}

export class SavedReport {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: CustomReportQuery }) query!: CustomReportQuery;
  @ApiProperty({ type: ReportSchedule, nullable: true }) schedule!: ReportSchedule | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null when an API key saved it.' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SavedReportList {
  @ApiProperty({ type: [SavedReport] }) data!: SavedReport[];
}

const BAD_SAVED_REPORT = {
  status: 422,
  description: `${BAD_QUERY.description.replace(/\.$/, '')}; a recipient who is not a user of the workspace (details name schedule.recipientUserIds.<n>).`,
} as const;

export const CreateSavedReport = defineOperation({
  pattern: 'reporting.saved.create',
  summary: 'Save a custom report',
  description:
    'Shared with the whole workspace; the query is checked as POST /reports/query checks it. A schedule emails its CSV weekly or monthly to the chosen users.',
  permission: 'reports:write',
  route: { method: 'POST', path: 'reports/saved', status: 201 },
  input: CreateSavedReportBody,
  output: SavedReport,
  errors: [BAD_SAVED_REPORT],
});

export const ListSavedReports = defineOperation({
  pattern: 'reporting.saved.list',
  summary: 'List saved reports',
  description: 'Every saved report of the workspace, by name.',
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/saved', status: 200 },
  output: SavedReportList,
  errors: [],
});

export const GetSavedReport = defineOperation({
  pattern: 'reporting.saved.get',
  summary: 'Read a saved report',
  description: 'Its query and schedule.',
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/saved/:id', status: 200 },
  params: RecordIdParams,
  output: SavedReport,
  errors: [NOT_FOUND],
});

export const RunSavedReport = defineOperation({
  pattern: 'reporting.saved.run',
  summary: 'Run a saved report',
  description: 'Its answer now, as POST /reports/query gives it (members: over their own records).',
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/saved/:id/results', status: 200 },
  params: RecordIdParams,
  output: CustomReportResult,
  errors: [
    NOT_FOUND,
    {
      status: 422,
      description:
        'It no longer runs: the custom object it reports on, or a field of it the query names, was removed since it was saved (details name the part, e.g. measures.0.field).',
    },
  ],
});

export const UpdateSavedReport = defineOperation({
  pattern: 'reporting.saved.update',
  summary: 'Change a saved report',
  description: 'Name, query or schedule (null stops it).',
  permission: 'reports:write',
  route: { method: 'PATCH', path: 'reports/saved/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateSavedReportBody,
  output: SavedReport,
  errors: [NOT_FOUND, BAD_SAVED_REPORT],
});

export const DeleteSavedReport = defineOperation({
  pattern: 'reporting.saved.delete',
  summary: 'Delete a saved report',
  description: 'Its schedule stops; dashboard widgets that pointed at it show no data.',
  permission: 'reports:write',
  route: { method: 'DELETE', path: 'reports/saved/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const SAVED_REPORT_OPERATIONS = [CreateSavedReport, ListSavedReports, GetSavedReport, RunSavedReport, UpdateSavedReport, DeleteSavedReport] as const;
