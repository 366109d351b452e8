import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { IsText, Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { ReportTable } from './custom.js';
import { ReportFreshness } from './reports.js';
import { NOT_FOUND, RecordIdParams } from './saved.js';

export const DASHBOARD_WIDGETS_MAX = 20;

export const WIDGET_KINDS = ['metric', 'table', 'saved_report'] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

export class DashboardWidgetBody {
  @ApiProperty({ format: 'uuid', description: 'A saved report of the workspace.' }) @IsUUID('all') savedReportId!: string;
  @ApiPropertyOptional({ maxLength: NAME_MAX, description: 'Defaults to the saved report’s name.' })
  @IsOptional()
  @IsText(NAME_MAX)
  @IsNotEmpty()
  title?: string;
}

export class CreateDashboardBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX }) @IsText(NAME_MAX) @IsNotEmpty() name!: string;

  @ApiProperty({ type: [DashboardWidgetBody], maxItems: DASHBOARD_WIDGETS_MAX })
  @IsArray()
  @ArrayMaxSize(DASHBOARD_WIDGETS_MAX)
  @ValidateNested({ each: true })
  @Type(() => DashboardWidgetBody)
  widgets!: DashboardWidgetBody[];
}

export class UpdateDashboardBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX }) @Omittable() @IsText(NAME_MAX) @IsNotEmpty() name?: string;

  @ApiPropertyOptional({ type: [DashboardWidgetBody], maxItems: DASHBOARD_WIDGETS_MAX, description: 'Replaces every widget.' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(DASHBOARD_WIDGETS_MAX)
  @ValidateNested({ each: true })
  @Type(() => DashboardWidgetBody)
  widgets?: DashboardWidgetBody[];
}

/** A widget with its figures now. */
export class DashboardWidget extends ReportFreshness {
  @ApiProperty({ example: 'open-pipeline', description: 'Stable within the dashboard.' }) key!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: WIDGET_KINDS, description: 'metric: one row; table: rows of groups; saved_report: a saved report’s answer.' }) kind!: WidgetKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The saved report a custom dashboard’s widget shows.' }) savedReportId!:
    string | null;
  @ApiProperty({ type: ReportTable, nullable: true, description: 'null when the saved report was deleted.' }) data!: ReportTable | null;
}

export class MyDashboard {
  @ApiProperty({ enum: ['workspace', 'team', 'own', 'summary'], description: 'owner and admin: workspace; manager: team; member: own; viewer: summary.' })
  scope!: string;
  @ApiProperty({ type: [DashboardWidget] }) widgets!: DashboardWidget[];
}

export class DashboardWidgetRef {
  @ApiProperty({ format: 'uuid' }) savedReportId!: string;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
}

export class Dashboard {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [DashboardWidgetRef] }) widgets!: DashboardWidgetRef[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class DashboardView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [DashboardWidget], description: 'The widgets with their figures (members: over their own records).' }) widgets!: DashboardWidget[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class DashboardList {
  @ApiProperty({ type: [Dashboard] }) data!: Dashboard[];
}

const UNKNOWN_REPORT = { status: 422, description: 'A widget names no saved report of the workspace (details name widgets.<n>.savedReportId).' } as const;

export const GetMyDashboard = defineOperation({
  pattern: 'reporting.dashboards.me',
  summary: 'The caller’s dashboard',
  description:
    'The widgets of the caller’s role, each with its data, asOf and lagMs: owner and admin the workspace’s figures; manager the team’s, per owner; member their own numbers only; viewer a read-only workspace summary.',
  permission: 'reports:read',
  route: { method: 'GET', path: 'dashboards/me', status: 200 },
  output: MyDashboard,
  errors: [],
});

export const CreateDashboard = defineOperation({
  pattern: 'reporting.dashboards.create',
  summary: 'Create a dashboard',
  description: 'A custom dashboard of the workspace whose widgets show saved reports.',
  permission: 'reports:write',
  route: { method: 'POST', path: 'dashboards', status: 201 },
  input: CreateDashboardBody,
  output: Dashboard,
  errors: [UNKNOWN_REPORT],
});

export const ListDashboards = defineOperation({
  pattern: 'reporting.dashboards.list',
  summary: 'List dashboards',
  description: 'The workspace’s custom dashboards, by name.',
  permission: 'reports:read',
  route: { method: 'GET', path: 'dashboards', status: 200 },
  output: DashboardList,
  errors: [],
});

export const GetDashboard = defineOperation({
  pattern: 'reporting.dashboards.get',
  summary: 'Read a dashboard with its figures',
  description: 'Each widget runs its saved report now (members: over their own records).',
  permission: 'reports:read',
  route: { method: 'GET', path: 'dashboards/:id', status: 200 },
  params: RecordIdParams,
  output: DashboardView,
  errors: [NOT_FOUND],
});

export const UpdateDashboard = defineOperation({
  pattern: 'reporting.dashboards.update',
  summary: 'Change a dashboard',
  description: 'Its name, or all its widgets.',
  permission: 'reports:write',
  route: { method: 'PATCH', path: 'dashboards/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateDashboardBody,
  output: Dashboard,
  errors: [NOT_FOUND, UNKNOWN_REPORT],
});

export const DeleteDashboard = defineOperation({
  pattern: 'reporting.dashboards.delete',
  summary: 'Delete a dashboard',
  description: 'For good; the saved reports stay.',
  permission: 'reports:write',
  route: { method: 'DELETE', path: 'dashboards/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const DASHBOARD_OPERATIONS = [GetMyDashboard, CreateDashboard, ListDashboards, GetDashboard, UpdateDashboard, DeleteDashboard] as const;
